"""Writing the finished site: data files, the sitemap, the search index, the atomic swap."""

from __future__ import annotations

import ctypes
import ctypes.util
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
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


# Pages per Pagefind index. Pagefind holds everything it indexes in memory until it writes
# (about 100-140 KB per record page, measured: docs/dev/scale.md), so a large site is indexed
# in shards of this many pages, each by its own Pagefind process, and the browser merges them
# (Pagefind's mergeIndex; search.js reads the list from SHARDS_FILE). A site up to this size
# gets one index exactly as before.
SHARD_PAGES = 8_000
# ... and at most this many bytes of HTML: Pagefind's memory follows the text it indexes, about
# 29 MB for each MB of record pages with the pair index (docs/dev/scale.md), so 64 MB keeps a
# Pagefind process near 2 GB whatever the pages hold (8,000 pages of 100,000 records once took
# 2.65 GB). Smaller shards cost the first search one more request each, so 10,000 records stay
# in two shards; search_shard_mb lowers it for hosts with less memory.
SHARD_BYTES = 64 * 2**20
SHARDS_FILE = "mulu-shards.json"
PARALLEL = 2   # Pagefind processes at a time: both cores, two shards' memory


def html_pages(site_dir: Path) -> list[str]:
    """Every HTML file of the site (relative POSIX paths, sorted), the search index left out."""
    found: list[str] = []
    for dirpath, dirnames, names in os.walk(site_dir):
        if Path(dirpath) == site_dir and "pagefind" in dirnames:
            dirnames.remove("pagefind")
        rel = Path(dirpath).relative_to(site_dir).as_posix()
        found += [name if rel == "." else f"{rel}/{name}" for name in names if name.endswith(".html")]
    return sorted(found)


def shards(pages: list[str], size: int, budget: int = 0,
           size_of: Callable[[str], int] | None = None) -> list[list[str]]:
    """``pages`` cut into consecutive shards of at most ``size`` pages and, with a ``budget``,
    at most ``budget`` bytes by ``size_of`` (a page larger than that is a shard of its own);
    at least one shard."""
    if not budget or size_of is None:
        return [pages[i:i + size] for i in range(0, len(pages), size)] or [[]]
    out: list[list[str]] = [[]]
    held = 0
    for page in pages:
        weight = size_of(page)
        if out[-1] and (len(out[-1]) >= size or held + weight > budget):
            out.append([])
            held = 0
        out[-1].append(page)
        held += weight
    return out


def _pagefind(site: Path, output: Path | None = None) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet", *PAGEFIND_OPTIONS]
    if output is not None:
        cmd += ["--output-path", str(output)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def site_shards(site_dir: Path, shard_pages: int = SHARD_PAGES, shard_bytes: int = SHARD_BYTES) -> list[list[str]]:
    """The site's HTML pages as its search index is cut: at most ``shard_pages`` pages and
    ``shard_bytes`` of HTML a shard. The one rule for full builds and in-place updates
    (mulu.site.refresh), so that both make the same index."""
    return shards(html_pages(site_dir), shard_pages, shard_bytes, lambda rel: (site_dir / rel).stat().st_size)


def index_search(site_dir: Path, shard_pages: int = SHARD_PAGES, shard_bytes: int = SHARD_BYTES) -> str:
    """Build the Pagefind index into ``site_dir/pagefind`` with the options of
    :mod:`mulu.site.search` (no segmentation: pages carry their own words);
    sites of more than ``shard_pages`` pages or ``shard_bytes`` of HTML get one index per shard
    (:func:`site_shards`, :func:`index_shards`)."""
    parts = site_shards(site_dir, shard_pages, shard_bytes)
    return index_shards(site_dir, parts, range(len(parts)))


def index_shards(site_dir: Path, parts: list[list[str]], numbers: Sequence[int]) -> str:
    """Index the shards ``numbers`` of ``parts`` (:func:`site_shards`): one shard is the site
    folder itself (``pagefind/``); of several, shard N goes to ``pagefind/shard-N/`` (0 to
    ``pagefind/``), each made by Pagefind from hard links to its pages, at most ``PARALLEL`` at
    a time, and ``pagefind/mulu-shards.json`` lists the extra ones. Returns Pagefind's output."""
    index = site_dir / "pagefind"
    if len(parts) == 1:
        out = _wait([(_pagefind(site_dir), None)]) if 0 in numbers else ""
        (index / SHARDS_FILE).write_text("[]\n", encoding="utf-8")
        return out
    staging = Path(tempfile.mkdtemp(prefix=".pagefind-shards-", dir=site_dir.parent))
    started: list[subprocess.Popen[str]] = []
    try:
        outputs: list[str] = []
        running: list[tuple[subprocess.Popen[str], Path | None]] = []
        for number in numbers:
            tree = staging / str(number)
            for rel in parts[number]:
                (tree / rel).parent.mkdir(parents=True, exist_ok=True)
                _link(site_dir / rel, tree / rel)
            target = index / (f"shard-{number}" if number else "")
            running.append((_pagefind(tree, target), tree))
            started.append(running[-1][0])
            if len(running) >= PARALLEL:
                outputs.append(_wait(running[:1]))
                running = running[1:]
        outputs.append(_wait(running))
    finally:
        for proc in started:   # after a failure, no shard goes on writing
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(staging, ignore_errors=True)
    names = [f"shard-{n}/" for n in range(1, len(parts))]
    (index / SHARDS_FILE).write_text(json.dumps(names) + "\n", encoding="utf-8")
    return "".join(outputs)


def _link(source: Path, target: Path) -> None:
    """A hard link (no bytes copied), or a copy where the file system has none."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _wait(jobs: Sequence[tuple[subprocess.Popen[str], Path | None]]) -> str:
    """Wait for Pagefind processes; their output, or SiteError with the end of a failure's."""
    out = ""
    for proc, tree in jobs:
        text, _ = proc.communicate()
        if proc.returncode != 0:
            for other, _tree in jobs:
                other.kill()
            raise SiteError(text.strip()[-2000:])
        out += text
        if tree is not None:
            shutil.rmtree(tree, ignore_errors=True)
    return out


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
