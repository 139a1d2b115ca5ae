"""The downloads a site publishes: every kind as CSV, XLSX and JSON, and a Frictionless
Data Package describing the CSVs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.registry import Registry
from mulu.sheets.tables import (
    DOWNLOADS,
    frame_csv,
    frame_xlsx,
    records_frame,
    records_json,
    table_schema,
)
from mulu.site.model import DataFile, SiteContext


def datapackage(registry: Registry, ctx: SiteContext, kinds: Iterable[str]) -> dict[str, Any]:
    """The ``datapackage.json`` describing the CSV downloads of ``kinds``."""
    config = registry.config
    resources = []
    for kind in kinds:
        resources.append({
            "name": kind, "path": f"{kind}.csv", "profile": "tabular-data-resource",
            "title": KIND_BY_NAME[kind].title, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": (f"{KIND_BY_NAME[kind].title}，共 {len(registry.records.get(kind, {}))} 条记录。"
                            "文件以 UTF-8（带 BOM）编码；以 = + - @ 开头的文本前加了英文单引号，以免电子表格软件把它当作公式。"),
            "schema": table_schema(registry, kind),
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
    """``downloads/<kind>.csv|xlsx|json`` for every kind, and ``downloads/datapackage.json``."""
    kinds = [k.name for k in KINDS]
    for kind in kinds:
        records = list(registry.records.get(kind, {}).values())
        frame = records_frame(kind, records, registry.reference)  # once for both spreadsheets
        yield DataFile(f"{DOWNLOADS}/{kind}.csv", frame_csv(frame))
        yield DataFile(f"{DOWNLOADS}/{kind}.xlsx", frame_xlsx(frame, KIND_BY_NAME[kind].title, ctx.generated_at))
        yield DataFile(f"{DOWNLOADS}/{kind}.json", records_json(records))
    package = datapackage(registry, ctx, kinds)
    yield DataFile(f"{DOWNLOADS}/datapackage.json",
                   (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
