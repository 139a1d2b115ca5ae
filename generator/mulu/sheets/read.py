"""Reading a department's spreadsheet for ``mulu import``: the cells, the mapping file, the headers.

``read_grid`` gives the sheet's cells, with merged ranges filled from their top-left cell
(a category merged over ten rows belongs to all ten); ``load_mapping`` reads a department's
own headers and defaults; ``find_layout`` finds which row holds the headers and what each
column means — a column of ``columns.py``, or one level's group in a wide sheet
(五级课时 | 五级补贴 | 四级课时 …, also written as two header rows), or nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mulu.core.loading import load_file
from mulu.errors import MuluError
from mulu.sheets import columns as C
from mulu.sheets.columns import Column, Table, normal_key
from mulu.sheets.normalise import Lookups

MAX_HEADER_SCAN = 20


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
        raise MuluError(f"无法打开 {path.name}：{err}。请确认它是 Excel 的 .xlsx 文件（可在 Excel 中“另存为 .xlsx”）。") from None
    names = tuple(wb.sheetnames)
    if sheet is not None and sheet not in names:
        raise MuluError(f"{path.name} 中没有名为“{sheet}”的工作表；有：{'、'.join(names)}。")
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
    raise MuluError(f"{name} 既不是 UTF-8 也不是 GBK 编码的文本：请在 Excel 中“另存为 CSV UTF-8”或 .xlsx。")


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
        raise MuluError(f"{path.name} 第 {reader.line_num} 行不是有效的 CSV：{err}。") from None
    return Grid(path.name, "", (), rows)


def read_grid(path: Path, sheet: str | None = None) -> Grid:
    """The cells of ``path`` (.xlsx or .csv); merged cells filled from their first cell."""
    if not path.is_file():
        raise MuluError(f"找不到文件 {path}。")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xls", ".et", ".wps"):
        raise MuluError(f"不支持 {suffix} 格式：请在 Excel 或 WPS 中把 {path.name} “另存为” .xlsx 后再导入。")
    raise MuluError(f"不认识 {path.name} 的格式：只能导入 .xlsx 或 .csv 文件。")


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
        raise MuluError(f"找不到映射文件 {path}。")
    if doc is None:
        raise MuluError("映射文件有错误：" + "；".join(f"{p.location()} {p.message}" for p in problems))
    data = doc.data
    unknown = set(data) - {"columns", "defaults", "sheet", "header_row"}
    if unknown:
        raise MuluError(f"映射文件 {path.name} 中有不认识的字段：{'、'.join(sorted(unknown))}；"
                            "只能有 columns、defaults、sheet、header_row。")
    cols, defaults = data.get("columns") or {}, data.get("defaults") or {}
    if not isinstance(cols, dict) or not all(v is None or isinstance(v, str) for v in cols.values()):
        raise MuluError(f"映射文件 {path.name} 的 columns 应写成“表格中的列名: 标准列名”（不导入的列写 null）。")
    if not isinstance(defaults, dict):
        raise MuluError(f"映射文件 {path.name} 的 defaults 应写成“标准列名: 值”。")
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise MuluError(f"映射文件 {path.name} 的 header_row 应为正整数（表头所在的行号）。")
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
        """The column's name as the person who made the sheet sees it."""
        return f"{self.level}·{self.column.header}" if self.level and self.column else self.header

    @property
    def bound(self) -> Column:
        """The column of a slot that holds one (the row reader keeps only those)."""
        if self.column is None:
            raise ValueError(f"表格第 {self.index + 1} 列没有对应的字段")
        return self.column


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


def cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return str(get_column_letter(index + 1))


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
        bottom, top = cell_text(cell), cell_text(above[i]) if i < len(above) else ""
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
    candidates: list[int] = list(range(min(len(grid.rows), MAX_HEADER_SCAN)))
    if mapping.header_row is not None:
        candidates = [i for i, (n, _) in enumerate(grid.rows) if n == mapping.header_row]
        if not candidates:
            raise MuluError(f"映射文件指定表头在第 {mapping.header_row} 行，但表格没有这一行。")
    best: Layout | None = None
    for r in candidates:
        layout = _layout_at(grid, r, reader)
        if best is None or len(layout.used()) > len(best.used()):
            best = layout
    if best is None or len(best.used()) < 2:
        known = "、".join(table.headers()[:8])
        raise MuluError(f"在 {grid.file} 的前 {MAX_HEADER_SCAN} 行中找不到表头：表头应含有 {known} 等列名。"
                            "列名不同的，请用 --mapping 映射文件说明每列对应的标准列名。")
    return best
