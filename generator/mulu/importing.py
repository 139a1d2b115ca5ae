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
"""

from __future__ import annotations

import copy
import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

from . import columns as C
from . import creditcode
from .columns import Column, Table, normal_key
from .formatting import format_text
from .kinds import KIND_BY_NAME
from .loading import Document, load_file
from .normalise import NOT_SUBSIDISED, PACKAGE, SHORTAGE, Lookups, RowNormaliser, marker, short_hash, strip_flags
from .problems import Problem
from .registry import Registry
from .schema_tree import load_tree_for
from .rules import Context
from .validation import record_problems

MAX_HEADER_SCAN = 20
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
_SEVERAL = re.compile(r"[、,，;；\n]+")
_NOTE_ROW = re.compile(r"^\s*(注|备注|说明|合计|总计|小计|填表|制表|附注)")
PACKAGE_NOTE = "培训包项目（原表标注 *）"
# Programme cells whose ▲ / * marks are not about the programme (free text).
_FREE_TEXT = {("notes",), ("source",), ("status_change", "reason")}
_ID_WORDS = {"bases": "base", "studios": "studio", "specs": "zx"}


class ImportFailure(Exception):
    """The import cannot start (unreadable file, bad mapping, unknown option); Chinese message."""


# ---- 1. reading --------------------------------------------------------------------------

@dataclass(frozen=True)
class Grid:
    """The cells of one sheet: (row number as the user sees it, cell values)."""

    file: str
    sheet: str
    sheets: tuple[str, ...]
    rows: list[tuple[int, list[Any]]]


def _read_xlsx(path: Path, sheet: str | None) -> Grid:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as err:
        raise ImportFailure(f"无法打开 {path.name}：{err}。请确认它是 Excel 的 .xlsx 文件（可在 Excel 中“另存为 .xlsx”）。") from None
    names = tuple(wb.sheetnames)
    if sheet is not None and sheet not in names:
        raise ImportFailure(f"{path.name} 中没有名为“{sheet}”的工作表；有：{'、'.join(names)}。")
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    cells = [list(row) for row in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        value = cells[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(cells))):
            for c in range(merged.min_col - 1, merged.max_col):
                if c < len(cells[r]):
                    cells[r][c] = value
    return Grid(path.name, ws.title, names, [(i, row) for i, row in enumerate(cells, start=1)])


def _decode_csv(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailure(f"{name} 既不是 UTF-8 也不是 GBK 编码的文本：请在 Excel 中“另存为 CSV UTF-8”或 .xlsx。")


def _read_csv(path: Path) -> Grid:
    text = _decode_csv(path.read_bytes(), path.name)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[Any]]] = []
    try:
        line = 1
        for record in reader:
            rows.append((line, list(record)))
            line = reader.line_num + 1  # a quoted cell may span lines: number rows by where they start
    except csv.Error as err:
        raise ImportFailure(f"{path.name} 第 {reader.line_num} 行不是有效的 CSV：{err}。") from None
    return Grid(path.name, "", (), rows)


def read_grid(path: Path, sheet: str | None = None) -> Grid:
    """The cells of ``path`` (.xlsx or .csv); merged cells filled from their first cell."""
    if not path.is_file():
        raise ImportFailure(f"找不到文件 {path}。")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xls", ".et", ".wps"):
        raise ImportFailure(f"不支持 {suffix} 格式：请在 Excel 或 WPS 中把 {path.name} “另存为” .xlsx 后再导入。")
    raise ImportFailure(f"不认识 {path.name} 的格式：只能导入 .xlsx 或 .csv 文件。")


# ---- mapping file ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Mapping:
    """A department's own headers and defaults (``--mapping``).

    ``columns``: sheet header -> standard header (as ``mulu export`` writes it), or None to
    ignore the column. ``defaults``: standard header -> value used where the sheet has none.
    """

    columns: dict[str, str | None] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int | None = None


def load_mapping(path: Path | None) -> Mapping:
    """Read a mapping file (YAML), or an empty mapping."""
    if path is None:
        return Mapping()
    doc, problems = load_file(path, path.name) if path.is_file() else (None, [])
    if not path.is_file():
        raise ImportFailure(f"找不到映射文件 {path}。")
    if doc is None:
        raise ImportFailure("映射文件有错误：" + "；".join(f"{p.location()} {p.message}" for p in problems))
    data = doc.data
    unknown = set(data) - {"columns", "defaults", "sheet", "header_row"}
    if unknown:
        raise ImportFailure(f"映射文件 {path.name} 中有不认识的字段：{'、'.join(sorted(unknown))}；"
                            "只能有 columns、defaults、sheet、header_row。")
    cols, defaults = data.get("columns") or {}, data.get("defaults") or {}
    if not isinstance(cols, dict) or not all(v is None or isinstance(v, str) for v in cols.values()):
        raise ImportFailure(f"映射文件 {path.name} 的 columns 应写成“表格中的列名: 标准列名”（不导入的列写 null）。")
    if not isinstance(defaults, dict):
        raise ImportFailure(f"映射文件 {path.name} 的 defaults 应写成“标准列名: 值”。")
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise ImportFailure(f"映射文件 {path.name} 的 header_row 应为正整数（表头所在的行号）。")
    sheet = data.get("sheet")
    return Mapping({normal_key(k): v for k, v in cols.items()}, dict(defaults),
                   str(sheet) if sheet is not None else None, header_row)


# ---- 2. layout ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Slot:
    """What one sheet column holds: a column of the table, one level's group of a wide
    sheet (``level`` set), or nothing (``column`` None)."""

    index: int
    header: str
    column: Column | None = None
    level: str | None = None

    @property
    def label(self) -> str:
        return f"{self.level}·{self.column.header}" if self.level and self.column else self.header


@dataclass(frozen=True)
class Layout:
    """Where the headers are and what each column means."""

    header_row: int
    slots: list[Slot]
    unknown: list[Slot]
    duplicates: list[Slot]

    def used(self) -> list[Slot]:
        return [s for s in self.slots if s.column is not None]

    def wide(self) -> bool:
        return any(s.level for s in self.slots)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


class _HeaderReader:
    """Recognises headers of one table, with a mapping's renames and level prefixes."""

    def __init__(self, table: Table, lookups: Lookups, mapping: Mapping) -> None:
        self.table, self.lookups, self.mapping = table, lookups, mapping
        self.index = C.header_index(table)
        items = [c for c in table.item_columns() if c.path != (table.items, "level")]
        self.level_items = {normal_key(h): c for c in items for h in (c.header, *c.aliases)}
        # Short forms used inside level groups: 五级课时, 五级补贴.
        for col in items:
            for short in ("课时", "学时", "补贴", "补贴标准", "鉴定费", "证书"):
                if short in col.header or any(short in a for a in col.aliases):
                    self.level_items.setdefault(normal_key(short), col)

    def mapped(self, header: str) -> str | None:
        key = normal_key(header)
        if key in self.mapping.columns:
            return self.mapping.columns[key]
        return header

    def single(self, header: str) -> Slot | None:
        """A header that is a column of the table, or a level group written in one cell."""
        if not header:
            return None
        name = self.mapped(header)
        if name is None:
            return Slot(-1, header)
        key = normal_key(name)
        if key in C.IGNORED_HEADERS:
            return Slot(-1, header)
        if key in self.index:
            return Slot(-1, header, self.index[key])
        return self._level_group(header, name) if self.table.items == "levels" else None

    def _level_group(self, header: str, name: str) -> Slot | None:
        key = normal_key(name)
        for cut in range(len(key) - 1, 0, -1):
            level = self.lookups.find_level(key[:cut])
            rest = key[cut:].strip("-_·:")
            if level and rest in self.level_items:
                return Slot(-1, header, self.level_items[rest], level)
        return None

    def pair(self, top: str, bottom: str) -> Slot | None:
        """Two header rows: 五级 above 课时 (the top cell merged over its group)."""
        level = self.lookups.find_level(top) if top else None
        name = self.mapped(bottom) if bottom else None
        if level and name and normal_key(name) in self.level_items:
            return Slot(-1, f"{top}{bottom}", self.level_items[normal_key(name)], level)
        return None


def _layout_at(grid: Grid, r: int, reader: _HeaderReader) -> Layout:
    _, cells = grid.rows[r]
    above = grid.rows[r - 1][1] if r > 0 else []
    slots: list[Slot] = []
    for i, cell in enumerate(cells):
        bottom, top = _text(cell), _text(above[i]) if i < len(above) else ""
        slot = reader.pair(top, bottom) if top != bottom else None
        slot = slot or reader.single(bottom) or Slot(-1, bottom)
        slots.append(Slot(i, slot.header, slot.column, slot.level))
    seen: set[tuple[str, str | None]] = set()
    final, unknown, duplicates = [], [], []
    for slot in slots:
        if slot.column is None:
            if slot.header and normal_key(slot.header) not in C.IGNORED_HEADERS \
                    and reader.mapped(slot.header) is not None:
                unknown.append(slot)
            final.append(slot)
            continue
        key = (slot.column.key, slot.level)
        if key in seen:
            duplicates.append(slot)
            final.append(Slot(slot.index, slot.header))
            continue
        seen.add(key)
        final.append(slot)
    return Layout(grid.rows[r][0], final, unknown, duplicates)


def find_layout(grid: Grid, table: Table, lookups: Lookups, mapping: Mapping) -> Layout:
    """The header row (the one among the first rows recognising the most columns) and the
    meaning of every column."""
    reader = _HeaderReader(table, lookups, mapping)
    candidates = range(min(len(grid.rows), MAX_HEADER_SCAN))
    if mapping.header_row is not None:
        candidates = [i for i, (n, _) in enumerate(grid.rows) if n == mapping.header_row]
        if not candidates:
            raise ImportFailure(f"映射文件指定表头在第 {mapping.header_row} 行，但表格没有这一行。")
    best: Layout | None = None
    for r in candidates:
        layout = _layout_at(grid, r, reader)
        if best is None or len(layout.used()) > len(best.used()):
            best = layout
    if best is None or len(best.used()) < 2:
        known = "、".join(table.headers()[:8])
        raise ImportFailure(f"在 {grid.file} 的前 {MAX_HEADER_SCAN} 行中找不到表头：表头应含有 {known} 等列名。"
                            "列名不同的，请用 --mapping 映射文件说明每列对应的标准列名。")
    return best


# ---- 3. rows -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Note:
    """One line of the report about a row (``row`` None: about the whole sheet)."""

    row: int | None
    message: str
    header: str = ""

    def text(self) -> str:
        where = f"第 {self.row} 行" if self.row is not None else "表格"
        return f"{where}{f' [{self.header}]' if self.header else ''}：{self.message}"


@dataclass
class Row:
    """One data row, normalised: record fields by column key, and its items."""

    number: int
    values: dict[str, Any]
    items: list[dict[str, Any]]
    flags: set[str]
    continuation: bool = False
    failed: bool = False  # could not be read; its reasons are already reported


def set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set ``value`` at ``path`` inside nested dicts, creating them as needed."""
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


class RowReader:
    """Turns sheet rows into normalised :class:`Row` values, noting what it could not read."""

    def __init__(self, table: Table, layout: Layout, lookups: Lookups) -> None:
        self.table, self.layout = table, layout
        self.slots = layout.used()
        self.normaliser = RowNormaliser([(f"c{s.index}", s.column) for s in self.slots if s.column], lookups)
        self.errors: list[Note] = []
        self.notes: list[Note] = []
        self.skipped_levels = 0
        self.headers = {normal_key(s.header) for s in layout.slots if s.header}
        self._above: dict[int, Any] = {}

    def _is_header_repeat(self, cells: list[Any]) -> bool:
        texts = [normal_key(_text(c)) for c in cells if _text(c)]
        return len(texts) >= 2 and sum(t in self.headers for t in texts) >= len(texts) * 0.8

    def rows(self, grid: Grid) -> Iterator[Row]:
        """Every data row below the header, normalised; blank and note rows are skipped."""
        started = False
        for number, cells in grid.rows:
            if number <= self.layout.header_row:
                continue
            texts = [_text(c) for c in cells if _text(c)]
            if not texts:
                continue
            # A footnote (often merged across the whole width) or the header repeated on a new page.
            if len(set(texts)) == 1 and _NOTE_ROW.match(texts[0]) or self._is_header_repeat(cells):
                continue
            yield self._row(number, cells, started)
            started = True

    def _cell(self, cells: list[Any], slot: Slot) -> Any:
        value = cells[slot.index] if slot.index < len(cells) else None
        if isinstance(value, str) and not value.strip():
            value = None
        if slot.column is not None and slot.column.carry_down and not slot.level:
            if value is None:
                value = self._above.get(slot.index)
            else:
                self._above[slot.index] = value
        return value

    def _row(self, number: int, cells: list[Any], started: bool) -> Row:
        flags: set[str] = set()
        raw: dict[str, Any] = {}
        markers: dict[str, str] = {}
        for slot in self.slots:
            value = self._cell(cells, slot)
            if self.table.kind == "programmes" and slot.column.path not in _FREE_TEXT:
                value, found = strip_flags(value)
                flags |= found
                if value == "":
                    value = None
            mark = marker(value)
            if mark:
                markers[f"c{slot.index}"] = mark
                value = None
            raw[f"c{slot.index}"] = value
        variants = [self.normaliser.normalise(v) for v in self._variants(raw)]
        values = variants[0][0]
        problems = {k: m for _, found in variants for k, m in found.items()}
        for key, message in problems.items():
            slot = next(s for s in self.slots if f"c{s.index}" == key)
            self.errors.append(Note(number, message, slot.label))
        record = {s.column.key: values.get(f"c{s.index}") for s in self.slots if not s.column.item}
        record = {k: v for k, v in record.items() if v is not None}
        blank_record = not any(raw.get(f"c{s.index}") is not None for s in self.slots
                               if not s.column.item and not s.column.carry_down)
        continuation = bool(self.table.items) and blank_record and started
        if problems:
            return Row(number, {}, [], set(), continuation, failed=True)
        items = [item for found, _ in variants for item in self._items(number, found, markers)]
        row = Row(number, record, items, flags, continuation)
        row.failed = not self._check_codes(row)
        return row

    def _variants(self, raw: dict[str, Any]) -> list[dict[str, Any]]:
        """Institution lists often name several occupations in one cell (电工、焊工) with
        the levels they share: one offering each."""
        if self.table.items not in ("offerings", "scope"):
            return [raw]
        for slot in self.slots:
            key = f"c{slot.index}"
            value = raw.get(key)
            if slot.column.item and slot.column.path[-1] == "occupation" and isinstance(value, str) \
                    and _SEVERAL.search(value):
                parts = [p.strip() for p in _SEVERAL.split(value) if p.strip()]
                return [{**raw, key: part} for part in parts] or [raw]
        return [raw]

    def _items(self, number: int, values: dict[str, Any], markers: dict[str, str]) -> list[dict[str, Any]]:
        groups: dict[str | None, list[Slot]] = {}
        for slot in self.slots:
            if slot.column.item:
                groups.setdefault(slot.level, []).append(slot)
        items = []
        for level, slots in groups.items():
            item = self._item(slots, values)
            marks = {markers[f"c{s.index}"] for s in slots if f"c{s.index}" in markers}
            if level is not None and not item:
                # A level group of a wide sheet that is blank or all markers: no such level.
                self.skipped_levels += bool(marks)
                continue
            if level is None and not item and not marks:
                continue
            if level is None and marks and not set(item) - {"level"}:
                self.skipped_levels += 1
                continue
            if level is not None:
                item["level"] = level
            subsidy = next((s for s in slots if s.column.path[-1] == "subsidy"), None)
            if subsidy is not None and markers.get(f"c{subsidy.index}") == NOT_SUBSIDISED:
                item["subsidy"] = 0
                self.notes.append(Note(number, f"{item.get('level') or ''}补贴标准为“/”（不予补贴），按 0 元导入。"))
            items.append(item)
        return items

    @staticmethod
    def _item(slots: list[Slot], values: dict[str, Any]) -> dict[str, Any]:
        """One item from its cells; an occupation written by name fills the code (and work type)."""
        item: dict[str, Any] = {}
        for slot in slots:
            value = values.get(f"c{slot.index}")
            if value is not None and not slot.column.derived:
                item[slot.column.path[1]] = value
        for slot in slots:
            value = values.get(f"c{slot.index}")
            if slot.column.derived and isinstance(value, dict):
                item.setdefault(slot.column.path[1], value["code"])
                if value.get("work_type") and item.get(slot.column.path[1]) == value["code"]:
                    item.setdefault("work_type", value["work_type"])
        return item

    def _check_codes(self, row: Row) -> bool:
        """Credit codes must pass the GB 32100-2015 check, unless the row documents an exception."""
        ok = True
        for slot in self.slots:
            if slot.column.type != C.CREDIT_CODE:
                continue
            code = row.values.get(slot.column.key)
            if not code or creditcode.is_valid(code):
                continue
            if slot.column.path == ("id",) and row.values.get("credit_code_exception.reason"):
                continue
            expected = creditcode.check_character(code[:17])
            self.errors.append(Note(row.number, f"统一社会信用代码 {code} 的校验位不对（按 GB 32100-2015 应为 {expected}）："
                                    "请核对营业执照或登记证书。", slot.label))
            ok = False
        return ok


# ---- 4. records -----------------------------------------------------------------------------

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


def _item_identity(kind: str, item: dict[str, Any]) -> Any:
    if kind == "programmes":
        return item.get("level")
    if kind in ("institutions", "assessors"):
        return (item.get("occupation"), item.get("work_type"))
    if kind == "specs":
        return item.get("task")
    return id(item)


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return C.LIST_SEPARATOR.join(map(str, value))
    if isinstance(value, bool):
        return C.TRUE_TEXT if value else C.FALSE_TEXT
    return str(value)


def _same(a: Any, b: Any) -> bool:
    """Equal as a reader sees it: （） and (), full- and half-width, spaces do not count."""
    return a == b or (a is not None and b is not None and normal_key(_describe(a)) == normal_key(_describe(b)))


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
        self._row_ids: dict[int, str] = {}

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
                                        f"“{_describe(old)}”与“{_describe(value)}”。请核对后只保留一种。", header))
                return False
        return True

    def _merge(self, draft: Draft, values: dict[str, Any], row: Row) -> bool:
        new_items = []
        repeated: list[int] = []
        for item in row.items:
            identity = _item_identity(self.kind, item)
            same = next((i for i, old in enumerate(draft.items) if _item_identity(self.kind, old) == identity), None)
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
            identity = _item_identity(self.kind, item)
            old = next((o for o in old_items if isinstance(o, dict) and _item_identity(self.kind, o) == identity), {})
            merged = {**old, **item}
            items.append(merged)
        return items

    def _fill(self, data: dict[str, Any], draft: Draft) -> None:
        for col in self.table.record_columns():
            if not col.derived and col.key in self.defaults and _get(data, col.path) is None:
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


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _clear_path(data: dict[str, Any], path: tuple[str, ...]) -> None:
    parent = _get(data, path[:-1]) if len(path) > 1 else data
    if isinstance(parent, dict):
        parent.pop(path[-1], None)
        if len(path) > 1 and not parent:
            _clear_path(data, path[:-1])


def order_like_schema(data: Any, node: dict[str, Any]) -> Any:
    """``data`` with keys in schema order at every level (the canonical order)."""
    if isinstance(data, list):
        items = node.get("items") if isinstance(node.get("items"), dict) else {}
        return [order_like_schema(v, items) for v in data]
    if not isinstance(data, dict):
        return data
    props = node.get("properties", {})
    keys = [k for k in props if k in data] + [k for k in data if k not in props]
    return {k: order_like_schema(data[k], props.get(k, {})) for k in keys}


# ---- 5. plan, write, check --------------------------------------------------------------------

@dataclass
class Change:
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
    created: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    errors: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    data_rows: int = 0

    def to_write(self, update: bool) -> list[Change]:
        return self.created + (self.changed if update else [])


def _lookups(registry: Registry, kind: str) -> Lookups:
    from .tables import schema_node

    enums = {}
    for col in C.TABLES[kind].columns:
        if col.type in (C.ENUM, C.LEVEL):
            enums[col.path] = list(schema_node(registry, kind, col.path).get("enum", []))
    jurisdictions = tuple(str(j) for j in registry.config.get("jurisdictions") or [])
    return Lookups(registry.reference, jurisdictions, enums)


def _defaults(registry: Registry, table: Table, lookups: Lookups, mapping: Mapping,
              options: Options) -> dict[str, Any]:
    """Defaults by column key, normalised like cells; command-line options win."""
    index = C.header_index(table)
    raw: dict[str, Any] = {}
    for header, value in mapping.defaults.items():
        col = index.get(normal_key(header))
        if col is None or col.derived:
            raise ImportFailure(f"映射文件 defaults 中的“{header}”不是{KIND_BY_NAME[table.kind].title}的列名；"
                                f"可用的列名：{'、'.join(c.header for c in C.stored_columns(table))}。")
        raw[col.key] = (col, value)
    if options.region:
        col = table.by_path(("region",))
        raw["region"] = (col, options.region)
    if options.notice:
        notice = registry.get("notices", options.notice)
        if notice is None:
            raise ImportFailure(f"找不到调整公告“{options.notice}”（registry/notices/{options.notice}.yml）："
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
        raise ImportFailure("默认值有误：" + "；".join(f"“{raw[k][0].header}”：{m}" for k, m in problems.items()))
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
    return Context(registry.reference, ids, dates)


def _fields(table: Table, data: dict[str, Any], lookups: Lookups, item: bool) -> dict[str, str]:
    from .tables import cell_value

    out = {}
    for col in C.stored_columns(table):
        if col.item != item:
            continue
        column = Column(col.header, col.path[1:], col.type) if item else col
        value = cell_value(column, data, lookups.reference)
        if value is not None:
            out[col.header] = _describe(value)
    return out


def _item_tag(kind: str, item: dict[str, Any], lookups: Lookups) -> str:
    identity = _item_identity(kind, item)
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


def plan_import(registry: Registry, kind: str, path: Path, mapping: Mapping, options: Options) -> Plan:
    """Read ``path`` and work out, without writing anything, what importing it would do."""
    if kind not in C.TABLES:
        raise ImportFailure(f"没有“{kind}”这类目录。可选：{'、'.join(C.TABLES)}。")
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
    _classify(plan, registry, table, assembler, lookups)
    plan.errors.sort(key=lambda n: (n.row or 0, n.header))
    return plan


def _classify(plan: Plan, registry: Registry, table: Table, assembler: Assembler, lookups: Lookups) -> None:
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
        data = order_like_schema(assembler.build(draft, existing), schema.validator.schema)
        file = f"registry/{table.kind}/{draft.id}.yml"
        problems = record_problems(table.kind, Document(file, data, {}), schema, ctx)
        if problems:
            notes = [_problem_note(table, draft, problem) for problem in problems]
            plan.errors += notes
            rest = sorted(set(draft.rows) - {n.row for n in notes})
            plan.errors += [Note(row, f"与第 {notes[0].row} 行同属一条记录（编号 {draft.id}），那一行有问题，所以这一行也没有导入。")
                            for row in rest]
            continue
        change = Change(draft.id, file, str(data.get("name", draft.id)), draft.rows, data)
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


def record_yaml(root: Path, kind: str, data: dict[str, Any]) -> str:
    """A record file's text in the canonical form of ``mulu fmt`` (schema line first, codes quoted)."""
    schema_name = KIND_BY_NAME[kind].schema
    text = f"# yaml-language-server: $schema=../../schemas/{schema_name}\n" + \
        yaml.dump(data, Dumper=_RecordDumper, allow_unicode=True, sort_keys=False, width=1000,
                  default_flow_style=False)
    formatted = format_text(text, f"registry/{kind}/{data['id']}.yml", load_tree_for(root / "schemas", schema_name))
    # format_text re-reads its result and refuses anything that would read back differently.
    return formatted.text if formatted.text is not None else text


def write_plan(root: Path, plan: Plan, update: bool) -> list[str]:
    """Write the new (and, with ``update``, the changed) records; returns the files written."""
    written = []
    for change in plan.to_write(update):
        path = root / change.file
        path.parent.mkdir(parents=True, exist_ok=True)
        text = record_yaml(root, plan.kind, change.data)
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
    from .project import check_project

    wanted = set(files)
    return [p for p in check_project(root) if p.file in wanted]


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
        lines.append(f"  未识别的列“{slot.header}”（第 {_column_letter(slot.index)} 列）已忽略；"
                     "如需导入，请在映射文件 columns 中写明它对应的标准列名。")
    for slot in layout.duplicates:
        lines.append(f"  列“{slot.header}”（第 {_column_letter(slot.index)} 列）与前面的列重复，已忽略。")
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
