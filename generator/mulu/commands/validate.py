"""``mulu validate``: check every record and report all problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import resolve_root
from ..problems import FORMATTERS, Problem
from ..project import check_project

HELP = "校验目录数据：报告所有问题（文件、行、列、字段和修改建议）。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="只报告这些文件或目录中的问题（引用仍按整个目录检查）。")
    parser.add_argument("--format", choices=sorted(FORMATTERS), default="text",
                        help="输出格式：text（默认）、json，或 github（GitHub Actions 行内注释）。")


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
        print(f"错误：找不到 {root / 'schemas'}（JSON Schema 目录）。", file=sys.stderr)
        return 2
    chosen = select(check_project(root), root, args.paths)
    if isinstance(chosen, str):
        print(f"错误：{chosen}", file=sys.stderr)
        return 2
    output = FORMATTERS[args.format](chosen)
    if output:
        print(output)
    return 1 if chosen else 0
