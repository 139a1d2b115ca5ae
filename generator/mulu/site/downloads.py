"""The downloads a site publishes: every kind as CSV and XLSX, and a Frictionless Data
Package describing the CSVs (with each file's SHA-256 and size). The JSON of a kind is the
API's ``api/v1/<kind>.json`` (the same records with their effective status and digest): it is
not written a second time under ``downloads/`` (docs/dev/scale.md).

The site's spreadsheets carry columns for readers beyond those of ``mulu export``: the 文号
of the notices a record names, next to their ids; the effective status on the build's
as-of date (see :mod:`mulu.core.status`); and the record's digest, last (see
:mod:`mulu.core.digest`). ``mulu import`` ignores them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from mulu.core.digest import sha256
from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.registry import Record, Registry
from mulu.core.status import EffectiveStatus
from mulu.sheets.columns import DIGEST_HEADER, NOTICE_NUMBER_HEADERS, TABLES
from mulu.sheets.tables import (
    DOWNLOADS,
    XLSX_MEMO,
    XlsxMemo,
    frame_csv,
    frame_xlsx,
    records_frame,
    table_schema,
)
from mulu.site.effective import statuses
from mulu.site.model import DataFile, SiteContext
from mulu.site.publications import record_digests

# Columns added to each downloaded table (not to ``mulu export``, whose files import back):
# the effective status on the build's as-of date.
EFFECTIVE_COLUMNS = (
    ("当前状态", "按状态核算日期计算的当前状态：在册、即将到期、已过期、暂停、暂停期已满待公告、已移出、已移出（禁入期内）。"),
    ("当前状态说明", "当前状态的依据：哪个字段的哪一天。"),
    ("状态核算日期", "计算当前状态所用的日期（YYYY-MM-DD）。"),
)


def with_effective(frame: pd.DataFrame, kind: str, found: dict[tuple[str, str], EffectiveStatus],
                   as_of: str) -> pd.DataFrame:
    """``frame`` (rows of ``kind``) with the :data:`EFFECTIVE_COLUMNS` appended."""
    if kind == "notices":
        return frame
    ids = frame[TABLES[kind].id_header].tolist() if len(frame) else []
    chosen = [found.get((kind, str(i))) for i in ids]
    frame[EFFECTIVE_COLUMNS[0][0]] = [s.label if s else None for s in chosen]
    frame[EFFECTIVE_COLUMNS[1][0]] = [s.reason if s else None for s in chosen]
    frame[EFFECTIVE_COLUMNS[2][0]] = [as_of] * len(chosen)
    return frame


def download_frame(registry: Registry, ctx: SiteContext, kind: str, records: list[Record],
                   found: dict[tuple[str, str], EffectiveStatus] | None = None) -> pd.DataFrame:
    """The sheet of ``kind`` as the site publishes it: the export's columns, each notice id
    followed by the notice's 文号, the effective status, and the record digest last."""
    frame = records_frame(kind, records, registry.reference)
    numbers = {n.id: str(n.data["number"]) for n in registry.records.get("notices", {}).values() if n.data.get("number")}
    for header, number in NOTICE_NUMBER_HEADERS.items():
        if header in frame.columns:
            frame.insert(frame.columns.get_loc(header) + 1, number,
                         pd.Series([numbers.get(v) if isinstance(v, str) else None for v in frame[header]], dtype=object))
    frame = with_effective(frame, kind, statuses(registry, ctx) if found is None else found, ctx.as_of)
    id_header = next(c.header for c in TABLES[kind].columns if c.path == ("id",))
    digests = record_digests(registry, ctx)
    frame[DIGEST_HEADER] = pd.Series([digests.get((kind, v)) for v in frame[id_header]], dtype=object)
    return frame


def download_schema(registry: Registry, kind: str) -> dict[str, Any]:
    """The Table Schema of the site's CSV of ``kind`` (columns as in :func:`download_frame`)."""
    schema = table_schema(registry, kind)
    fields: list[dict[str, Any]] = []
    for field in schema["fields"]:
        fields.append(field)
        number = NOTICE_NUMBER_HEADERS.get(field["name"])
        if number:
            fields.append({"name": number, "type": "string", "title": number,
                           "description": f"“{field['name']}”所指公告的文号，仅供阅读；导入时以公告编号为准。"})
    if kind != "notices":
        fields += [{"name": name, "type": "date" if name == "状态核算日期" else "string",
                    "title": name, "description": text} for name, text in EFFECTIVE_COLUMNS]
    fields.append({"name": DIGEST_HEADER, "type": "string", "title": DIGEST_HEADER,
                   "description": "记录摘要：记录数据规范化 JSON 的 SHA-256（计算方法见网站的“核验说明”）。",
                   "constraints": {"required": True, "pattern": "^[0-9a-f]{64}$"}})
    return {**schema, "fields": fields}


def datapackage(registry: Registry, ctx: SiteContext, kinds: Iterable[str],
                csvs: dict[str, bytes] | None = None) -> dict[str, Any]:
    """The ``datapackage.json`` describing the CSV downloads of ``kinds``; with the CSVs'
    contents (``csvs``), each resource also carries their SHA-256 and size."""
    config = registry.config
    resources = []
    for kind in kinds:
        content = (csvs or {}).get(kind)
        integrity = {"bytes": len(content), "hash": "sha256:" + sha256(content)} if content is not None else {}
        resources.append({
            "name": kind, "path": f"{kind}.csv", "profile": "tabular-data-resource", **integrity,
            "title": KIND_BY_NAME[kind].title, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": (f"{KIND_BY_NAME[kind].title}，共 {len(registry.records.get(kind, {}))} 条记录。"
                            "文件以 UTF-8（带 BOM）编码；以 = + - @ 开头的文本前加了英文单引号，以免电子表格软件把它当作公式。"),
            "schema": download_schema(registry, kind),
        })
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "mulu",
        "title": config.title,
        "description": config.description,
        "created": ctx.generated_at,
        "resources": resources,
    }
    if config.site_url:
        package["homepage"] = config.site_url
    if ctx.revision:
        package["revision"] = ctx.revision  # the commit the data is from ("version" is meant for semver)
    return package


def download_files(registry: Registry, ctx: SiteContext) -> Iterator[DataFile]:
    """``downloads/<kind>.csv|xlsx`` for every kind, and ``downloads/datapackage.json``."""
    kinds = [k.name for k in KINDS]
    csvs: dict[str, bytes] = {}
    found = statuses(registry, ctx)
    for kind in kinds:
        records = list(registry.records.get(kind, {}).values())
        frame = download_frame(registry, ctx, kind, records, found)  # once for both spreadsheets
        csvs[kind] = frame_csv(frame)
        yield DataFile(f"{DOWNLOADS}/{kind}.csv", csvs[kind])
        memo = ctx.extras.get(XLSX_MEMO)   # mulu serve keeps workbooks between updates
        title = KIND_BY_NAME[kind].title
        yield DataFile(f"{DOWNLOADS}/{kind}.xlsx", memo.xlsx(frame, title, ctx.generated_at) if isinstance(memo, XlsxMemo)
                       else frame_xlsx(frame, title, ctx.generated_at))
    package = datapackage(registry, ctx, kinds, csvs)
    yield DataFile(f"{DOWNLOADS}/datapackage.json",
                   (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
