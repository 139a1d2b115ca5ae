"""Digests anyone can recompute: the canonical JSON form of a record, its SHA-256, and the
digests that tie a publication together (the manifest digest and the publication chain).

The canonical form (specified for readers in ``docs/verify.md``) is the JSON text of a
value with keys sorted, no whitespace between tokens, non-ASCII characters written as
themselves, encoded in UTF-8; in Python::

    json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")

A record's value is its data as mulu reads it from ``registry/<kind>/<id>.yml``: text,
integers, true/false, null, lists and mappings; a date is the text ``YYYY-MM-DD`` as written
(PyYAML's ``safe_load`` would turn it into a ``datetime.date``; :func:`canonical` writes such
a value back as the same ISO text, so both readings give one digest). Every digest is the
lowercase hexadecimal SHA-256, the form ``sha256sum`` prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

# The fields of a manifest that its digest covers: the data that was published. The file
# hashes are left out on purpose: files are generated from the data, and a newer mulu may
# write them differently, which must not change the digest of a past publication.
MANIFEST_FIELDS = ("commit", "time", "records")
ENTRY_FIELDS = ("commit", "time", "manifest_digest", "previous")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} 不是记录中允许的数据类型")


def canonical(value: Any) -> bytes:
    """The canonical JSON bytes of ``value`` (sorted keys, no whitespace, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False, default=_plain).encode("utf-8")


def sha256(content: bytes) -> str:
    """Lowercase hexadecimal SHA-256 of ``content`` (what ``sha256sum`` prints)."""
    return hashlib.sha256(content).hexdigest()


def record_digest(data: Mapping[str, Any]) -> str:
    """The digest of one record: SHA-256 of the canonical form of its data."""
    return sha256(canonical(data))


def manifest_records(records: Iterable[tuple[str, str, str]]) -> list[dict[str, str]]:
    """``(kind, id, digest)`` triples as the manifest lists them: sorted by kind, then id."""
    return [{"kind": k, "id": i, "digest": d} for k, i, d in sorted(records)]


def manifest_digest(manifest: Mapping[str, Any]) -> str:
    """The digest of a publication: SHA-256 of the canonical form of the manifest's
    ``commit``, ``time`` and ``records`` (see :data:`MANIFEST_FIELDS`)."""
    return sha256(canonical({key: manifest.get(key) for key in MANIFEST_FIELDS}))


def entry_digest(entry: Mapping[str, Any]) -> str:
    """The digest of one entry of the publication log (its four fields, ``previous``
    included), which the next entry quotes as its ``previous``: a hash chain."""
    return sha256(canonical({key: entry.get(key) for key in ENTRY_FIELDS}))


def chain(publications: Iterable[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Log entries for ``(commit, time, manifest_digest)`` oldest first, each quoting the
    digest of the one before (the first quotes null)."""
    entries: list[dict[str, Any]] = []
    previous: str | None = None
    for commit, time, digest in publications:
        entry = {"commit": commit, "time": time, "manifest_digest": digest, "previous": previous}
        entries.append(entry)
        previous = entry_digest(entry)
    return entries
