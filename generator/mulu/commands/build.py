"""``mulu build``: validate, then build the public site atomically."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mulu.core.incremental import ProblemCache
from mulu.core.jurisdiction import belongs, restrict
from mulu.core.problems import format_text
from mulu.core.registry import Registry
from mulu.core.status import add_as_of_argument, resolve_as_of
from mulu.errors import GitError, MuluError
from mulu.history.compare import refuse_tracked_cache
from mulu.history.git import Repo
from mulu.history.log import History
from mulu.project import Opened, open_project, resolve_root
from mulu.site.phases import phase

if TYPE_CHECKING:
    from mulu.site.refresh import Frames

HELP = "校验目录数据并构建公开网站（默认输出到 site/）；有问题时不发布，原有网站保持不变。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="DIR", help="输出目录，默认为项目目录下的 site/。")
    parser.add_argument("--no-search", action="store_true", help="不生成搜索索引（仅用于快速预览）。")
    parser.add_argument("--jurisdiction", metavar="CODE",
                        help="只为一个辖区（省级或地市级行政区划代码，如 370000）单独构建网站：本辖区、全国性记录"
                             "及其引用的记录；默认输出到 site-CODE/。网站超出托管平台容量时按辖区拆分发布。")
    parser.add_argument("--site-url", metavar="URL",
                        help="与 --jurisdiction 一起使用：该网站的发布地址，默认为 config.yml 的 site_url 加上 CODE/。")
    add_as_of_argument(parser)


@dataclass(frozen=True)
class BuildResult:
    """Outcome of one build: ``error`` is a Chinese message, empty on success."""

    ok: bool
    error: str = ""
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    manifest_digest: str = ""


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors so they can be reported after the build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(root: Path, opened: Opened, out: Path, *, search: bool = True, as_of: date | None = None,
               jurisdiction: str = "", site_url: str = "", frames: Frames | None = None) -> BuildResult:
    """Build the (already validated) project into ``out``: into a sibling temporary
    directory first, swapped in only when everything succeeded. Effective statuses are
    computed for ``as_of`` (default: ``MULU_AS_OF``, else today in China). With
    ``jurisdiction``, the site shows only that jurisdiction's part (:mod:`mulu.core.jurisdiction`).
    ``frames`` is filled for updating the site in place later (``mulu serve``,
    ``mulu.site.refresh``)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from mulu.mkdocs_plugin import MuluPlugin
    from mulu.site.context import build_context
    from mulu.site.output import swap_into

    assert opened.registry is not None
    started = time.monotonic()
    registry = restrict(opened.registry, jurisdiction, site_url) if jurisdiction else opened.registry
    opened = dataclasses.replace(opened, registry=registry)
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        return BuildResult(False, f"找不到 {config_file}：网站设置文件缺失，请从示例项目复制 mkdocs.yml 和 site_overrides/。")
    with phase("context (history)"):
        ctx = build_context(registry, root, as_of=as_of)
    if jurisdiction:
        ctx.extras["history"] = _history_within(ctx.extras["history"], registry, jurisdiction)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    done = False
    try:
        config = load_config(str(config_file), site_dir=str(tmp))
        plugin = config.plugins.get("mulu")
        if not isinstance(plugin, MuluPlugin):
            return BuildResult(False, f"{config_file} 的 plugins 中没有 mulu：请添加“plugins: [mulu]”。")
        plugin.prepare(opened, ctx, search=search, frames=frames)
        # As the mkdocs command line does: plugins may set up and tear down around a build.
        config.plugins.on_startup(command="build", dirty=False)
        try:
            with phase("mkdocs build (all)"):
                build(config)
        finally:
            config.plugins.on_shutdown()
        done = True
    except (Abort, PluginError, ConfigurationError) as err:
        detail = "\n".join(collect.messages) or str(err)
        return BuildResult(False, f"网站构建失败，原有网站保持不变：\n{detail}")
    finally:
        logger.removeHandler(collect)
        if not done:
            shutil.rmtree(tmp, ignore_errors=True)
    rendered = plugin.rendered
    assert rendered is not None  # set by on_config of the build that just succeeded
    swap_into(tmp, out)
    return BuildResult(True, pages=len(rendered.pages) + rendered.sunk, files=len(rendered.files),
                       seconds=time.monotonic() - started, manifest_digest=str(ctx.extras.get("manifest_digest", "")))


def _history_within(history: History, registry: Registry, code: str) -> History:
    """Only the changes of records the split site shows, and removals within its jurisdiction."""
    return history.only(lambda c: registry.get(c.kind, c.id) is not None
                        or (c.action == "removed" and belongs(registry, c.region, code)))


def validation_cache(root: Path) -> dict[str, Any]:
    """How ``mulu build`` validates: with the validation cache (``.mulu-cache/validation/``,
    shared with ``validate --changed``) in a git work tree that does not track it, so a
    rebuild checks only what changed, with the same problems as a full check. Without git,
    or when the repository tracks the cache (a merge request could commit results that hide
    problems: history.compare.refuse_tracked_cache), every file is checked."""
    try:
        repo = Repo.open(root)
        refuse_tracked_cache(repo)
    except GitError:
        return {}
    except MuluError as err:
        print(f"注意：{err} 本次构建不使用该缓存，完整校验全部文件。", file=sys.stderr)
        return {}
    return {"cache": ProblemCache(root), "name_blob": repo.blob_id}


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    if not (root / "mkdocs.yml").is_file():
        raise MuluError(f"找不到 {root / 'mkdocs.yml'}（网站设置）。请从示例项目复制 mkdocs.yml、site_overrides/ 和 docs/。")
    started = time.monotonic()
    as_of = resolve_as_of(args.as_of)
    with phase("validate"):
        opened = open_project(root, **validation_cache(root))
    if opened.problems or opened.registry is None:
        print(format_text(opened.problems))
        print("构建已取消：请先修正以上问题。网站没有更新。", file=sys.stderr)
        return 1
    if args.site_url and not args.jurisdiction:
        raise MuluError("--site-url 只能与 --jurisdiction 一起使用（整个目录的发布地址写在 registry/config.yml 的 site_url）。")
    jurisdiction = args.jurisdiction or ""
    out = Path(args.out).resolve() if args.out else root / (f"site-{jurisdiction}" if jurisdiction else "site")
    result = build_site(root, opened, out, search=not args.no_search, as_of=as_of,
                        jurisdiction=jurisdiction, site_url=args.site_url or "")
    if not result.ok:
        print(result.error, file=sys.stderr)
        return 1
    print(f"网站已生成：{result.pages} 个页面、{result.files} 个数据文件 -> {out}"
          f"（状态核算日期 {as_of}，用时 {time.monotonic() - started:.1f} 秒）")
    if result.manifest_digest:
        print(f"清单摘要（SHA-256，见 api/v1/manifest.json）：{result.manifest_digest}")
    return 0
