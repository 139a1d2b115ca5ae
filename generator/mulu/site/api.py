"""The static JSON API under ``api/v1/``: an index, one file per kind, one per record
(unless ``api.per_record: false`` in config.yml: then only the file per kind, see
:func:`mulu.site.model.record_api_path`).

Every file carries ``schema_version``, ``generated_at`` and ``as_of`` (the day effective
statuses are computed for); records carry ``effective_status``, ``effective_label`` and
``effective_reason``; every path inside (``url``,
``page``, ``downloads``) is relative to the site root."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from mulu.core.kinds import KINDS
from mulu.core.registry import Registry
from mulu.site.effective import effective_fields, statuses
from mulu.site.model import DataFile, SiteContext, record_path
from mulu.site.publications import record_digests
from mulu.site.records import catalogue_title

# Version of the record format the API serves (the schemas in schemas/). Bump the major
# number when a field is removed or changes meaning, the minor one when fields are added.
SCHEMA_VERSION = "1.1"
BASE = "api/v1/"


def _dump(data: Any, pretty: bool = False) -> bytes:
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2).encode()
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def api_files(registry: Registry, ctx: SiteContext) -> Iterator[DataFile]:
    """Every file of the API."""
    stamp = {"schema_version": SCHEMA_VERSION, "generated_at": ctx.generated_at, "as_of": ctx.as_of}
    if ctx.revision:
        stamp["revision"] = ctx.revision
    found = statuses(registry, ctx)
    kinds = []
    digests = record_digests(registry, ctx)
    for kind in KINDS:
        records = registry.records.get(kind.name, {})
        effective = {r.id: effective_fields(found.get((kind.name, r.id))) for r in records.values()}
        item = {"kind": kind.name, "title": catalogue_title(registry, kind.name), "noun": kind.noun,
                "count": len(records), "status": dict(Counter(r.status for r in records.values())),
                "url": f"{BASE}{kind.name}.json", "page": f"{kind.name}/"}
        if registry.config.api_per_record:
            item["record_url"] = f"{BASE}{kind.name}/{{id}}.json"
        if kind.name != "notices":
            item["effective_status"] = dict(Counter(e["effective_status"] for e in effective.values()))
        kinds.append(item)
        yield DataFile(f"{BASE}{kind.name}.json", _dump({
            **stamp, "kind": kind.name, "count": len(records),
            "records": [{"id": r.id, "page": record_path(r), **effective[r.id], "digest": digests[(r.kind, r.id)],
                         "data": r.data}
                        for r in records.values()]}))
        for r in records.values() if registry.config.api_per_record else ():
            yield DataFile(f"{BASE}{kind.name}/{r.id}.json", _dump({
                **stamp, "kind": kind.name, "id": r.id, "page": record_path(r),
                "source_file": r.file, **effective[r.id], "digest": digests[(r.kind, r.id)], "data": r.data},
                pretty=True))
    yield DataFile(f"{BASE}index.json", _dump({
        **stamp, "title": registry.config.title, "count": registry.count(), "kinds": kinds,
        # The JSON of a kind is its API file, not a copy under downloads/ (docs/dev/scale.md).
        "downloads": {k: {"csv": f"downloads/{k}.csv", "xlsx": f"downloads/{k}.xlsx", "json": f"{BASE}{k}.json"}
                      for k in (c.kind for c in registry.config.catalogues)},
        }, pretty=True))


