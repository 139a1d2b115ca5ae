"""The build-wide facts (:class:`SiteContext`) derived from a project: when and where from."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from mulu.core.registry import Registry
from mulu.core.status import resolve_as_of
from mulu.errors import GitError
from mulu.history.git import Repo
from mulu.history.log import load_history
from mulu.site.model import SiteContext

CHINA = timezone(timedelta(hours=8), "CST")
# Outside git and without SOURCE_DATE_EPOCH and without any dated record: a fixed instant,
# so that builds stay reproducible (never the clock).
FALLBACK_EPOCH = 946656000  # 2000-01-01T00:00:00+08:00


def _last_commit(root: Path) -> str:
    """``"<epoch> <sha>"`` of the last commit, or "" outside git (a build never needs git)."""
    try:
        return Repo.open(root).git("log", "-1", "--format=%ct %H").decode().strip()
    except GitError:
        return ""


def _latest_date(registry: Registry) -> int | None:
    """The latest notice or listing date in the data, as an epoch at midnight China time."""
    dates = [str(r.data.get("date", "")) for r in registry.records.get("notices", {}).values()]
    dates += [str((r.data.get("listed") or {}).get("date", "")) for r in registry.all_records()]
    dates = [d for d in dates if len(d) == 10]
    if not dates:
        return None
    try:
        return int(datetime.fromisoformat(max(dates)).replace(tzinfo=CHINA).timestamp())
    except ValueError:
        return None


def source_epoch(root: Path, registry: Registry, environ: Mapping[str, str] | None = None) -> tuple[int, str]:
    """(seconds since 1970, commit id) that a build of ``root`` is stamped with.

    ``SOURCE_DATE_EPOCH`` wins (the reproducible-builds convention), then the time of the
    last git commit, then the latest date found in the registry itself."""
    environ = os.environ if environ is None else environ
    revision = ""
    head = _last_commit(root)
    epoch: int | None = None
    if head:
        stamp, revision = head.split()
        epoch = int(stamp)
    if environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        epoch = int(environ["SOURCE_DATE_EPOCH"].strip())
    if epoch is None:
        epoch = _latest_date(registry) or FALLBACK_EPOCH
    return epoch, revision


def build_context(registry: Registry, root: Path, environ: Mapping[str, str] | None = None,
                  as_of: date | None = None) -> SiteContext:
    """The :class:`SiteContext` for building ``registry`` (read from ``root``); effective
    statuses are computed for ``as_of`` (default: ``MULU_AS_OF``, else today in China)."""
    epoch, revision = source_epoch(root, registry, environ)
    as_of = as_of or resolve_as_of(None, environ)
    repo = registry.config.repository
    generated = datetime.fromtimestamp(epoch, CHINA).isoformat()
    return SiteContext(generated_at=generated, revision=revision, repo_url=repo.url,
                       repo_edit=repo.edit or "edit/main", as_of=as_of.isoformat(),
                       # History is read from git here, never during validation (cached per commit).
                       extras={"epoch": epoch, "history": load_history(root)})


def data_version(ctx: SiteContext) -> str:
    """A short token that changes with the data, appended to data URLs (``?v=``) so that
    browsers never combine a new page with yesterday's cached data file."""
    return ctx.revision[:12] if ctx.revision else str(ctx.extras.get("epoch", ""))
