"""``mulu check-owners --author ACCOUNT BASE [HEAD]``: may this account make this change?"""

from __future__ import annotations

import argparse
import sys

from ..cli import resolve_root
from ..ownership import GitError, Outcome, check
from ..annotations import annotation

HELP = "检查修改权限：机构只能修改自己维护的记录；新增记录和 registry/ 以外的修改需要审核人。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--author", required=True, metavar="ACCOUNT", help="提交修改的账号（合并请求的作者）。")
    parser.add_argument("base", metavar="BASE", help="目标版本，例如 origin/main；权限按这个版本中的记录和设置判断。")
    parser.add_argument("head", metavar="HEAD", nargs="?", help="要检查的版本；默认是当前工作区（包括尚未提交的文件）。")
    parser.add_argument("--approved-by", action="append", default=[], metavar="ACCOUNT",
                        help="已批准这次修改的账号（可重复）；其中有审核人时，需要审核人的修改也算通过。")
    parser.add_argument("--format", choices=["text", "github"], default="text",
                        help="输出格式：text（默认）或 github（GitHub Actions 行内注释）。")


def render(outcome: Outcome, fmt: str) -> str:
    """The report the author sees: each refused file with the reason, then a summary."""
    refused = [v for v in outcome.verdicts if not v.allowed]
    lines = []
    for v in refused:
        if fmt == "github":
            lines.append(annotation("error", v.change.path, v.reason, title="没有修改权限"))
        else:
            lines.append(f"{v.change.path}：{v.reason}")
    if not outcome.verdicts:
        lines.append("没有文件改动，无需检查修改权限。")
    elif refused:
        lines.append(f"修改权限检查未通过：账号 {outcome.author} 不能修改上面 {len(refused)} 个文件"
                     f"（共改动 {len(outcome.verdicts)} 个文件）。")
    else:
        lines.append(f"修改权限检查通过：账号 {outcome.author} 可以修改本次改动的全部 {len(outcome.verdicts)} 个文件。")
        if fmt == "text":
            lines += [f"  {v.change.path}：{v.reason}" for v in outcome.verdicts]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    author = args.author.strip().lstrip("@")
    if not author:
        print("错误：--author 不能为空：请填写提交修改的账号。", file=sys.stderr)
        return 2
    root = resolve_root(args.root)
    try:
        outcome = check(root, author, args.base, args.head, tuple(args.approved_by))
    except GitError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    print(render(outcome, args.format))
    return 0 if outcome.allowed else 1
