"""What renderers produce, and what they are given besides the registry."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mulu.core.registry import Record, Registry
from mulu.history.editions import Edition

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """One HTML page of the site.

    ``path`` is directory-style and relative to the site root (``""`` for home,
    ``"institutions/"``, ``"institutions/52230103MJ0000001X/"``). ``html`` is the page body,
    already escaped by whoever produced it. Pages with a ``nav`` section appear in the
    navigation under that section title; record pages have none (see docs/dev/site.md: a nav
    listing every record makes builds quadratic).
    """

    path: str
    title: str
    html: str
    nav: str | None = None
    nav_order: int = 100
    search: bool = True
    description: str = ""


@dataclass(frozen=True)
class DataFile:
    """A file published as is (downloads, the JSON API, feeds)."""

    path: str
    content: bytes


@dataclass(frozen=True)
class SiteContext:
    """Build-wide facts renderers need: when the data is from, and where things live."""

    generated_at: str                      # ISO 8601, from the commit (never the clock)
    revision: str = ""                     # commit id, "" outside git
    repo_url: str = ""                     # e.g. https://gitee.com/org/repo
    repo_edit: str = "edit/main"
    as_of: str = ""                        # YYYY-MM-DD effective statuses are computed for
    extras: dict[str, Any] = field(default_factory=dict)  # e.g. {"history": History}

    def edit_url(self, record: Record) -> str:
        """Where a record's file can be edited in the repository's web UI ("" if unknown)."""
        if not self.repo_url:
            return ""
        return f"{self.repo_url.rstrip('/')}/{self.repo_edit.strip('/')}/{record.file}"

    def once(self, key: str, registry: Registry, compute: Callable[[], T]) -> T:
        """``compute()``, made once per build and kept in ``extras`` under ``key`` with the
        registry it was made from: a context reused with another registry (a rebuild, a
        split site, a test) never sees what was made from the previous one."""
        cached = self.extras.get(key)
        if isinstance(cached, tuple) and len(cached) == 2 and cached[0] is registry:
            return cached[1]  # type: ignore[no-any-return]
        value = compute()
        self.extras[key] = (registry, value)
        return value


def record_path(record: Record) -> str:
    """Site path of a record's page."""
    return f"{record.kind}/{record.id}/"


def record_api_path(registry: Registry, kind: str, record_id: str) -> str:
    """Where a record's JSON is published: its own file, or its kind's file when the project
    publishes no per-record files (``api.per_record: false``)."""
    if registry.config.api_per_record:
        return f"api/v1/{kind}/{record_id}.json"
    return f"api/v1/{kind}.json"


def edition_path(edition: Edition) -> str:
    """Site path of an edition's page."""
    return f"editions/{edition.kind}/{edition.region}/{edition.notice}/"


def _relpath(to_path: str, base: str) -> str:
    """``posixpath.relpath("/" + to_path, "/" + base)`` without its normalising (a record
    page makes a dozen links: posixpath took 5 % of the render, issue 16)."""
    start = [p for p in base.split("/") if p]
    target = [p for p in to_path.split("/") if p]
    if "." in start or ".." in start or "." in target or ".." in target:
        return posixpath.relpath("/" + to_path, "/" + base)
    common = 0
    for a, b in zip(start, target):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + target[common:]) or "."


def relative(from_path: str, to_path: str) -> str:
    """Relative URL from page ``from_path`` to site path ``to_path`` (both directory-style
    or file paths relative to the site root), so the site works under any base path."""
    base = from_path if from_path.endswith("/") or not from_path else posixpath.dirname(from_path) + "/"
    rel = _relpath(to_path, base)
    if (to_path.endswith("/") or not to_path) and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


ProviderFn = Callable[[Registry, SiteContext], Iterable[Page | DataFile]]
