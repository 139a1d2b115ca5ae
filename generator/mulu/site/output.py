"""Writing the finished site: data files, the sitemap, the search index, the atomic swap."""

from __future__ import annotations

import ctypes
import ctypes.util
import gzip
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from mulu.errors import SiteError
from mulu.site.model import DataFile, Page
from mulu.site.search import PAGEFIND_OPTIONS

RENAME_EXCHANGE = 2


def write_files(site_dir: Path, files: Iterable[DataFile]) -> int:
    """Write data files under ``site_dir``; returns how many."""
    made: set[Path] = set()
    n = 0
    for item in files:
        target = site_dir / item.path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(item.content)
        n += 1
    return n


def write_page(site_dir: Path, page: Page, html: str) -> None:
    """Write a finished page at its directory path."""
    target = site_dir / page.path / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")


def extend_sitemap(site_dir: Path, site_url: str, paths: list[str], lastmod: str, drop: str) -> None:
    """Add stamped pages to MkDocs' sitemap (it only knows the pages it rendered) and
    drop the shell pages; rewrite ``sitemap.xml.gz`` with a fixed timestamp."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = sitemap.read_text(encoding="utf-8")
    text = re.sub(r"\s*<url>(?:(?!</url>).)*" + re.escape(drop) + r".*?</url>", "", text, flags=re.S)
    base = site_url.rstrip("/") + "/" if site_url else "/"
    extra = "".join(f"\n    <url>\n         <loc>{base}{p}</loc>\n         <lastmod>{lastmod}</lastmod>\n    </url>"
                    for p in paths)
    text = text.replace("</urlset>", extra.lstrip("\n") + "\n</urlset>" if extra else "</urlset>")
    sitemap.write_text(text, encoding="utf-8")
    with open(site_dir / "sitemap.xml.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, filename="sitemap.xml", mode="wb", mtime=0) as gz:
            gz.write(text.encode("utf-8"))


def index_search(site_dir: Path) -> str:
    """Build the Pagefind index into ``site_dir/pagefind``, with the options of
    :mod:`mulu.site.search` (no segmentation: pages carry their own words)."""
    proc = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site_dir), "--quiet", *PAGEFIND_OPTIONS],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SiteError((proc.stdout + proc.stderr).strip()[-2000:])
    return proc.stdout


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2); False when not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD = -100
    res = fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return bool(res == 0)


def swap_into(built: Path, target: Path) -> None:
    """Replace ``target`` by ``built`` (a sibling directory) so that readers see either the
    old or the new site; the old one is removed afterwards."""
    if not target.exists():
        os.rename(built, target)
        return
    if _exchange(built, target):
        shutil.rmtree(built)
        return
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    os.rename(target, old)
    try:
        os.rename(built, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old)
