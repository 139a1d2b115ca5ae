"""Sheet rows -> normalised row values for ``mulu import``.

``RowReader`` normalises every data row with cerberus (``normalise.py``), understands the
markers (—— no such level, / not subsidised, * training package, ▲ shortage) and unpivots
wide level groups into one item per level.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mulu.core import creditcode
from mulu.sheets import columns as C
from mulu.sheets.columns import Table, normal_key
from mulu.sheets.normalise import (
    NOT_SUBSIDISED,
    Lookups,
    RowNormaliser,
    marker,
    strip_flags,
)
from mulu.sheets.read import Grid, Layout, Slot, cell_text

_SEVERAL = re.compile(r"[、,，;；\n]+")
_NOTE_ROW = re.compile(r"^\s*(注|备注|说明|合计|总计|小计|填表|制表|附注)")
# Programme cells whose ▲ / * marks are not about the programme (free text).
_FREE_TEXT = {("notes",), ("source",), ("status_change", "reason")}


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
        texts = [normal_key(cell_text(c)) for c in cells if cell_text(c)]
        return len(texts) >= 2 and sum(t in self.headers for t in texts) >= len(texts) * 0.8

    def rows(self, grid: Grid) -> Iterator[Row]:
        """Every data row below the header, normalised; blank and note rows are skipped."""
        started = False
        for number, cells in grid.rows:
            if number <= self.layout.header_row:
                continue
            texts = [cell_text(c) for c in cells if cell_text(c)]
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
        if slot.column is not None and slot.bound.carry_down and not slot.level:
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
            if self.table.kind == "programmes" and slot.bound.path not in _FREE_TEXT:
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
        record = {s.bound.key: values.get(f"c{s.index}") for s in self.slots if not s.bound.item}
        record = {k: v for k, v in record.items() if v is not None}
        blank_record = not any(raw.get(f"c{s.index}") is not None for s in self.slots
                               if not s.bound.item and not s.bound.carry_down)
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
            if slot.bound.item and slot.bound.path[-1] == "occupation" and isinstance(value, str) \
                    and _SEVERAL.search(value):
                parts = [p.strip() for p in _SEVERAL.split(value) if p.strip()]
                return [{**raw, key: part} for part in parts] or [raw]
        return [raw]

    def _items(self, number: int, values: dict[str, Any], markers: dict[str, str]) -> list[dict[str, Any]]:
        groups: dict[str | None, list[Slot]] = {}
        for slot in self.slots:
            if slot.bound.item:
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
            subsidy = next((s for s in slots if s.bound.path[-1] == "subsidy"), None)
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
            if value is not None and not slot.bound.derived:
                item[slot.bound.path[1]] = value
        for slot in slots:
            value = values.get(f"c{slot.index}")
            if slot.bound.derived and isinstance(value, dict):
                item.setdefault(slot.bound.path[1], value["code"])
                if value.get("work_type") and item.get(slot.bound.path[1]) == value["code"]:
                    item.setdefault("work_type", value["work_type"])
        return item

    def _check_codes(self, row: Row) -> bool:
        """Credit codes must pass the GB 32100-2015 check, unless the row documents an exception."""
        ok = True
        for slot in self.slots:
            if slot.bound.type != C.CREDIT_CODE:
                continue
            code = row.values.get(slot.bound.key)
            if not code or creditcode.is_valid(code):
                continue
            if slot.bound.path == ("id",) and row.values.get("credit_code_exception.reason"):
                continue
            expected = creditcode.check_character(code[:17])
            self.errors.append(Note(row.number, f"统一社会信用代码 {code} 的校验位不对（按 GB 32100-2015 应为 {expected}）："
                                    "请核对营业执照或登记证书。", slot.label))
            ok = False
        return ok
