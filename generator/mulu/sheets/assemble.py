"""Row values -> record drafts for ``mulu import``.

``Assembler`` groups rows into records (by 编号, or an id made from the region and the
occupation), reports duplicates and contradictions with their row numbers, and fills
defaults and inferable fields.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mulu.core.kinds import CREDIT_CODE_KINDS, KIND_BY_NAME
from mulu.core.loading import get_path
from mulu.core.registry import Registry
from mulu.core.schemas import Field, SchemaTree
from mulu.sheets import columns as C
from mulu.sheets.columns import Table, normal_key
from mulu.sheets.normalise import PACKAGE, SHORTAGE, Lookups, short_hash
from mulu.sheets.rows import Note, Row

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
PACKAGE_NOTE = "培训包项目（原表标注 *）"
_ID_WORDS = {"bases": "base", "studios": "studio", "specs": "zx", "shortages": "jq", "qualifications": "zg",
             "demands": "xq", "trainers": "sz"}


# ---- 4. records -----------------------------------------------------------------------------

def set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``value`` at ``path`` inside nested dicts, creating them as needed."""
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


@dataclass
class Draft:
    """One record being assembled from one or more rows."""

    id: str
    values: dict[str, Any]
    items: list[dict[str, Any]]
    rows: list[int]
    item_rows: list[int]
    flags: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Options:
    """What the person running the import said besides the file."""

    region: str | None = None
    notice: str | None = None
    maintainers: tuple[str, ...] = ()
    id_prefix: str | None = None


def item_identity(kind: str, item: dict[str, Any]) -> Any:
    if kind == "programmes":
        return item.get("level")
    if kind in CREDIT_CODE_KINDS:
        return (item.get("occupation"), item.get("work_type"))
    if kind == "specs":
        return item.get("task")
    if kind in ("shortages", "trainers"):
        return (item.get("occupation"), item.get("work_type"))
    return id(item)


def describe_value(value: Any) -> str:
    if isinstance(value, list):
        return C.LIST_SEPARATOR.join(map(str, value))
    if isinstance(value, bool):
        return C.TRUE_TEXT if value else C.FALSE_TEXT
    return str(value)


def _same(a: Any, b: Any) -> bool:
    """Equal as a reader sees it: （） and (), full- and half-width, spaces do not count."""
    return a == b or (a is not None and b is not None and normal_key(describe_value(a)) == normal_key(describe_value(b)))


class Assembler:
    """Groups rows into records and fills in what the sheet leaves to defaults and inference."""

    def __init__(self, registry: Registry, table: Table, lookups: Lookups, options: Options,
                 defaults: dict[str, Any], header_of: dict[str, str]) -> None:
        self.registry, self.table, self.lookups, self.options = registry, table, lookups, options
        self.kind = table.kind
        self.defaults = defaults
        self.header_of = header_of
        self.drafts: dict[str, Draft] = {}
        self.folded: dict[str, str] = {}
        self.errors: list[Note] = []
        self.notes: list[Note] = []
        self._last: Draft | None = None
        self._failed: int | None = None
        self._index: dict[tuple[Any, ...], str] | None = None
        self._prefixes: dict[str | None, str] = {}

    # -- ids --------------------------------------------------------------------------------
    def _prefix(self, region: str | None) -> str:
        if self.options.id_prefix:
            return self.options.id_prefix
        if region not in self._prefixes:
            self._prefixes[region] = self._infer_prefix(region)
        return self._prefixes[region]

    def _infer_prefix(self, region: str | None) -> str:
        """The prefix most ids in the region's jurisdiction start with (hlj-, zb-), else the code."""
        if not region:
            return "import"
        jurisdiction = next((j for j in self.lookups.jurisdictions if self.lookups.reference.in_region(region, j)),
                            region[:2] + "0000")
        seen: Counter[str] = Counter()
        for kind in ("programmes", "bases", "studios", "specs", "notices"):
            for rec in self.registry.records.get(kind, {}).values():
                if "-" in rec.id and self.lookups.reference.in_region(rec.region, jurisdiction):
                    seen[rec.id.split("-", 1)[0]] += 1
        return seen.most_common(1)[0][0] if seen else jurisdiction

    def make_id(self, values: dict[str, Any]) -> tuple[str | None, str]:
        """The record's id: written in the sheet, or made from what identifies it."""
        if values.get("id"):
            return str(values["id"]), ""
        if KIND_BY_NAME[self.kind].keyed_by_credit_code:
            return None, f"缺少“{self.table.id_header}”：{KIND_BY_NAME[self.kind].noun}以统一社会信用代码为编号，每行都要填写。"
        region = values.get("region") or self.defaults.get("region")
        known = self._existing_id(values, region)
        if known:
            return known, ""
        prefix = self._prefix(region)
        if self.kind == "programmes":
            if values.get("spec"):
                return str(values["spec"]), ""
            code = values.get("occupation.code")
            if not code:
                return None, "看不出是哪个职业：请填写“职业编码”，或在“名称”中写代码表中的职业名称。"
            work_type = values.get("occupation.work_type")
            made = f"{prefix}-{code}" + (f"-{short_hash(work_type)}" if work_type else "")
        elif self.kind in _ID_WORDS and values.get("name"):
            made = f"{prefix}-{_ID_WORDS[self.kind]}-{short_hash(values['name'], 8)}"
        else:
            return None, f"缺少“{self.table.id_header}”：请在表格中加上编号列（只能用英文字母、数字、短横线）。"
        if region and self.registry.get(self.kind, made) is not None:
            made = f"{made}-{region}"  # the same occupation listed for another region
        return made, ""

    def _keys(self, data: dict[str, Any], region: str | None) -> list[tuple[Any, ...]]:
        """What identifies a record of this kind besides its id (see ``_existing_id``)."""
        if self.kind == "programmes":
            occupation = data.get("occupation") if isinstance(data.get("occupation"), dict) else {}
            code = occupation.get("code") if occupation else data.get("occupation.code")
            work = occupation.get("work_type") if occupation else data.get("occupation.work_type")
            keys = [(region, "spec", data["spec"])] if data.get("spec") else []
            return keys + ([(region, "occ", code, normal_key(str(work or "")))] if code else [])
        return [(region, "name", normal_key(str(data["name"])))] if data.get("name") else []

    def _existing_id(self, values: dict[str, Any], region: str | None) -> str | None:
        """The id of an existing record the row describes (same region and occupation and
        work type, or same specification; same name for other kinds), so that a sheet
        without ids updates records instead of duplicating them."""
        if self._index is None:
            self._index = {}
            for rec in self.registry.records.get(self.kind, {}).values():
                for region_key in (rec.region, None):
                    for key in self._keys(rec.data, region_key):
                        self._index.setdefault(key, rec.id)
        return next((self._index[k] for k in self._keys(values, region) if k in self._index), None)

    # -- programme inference ----------------------------------------------------------------
    def _infer_programme(self, values: dict[str, Any]) -> str | None:
        """Occupation from the name (焊工（电焊工）), or the specification named; None when fine."""
        derived = values.pop("~occupation.code", None)
        if not values.get("occupation.code") and derived:
            values["occupation.code"] = derived["code"]
            if derived.get("work_type") and not values.get("occupation.work_type"):
                values["occupation.work_type"] = derived["work_type"]
        if values.get("occupation.code") or values.get("spec"):
            if values.get("occupation.code") and not values.get("occupation.work_type") and values.get("name"):
                found = self.lookups.find_occupation(values["name"])
                if found and found[0] == values["occupation.code"] and found[1]:
                    values["occupation.work_type"] = found[1]
            return None
        name = values.get("name")
        if not name:
            return None
        found = self.lookups.find_occupation(name)
        if found:
            values["occupation.code"] = found[0]
            if found[1]:
                values["occupation.work_type"] = found[1]
            return None
        spec = next((r.id for r in self.registry.records.get("specs", {}).values()
                     if normal_key(r.name) == normal_key(re.sub(r"[（(]专项职业能力[）)]$", "", name))), None)
        if spec:
            values["spec"] = spec
            return None
        return (f"“{name}”不在职业代码表中，也不是已有专项职业能力考核规范的名称：请填写“职业编码”，"
                "或先导入考核规范（mulu import specs）。")

    def _resolve_derived(self, values: dict[str, Any]) -> None:
        for col in self.table.record_columns():
            if not col.derived or col.key not in values:
                continue
            derived = values.pop(col.key)
            target = ".".join(col.source)
            if values.get(target) is None and derived is not None:
                values[target] = derived["code"] if isinstance(derived, dict) else derived

    # -- grouping ----------------------------------------------------------------------------
    def add(self, row: Row) -> None:
        """Put a row into its record, or report why it cannot be."""
        values = dict(row.values)
        if row.continuation and self._last is None and self._failed is not None:
            if not row.failed:
                self.errors.append(Note(row.number, f"这一行接续第 {self._failed} 行的记录，而第 {self._failed} 行未能导入，"
                                        "所以这一行也没有导入。"))
            return
        draft = None if row.failed else (self._last if row.continuation else self._draft_for(row, values))
        if draft is not None and self._merge(draft, values, row):
            self._last, self._failed = draft, None
        elif not row.continuation:
            # Rows continuing this one (blank record cells) must not join the record above.
            self._last, self._failed = None, row.number

    def _draft_for(self, row: Row, values: dict[str, Any]) -> Draft | None:
        """The record a row belongs to (created if new), or None with the reason reported."""
        if self.kind == "programmes":
            problem = self._infer_programme(values)
            if problem:
                self.errors.append(Note(row.number, problem))
                return None
        self._resolve_derived(values)
        record_id, problem = self.make_id(values)
        if record_id is None:
            self.errors.append(Note(row.number, problem))
            return None
        if not _ID.match(record_id):
            self.errors.append(Note(row.number, f"编号“{record_id}”只能用英文字母、数字、短横线、下划线和点，"
                                    "且以字母或数字开头。", self.table.id_header))
            return None
        folded = self.folded.get(record_id.casefold())
        if folded is not None and folded != record_id:
            self.errors.append(Note(row.number, f"编号“{record_id}”与第 {self.drafts[folded].rows[0]} 行的"
                                    f"“{folded}”只有大小写不同：每条记录的编号必须唯一。", self.table.id_header))
            return None
        draft = self.drafts.get(record_id)
        if draft is None:
            draft = Draft(record_id, {}, [], [], [])
            self.drafts[record_id] = draft
            self.folded[record_id.casefold()] = record_id
        elif not self._agrees(draft, values, row.number):
            return None
        return draft

    def _agrees(self, draft: Draft, values: dict[str, Any], number: int) -> bool:
        for key, value in values.items():
            old = draft.values.get(key)
            if old is not None and value is not None and not _same(old, value):
                header = self.header_of.get(key, key)
                self.errors.append(Note(number, f"与第 {draft.rows[0]} 行是同一条记录（编号 {draft.id}），但“{header}”不同："
                                        f"“{describe_value(old)}”与“{describe_value(value)}”。请核对后只保留一种。", header))
                return False
        return True

    def _merge(self, draft: Draft, values: dict[str, Any], row: Row) -> bool:
        new_items = []
        repeated: list[int] = []
        for item in row.items:
            identity = item_identity(self.kind, item)
            same = next((i for i, old in enumerate(draft.items) if item_identity(self.kind, old) == identity), None)
            if same is None:
                new_items.append(item)
                continue
            if draft.items[same] == item:
                repeated.append(draft.item_rows[same])
                continue
            what = f"等级“{identity}”" if self.kind == "programmes" and identity else "同一项"
            self.errors.append(Note(row.number, f"{what}在第 {draft.item_rows[same]} 行已出现，数值却不同：请核对后只保留一行。"))
            return False
        if draft.rows and not new_items and all(_same(draft.values.get(k), v) for k, v in values.items()):
            self.errors.append(Note(row.number, f"与第 {(repeated or draft.rows)[0]} 行重复，已跳过。"))
            return False
        for key, value in values.items():
            draft.values.setdefault(key, value)
        for item in new_items:
            draft.items.append(item)
            draft.item_rows.append(row.number)
        draft.rows.append(row.number)
        draft.flags |= row.flags
        return True

    # -- finishing -------------------------------------------------------------------------
    def build(self, draft: Draft, existing: dict[str, Any] | None) -> dict[str, Any]:
        """The record a draft becomes: the existing record (if any) with the sheet's values
        laid over it, then defaults and inferred values where fields are still missing."""
        data = copy.deepcopy(existing) if existing else {}
        data["id"] = draft.id
        for col in self.table.record_columns():
            if col.derived:
                continue
            # The sheet decides the fields it has a column for (a blank cell removes the
            # field); fields it says nothing about keep their current value.
            if col.key in draft.values or col.key in self.header_of:
                _clear_path(data, col.path)
            if draft.values.get(col.key) is not None:
                set_path(data, col.path, draft.values[col.key])
        if self.table.items and any(c.key in self.header_of for c in self.table.item_columns()):
            data[self.table.items] = self._items(draft, (existing or {}).get(self.table.items) or [])
        self._fill(data, draft)
        return data

    def _items(self, draft: Draft, old_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items = []
        for item in draft.items:
            identity = item_identity(self.kind, item)
            old = next((o for o in old_items if isinstance(o, dict) and item_identity(self.kind, o) == identity), {})
            merged = {**old, **item}
            items.append(merged)
        return items

    def _fill(self, data: dict[str, Any], draft: Draft) -> None:
        for col in self.table.record_columns():
            if not col.derived and col.key in self.defaults and get_path(data, col.path) is None:
                set_path(data, col.path, copy.deepcopy(self.defaults[col.key]))
        for item in data.get(self.table.items) or [] if self.table.items else []:
            for col in self.table.item_columns():
                if col.key in self.defaults and col.path[1] not in item:
                    item[col.path[1]] = copy.deepcopy(self.defaults[col.key])
        if self.table.by_path(("status",)) is not None:
            data.setdefault("status", "在册")
        if self.options.maintainers and not data.get("maintainers"):
            data["maintainers"] = list(self.options.maintainers)
        if self.kind == "programmes":
            self._fill_programme(data, draft)
        if self.kind == "specs" and "effective" not in data and isinstance(data.get("listed"), dict):
            data["effective"] = data["listed"].get("date")

    def _fill_programme(self, data: dict[str, Any], draft: Draft) -> None:
        occupation = data.get("occupation")
        if isinstance(occupation, dict) and occupation.get("code"):
            occ = self.lookups.reference.occupations.get(occupation["code"])
            if occ and "edition" not in occupation:
                occupation["edition"] = occ.edition
            if "name" not in data and occ:
                work = occupation.get("work_type")
                data["name"] = f"{occ.name}（{work}）" if work and work != occ.name and occ.name not in work else \
                    (work or occ.name)
        if data.get("spec") and "category" not in data:
            data["category"] = "专项职业能力培训"
        certificate = ("专项职业能力证书" if data.get("spec") else
                       "创业培训合格证书" if data.get("category") == "创业培训" else "职业技能等级证书")
        for item in data.get("levels") or []:
            item.setdefault("certificate", certificate)
        if SHORTAGE in draft.flags and "shortage" not in draft.values:
            data["shortage"] = True
        if PACKAGE in draft.flags and PACKAGE_NOTE not in str(data.get("notes", "")):
            data["notes"] = f"{data['notes']}；{PACKAGE_NOTE}" if data.get("notes") else PACKAGE_NOTE
        if "effective" not in data and isinstance(data.get("listed"), dict) and data["listed"].get("date"):
            data["effective"] = data["listed"]["date"]


def _clear_path(data: dict[str, Any], path: tuple[str, ...]) -> None:
    parent = get_path(data, path[:-1]) if len(path) > 1 else data
    if isinstance(parent, dict):
        parent.pop(path[-1], None)
        if len(path) > 1 and not parent:
            _clear_path(data, path[:-1])


def order_like_schema(data: Any, tree: SchemaTree, field: Field | None = None) -> Any:
    """``data`` with keys in schema order at every level (the canonical order)."""
    field = tree.root if field is None else field
    if isinstance(data, list):
        items = tree.items(field)
        return [order_like_schema(v, tree, items) if items else v for v in data]
    if not isinstance(data, dict):
        return data
    props = field.properties()
    keys = [k for k in props if k in data] + [k for k in data if k not in props]
    out = {}
    for k in keys:
        child = tree.child(field, k)
        out[k] = order_like_schema(data[k], tree, child) if child else data[k]
    return out
