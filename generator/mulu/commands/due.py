"""``mulu due``: what falls due (expiries, overdue suspensions, ending bans), by jurisdiction
and maintainer account."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from mulu.core.due import OTHER, DueItem, by_account, due_items
from mulu.core.registry import Registry
from mulu.core.status import add_as_of_argument, resolve_as_of
from mulu.errors import MuluError
from mulu.project import open_project, resolve_root

HELP = "列出到期事项：有效期将满或已满、暂停期将满或已满、禁止重新列入的期限将满，按辖区和维护账号分组。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--within", type=int, metavar="DAYS",
                        help="列出多少天内到期的事项（已过期而未处理的总会列出）；默认取 config.yml 的 expiring_days，再默认 60。")
    add_as_of_argument(parser)
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text",
                        help="输出格式：text（默认）、markdown（可贴进提醒邮件或调整公告草稿）或 json。")


def _when(item: DueItem) -> str:
    if item.days < 0:
        return f"已过 {-item.days} 天"
    return "今天" if item.days == 0 else f"还有 {item.days} 天"


def _jurisdiction_name(registry: Registry, code: str) -> str:
    return f"{registry.reference.region_name(code)}（{code}）" if code != OTHER else "其他地区"


def format_text(registry: Registry, items: list[DueItem], as_of: str, within: int) -> str:
    """One block per jurisdiction, one per account inside it."""
    if not items:
        return f"按 {as_of} 核算，{within} 天内没有到期事项。"
    lines = [f"按 {as_of} 核算，{within} 天内到期或已到期未处理的事项共 {len(items)} 项："]
    for code, accounts in by_account(items).items():
        lines.append("")
        lines.append(_jurisdiction_name(registry, code))
        for account, chosen in accounts.items():
            lines.append(f"  维护账号 {account}：")
            for i in chosen:
                lines.append(f"    [{i.what}] {i.date}（{_when(i)}）{i.noun} {i.record.name}（{i.record.id}）"
                             f"：{i.status.reason} {i.record.file}")
    return "\n".join(lines)


def _md(text: str) -> str:
    # Record text is data: keep it from breaking the table or turning into markup.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def format_markdown(registry: Registry, items: list[DueItem], as_of: str, within: int) -> str:
    """A heading per jurisdiction and account, a table of what falls due under each."""
    out = [f"# 到期事项（按 {as_of} 核算，{within} 天内）", ""]
    if not items:
        return "\n".join(out + ["没有到期事项。"])
    out.append(f"共 {len(items)} 项。")
    for code, accounts in by_account(items).items():
        out += ["", f"## {_md(_jurisdiction_name(registry, code))}"]
        for account, chosen in accounts.items():
            out += ["", f"### 维护账号 {_md(account)}", "", "| 事项 | 日期 | 类别 | 名称 | 编号 | 说明 |",
                    "|---|---|---|---|---|---|"]
            out += [f"| {i.what} | {i.date}（{_when(i)}） | {i.noun} | {_md(i.record.name)} | `{i.record.id}` "
                    f"| {_md(i.status.reason)} |" for i in chosen]
    return "\n".join(out)


def as_json(registry: Registry, items: list[DueItem], as_of: str, within: int) -> dict[str, Any]:
    """The items and the same grouping, for programs."""
    def one(i: DueItem) -> dict[str, Any]:
        return {"kind": i.record.kind, "id": i.record.id, "name": i.record.name, "file": i.record.file,
                "jurisdiction": i.jurisdiction, "maintainers": i.maintainers, "what": i.what,
                "effective_status": i.status.code, "field": i.field, "date": i.date, "days": i.days,
                "reason": i.status.reason}

    groups = [{"jurisdiction": code, "name": _jurisdiction_name(registry, code),
               "accounts": [{"account": a, "ids": [f"{i.record.kind}/{i.record.id}" for i in chosen]}
                            for a, chosen in accounts.items()]}
              for code, accounts in by_account(items).items()]
    return {"as_of": as_of, "within": within, "count": len(items), "items": [one(i) for i in items], "groups": groups}


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    as_of = resolve_as_of(args.as_of)
    if args.within is not None and args.within < 0:
        raise MuluError(f"--within 应为 0 或正整数（天数），现在是 {args.within}。")
    opened = open_project(root, lenient=True)
    registry = opened.registry
    if registry is None:
        raise MuluError("无法读取目录数据：请先运行 mulu validate 修正问题。")
    if any(p.is_error for p in opened.problems):
        print("注意：目录数据有校验错误（运行 mulu validate 查看），以下结果可能不完整。", file=sys.stderr)
    within = args.within if args.within is not None else registry.config.expiring_days
    items = due_items(registry, as_of, within)
    day = as_of.isoformat()
    if args.format == "json":
        print(json.dumps(as_json(registry, items, day, within), ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        print(format_markdown(registry, items, day, within))
    else:
        print(format_text(registry, items, day, within))
    return 0
