"""Run the providers and collect what they produce, refusing two things at one path."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from mulu.core.parallel import Forked, can_fork
from mulu.core.registry import Registry
from mulu.errors import SiteError
from mulu.site.model import DataFile, Page, ProviderFn, SiteContext
from mulu.site.privacy import public_view
from mulu.site.search import with_terms

# Runs after every provider and sees their data files (the manifest hashes them all).
FinisherFn = Callable[[Registry, SiteContext, list[DataFile]], Iterable[DataFile]]
# Given every page as it is made; True when it took the page (e.g. wrote it to disk), which
# is then not kept in memory (mulu.site.spool: 100,000 record pages are about 1 GB).
PageSink = Callable[[Page], bool]


@dataclass(frozen=True)
class Rendered:
    """Every page and data file of the site, in provider order."""

    pages: list[Page]
    files: list[DataFile]
    sunk: int = 0   # pages taken by the sink, not in ``pages``


def _check_path(path: str, what: str, owner: str) -> None:
    if path.startswith("/") or ".." in path.split("/") or "\\" in path:
        raise SiteError(f"{owner} 生成的{what}路径不合法：{path!r}（应为相对站点根目录的路径）。")


def _owner(fn: Callable[..., object]) -> str:
    return getattr(fn, "__qualname__", repr(fn))


def _made(registry: Registry, ctx: SiteContext, providers: list[ProviderFn]) -> list[list[Page | DataFile]]:
    """What each of ``providers`` makes (run in a forked child: see :func:`render`)."""
    return [[with_terms(item) if isinstance(item, Page) else item for item in provider(registry, ctx)]
            for provider in providers]


def render(registry: Registry, ctx: SiteContext, providers: Iterable[ProviderFn],
           finishers: Iterable[FinisherFn] = (), sink: PageSink | None = None,
           background: Collection[ProviderFn] = ()) -> Rendered:
    """Call every provider once, then every finisher with the data files made so far;
    pages are directory paths, data files file paths. Pages ``sink`` takes are not kept.

    Providers in ``background`` run in a forked child at the same time as the others
    (:mod:`mulu.core.parallel`; not when only one process is allowed); what they make is
    taken in provider order as if made here, so the result is the same either way."""
    pages: list[Page] = []
    sunk = 0
    files: list[DataFile] = []
    seen: dict[str, str] = {}

    def collect(owner: str, items: Iterable[Page | DataFile]) -> None:
        nonlocal sunk
        for item in items:
            if isinstance(item, Page):
                key, what = (item.path.rstrip("/") + "/index.html").lstrip("/"), "页面"
                if item.path and not item.path.endswith("/"):
                    raise SiteError(f"{owner} 生成的页面路径应以 / 结尾：{item.path!r}")
                item = with_terms(item)   # words inside longer words (mulu.site.search)
                if sink is not None and sink(item):
                    sunk += 1
                else:
                    pages.append(item)
            elif isinstance(item, DataFile):
                key, what = item.path, "文件"
                files.append(item)
            else:
                raise SiteError(f"{owner} 返回了无法识别的对象：{type(item).__name__}")
            _check_path(key, what, owner)
            if key in seen:
                raise SiteError(f"{owner} 和 {seen[key]} 都生成了 {key}：请修改其中一个的路径。")
            seen[key] = owner

    shared = ctx.extras
    registry, ctx = public_view(registry, ctx)   # e.g. trainers' names masked (config privacy)
    providers = list(providers)
    away = [p for p in providers if p in background] if can_fork() else []
    forked = Forked(lambda: _made(registry, ctx, away)) if away else None
    try:
        # Providers before the child's first one are taken as they make their pages (the
        # sink streams them); later ones are held until the child's results are in, so
        # everything is taken in provider order while both processes work.
        first = providers.index(away[0]) if away else len(providers)
        for provider in providers[:first]:
            collect(_owner(provider), provider(registry, ctx))
        held = {i: _made(registry, ctx, [p])[0] for i, p in enumerate(providers) if i > first and p not in away}
        if forked is not None:
            theirs, forked = forked.result(), None
            for i, provider in enumerate(providers[first:], start=first):
                collect(_owner(provider), theirs.pop(0) if provider in away else held.pop(i))
    finally:
        if forked is not None:
            forked.cancel()
    for finisher in finishers:
        collect(_owner(finisher), finisher(registry, ctx, list(files)))
    # What providers and finishers leave for the caller (e.g. the manifest digest) reaches it
    # even when the public view worked on a copy of the context.
    shared.update({k: v for k, v in ctx.extras.items() if k not in shared})
    return Rendered(pages, files, sunk)
