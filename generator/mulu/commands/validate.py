"""``mulu validate``: check every record and report all problems."""

from __future__ import annotations

import argparse
from pathlib import Path

from mulu.core.problems import Problem, add_format_argument, failing, report
from mulu.core.status import add_as_of_argument, resolve_as_of
from mulu.errors import MuluError
from mulu.project import check_project, resolve_root

HELP = "校验目录数据：报告所有问题（文件、行、列、字段和修改建议）。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="只报告这些文件或目录中的问题（引用仍按整个目录检查）。")
    add_format_argument(parser)
    parser.add_argument("--strict", action="store_true", help="警告也算不通过（退出码 1）；默认只有错误才不通过。")
    add_as_of_argument(parser)


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
    chosen = select(check_project(root, as_of=as_of), root, args.paths)
    if isinstance(chosen, str):
        raise MuluError(f"{chosen}")
    output = report(chosen, args.format)
    if output:
        print(output)
    return 1 if failing(chosen, args.strict) else 0
