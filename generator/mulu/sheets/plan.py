"""Department spreadsheets -> record files (``mulu import``).

The steps, each a function of its own:

1. ``read_grid``: the sheet's cells, with merged ranges filled from their top-left cell
   (a category merged over ten rows belongs to all ten).
2. ``find_layout``: which row holds the headers and what each column means — a column of
   ``columns.py``, or one level's group in a wide sheet (五级课时 | 五级补贴 | 四级课时 …,
   also written as two header rows), or nothing.
3. ``RowReader``: every data row normalised with cerberus (``normalise.py``), markers
   understood (—— no such level, / not subsidised, * training package, ▲ shortage), wide
   level groups unpivoted into one item per level.
4. ``Assembler``: rows grouped into records (by 编号, or an id made from the region and the
   occupation), duplicates and contradictions reported with their row numbers, defaults
   and inferable fields filled, every record checked with the registry's own validation.
5. ``plan_import`` compares with the files already there: new, changed (written only with
   ``update=True``), unchanged. ``write_plan`` writes; ``validate_written`` checks the result.

Nothing existing is overwritten unless asked, and every row that is not imported is
reported with its row number and the reason, in Chinese.

The reading steps live in ``import_sheet.py`` (1, 2), ``import_rows.py`` (3) and
``import_assemble.py`` (4); this module plans, writes and reports (5).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mulu.authoring.formatting import format_record
from mulu.core.kinds import KIND_BY_NAME
from mulu.core.loading import Document, get_path
from mulu.core.problems import Problem
from mulu.core.registry import Registry
from mulu.core.rules import Context
from mulu.core.schemas import SchemaTree, load_tree_for
from mulu.core.shortages import shortage_entries
from mulu.core.validation import record_problems
from mulu.core.vocabularies import allowed_values
from mulu.errors import MuluError
from mulu.history.editions import Edition, edition_of
from mulu.sheets import columns as C
from mulu.sheets.assemble import (
    Assembler,
    Draft,
    Options,
    describe_value,
    item_identity,
    order_like_schema,
)
from mulu.sheets.columns import Column, Table, normal_key
from mulu.sheets.normalise import Lookups, RowNormaliser
from mulu.sheets.read import (
    Grid,
    Layout,
    Mapping,
    column_letter,
    find_layout,
    read_grid,
)
from mulu.sheets.rows import Note, RowReader

# ---- 5. plan, write, check --------------------------------------------------------------------

@dataclass
class PlannedRecord:
    """A record the import creates or changes."""

    id: str
    file: str
    name: str
    rows: list[int]
    data: dict[str, Any]
    differences: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """What an import would do, and everything it has to say about the sheet."""

    kind: str
    grid: Grid
    layout: Layout
    created: list[PlannedRecord] = field(default_factory=list)
    changed: list[PlannedRecord] = field(default_factory=list)
    unchanged: list[PlannedRecord] = field(default_factory=list)
    errors: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    data_rows: int = 0

    def to_write(self, update: bool) -> list[PlannedRecord]:
        return self.created + (self.changed if update else [])


def _lookups(registry: Registry, kind: str) -> Lookups:
    from mulu.sheets.tables import schema_node

    enums = {}
    for col in C.TABLES[kind].columns:
        if col.type in (C.ENUM, C.LEVEL):
            enums[col.path] = allowed_values(schema_node(registry, kind, col.path), registry.reference.vocabularies)
    jurisdictions = registry.config.jurisdictions
    return Lookups(registry.reference, jurisdictions, enums)


def _defaults(registry: Registry, table: Table, lookups: Lookups, mapping: Mapping,
              options: Options) -> dict[str, Any]:
    """Defaults by column key, normalised like cells; command-line options win."""
    index = C.header_index(table)
    raw: dict[str, Any] = {}
    for header, value in mapping.defaults.items():
        col = index.get(normal_key(header))
        if col is None or col.derived:
            raise MuluError(f"映射文件 defaults 中的“{header}”不是{KIND_BY_NAME[table.kind].title}的列名；"
                                f"可用的列名：{'、'.join(c.header for c in C.stored_columns(table))}。")
        raw[col.key] = (col, value)
    if options.region:
        col = table.by_path(("region",))
        raw["region"] = (col, options.region)
    if options.notice:
        notice = registry.get("notices", options.notice)
        if notice is None:
            raise MuluError(f"找不到调整公告“{options.notice}”（registry/notices/{options.notice}.yml）："
                                "请先添加公告记录，或核对 --notice 的编号。")
        if table.by_path(("listed", "notice")):
            raw.setdefault("listed.notice", (table.by_path(("listed", "notice")), options.notice))
            raw.setdefault("listed.date", (table.by_path(("listed", "date")), notice.data.get("date")))
        if table.by_path(("effective",)):
            raw.setdefault("effective", (table.by_path(("effective",)),
                                         notice.data.get("effective") or notice.data.get("date")))
    if options.maintainers:
        raw["maintainers"] = (table.by_path(("maintainers",)), list(options.maintainers))
    out = {}
    normaliser = RowNormaliser([(key, col) for key, (col, _) in raw.items()], lookups)
    values, problems = normaliser.normalise({key: "、".join(map(str, v)) if isinstance(v, list) else v
                                             for key, (_, v) in raw.items()})
    if problems:
        raise MuluError("默认值有误：" + "；".join(f"“{raw[k][0].header}”：{m}" for k, m in problems.items()))
    out.update({k: v for k, v in values.items() if v is not None})
    return out


def _path_of(field_name: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field_name):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _problem_note(table: Table, draft: Draft, problem: Problem) -> Note:
    path = _path_of(problem.field)
    row = draft.rows[0]
    if table.items and len(path) > 1 and path[0] == table.items and isinstance(path[1], int) \
            and path[1] < len(draft.item_rows):
        row = draft.item_rows[path[1]]
    names = tuple(p for p in path if isinstance(p, str))
    item = bool(table.items) and bool(names) and names[0] == table.items
    col = table.by_path(names, item=item)
    if problem.rule == "schema.required":
        wanted = [c.header for c in C.stored_columns(table) if c.path[:len(names)] == names]
        shown = "”和“".join(wanted[:3]) or str(names[-1])
        option = next((o for prefix, o in _OPTIONS.items() if names[:1] == prefix), "")
        hint = f"，或用 {option} 指定" if option else ""
        return Note(row, f"缺少“{shown}”：请在表格中填写，或在映射文件的 defaults 中给出{hint}。")
    return Note(row, problem.message, col.header if col else "")


_OPTIONS = {("region",): "--region", ("listed",): "--notice", ("effective",): "--notice",
            ("maintainers",): "--maintainer"}


def _context(registry: Registry, new_ids: Iterable[str], kind: str) -> Context:
    ids = {k: set(v) for k, v in registry.records.items()}
    ids.setdefault(kind, set()).update(new_ids)
    dates = {r.id: str(r.data["date"]) for r in registry.records.get("notices", {}).values() if r.data.get("date")}
    editions = {r.id: r.data["edition"] for r in registry.records.get("notices", {}).values()
                if isinstance(r.data.get("edition"), dict)}
    shortages = shortage_entries((r.id, r.data) for r in registry.records.get("shortages", {}).values())
    return Context(registry.reference, ids, dates, editions, tuple(registry.config.jurisdictions), shortages=shortages,
                   sections=registry.config.programme_sections)


def _fields(table: Table, data: dict[str, Any], lookups: Lookups, item: bool) -> dict[str, str]:
    from mulu.sheets.tables import cell_value

    out = {}
    for col in C.stored_columns(table):
        if col.item != item:
            continue
        column = Column(col.header, col.path[1:], col.type) if item else col
        value = cell_value(column, data, lookups.reference)
        if value is not None:
            out[col.header] = describe_value(value)
    return out


def _item_tag(kind: str, item: dict[str, Any], lookups: Lookups) -> str:
    identity = item_identity(kind, item)
    if isinstance(identity, tuple):
        occ = lookups.reference.occupations.get(str(identity[0]))
        return "".join(filter(None, [occ.name if occ else str(identity[0]), f"（{identity[1]}）" if identity[1] else ""]))
    return str(identity) if identity is not None else "—"


def _differences(table: Table, old: dict[str, Any], new: dict[str, Any], lookups: Lookups) -> list[str]:
    """What an update would change, one line per field (per item: added, removed, changed)."""
    out = []
    a, b = _fields(table, old, lookups, False), _fields(table, new, lookups, False)
    for key in dict.fromkeys([*a, *b]):
        if a.get(key) != b.get(key):
            out.append(f"{key}：{a.get(key, '（空）')} -> {b.get(key, '（删除）')}")
    if table.items:
        old_items = {_item_tag(table.kind, i, lookups): i for i in old.get(table.items) or [] if isinstance(i, dict)}
        new_items = {_item_tag(table.kind, i, lookups): i for i in new.get(table.items) or [] if isinstance(i, dict)}
        for tag in dict.fromkeys([*old_items, *new_items]):
            if tag not in new_items:
                out.append(f"删除［{tag}］")
            elif tag not in old_items:
                shown = "，".join(f"{k} {v}" for k, v in _fields(table, new_items[tag], lookups, True).items())
                out.append(f"新增［{tag}］：{shown}")
            else:
                x, y = (_fields(table, old_items[tag], lookups, True), _fields(table, new_items[tag], lookups, True))
                out += [f"{k}［{tag}］：{x.get(k, '（空）')} -> {y.get(k, '（删除）')}"
                        for k in dict.fromkeys([*x, *y]) if x.get(k) != y.get(k)]
    return out or ["字段顺序或写法不同，内容相同"]


Prepare = Callable[[dict[str, Any], dict[str, Any] | None], dict[str, Any]]


def plan_import(registry: Registry, kind: str, path: Path, mapping: Mapping, options: Options,
                prepare: Prepare | None = None) -> Plan:
    """Read ``path`` and work out, without writing anything, what importing it would do.
    ``prepare(data, existing)`` may adjust each record before it is checked (an edition sets its fields)."""
    if kind not in C.TABLES:
        raise MuluError(f"没有“{kind}”这类目录。可选：{'、'.join(C.TABLES)}。")
    table = C.TABLES[kind]
    lookups = _lookups(registry, kind)
    defaults = _defaults(registry, table, lookups, mapping, options)
    grid = read_grid(path, mapping.sheet)
    layout = find_layout(grid, table, lookups, mapping)
    plan = Plan(kind, grid, layout)
    reader = RowReader(table, layout, lookups)
    # The stored fields the sheet has a column for (a name column stands for its code).
    header_of: dict[str, str] = {}
    for slot in layout.used():
        col = slot.column
        assert col is not None
        key = ".".join(col.source) if col.derived and not col.item else col.key
        header_of.setdefault(key, col.header)
    assembler = Assembler(registry, table, lookups, options, defaults, header_of)
    for row in reader.rows(grid):
        plan.data_rows += 1
        assembler.add(row)
    plan.errors += reader.errors + assembler.errors
    plan.notes += reader.notes
    if reader.skipped_levels:
        plan.notes.append(Note(None, f"标为“——”（无此等级）或整组空白的 {reader.skipped_levels} 个等级已跳过。"))
    _classify(plan, registry, table, assembler, lookups, prepare)
    plan.errors.sort(key=lambda n: (n.row or 0, n.header))
    return plan


def _classify(plan: Plan, registry: Registry, table: Table, assembler: Assembler, lookups: Lookups,
              prepare: Prepare | None = None) -> None:
    schema = registry.schema_for(table.kind)
    ctx = _context(registry, assembler.drafts, table.kind)
    folded = {r.id.casefold(): r for r in registry.records.get(table.kind, {}).values()}
    for draft in assembler.drafts.values():
        existing_record = registry.get(table.kind, draft.id)
        clash = folded.get(draft.id.casefold())
        if clash is not None and clash.id != draft.id:
            plan.errors.append(Note(draft.rows[0], f"编号“{draft.id}”与已有的 {clash.file} 只有大小写不同：请使用已有编号。",
                                    table.id_header))
            continue
        existing = existing_record.data if existing_record else None
        data = order_like_schema(assembler.build(draft, existing), schema.tree)
        if prepare is not None:
            data = order_like_schema(prepare(data, existing), schema.tree)
        file = f"registry/{table.kind}/{draft.id}.yml"
        found = record_problems(table.kind, Document(file, data, {}), schema, ctx)
        # Warnings (e.g. subsidy sanity) are shown, not refused: the row is still imported.
        plan.notes += [_problem_note(table, draft, p) for p in found if p.severity == "warning"]
        problems = [p for p in found if p.severity != "warning"]
        if problems:
            notes = [_problem_note(table, draft, problem) for problem in problems]
            plan.errors += notes
            rest = sorted(set(draft.rows) - {n.row for n in notes})
            plan.errors += [Note(row, f"与第 {notes[0].row} 行同属一条记录（编号 {draft.id}），那一行有问题，所以这一行也没有导入。")
                            for row in rest]
            continue
        change = PlannedRecord(draft.id, file, str(data.get("name", draft.id)), draft.rows, data)
        if existing is None:
            plan.created.append(change)
        elif existing == data:
            plan.unchanged.append(change)
        else:
            change.differences = _differences(table, existing, data, lookups)
            plan.changed.append(change)


class _RecordDumper(yaml.SafeDumper):
    """The registry's house style: block mappings, lists of plain values on one line."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(not isinstance(x, (dict, list)) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_RecordDumper.add_representer(list, _represent_list)


def record_yaml(tree: SchemaTree, kind: str, data: dict[str, Any]) -> str:
    """A record file's text in the canonical form of ``mulu fmt`` (schema line first, codes quoted)."""
    schema_name = KIND_BY_NAME[kind].schema
    text = f"# yaml-language-server: $schema=../../schemas/{schema_name}\n" + \
        yaml.dump(data, Dumper=_RecordDumper, allow_unicode=True, sort_keys=False, width=1000,
                  default_flow_style=False)
    formatted = format_record(text, f"registry/{kind}/{data['id']}.yml", tree)
    # format_record re-reads its result and refuses anything that would read back differently.
    return formatted.text if formatted.text is not None else text


def write_plan(root: Path, plan: Plan, update: bool) -> list[str]:
    """Write the new (and, with ``update``, the changed) records; returns the files written."""
    written = []
    tree = load_tree_for(root / "schemas", KIND_BY_NAME[plan.kind].schema)  # once, not per record
    for change in plan.to_write(update):
        path = root / change.file
        path.parent.mkdir(parents=True, exist_ok=True)
        text = record_yaml(tree, plan.kind, change.data)
        if change in plan.created:
            try:
                with path.open("x", encoding="utf-8", newline="\n") as out:  # never overwrite a new file's namesake
                    out.write(text)
            except FileExistsError:
                continue
        else:
            path.write_text(text, encoding="utf-8", newline="\n")
        written.append(change.file)
    return written


def validate_written(root: Path, files: list[str]) -> list[Problem]:
    """Validate the project again and keep the problems in the files just written."""
    from mulu.project import check_project

    wanted = set(files)
    return [p for p in check_project(root) if p.file in wanted]


# ---- 5b. a whole edition (mulu import KIND FILE --edition NOTICE) ----------------------------------

@dataclass
class EditionPlan:
    """What importing a whole edition would do: the four groups, and why it cannot (errors)."""

    plan: Plan
    edition: Edition
    updated: list[PlannedRecord] = field(default_factory=list)
    added: list[PlannedRecord] = field(default_factory=list)
    withdrawn: list[PlannedRecord] = field(default_factory=list)        # left out of the sheet
    untouched: list[PlannedRecord] = field(default_factory=list)        # in the sheet, but already 已移出
    unchanged: list[PlannedRecord] = field(default_factory=list)
    errors: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def to_write(self) -> list[PlannedRecord]:
        return self.updated + self.added + self.withdrawn


# What an edition never changes about a record already in the catalogue: its listing and status.
_KEPT_BY_EDITION = ("listed", "status", "status_change")


def edition_for_import(registry: Registry, kind: str, notice_id: str) -> Edition:
    """The edition ``notice_id`` publishes for ``kind``; :class:`MuluError` in Chinese when it
    does not exist, declares no edition, is for another kind, or breaks an edition rule."""
    notice = registry.get("notices", notice_id)
    if notice is None:
        raise MuluError(f"找不到调整公告“{notice_id}”（registry/notices/{notice_id}.yml）：请先添加发布本版目录的公告，"
                        "或核对 --edition 的编号。没有写入任何文件。")
    edition = edition_of(notice_id, notice.data)
    if edition is None:
        raise MuluError(f"公告“{notice_id}”没有写明发布的目录版本：请在 {notice.file} 中加上 edition"
                        "（kind、region、name、effective，需要时加 replaces）。没有写入任何文件。")
    if edition.kind not in KIND_BY_NAME:
        raise MuluError(f"公告“{notice_id}”的 edition.kind 写的是“{edition.kind}”，不是已知的目录类别："
                        f"请改为 {kind}（{KIND_BY_NAME[kind].title}）。没有写入任何文件。")
    if edition.kind != kind:
        raise MuluError(f"公告“{notice_id}”发布的是“{edition.kind}”的版本，不是“{kind}”：请核对目录类别或公告编号。"
                        "没有写入任何文件。")
    ctx = _context(registry, [], kind)
    schema = registry.schema_for("notices")
    problems = [p for p in record_problems("notices", Document(notice.file, notice.data, {}), schema, ctx)
                if p.severity == "error"]
    if problems:
        raise MuluError(f"公告“{notice_id}”有问题，不能据此导入整版目录（没有写入任何文件）：\n"
                        + "\n".join(f"  {notice.file} [{p.field}] {p.message}" for p in problems))
    return edition


def plan_edition(registry: Registry, kind: str, path: Path, mapping: Mapping, options: Options,
                 edition: Edition) -> EditionPlan:
    """The whole-catalogue import: rows matching records update them, new rows add records,
    records of the edition's scope missing from the sheet are withdrawn under the edition's
    notice (reason 未列入<版本>), effective dates come from the edition, and withdrawn records
    are never edited. Nothing is written here."""
    options = Options(options.region or edition.region, options.notice or edition.notice, options.maintainers,
                      options.id_prefix)

    def prepare(data: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
        if existing is not None and existing.get("status") == "已移出":
            return copy.deepcopy(existing)     # never edited: reported in the fourth group
        region = data.get("region")
        if not isinstance(region, str) or not registry.reference.in_region(region, edition.region):
            return data                        # another jurisdiction: reported once, below
        data = copy.deepcopy(data)
        if existing is not None:
            for key in _KEPT_BY_EDITION:
                data.pop(key, None)
                if key in existing:
                    data[key] = copy.deepcopy(existing[key])
        else:
            data["listed"] = {"date": edition.effective, "notice": edition.notice}
            data["status"] = "在册"
        data["effective"] = edition.effective
        data["edition"] = edition.notice
        data.pop("edition_note", None)     # in the new edition, no longer carried over from an older one
        return data

    plan = plan_import(registry, kind, path, mapping, options, prepare)
    result = EditionPlan(plan, edition, errors=list(plan.errors), notes=list(plan.notes))
    table = C.TABLES[kind]
    schema = registry.schema_for(kind)
    in_sheet: set[str] = set()
    for planned in plan.created + plan.changed + plan.unchanged:
        in_sheet.add(planned.id)
        existing = registry.get(kind, planned.id)
        region = planned.data.get("region")
        if not isinstance(region, str) or not registry.reference.in_region(region, edition.region):
            result.errors.append(Note(planned.rows[0] if planned.rows else None,
                                      f"地区 {region}（{registry.reference.region_name(str(region))}）不在本版目录的辖区 "
                                      f"{edition.region}（{registry.reference.region_name(edition.region)}）内："
                                      "请确认表格是这个辖区的目录，或核对 --edition 的公告。", table.id_header))
        elif existing is not None and existing.status == "已移出":
            result.untouched.append(PlannedRecord(planned.id, existing.file, existing.name, planned.rows, existing.data))
        elif planned in plan.created:
            result.added.append(planned)
        elif planned in plan.changed:
            result.updated.append(planned)
        else:
            result.unchanged.append(planned)
    ctx = _context(registry, [c.id for c in result.added], kind)
    for record in registry.records.get(kind, {}).values():
        if record.id in in_sheet or record.status == "已移出" \
                or not registry.reference.in_region(record.region, edition.region):
            continue
        listed = get_path(record.data, ("listed", "date"))
        if isinstance(listed, str) and listed > edition.effective:
            result.notes.append(Note(None, f"{record.file}（{record.name}）{listed} 才列入目录，晚于本版生效日期 "
                                           f"{edition.effective}，表格中没有它也不移出。"))
            continue
        data = copy.deepcopy(record.data)
        data["status"] = "已移出"
        data["status_change"] = {"date": edition.effective, "notice": edition.notice,
                                 "reason": edition.left_out_reason}
        change = PlannedRecord(record.id, record.file, record.name, [], order_like_schema(data, schema.tree))
        result.withdrawn.append(change)
        for problem in record_problems(kind, Document(change.file, change.data, {}), schema, ctx):
            if problem.severity == "error":
                result.errors.append(Note(None, f"{change.file}（将移出）：{problem.message}", problem.field))
    return result


def write_edition(root: Path, plan: EditionPlan) -> list[str]:
    """Write every record of the edition in the canonical form, all or nothing: texts are
    made first, so a record that cannot be written stops the import before any file changes."""
    if plan.errors:
        return []
    tree = load_tree_for(root / "schemas", KIND_BY_NAME[plan.plan.kind].schema)
    texts = [(root / change.file, record_yaml(tree, plan.plan.kind, change.data)) for change in plan.to_write()]
    for path, text in texts:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return [change.file for change in plan.to_write()]


def edition_report(result: EditionPlan, written: bool) -> list[str]:
    """The edition import's report: the four groups with counts and rows, in Chinese."""
    plan, edition = result.plan, result.edition
    grid, layout = plan.grid, plan.layout
    lines = [f"整版导入：{edition.name}（公告 {edition.notice}，{edition.kind}，辖区 {edition.region}，"
             f"{edition.effective} 起执行）",
             f"读取 {grid.file}{f' 工作表“{grid.sheet}”' if grid.sheet else ''}：表头在第 {layout.header_row} 行，"
             f"数据 {plan.data_rows} 行。"]
    for slot in layout.unknown:
        lines.append(f"  未识别的列“{slot.header}”（第 {column_letter(slot.index)} 列）已忽略。")
    verb = "已" if written else "将"
    lines.append(f"一、{verb}更新 {len(result.updated)} 条（表格中有、目录中已有）：")
    for c in result.updated:
        lines.append(f"  ~ {c.file}  {c.name}（{_rows(c.rows)}）")
        lines += [f"      {d}" for d in c.differences]
    lines.append(f"二、{verb}新增 {len(result.added)} 条（表格中有、目录中没有）：")
    lines += [f"  + {c.file}  {c.name}（{_rows(c.rows)}）" for c in result.added]
    lines.append(f"三、{verb}移出 {len(result.withdrawn)} 条（目录中有、表格中没有；依据 {edition.notice}，"
                 f"原因“{edition.left_out_reason}”）：")
    lines += [f"  - {c.file}  {c.name}" for c in result.withdrawn]
    lines.append(f"四、表格中有、但记录已移出的 {len(result.untouched)} 条（不作改动；如要重新列入，"
                 "请另发公告把状态改回“在册”，或在表格中删去这一行）：")
    lines += [f"  ! {c.file}  {c.name}（{_rows(c.rows)}）" for c in result.untouched]
    if result.unchanged:
        lines.append(f"已属本版、无需改动 {len(result.unchanged)} 条。")
    if result.errors:
        lines.append(f"有 {len(result.errors)} 个问题，整版导入不能进行（没有写入任何文件）：")
        lines += [f"  {text}" for text in _grouped(result.errors)]
    if result.notes:
        lines.append("提示：")
        lines += [f"  {n.text()}" for n in result.notes]
    return lines


# ---- report -------------------------------------------------------------------------------------

def _rows(rows: list[int]) -> str:
    if not rows:
        return ""
    first, last = min(rows), max(rows)
    return f"第 {first} 行" if first == last else f"第 {first}–{last} 行"


def _grouped(notes: list[Note]) -> list[str]:
    """One line per reason; the same reason on many rows is said once, with every row."""
    rows: dict[tuple[str, str], list[int | None]] = {}
    for note in notes:
        rows.setdefault((note.header, note.message), []).append(note.row)
    out = []
    for (header, message), numbers in rows.items():
        known = [n for n in numbers if n is not None]
        where = ("第 " + "、".join(map(str, known)) + " 行") if known else "表格"
        out.append(f"{where}{f' [{header}]' if header else ''}：{message}")
    return out


def report(plan: Plan, update: bool, dry_run: bool) -> list[str]:
    """The import's report, line by line, in Chinese."""
    grid, layout = plan.grid, plan.layout
    where = f" 工作表“{grid.sheet}”" if grid.sheet else ""
    lines = [f"读取 {grid.file}{where}：表头在第 {layout.header_row} 行，数据 {plan.data_rows} 行。"]
    if len(grid.sheets) > 1:
        lines.append(f"  （工作簿共有 {len(grid.sheets)} 个工作表：{'、'.join(grid.sheets)}；只读取了“{grid.sheet}”，"
                     "其他工作表请用 --sheet 指定后分别导入。）")
    if layout.wide():
        levels = list(dict.fromkeys(s.level for s in layout.slots if s.level))
        lines.append(f"  宽表：每个等级一组列（{'、'.join(levels)}），已按等级拆成多行。")
    for slot in layout.unknown:
        lines.append(f"  未识别的列“{slot.header}”（第 {column_letter(slot.index)} 列）已忽略；"
                     "如需导入，请在映射文件 columns 中写明它对应的标准列名。")
    for slot in layout.duplicates:
        lines.append(f"  列“{slot.header}”（第 {column_letter(slot.index)} 列）与前面的列重复，已忽略。")
    verb = "将" if dry_run else "已"
    if plan.created:
        lines.append(f"{verb}新建 {len(plan.created)} 条记录：")
        lines += [f"  + {c.file}  {c.name}（{_rows(c.rows)}）" for c in plan.created]
    if plan.changed:
        if update:
            lines.append(f"{verb}更新 {len(plan.changed)} 条已有记录：")
        else:
            lines.append(f"有 {len(plan.changed)} 条已有记录与表格不同，没有覆盖（确认要更新，请加 --update）：")
        for c in plan.changed:
            lines.append(f"  ~ {c.file}  {c.name}（{_rows(c.rows)}）")
            lines += [f"      {d}" for d in c.differences]
    if plan.unchanged:
        lines.append(f"与已有记录相同、无需改动 {len(plan.unchanged)} 条。")
    if plan.errors:
        rows = {n.row for n in plan.errors}
        lines.append(f"未能导入的行（{len(rows)} 行）：")
        lines += [f"  {text}" for text in _grouped(plan.errors)]
    if plan.notes:
        lines.append("提示：")
        lines += [f"  {n.text()}" for n in plan.notes]
    if dry_run:
        lines.append("（试运行：没有写入任何文件。去掉 --dry-run 即可写入。）")
    return lines
