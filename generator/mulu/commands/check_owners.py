"""``mulu check-owners --author ACCOUNT BASE [HEAD]``: may this account make this change?"""

from __future__ import annotations

import argparse
from pathlib import Path

from mulu.authoring.owners import Outcome, Verdict, check
from mulu.authoring.reviews import current_approvers, parse_reviews
from mulu.core.problems import Problem, Summary, add_format_argument, report
from mulu.errors import MuluError
from mulu.history.git import Repo
from mulu.project import resolve_root

HELP = "检查修改权限：机构只能修改自己维护的记录；新增记录和 registry/ 以外的修改需要审核人。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--author", required=True, metavar="ACCOUNT", help="提交修改的账号（合并请求的作者）。")
    parser.add_argument("base", metavar="BASE", help="目标版本，例如 origin/main；权限按这个版本中的记录和设置判断。")
    parser.add_argument("head", metavar="HEAD", nargs="?", help="要检查的版本；默认是当前工作区（包括尚未提交的文件）。")
    parser.add_argument("--approved-by", action="append", default=[], metavar="ACCOUNT",
                        help="已批准这次修改的账号（可重复）；其中有审核人时，需要审核人的修改也算通过。")
    parser.add_argument("--reviews", metavar="FILE",
                        help="合并请求的评审记录（gh api repos/OWNER/REPO/pulls/N/reviews --paginate 的输出）；"
                             "只有在 HEAD 这个提交上给出、且是该账号最新状态的批准才算数。")
    add_format_argument(parser)


def _problem(verdict: Verdict) -> Problem:
    where = f"{verdict.commit.describe()}：" if verdict.commit is not None else ""
    return Problem(verdict.change.path, None, None, verdict.field, where + verdict.reason, "owners")


def problems_of(outcome: Outcome) -> list[Problem]:
    """Each refused file (and each refusal found in a single commit) as a problem, with the
    reason the author sees, the field a field rule refused and the commit that made it."""
    return [_problem(v) for v in outcome.verdicts if not v.allowed] + [_problem(v) for v in outcome.commit_refusals]


def summary_of(outcome: Outcome) -> Summary:
    """The closing line: who may change what; when allowed, why each file is allowed."""
    total = len({v.change.path for v in outcome.verdicts})
    if not total and not outcome.commit_refusals:
        return Summary(passed="没有文件改动，无需检查修改权限。")
    passed = "\n".join([f"修改权限检查通过：账号 {outcome.author} 可以修改本次改动的全部 {total} 个文件。",
                        *(f"  {v.change.path}：{v.reason}" for v in outcome.verdicts)])
    failed = f"修改权限检查未通过：账号 {outcome.author} 不能修改上面 {{files}} 个文件（共改动 {total} 个文件）。"
    if outcome.commit_refusals:
        failed = (f"修改权限检查未通过：账号 {outcome.author} 不能做上面 {{count}} 处修改（涉及 {{files}} 个文件；共改动 {total} 个文件）。"
                  "每个提交都单独检查：合并后它们都可能出现在历史和网站上，后面的提交撤回也不算数。")
    return Summary(passed, failed)


def run(args: argparse.Namespace) -> int:
    author = args.author.strip().lstrip("@")
    if not author:
        raise MuluError("--author 不能为空：请填写提交修改的账号。")
    root = resolve_root(args.root)
    approvers = tuple(args.approved_by)
    if args.reviews:
        try:
            text = Path(args.reviews).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise MuluError(f"无法读取评审记录 {args.reviews}：{err}。") from err
        head = Repo.open(root).resolve(args.head or "HEAD")
        approvers += current_approvers(parse_reviews(text, args.reviews), head)
    outcome = check(root, author, args.base, args.head, approvers)
    print(report(problems_of(outcome), args.format, summary_of(outcome)))
    return 0 if outcome.allowed else 1
