"""The MkDocs adapter: places the engine-neutral pages (``mulu.site``) into mkdocs-material.

* ``on_config`` opens and validates the project (validation is the gate: any problem stops
  the build with the same Chinese report as ``mulu validate``) and runs the providers.
* Pages with a navigation section become generated MkDocs pages whose HTML is put in
  directly in ``on_page_content`` (registry text never goes through Markdown).
* Every other page (records, notices, jurisdictions) is stamped out of one themed shell
  page per directory depth in ``on_post_build`` (see ``mulu.site.shell``), then data files
  are written and Pagefind indexes the site.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkPage

from mulu.core.parallel import in_halves
from mulu.core.problems import format_text
from mulu.errors import MuluError, SiteError
from mulu.project import Opened, find_root, open_project
from mulu.sheets.tables import XLSX_MEMO
from mulu.site import shell as shells
from mulu.site.context import build_context
from mulu.site.html import esc
from mulu.site.model import Page, SiteContext
from mulu.site.output import (
    SHARD_BYTES,
    SHARD_PAGES,
    extend_sitemap,
    index_search,
    write_files,
    write_page,
)
from mulu.site.phases import phase
from mulu.site.providers import BACKGROUND, FINISHERS, PROVIDERS
from mulu.site.refresh import Frames
from mulu.site.render import Rendered, render
from mulu.site.spool import PageSpool

# Generated pages carry no Markdown, only front matter: hide the (empty) table of contents,
# and give the theme the page's description and whether search should index it.
# Stamped pages are out of the nav: their own small template (site_overrides/mulu-shell.html)
# has a header, the body and the footer, without the theme's navigation and scripts.
SHELL_SOURCE = f"---\ntitle: {shells.TITLE}\ndescription: {shells.DESCRIPTION}\ntemplate: mulu-shell.html\n---\n"


class MuluPluginConfig(Config):
    """Options under ``plugins: - mulu:`` in mkdocs.yml."""

    root = c.Optional(c.Type(str))      # project directory; default: the one holding mkdocs.yml
    search = c.Type(bool, default=True)  # build the Pagefind index
    # pages per Pagefind index: larger sites are indexed in shards (bounded memory, docs/dev/scale.md)
    search_shard_pages = c.Type(int, default=SHARD_PAGES)
    search_shard_mb = c.Type(int, default=SHARD_BYTES // 2**20)   # and MB of HTML per index (memory)


def src_uri(path: str) -> str:
    """The virtual Markdown source of a page path (``a/b/`` -> ``a/b/index.md``)."""
    return f"{path}index.md" if path else "index.md"


def page_source(page: Page) -> str:
    """Front matter of a generated page. The theme prints ``description`` unescaped into an
    attribute, so it is HTML-escaped here; JSON quoting makes it a safe YAML string."""
    lines = ["---", "hide:", "  - toc"]
    if page.description:
        lines.append(f"description: {json.dumps(esc(page.description), ensure_ascii=False)}")
    if not page.search:
        lines.append("mulu_nosearch: true")
    return "\n".join(lines + ["---", ""])


def safe_title(text: str) -> Markup:
    """A title the theme may print without escaping (it does, in several places)."""
    return Markup(esc(text))


class MuluPlugin(BasePlugin[MuluPluginConfig]):
    """``plugins: [mulu]`` in mkdocs.yml."""

    def __init__(self) -> None:
        self._preloaded: tuple[Opened, SiteContext] | None = None
        self._saved_epoch: str | None = None
        self.rendered: Rendered | None = None
        self.ctx: SiteContext | None = None
        self.root: Path | None = None
        self.nav_pages: dict[str, Page] = {}
        self.stamped = PageSpool()   # record, notice, jurisdiction pages: on disk until stamped
        self.shell_html: dict[str, str] = {}
        self.description = ""
        self.frames: Frames | None = None   # what mulu serve keeps to update the site in place

    def prepare(self, opened: Opened, ctx: SiteContext, *, search: bool = True, frames: Frames | None = None) -> None:
        """Use an already opened (and validated) project for the next build instead of
        opening it again (``mulu build`` validates before it starts MkDocs); ``search``
        False skips the Pagefind index for this build; ``frames`` is filled with what
        MkDocs rendered around the registry's pages (``mulu.site.refresh``)."""
        self._preloaded = (opened, ctx)
        self.frames = frames
        self.config.search = self.config.search and search

    # -- configuration: open, validate, render ---------------------------------------------
    def _root(self, config: MkDocsConfig) -> Path:
        if self.config.root:
            base = Path(config.config_file_path or ".").parent
            return (base / self.config.root).resolve()
        return find_root(Path(config.config_file_path or ".").parent)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self._preloaded is not None:
            opened, ctx = self._preloaded
            self._preloaded = None  # a later rebuild (mkdocs serve) must re-read the files
        else:
            try:
                root = self._root(config)
            except MuluError as err:
                raise PluginError(f"找不到目录数据（registry/config.yml）：{err}") from err
            opened = open_project(root)
            ctx = None
        if opened.problems or opened.registry is None:
            raise PluginError("目录数据有问题，已停止构建：\n" + format_text(opened.problems))
        registry = opened.registry
        self.root = opened.root
        self.ctx = ctx or build_context(registry, opened.root)
        if self.frames is not None:   # mulu serve: workbooks made now are reused by its updates
            self.ctx.extras[XLSX_MEMO] = self.frames.xlsx
        # Sitemap dates (MkDocs reads SOURCE_DATE_EPOCH) must come from the data, not the
        # clock. Set for this build only: a later rebuild under `mkdocs serve` gets its own.
        self._set_epoch(str(self.ctx.extras.get("epoch", 0)))
        config.site_name = safe_title(registry.config.title or config.site_name)
        config.extra["mulu_generated_at"] = self.ctx.generated_at  # shown in the footer
        config.extra["mulu_as_of"] = self.ctx.as_of  # the footer's 状态核算日期
        contact = registry.config.contact   # the footer's 主办单位 and phone numbers
        config.extra["mulu_contact"] = {"organizer": contact.organizer, "phone": contact.phone,
                                        "complaint_phone": contact.complaint_phone}
        self.description = registry.config.description
        if self.description:
            config.site_description = safe_title(self.description)
        if not config.site_url and registry.config.site_url:
            config.site_url = registry.config.site_url.rstrip("/") + "/"
        try:
            with phase("render"):
                self.stamped.close()   # the previous build's (mkdocs serve)
                self.stamped = PageSpool()
                self.rendered = render(registry, self.ctx, PROVIDERS, FINISHERS, sink=self.stamped.add,
                                       background=BACKGROUND)
        except SiteError as err:
            raise PluginError(str(err)) from err
        self.nav_pages = {src_uri(p.path): p for p in self.rendered.pages if p.nav is not None}
        self.shell_html = {}
        return config

    # -- files and navigation --------------------------------------------------------------
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        for uri, page in self.nav_pages.items():
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"docs/{uri} 与自动生成的页面“{page.title}”冲突：请重命名或删除该文件。")
            files.append(File.generated(config, uri, content=page_source(page)))
        for level in sorted({shells.depth(path) for path in self.stamped.paths}):
            if level == 0:
                raise PluginError("没有导航分组的页面不能放在站点根目录。")
            files.append(File.generated(config, src_uri(shells.shell_path(level)), content=SHELL_SOURCE,
                                        inclusion=InclusionLevel.NOT_IN_NAV))
        config.nav = self._nav(config, files)
        return files

    def _nav(self, config: MkDocsConfig, files: Files) -> list[Any]:
        """Generated sections first (by ``nav_order``), then the entries of mkdocs.yml
        whose files exist (the docs may not all be written yet)."""
        groups: dict[str, list[Page]] = {}
        for page in sorted(self.nav_pages.values(), key=lambda p: (p.nav_order, p.path)):
            groups.setdefault(page.nav or "", []).append(page)
        items: list[tuple[int, Any]] = []
        for section, pages in groups.items():
            entries = [{safe_title(p.title): src_uri(p.path)} for p in pages]
            # A section holding one page of its own name is a plain link (调整记录 › 调整记录 is noise).
            if section and not (len(pages) == 1 and safe_title(pages[0].title) == safe_title(section)):
                items.append((pages[0].nav_order, {safe_title(section): entries}))
            else:
                items += [(p.nav_order, e) for p, e in zip(pages, entries)]
        nav = [entry for _, entry in sorted(items, key=lambda x: x[0])]
        return nav + _existing(config.nav or [], files, skip=set(self.nav_pages))

    # -- pages -----------------------------------------------------------------------------
    def on_page_content(self, html: str, /, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        if uri in self.nav_pages:
            return self.nav_pages[uri].html
        if uri.startswith(shells.SHELL_DIR + "/"):
            return f"<h1>{shells.TITLE}</h1>{shells.BODY}"
        return html

    def on_post_page(self, output: str, /, *, page: MkPage, config: MkDocsConfig) -> str:
        if page.file.src_uri.startswith(shells.SHELL_DIR + "/"):
            self.shell_html[page.url] = shells.compact(output)
        elif self.frames is not None and page.file.src_uri in self.nav_pages:
            self.frames.keep_output(self.nav_pages[page.file.src_uri].path, output)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.rendered is not None and self.ctx is not None
        site_dir = Path(config.site_dir)
        shutil.rmtree(site_dir / shells.SHELL_DIR, ignore_errors=True)
        by_depth = {shells.depth(url): shells.Shell(url, html) for url, html in self.shell_html.items()}
        default_description = str(self.description)  # unescaped: Shell.stamp escapes it
        def stamp(start: int, stop: int) -> None:
            for page in self.stamped.pages(start, stop):
                write_page(site_dir, page, by_depth[shells.depth(page.path)].stamp(page, default_description))

        with phase("stamp"):
            self.stamped.flush()   # before the fork: a buffer both processes held would be written twice
            in_halves(len(self.stamped), stamp)   # both cores (mulu.core.parallel)
        with phase("data files"):
            write_files(site_dir, self.rendered.files)
        # Same date as MkDocs writes for its own pages (SOURCE_DATE_EPOCH, in UTC).
        lastmod = datetime.fromtimestamp(int(self.ctx.extras.get("epoch", 0)), UTC).date().isoformat()
        shard_pages, shard_bytes = max(1, self.config.search_shard_pages), max(1, self.config.search_shard_mb) * 2**20
        if self.frames is not None:
            self.frames.keep_build(site_dir, self.ctx, by_depth, config.site_url or "", default_description,
                                   self.rendered.pages, self.rendered.files, self.stamped.paths,
                                   search=self.config.search, shard_pages=shard_pages, shard_bytes=shard_bytes)
        extend_sitemap(site_dir, config.site_url or "", self.stamped.paths, lastmod, shells.SHELL_DIR + "/")
        self.stamped.close()
        if self.config.search:
            try:
                with phase("search index"):
                    index_search(site_dir, shard_pages, shard_bytes)
            except SiteError as err:
                raise PluginError(f"生成搜索索引（Pagefind）失败：\n{err}") from err
        self._restore_epoch()

    def on_build_error(self, *, error: Exception) -> None:
        self.stamped.close()
        self._restore_epoch()

    def _set_epoch(self, epoch: str) -> None:
        if self._saved_epoch is None:
            self._saved_epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        os.environ["SOURCE_DATE_EPOCH"] = epoch

    def _restore_epoch(self) -> None:
        if self._saved_epoch is None:
            return
        if self._saved_epoch:
            os.environ["SOURCE_DATE_EPOCH"] = self._saved_epoch
        else:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        self._saved_epoch = None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.root is not None:
            for sub in ("registry", "schemas"):
                if (self.root / sub).is_dir():
                    server.watch(str(self.root / sub))
        return server


def _existing(entries: list[Any], files: Files, skip: set[str]) -> list[Any]:
    """Nav entries of mkdocs.yml, leaving out those whose page does not exist and those
    pointing at generated pages (already placed; a reused config must not list them twice)."""

    def keep(target: str) -> bool:
        return "://" in target or (target not in skip and files.get_file_from_path(target) is not None)

    out: list[Any] = []
    for entry in entries:
        if isinstance(entry, str):
            if keep(entry):
                out.append(entry)
        elif isinstance(entry, dict):
            title, value = next(iter(entry.items()))
            if isinstance(value, list):
                kept = _existing(value, files, skip)
                if kept:
                    out.append({title: kept})
            elif isinstance(value, str) and keep(value):
                out.append({title: value})
    return out
