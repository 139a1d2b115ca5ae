"""``api/v1/manifest.json``: what one build published, in a form anyone can check.

It names the commit and its time, lists every record's kind, id and digest, and the
SHA-256 and size of every other file the build wrote (downloads, API, feeds). Its digest
(:func:`mulu.core.digest.manifest_digest`) covers the commit, time and records; it is the
value the publication log chains, the one ``mulu build`` prints and the footer shows.

The manifest is made after every other file (a "finisher" of the render step), since it
hashes them all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from mulu.core.digest import canonical, manifest_digest, manifest_records, sha256
from mulu.core.registry import Registry
from mulu.site.api import SCHEMA_VERSION
from mulu.site.model import DataFile, SiteContext
from mulu.site.publications import publication_log, record_digests

MANIFEST = "api/v1/manifest.json"
FORMAT = "mulu-manifest/1"
LISTS = ("records", "files")


def build_manifest(registry: Registry, ctx: SiteContext, files: Iterable[DataFile]) -> dict[str, Any]:
    """The manifest of a build whose other data files are ``files``."""
    log = publication_log(registry, ctx)
    latest = log.latest
    # The commit that last changed registry/ (the newest publication), so that the manifest
    # of a build and the newest entry of the log carry one digest.
    commit, time = (str(latest["commit"]), str(latest["time"])) if latest else (ctx.revision, ctx.generated_at)
    manifest: dict[str, Any] = {
        "format": FORMAT, "schema_version": SCHEMA_VERSION, "commit": commit, "time": time,
        "generated_at": ctx.generated_at, "digest": "",
        "records": manifest_records((kind, rid, d) for (kind, rid), d in record_digests(registry, ctx).items()),
        "files": [{"path": f.path, "sha256": sha256(f.content), "bytes": len(f.content)}
                  for f in sorted(files, key=lambda f: f.path) if f.path != MANIFEST],
    }
    manifest["digest"] = manifest_digest(manifest)
    if not log.available:
        manifest["note"] = log.note
    return manifest


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as written: its fields on the first lines, then one record or file per
    line (readable, and small: about 110 bytes per record)."""
    head = {k: v for k, v in manifest.items() if k not in LISTS}
    parts = [json.dumps(head, ensure_ascii=False, indent=1)[:-2]]
    for key in LISTS:
        items = ",\n".join(canonical(item).decode("utf-8") for item in manifest.get(key, []))
        parts.append(f',\n "{key}": [\n{items}\n ]' if items else f',\n "{key}": []')
    return ("".join(parts) + "\n}\n").encode("utf-8")


def manifest_files(registry: Registry, ctx: SiteContext, files: list[DataFile]) -> Iterator[DataFile]:
    """The finisher writing ``api/v1/manifest.json``; the digest is kept in
    ``ctx.extras["manifest_digest"]`` for the footer and for ``mulu build``."""
    manifest = build_manifest(registry, ctx, files)
    ctx.extras["manifest_digest"] = manifest["digest"]
    yield DataFile(MANIFEST, manifest_bytes(manifest))
