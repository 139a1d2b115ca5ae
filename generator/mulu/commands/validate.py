"""``mulu validate``: check every record and report all problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mulu.core.incremental import Stats, check_changed
from mulu.core.problems import Problem, add_format_argument, failing, report
from mulu.core.status import add_as_of_argument, resolve_as_of
from mulu.errors import MuluError
from mulu.history.compare import touched_paths
from mulu.project import check_project, resolve_root

HELP = "校验目录数据：报告所有问题（文件、行、列、字段和修改建议）。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="只报告这些文件或目录中的问题（引用仍按整个目录检查）。")
    add_format_argument(parser)
    parser.add_argument("--strict", action="store_true", help="警告也算不通过（退出码 1）；默认只有错误才不通过。")
    add_as_of_argument(parser)
    parser.add_argument("--changed", metavar="BASE",
                        help="快速校验（合并请求用）：从 BASE（例如 origin/main）以来改动的文件完整检查，"
                             "其余文件的结果取自 .mulu-cache/ 中的缓存（只在它们读到的其他记录未变时使用）；"
                             "报告的问题与完整校验完全相同。")


def select(problems: list[Problem], root: Path, paths: list[str]) -> list[Problem] | str:
    """Problems inside ``paths`` (relative to the cwd), or an error message for a bad path."""
    if not paths:
        return problems
    prefixes = []
    for raw in paths:
        path = Path(raw).resolve()
        if not path.exists():
            return f"路径不存在：{raw}"
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            return f"路径 {raw} 不在项目目录 {root} 之内。"
        prefixes.append("" if rel == "." else rel)
    return [p for p in problems if any(p.file == x or p.file.startswith(x.rstrip("/") + "/") or not x
                                       for x in prefixes)]


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    if not (root / "schemas" / "defs.schema.json").is_file():
        raise MuluError(f"找不到 {root / 'schemas'}（JSON Schema 目录）。")
    as_of = resolve_as_of(args.as_of)
    if args.changed is not None:
        stats = Stats()
        problems = check_changed(root, force=touched_paths(root, args.changed), as_of=as_of, stats=stats)
        print(f"快速校验：完整检查 {stats.checked} 个文件，{stats.cached} 个文件的结果取自缓存。", file=sys.stderr)
    else:
        problems = check_project(root, as_of=as_of)
    chosen = select(problems, root, args.paths)
    if isinstance(chosen, str):
        raise MuluError(f"{chosen}")
    output = report(chosen, args.format)
    if output:
        print(output)
    return 1 if failing(chosen, args.strict) else 0
