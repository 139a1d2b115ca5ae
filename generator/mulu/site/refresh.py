"""Updating a built site in place after records changed (``mulu serve``), byte for byte the
site a full build of the same files makes (docs/dev/incremental-site.md).

A full build runs MkDocs once; what it renders around the registry's pages is kept in
:class:`Frames`: the themed shell of each directory depth (record, notice and jurisdiction
pages are stamped into them, :mod:`mulu.site.shell`), each navigation page's MkDocs output cut
around its body, and MkDocs' sitemap before the stamped pages were added. An update re-runs the
providers (the registry's pages and data files are cheap next to MkDocs and Pagefind), puts
each page into its frame, writes only files whose bytes changed, removes files no longer made,
and re-indexes only the Pagefind shards whose pages changed. Anything that would change a frame
(a navigation page's title, section or order, a new directory depth, the data date or as-of
date in the footer) is refused with the reason, and the caller builds in full; a navigation
page's description is replaced in its head.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mulu.core.registry import Registry
from mulu.sheets.tables import XLSX_MEMO, XlsxMemo
from mulu.site.html import esc
from mulu.site.model import DataFile, Page, SiteContext
from mulu.site.output import extend_sitemap, index_shards, site_shards
from mulu.site.phases import phase
from mulu.site.providers import FINISHERS, PROVIDERS
from mulu.site.render import render
from mulu.site.shell import SHELL_DIR, Shell, depth
from mulu.site.spool import PageSpool

NavKey = tuple[str, str, str | None, int, bool, str]


def nav_key(page: Page) -> NavKey:
    """What MkDocs renders of a navigation page besides its body: a change to any of these
    changes the navigation (of every page) or the page's head."""
    return (page.path, page.title, page.nav, page.nav_order, page.search, page.description)


def page_file(path: str) -> str:
    """The file of a page at directory path ``path``."""
    return (path.rstrip("/") + "/index.html").lstrip("/")


def context_key(ctx: SiteContext) -> tuple[str, str, str, str, str, str]:
    """The build-wide facts MkDocs prints on every page (footer dates) or links with (data version)."""
    return (ctx.generated_at, ctx.revision, ctx.as_of, ctx.repo_url, ctx.repo_edit, str(ctx.extras.get("epoch", "")))


@dataclass
class Frames:
    """What one full build rendered through MkDocs around the registry's pages; filled by the
    MkDocs plugin when given one (``MuluPlugin.prepare(..., frames=...)``)."""

    outputs: dict[str, str] = field(default_factory=dict)   # navigation page path -> MkDocs output
    shells: dict[int, Shell] = field(default_factory=dict)
    sitemap: str | None = None     # MkDocs' sitemap.xml before the stamped pages were added
    site_url: str = ""
    description: str = ""          # the default description of stamped pages
    pages: list[Page] = field(default_factory=list)         # the navigation pages
    files: dict[str, str] = field(default_factory=dict)     # data file -> sha1
    stamped: list[str] = field(default_factory=list)        # paths of the stamped pages
    context: tuple[str, ...] = ()                           # context_key of the build
    search: bool = False                                    # whether Pagefind indexed it
    xlsx: XlsxMemo = field(default_factory=XlsxMemo)        # workbooks, kept between updates
    shard_pages: int = 1
    shard_bytes: int = 0

    def keep_output(self, path: str, output: str) -> None:
        """Note a navigation page's MkDocs output (``on_post_page``)."""
        self.outputs[path] = output

    def keep_build(self, site_dir: Path, ctx: SiteContext, by_depth: dict[int, Shell], site_url: str, description: str,
                   pages: list[Page], files: Iterable[DataFile], stamped: list[str], *, search: bool,
                   shard_pages: int, shard_bytes: int) -> None:
        """Note the rest at the end of the build (``on_post_build``, before the sitemap is extended)."""
        sitemap = site_dir / "sitemap.xml"
        self.sitemap = sitemap.read_text(encoding="utf-8") if sitemap.is_file() else None
        self.shells, self.site_url, self.description = dict(by_depth), site_url, description
        self.pages = [p for p in pages if p.nav is not None]
        self.files = {f.path: _sha(f.content) for f in files}
        self.stamped = list(stamped)
        self.context = context_key(ctx)
        self.search, self.shard_pages, self.shard_bytes = search, shard_pages, shard_bytes


@dataclass
class SiteState:
    """A site as last written: the frames, and a digest of every file the registry made."""

    frames: Frames
    context: tuple[str, ...]
    nav: dict[str, NavKey]
    heads: dict[str, tuple[str, str]]      # navigation page path -> (before body, after body)
    uncut: dict[str, str]                  # navigation pages not cut (body not found once) -> sha1 of the body
    digests: dict[str, str]                # file -> sha1 of the bytes written
    stamped: list[str]
    search: bool
    shard_pages: int
    shard_bytes: int
    shard_lists: list[list[str]]


@dataclass(frozen=True)
class Update:
    """Outcome of :func:`update`: ``reason`` (Chinese) says why a full build is needed instead."""

    ok: bool
    reason: str = ""
    pages: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    shards: list[int] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _split(output: str, body: str) -> tuple[str, str] | None:
    """``output`` cut around the one place ``body`` appears (None when not exactly once)."""
    at = output.find(body) if body else -1
    if at < 0 or output.find(body, at + 1) >= 0:
        return None
    return output[:at], output[at + len(body):]


def record_state(site_dir: Path, frames: Frames) -> SiteState:
    """The state of the site a full build just wrote into ``site_dir`` with ``frames`` filled:
    each navigation page's output cut around its body, and a digest of every file the
    registry made (pages read back from disk)."""
    heads: dict[str, tuple[str, str]] = {}
    uncut: dict[str, str] = {}
    for page in frames.pages:
        cut = _split(frames.outputs.get(page.path, ""), page.html)
        if cut is not None:
            heads[page.path] = cut
        else:
            uncut[page.path] = _sha(page.html.encode("utf-8"))
    digests = dict(frames.files)
    for path in [p.path for p in frames.pages] + frames.stamped:
        digests[page_file(path)] = _sha((site_dir / page_file(path)).read_bytes())
    state = SiteState(frames, frames.context, {p.path: nav_key(p) for p in frames.pages}, heads, uncut, digests,
                      list(frames.stamped), frames.search, frames.shard_pages, frames.shard_bytes,
                      site_shards(site_dir, frames.shard_pages, frames.shard_bytes) if frames.search else [])
    # Cut into heads and digests: the whole outputs and pages are not kept.
    frames.outputs, frames.pages, frames.files, frames.stamped = {}, [], {}, []
    return state


def _write(site_dir: Path, rel: str, data: bytes, state: SiteState, written: list[str]) -> None:
    digest = _sha(data)
    if state.digests.get(rel) == digest:
        return
    target = site_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    state.digests[rel] = digest
    written.append(rel)


def update(site_dir: Path, state: SiteState, registry: Registry, ctx: SiteContext) -> Update:
    """Bring the site in ``site_dir`` (last written with ``state``) up to ``registry``; ``state``
    is updated. Returns ``ok=False`` with a reason, having written nothing, when only a full
    build can make the same site."""
    if context_key(ctx) != state.context:
        return Update(False, "数据日期或状态核算日期变了（每个页面的页脚都会变化）")
    ctx.extras[XLSX_MEMO] = state.frames.xlsx
    spool = PageSpool()
    try:
        with phase("render (incremental)"):
            rendered = render(registry, ctx, PROVIDERS, FINISHERS, sink=spool.add)
        pages, files = rendered.pages, rendered.files
        nav = {p.path: nav_key(p) for p in pages}
        if {k: v[:-1] for k, v in nav.items()} != {k: v[:-1] for k, v in state.nav.items()}:
            return Update(False, "导航页面有增减或标题变化（每个页面的导航都会变化）")
        for path, key in nav.items():
            if key != state.nav[path] and not _describe(state, path, key):
                return Update(False, f"页面 {path or '/'} 的简介无法在原处替换")
        for page in pages:
            if page.path not in state.heads and _sha(page.html.encode("utf-8")) != state.uncut.get(page.path):
                # A navigation page whose body could not be cut out of its MkDocs output
                # (empty, or found twice) changed: only MkDocs can render it again.
                return Update(False, f"页面 {page.path or '/'} 需要由 MkDocs 重新生成")
        if any(depth(path) not in state.frames.shells for path in spool.paths):
            return Update(False, "出现了新的目录层级")
        written: list[str] = []
        made: set[str] = set()
        with phase("write (incremental)"):
            for page in pages:
                rel = page_file(page.path)
                made.add(rel)
                if page.path not in state.heads:
                    continue   # unchanged (checked above)
                head, tail = state.heads[page.path]
                _write(site_dir, rel, (head + page.html + tail).encode("utf-8"), state, written)
            for page in spool:
                rel = page_file(page.path)
                made.add(rel)
                html = state.frames.shells[depth(page.path)].stamp(page, state.frames.description)
                _write(site_dir, rel, html.encode("utf-8"), state, written)
            for item in files:
                made.add(item.path)
                _write(site_dir, item.path, item.content, state, written)
            removed = sorted(set(state.digests) - made)
            for rel in removed:
                (site_dir / rel).unlink(missing_ok=True)
                del state.digests[rel]
                _prune(site_dir, (site_dir / rel).parent)
            if spool.paths != state.stamped:
                _sitemap(site_dir, state, ctx, list(spool.paths))
                state.stamped = list(spool.paths)
        reindexed: list[int] = []
        if state.search:
            with phase("search index (incremental)"):
                reindexed = _reindex(site_dir, state, {w for w in written if w.endswith(".html")}
                                     | {r for r in removed if r.endswith(".html")})
        return Update(True, pages=len(pages) + len(spool), written=written, removed=removed, shards=reindexed)
    finally:
        spool.close()


def _describe(state: SiteState, path: str, key: NavKey) -> bool:
    """Put a navigation page's new description (e.g. a catalogue's record count) into its head
    where MkDocs printed the old one (escaped, see ``mkdocs_plugin.page_source``); False when
    the old one is empty or appears anywhere else around the body, which only MkDocs can redo."""
    old, new = esc(state.nav[path][-1]), esc(key[-1])
    if path not in state.heads:
        return False
    head, tail = state.heads[path]
    if not old or tail.count(old) or not head.count(old) or head.count(old) != head.count(f'"{old}"'):
        return False
    state.heads[path] = (head.replace(f'"{old}"', f'"{new}"'), tail)
    state.nav[path] = key
    return True


def _prune(site_dir: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents up to ``site_dir`` while they are empty (a full
    build makes no empty directories)."""
    while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _sitemap(site_dir: Path, state: SiteState, ctx: SiteContext, paths: list[str]) -> None:
    """MkDocs' sitemap with the stamped pages added, as the full build writes it."""
    if state.frames.sitemap is None:
        return
    (site_dir / "sitemap.xml").write_text(state.frames.sitemap, encoding="utf-8")
    lastmod = datetime.fromtimestamp(int(ctx.extras.get("epoch", 0)), UTC).date().isoformat()
    extend_sitemap(site_dir, state.frames.site_url, paths, lastmod, SHELL_DIR + "/")


def _clear(target: Path, keep_shards: bool) -> None:
    """Remove a Pagefind index's files (the main index keeps its ``shard-N`` folders)."""
    if not target.is_dir():
        return
    for entry in target.iterdir():
        if keep_shards and entry.is_dir() and entry.name.startswith("shard-"):
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _reindex(site_dir: Path, state: SiteState, changed: set[str]) -> list[int]:
    """Re-index the shards whose pages changed or moved between shards; returns their numbers."""
    parts = site_shards(site_dir, state.shard_pages, state.shard_bytes)
    todo = [n for n, pages in enumerate(parts)
            if n >= len(state.shard_lists) or pages != state.shard_lists[n] or changed.intersection(pages)]
    index = site_dir / "pagefind"
    for gone in range(len(parts), len(state.shard_lists)):
        shutil.rmtree(index / f"shard-{gone}", ignore_errors=True)
    if not todo and len(parts) == len(state.shard_lists):
        return []
    for number in todo:
        _clear(index / (f"shard-{number}" if number else ""), keep_shards=number == 0)
    index_shards(site_dir, parts, todo)
    state.shard_lists = parts
    return todo
