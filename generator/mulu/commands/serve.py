"""``mulu serve``: build the site, serve it on this machine, rebuild when files change."""

from __future__ import annotations

import argparse
import functools
import os
import threading
import time
from collections.abc import Iterable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from mulu.commands.build import build_site
from mulu.core.kinds import KINDS
from mulu.core.live import LiveProject
from mulu.core.problems import format_text
from mulu.errors import MuluError, SiteError
from mulu.project import Opened, resolve_root
from mulu.site.context import build_context
from mulu.site.phases import phase
from mulu.site.refresh import Frames, SiteState, record_state, update

HELP = "构建网站并在本机预览（http://127.0.0.1:8000/）；目录文件修改后自动重新构建。"
WATCHED = ("registry", "schemas", "docs", "site_overrides", "mkdocs.yml")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8000, help="端口，默认 8000。")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1（只允许本机访问）。")
    parser.add_argument("--out", metavar="DIR", help="网站输出目录，默认为项目目录下的 site/。")
    parser.add_argument("--no-search", action="store_true", help="不生成搜索索引（重新构建更快）。")
    parser.add_argument("--interval", type=float, default=1.0, help="检查文件修改的间隔（秒），默认 1。")


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every watched file."""
    state: dict[str, tuple[int, int]] = {}
    for name in WATCHED:
        top = root / name
        paths = [top] if top.is_file() else [Path(d) / f for d, _, fs in os.walk(top) for f in fs]
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            state[str(path)] = (st.st_mtime_ns, st.st_size)
    return state


# Every text file the site holds is UTF-8; without a charset a browser guesses (an Atom feed opened
# directly showed mojibake), and the system's MIME table may not know .atom at all.
TEXT_TYPES = {".html": "text/html", ".xml": "application/xml", ".atom": "application/atom+xml",
              ".json": "application/json", ".csv": "text/csv", ".txt": "text/plain", ".js": "text/javascript",
              ".css": "text/css", ".svg": "image/svg+xml", ".md": "text/markdown"}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        text = TEXT_TYPES.get(os.path.splitext(path)[1].lower())
        return f"{text}; charset=utf-8" if text else super().guess_type(path)


def record_files(root: Path, paths: Iterable[str]) -> bool:
    """True when every path is a record file (``registry/<kind>/<id>.yml``): an edit of those
    alone can update the site in place; anything else (config, code lists, schemas, docs,
    templates, mkdocs.yml) changes what MkDocs renders and needs a full build."""
    kinds = {kind.name for kind in KINDS}
    for path in paths:
        parts = Path(path).relative_to(root).parts
        if len(parts) != 3 or parts[0] != "registry" or parts[1] not in kinds or not parts[2].endswith(".yml"):
            return False
    return True


class Preview:
    """The site ``mulu serve`` shows, kept up to date: a full build first, then, after an edit
    of record files only, an update in place (``mulu.site.refresh``) that writes the files
    whose bytes changed; the same site a full build makes. The previous site stays whenever
    the data has problems or a build fails."""

    def __init__(self, root: Path, out: Path, search: bool) -> None:
        self.root, self.out, self.search = root, out, search
        self.state: SiteState | None = None
        self.project = LiveProject(root)   # parsed files and validation results kept between edits
        # Files changed since the site was last written: an edit that failed validation is
        # still to be published with the one that fixes it (a config change, then a record fix).
        self.pending: set[str] = set()

    def rebuild(self, changed: Iterable[str] | None = None) -> bool:
        """Validate and bring the site up to date after ``changed`` files (None: build in
        full); print what happened."""
        started = time.monotonic()
        full = changed is None
        self.pending |= set(changed or ())
        with phase("validate"):
            opening = self.project.open()
        opened = Opened(self.root, opening.problems, opening.registry, opening.warnings)
        if opened.problems or opened.registry is None:
            print(format_text(opened.problems))
            print("目录数据有问题，网站没有更新（仍在提供上一次成功构建的版本）。修正后保存即可自动重新构建。", flush=True)
            return False
        if self.state is not None and not full and record_files(self.root, self.pending):
            try:
                with phase("context (history)"):
                    ctx = build_context(opened.registry, self.root)
                done = update(self.out, self.state, opened.registry, ctx)
            except SiteError as err:
                self.state = None   # the site may be half updated: the full build below replaces it
                print(f"局部更新失败（{err}），改为完整构建。", flush=True)
            else:
                if done.ok:
                    self.pending = set()
                    index = f"、重建 {len(done.shards)} 个搜索索引分片" if self.search else ""
                    print(f"网站已更新：{done.pages} 个页面，改写 {len(done.written)} 个文件、删除 {len(done.removed)} 个{index}"
                          f"（局部更新，用时 {time.monotonic() - started:.1f} 秒）。", flush=True)
                    return True
                print(f"需要完整构建：{done.reason}。", flush=True)
        self.state = None   # until the full build below succeeds
        frames = Frames()
        result = build_site(self.root, opened, self.out, search=self.search, frames=frames)
        if not result.ok:
            print(result.error, flush=True)
            return False
        self.state = record_state(self.out, frames)
        self.pending = set()
        print(f"网站已更新：{result.pages} 个页面（用时 {time.monotonic() - started:.1f} 秒）。", flush=True)
        return True


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    out = Path(args.out).resolve() if args.out else root / "site"
    search = not args.no_search
    print("正在构建网站……", flush=True)
    # Taken before the first build, so an edit saved while it runs (or right after the
    # address is printed) differs from it and triggers a rebuild instead of being missed.
    seen = snapshot(root)
    preview = Preview(root, out, search)
    preview.rebuild()
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_QuietHandler, directory=str(out))
    try:
        server = ThreadingHTTPServer((args.host, args.port), handler)
    except OSError as err:
        raise MuluError(f"无法在 {args.host}:{args.port} 上启动预览服务器（{err.strerror}）。请用 --port 换一个端口。") from None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"预览地址：http://{args.host}:{server.server_address[1]}/ （按 Ctrl+C 停止）", flush=True)
    try:
        while True:
            time.sleep(args.interval)
            now = snapshot(root)
            if now != seen:
                # The snapshot is taken before the build: an edit saved during the build
                # is seen by the next poll and triggers another build.
                changed = {path for path in seen.keys() | now.keys() if seen.get(path) != now.get(path)}
                seen = now
                print("检测到文件修改，正在重新构建……", flush=True)
                preview.rebuild(changed)
    except KeyboardInterrupt:
        print("已停止预览。")
    finally:
        server.shutdown()
        server.server_close()
    return 0
