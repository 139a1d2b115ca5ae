"""Where the bytes of a built site go: published bytes by part, and per record.

One counter for ``benchmarks/bench_scale.py`` and the size test (tests/test_site_size.py).
Theme assets (``assets/``: the theme's CSS, JavaScript, fonts and icons and mulu's own
scripts and styles) are the same at any size of registry, so the figure the 10 KB target is
about (``counted_bytes_per_record``) leaves them out; they are reported as a part of their own.
See docs/dev/scale.md, "Where the bytes go".
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

from mulu.core.kinds import KINDS

ASSETS = "theme assets"
RECORD_PAGES = "record pages"
_KIND_DIRS = frozenset(k.name for k in KINDS)


def part_of(rel: str) -> str:
    """Which part of the site a published file (path relative to the site) belongs to."""
    parts = rel.split("/")
    if parts[0] == "pagefind":
        return "pagefind index"
    if parts[0] == "assets":
        return ASSETS
    if parts[0] == "downloads":
        return "downloads"
    if parts[0] == "api":
        return "api per record" if len(parts) == 4 else "api per kind + index + manifest"
    if parts[0] in _KIND_DIRS and len(parts) == 3 and parts[2] == "index.html":
        return RECORD_PAGES
    if parts[0] == "occupations" and rel.endswith(".html"):
        return "occupation pages"
    if rel.endswith(".html"):
        return "other pages"
    if parts[0] == "feeds":
        return "feeds"
    return "other files"


def site_bytes(site: Path, records: int) -> dict[str, Any]:
    """Bytes and files of the built ``site`` by part, and per record (``records`` of them);
    record pages split into the record's own body (inside ``<article>``) and the chrome around it."""
    sizes: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    body = chrome = 0
    largest = (0, "")
    for dirpath, _, names in os.walk(site):
        for name in names:
            path = Path(dirpath) / name
            rel = path.relative_to(site).as_posix()
            part = part_of(rel)
            size = path.stat().st_size
            sizes[part] += size
            counts[part] += 1
            if part == RECORD_PAGES:
                text = path.read_bytes()
                start, end = text.find(b"<article"), text.find(b"</article>")
                inner = end - start if start >= 0 and end > start else 0
                body += inner
                chrome += size - inner
                largest = max(largest, (size, rel))
    total = sum(sizes.values())
    counted = total - sizes[ASSETS]
    pages = max(counts[RECORD_PAGES], 1)
    return {"site_mb": round(total / 2**20, 1), "files": sum(counts.values()),
            "bytes_per_record": round(total / records), "kb_per_record": round(total / records / 1024, 2),
            "counted_bytes_per_record": round(counted / records),
            "counted_kb_per_record": round(counted / records / 1024, 2),
            "parts": {k: {"mb": round(v / 2**20, 2), "files": counts[k], "bytes_per_record": round(v / records)}
                      for k, v in sizes.most_common()},
            "record_page_body_bytes_per_record": round(body / records),
            "record_page_chrome_bytes_per_record": round(chrome / records),
            "record_page_chrome_bytes_per_page": round(chrome / pages),
            "largest_record_page": {"path": largest[1], "bytes": largest[0]}}
