"""The downloads a site publishes: every kind as CSV, XLSX and JSON, and a Frictionless
Data Package describing the CSVs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.registry import Registry
from mulu.core.status import EffectiveStatus
from mulu.sheets.columns import TABLES
from mulu.sheets.tables import (
    DOWNLOADS,
    frame_csv,
    frame_xlsx,
    records_frame,
    records_json,
    table_schema,
)
from mulu.site.effective import effective_fields, statuses
from mulu.site.model import DataFile, SiteContext

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


def datapackage(registry: Registry, ctx: SiteContext, kinds: Iterable[str]) -> dict[str, Any]:
    """The ``datapackage.json`` describing the CSV downloads of ``kinds``."""
    config = registry.config
    resources: list[dict[str, Any]] = []
    for kind in kinds:
        resources.append({
            "name": kind, "path": f"{kind}.csv", "profile": "tabular-data-resource",
            "title": KIND_BY_NAME[kind].title, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": (f"{KIND_BY_NAME[kind].title}，共 {len(registry.records.get(kind, {}))} 条记录。"
                            "文件以 UTF-8（带 BOM）编码；以 = + - @ 开头的文本前加了英文单引号，以免电子表格软件把它当作公式。"),
            "schema": table_schema(registry, kind),
        })
        if kind != "notices":
            schema: dict[str, Any] = resources[-1]["schema"]
            schema["fields"] += [{"name": name, "type": "date" if name == "状态核算日期" else "string",
                                  "title": name, "description": text} for name, text in EFFECTIVE_COLUMNS]
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "mulu",
        "title": str(config.get("title", "职业技能培训目录清单")),
        "description": str(config.get("description", "")).strip(),
        "created": ctx.generated_at,
        "resources": resources,
    }
    if config.get("site_url"):
        package["homepage"] = str(config["site_url"])
    if ctx.revision:
        package["revision"] = ctx.revision  # the commit the data is from ("version" is meant for semver)
    return package


def download_files(registry: Registry, ctx: SiteContext) -> Iterator[DataFile]:
    """``downloads/<kind>.csv|xlsx|json`` for every kind, and ``downloads/datapackage.json``."""
    kinds = [k.name for k in KINDS]
    found = statuses(registry, ctx)
    for kind in kinds:
        records = list(registry.records.get(kind, {}).values())
        frame = records_frame(kind, records, registry.reference)  # once for both spreadsheets
        frame = with_effective(frame, kind, found, ctx.as_of)
        yield DataFile(f"{DOWNLOADS}/{kind}.csv", frame_csv(frame))
        yield DataFile(f"{DOWNLOADS}/{kind}.xlsx", frame_xlsx(frame, KIND_BY_NAME[kind].title, ctx.generated_at))
        yield DataFile(f"{DOWNLOADS}/{kind}.json", records_json(
            [r.data if kind == "notices" else {**r.data, **effective_fields(found[(kind, r.id)])} for r in records]))
    package = datapackage(registry, ctx, kinds)
    yield DataFile(f"{DOWNLOADS}/datapackage.json",
                   (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
