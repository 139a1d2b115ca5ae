"""Records as tables: pandas DataFrames with Chinese headers, and the files made from them
(CSV, XLSX, JSON, and a Frictionless Data Package describing the CSVs).

Every writer here is deterministic: the same registry gives byte-identical files, so a
rebuild of the site changes only what changed in the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import pickle
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.loading import get_path, load_tree
from mulu.core.reference import Reference
from mulu.core.registry import Record, Registry, build_registry
from mulu.core.schemas import compile_schemas, load_schema_files
from mulu.core.vocabularies import allowed_values
from mulu.sheets import columns as C
from mulu.sheets.columns import Column, Table

FORMATS = ("csv", "xlsx", "json")
DOWNLOADS = "downloads"
# Excel and LibreOffice run cells starting with these as formulas when a CSV is opened
# (CSV injection). Such text is written with a leading apostrophe, which the importer
# removes again, so the values still round-trip.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NARROW = re.compile("[\x00-\u2e80]+")   # characters one column wide; the rest take two
# Headers of date columns in any table: their cells are written as dates in XLSX.
DATE_HEADERS = frozenset(c.header for t in C.TABLES.values() for c in t.columns if c.type == C.DATE)


def read_registry(root: Path) -> tuple[Registry, int]:
    """The registry as its files are now, without checking every record (export and import
    also work while some records have problems, and skip the cost of a full validation);
    returns it with the number of files that could not be read or code lists with problems."""
    from mulu.core.validation import validate_frame

    schemas = compile_schemas(load_schema_files(root / "schemas"))
    tree = load_tree(root, [k.name for k in KINDS])
    reference, _, problems = validate_frame(tree, schemas)
    return build_registry(tree, reference, schemas), len(problems)


def region_label(reference: Reference, code: str) -> str | None:
    """A region code as readers know it: the chain of names, 黑龙江省哈尔滨市南岗区."""
    if code not in reference.regions:
        return None
    return "".join(reference.region_path(code))


def _occupation_name(reference: Reference, code: Any) -> str | None:
    occ = reference.occupations.get(code) if isinstance(code, str) else None
    return occ.name if occ else None


def cell_value(col: Column, data: dict[str, Any], reference: Reference) -> Any:
    """What the sheet shows for ``col`` of a record (or item): text, an integer, or None."""
    value = get_path(data, col.path)
    if value is None:
        return None
    if col.type == C.REGION_NAME:
        return region_label(reference, value) if isinstance(value, str) else None
    if col.type == C.OCCUPATION_NAME:
        return _occupation_name(reference, value)
    if col.type == C.OCCUPATION_NAMES:
        names = [_occupation_name(reference, v) or str(v) for v in value] if isinstance(value, list) else []
        return C.LIST_SEPARATOR.join(names) or None
    if col.type == C.BOOLEAN:
        return C.TRUE_TEXT if value is True else C.FALSE_TEXT if value is False else str(value)
    if isinstance(value, list):
        return C.LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    return value


def record_rows(table: Table, data: dict[str, Any], reference: Reference) -> list[list[Any]]:
    """One record as sheet rows: one per item of the kind's list, record cells repeated."""
    head = [cell_value(c, data, reference) if not c.item else None for c in table.columns]
    items = data.get(table.items) if table.items else None
    if not isinstance(items, list) or not items:
        return [head]
    rows = []
    for item in items:
        item = item if isinstance(item, dict) else {}
        row = list(head)
        for i, col in enumerate(table.columns):
            if col.item:
                row[i] = cell_value(Column(col.header, col.path[1:], col.type), item, reference)
        rows.append(row)
    return rows


def records_frame(kind: str, records: Iterable[Record | dict[str, Any]], reference: Reference) -> pd.DataFrame:
    """Records of ``kind`` as a DataFrame with the kind's Chinese headers (object dtype,
    so codes stay text and empty cells stay None)."""
    table = C.TABLES[kind]
    rows: list[list[Any]] = []
    for rec in records:
        rows += record_rows(table, rec.data if isinstance(rec, Record) else rec, reference)
    return pd.DataFrame(rows, columns=table.headers(), dtype=object)


def _guard(value: Any) -> Any:
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def frame_csv(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel shows Chinese correctly."""
    # Built cell by cell: DataFrame.map would re-infer dtypes and turn 20 into 20.0.
    safe = pd.DataFrame([[_guard(v) for v in row] for row in frame.itertuples(index=False)],
                        columns=frame.columns, dtype=object)
    text = str(safe.to_csv(index=False, lineterminator="\r\n"))
    return ("\ufeff" + text).encode("utf-8")


def _width(values: Iterable[Any]) -> float:
    # CJK characters take two columns; keep columns readable but not huge.
    # Counted with a regular expression: a loop over every character of a 100,000-row column
    # was a tenth of the render (issue 16).
    texts = [str(v) for v in values if v is not None]
    widest = max((len(t) + len(_NARROW.sub("", t)) for t in texts), default=4)
    return min(max(widest + 2, 6), 60)


def _xlsx_value(ws: Any, value: Any, date: bool = False) -> Any:
    """A value for a streamed row: plain, except text openpyxl would take for a formula,
    and dates in date columns, written as real date cells (shown YYYY-MM-DD)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if date and isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # registry text is never a formula
        return cell
    return value


def frame_xlsx(frame: pd.DataFrame, title: str, generated_at: str = "2000-01-01T00:00:00Z") -> bytes:
    """An XLSX workbook of one sheet: bold frozen header, filters, text cells kept as text.
    Written in openpyxl's streaming mode (about twice as fast for large catalogues)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet1")
    for i, name in enumerate(frame.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width([name, *frame.iloc[:, i - 1].tolist()])
    ws.freeze_panes = "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    header = []
    for name in frame.columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    dates = [name in DATE_HEADERS for name in frame.columns]
    for row in frame.itertuples(index=False):
        ws.append([_xlsx_value(ws, v, d) for v, d in zip(row, dates)])
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic_zip(buf.getvalue(), generated_at)


XLSX_MEMO = "xlsx_memo"   # the key of an XlsxMemo in a site context's extras


class XlsxMemo:
    """The workbook last made under each title, reused while its inputs are unchanged.

    ``frame_xlsx`` is the slowest step of a build (openpyxl writes every cell through an XML
    serialiser: about half of rendering a 10,000-record site), and a long-running ``mulu serve``
    remakes catalogues of which one row changed, or none. Inputs are compared by a digest of
    their pickled values, so equal bytes mean equal values of equal types (a miss only costs
    the time it would have taken anyway). One workbook per title is kept."""

    def __init__(self) -> None:
        self._made: dict[str, tuple[bytes, bytes]] = {}

    def xlsx(self, frame: pd.DataFrame, title: str, generated_at: str) -> bytes:
        """``frame_xlsx(frame, title, generated_at)``, remembered."""
        rows = list(frame.itertuples(index=False, name=None))
        key = hashlib.sha256(pickle.dumps((generated_at, list(frame.columns), rows), protocol=5)).digest()
        known = self._made.get(title)
        if known is not None and known[0] == key:
            return known[1]
        data = frame_xlsx(frame, title, generated_at)
        self._made[title] = (key, data)
        return data


def _deterministic_zip(data: bytes, stamp: str) -> bytes:
    """Re-pack an XLSX with fixed member times and document dates (openpyxl stamps both
    with the clock), so two builds of the same data are byte-identical."""
    stamp = re.sub(r"(\.\d+)?([+-]\d\d:\d\d|Z)?$", "", stamp) + "Z"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 lambda m: m.group(1) + stamp.encode() + m.group(3), content)
            member = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, content)
    return out.getvalue()


def records_json(records: Iterable[Record | dict[str, Any]]) -> bytes:
    """The records themselves (field names as in the public JSON Schemas), as a JSON array."""
    items = [rec.data if isinstance(rec, Record) else rec for rec in records]
    return (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def export_bytes(kind: str, records: list[Record], reference: Reference, fmt: str,
                 generated_at: str = "2000-01-01T00:00:00Z") -> bytes:
    """``records`` of ``kind`` as a file of format ``fmt`` (csv, xlsx or json)."""
    if fmt == "json":
        return records_json(records)
    frame = records_frame(kind, records, reference)
    if fmt == "csv":
        return frame_csv(frame)
    if fmt == "xlsx":
        return frame_xlsx(frame, KIND_BY_NAME[kind].title, generated_at)
    raise ValueError(fmt)


# ---- Frictionless Data Package -------------------------------------------------------

_FIELD_TYPES = {C.INTEGER: "integer", C.MONEY: "integer", C.YEAR: "year", C.DATE: "date", C.BOOLEAN: "boolean"}
_LIST_TYPES = {C.LIST, C.LEVELS, C.MARKS, C.OCCUPATIONS, C.OCCUPATION_NAMES}


def schema_node(registry: Registry, kind: str, path: tuple[str, ...]) -> dict[str, Any]:
    """The JSON Schema keywords of field ``path`` of ``kind`` (``$ref`` followed); for a list,
    those of its items under the list's own title and description."""
    tree = registry.schema_for(kind).tree
    field = tree.at(path)
    if field is None:
        return {}
    items = tree.items(field) if field.type == "array" else None
    if items is not None:
        return {**items.node, **{k: v for k, v in field.node.items() if k in ("title", "description")}}
    return field.node


def _field_description(registry: Registry, kind: str, col: Column) -> str:
    schema = registry.schema_for(kind)
    if col.derived:
        code = C.TABLES[kind].by_path(col.source, item=col.item)
        return f"由“{code.header if code else col.source[-1]}”换算的名称，仅供阅读；导入时以代码为准。"
    text = schema.descriptions.get(col.path) or schema.label(col.path)
    # Advice about YAML quoting means nothing to a reader of the CSV.
    text = re.sub(r"[；;]?[^；;。]*英文引号[^；;。]*", "", text)
    if col.type in _LIST_TYPES:
        text += f"（多个值以“{C.LIST_SEPARATOR}”分隔）"
    if col.item:
        text += "（每行一项，同一记录的其他列在各行重复）"
    return text


def table_schema(registry: Registry, kind: str) -> dict[str, Any]:
    """A Frictionless Table Schema for the CSV of ``kind``: Chinese field names as in the
    sheet, types, descriptions and allowed values taken from the JSON Schema."""
    fields = []
    for col in C.TABLES[kind].columns:
        node = {} if col.derived else schema_node(registry, kind, col.path)
        field: dict[str, Any] = {"name": col.header, "type": _FIELD_TYPES.get(col.type, "string"),
                                 "title": col.header, "description": _field_description(registry, kind, col)}
        if col.type == C.BOOLEAN:
            field.update(trueValues=[C.TRUE_TEXT], falseValues=[C.FALSE_TEXT])
        constraints: dict[str, Any] = {}
        allowed = allowed_values(node, registry.reference.vocabularies)
        if col.type in (C.ENUM, C.LEVEL) and allowed:
            constraints["enum"] = allowed
        # Table Schema allows a pattern on strings only (a date is checked as a date).
        if "pattern" in node and field["type"] == "string" and col.type not in _LIST_TYPES:
            constraints["pattern"] = node["pattern"]
        if col.path == ("id",):
            constraints["required"] = True
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}
