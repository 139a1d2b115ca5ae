"""``mulu diff BASE [HEAD]``: what a change really does to the catalogues, for reviewers.

Markdown (ready to post on a pull request) or JSON: counts, then per catalogue the
added / suspended / withdrawn / changed records with old -> new values, then the
validation problems the change introduces. Exit 1 when it introduces problems.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import asdict
from typing import Any

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.history.compare import WORKING_TREE, Comparison, compare
from mulu.history.diff import ACTIONS, RecordChange
from mulu.history.words import Labeller, action_label, counts, field_lines
from mulu.project import resolve_root

HELP = "比较两个版本的目录数据（默认与工作区比较）：新增、暂停、移出和修改的记录（原值 → 新值），以及新引入的校验问题。"
FORMATS = ("markdown", "json")
# Inline Markdown specials (values never start a line, so list and heading markers are safe),
# and $ (GitHub renders $…$ as math).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", metavar="BASE", help="比较的起点：分支名、标签或提交号，例如 main 或 origin/main。")
    parser.add_argument("head", metavar="HEAD", nargs="?", help="比较的终点；不写则与当前工作区（含未提交的修改）比较。")
    parser.add_argument("--format", choices=FORMATS, default="markdown",
                        help="输出格式：markdown（默认，可直接贴到合并请求中）或 json。")


def md(text: Any) -> str:
    """Registry text made inert in Markdown (and in the HTML that Markdown lets through)."""
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def code(text: str) -> str:
    """An id or field name in a code span (backticks inside would end the span: fall back to text)."""
    return f"`{text}`" if "`" not in text and "\n" not in text else md(text)


def _labeller(comparison: Comparison, kind: str) -> Labeller | None:
    schema = comparison.schemas.get(KIND_BY_NAME[kind].schema)
    return schema.label if schema is not None else None


def _basis(comparison: Comparison, change: RecordChange) -> str:
    """``，依据 文号（id）`` or ``，更正（未依据公告）``; a notice's own file needs neither."""
    if change.kind == "notices":
        number = comparison.notices.get(change.id, {}).get("number")
        return f"，文号 {md(number)}" if number else ""
    if change.needs_review:
        return "，**需要审核人核实**：状态变更没有依据公告（不是更正）"
    if not change.notice:
        return "，更正（未依据公告）"
    number = comparison.notices.get(change.notice, {}).get("number")
    return f"，依据 {md(number)}（{code(change.notice)}）" if number else f"，依据 {code(change.notice)}"


def _record(change: RecordChange) -> str:
    return f"{md(change.name)}（{code(change.id)}）"


def _change_lines(comparison: Comparison, change: RecordChange) -> list[str]:
    head = f"- {_record(change)}{_basis(comparison, change)}"
    if change.old_id:
        head += f"：编号 {code(change.old_id)} → {code(change.id)}"
    if change.action in ("suspended", "withdrawn", "reinstated"):
        when = f"，{md(change.date)} 起" if change.date else ""
        head += f"{when}" + (f"；原因：{md(change.reason)}" if change.reason else "")
    if change.action == "added" and change.date:
        head += f"，{'发文' if change.kind == 'notices' else '列入'}日期 {md(change.date)}"
    if change.action == "removed":
        head += "：⚠️ 记录文件被删除；按规定应把状态改为“已移出”并注明公告和原因，而不是删除文件"
    lines = [head]
    for machine, label, old, new in field_lines(change, _labeller(comparison, change.kind)):
        lines.append(f"  - {md(label)} {code(machine)}：{md(old)} → {md(new)}")
    return lines


def markdown(comparison: Comparison) -> str:
    """The report as Markdown for a pull request comment."""
    head = code(comparison.head[:10]) if comparison.head else WORKING_TREE
    out = [f"## 目录变更：{code(comparison.base[:10])} → {head}", ""]
    totals = counts(comparison.changes)
    if totals:
        out += ["| 变动 | 条数 |", "|---|---:|"] + [f"| {action_label(a)} | {n} |" for a, n in totals.items()] + [""]
    else:
        out += ["没有记录变动。", ""]
    if comparison.notices:
        out.append("**涉及的公告：** " + "；".join(
            f"{code(nid)} {md(meta.get('number', ''))} {md(meta.get('date', ''))} {md(meta.get('name', ''))}".rstrip()
            for nid, meta in comparison.notices.items()))
        out.append("")
    for kind in KINDS:
        chosen = [c for c in comparison.changes if c.kind == kind.name]
        if not chosen:
            continue
        out += [f"### {md(kind.title)}", ""]
        for action in ACTIONS:
            of_action = [c for c in chosen if c.action == action]
            if of_action:
                out += [f"**{action_label(action)}（{len(of_action)}）**", ""]
                out += [line for c in of_action for line in _change_lines(comparison, c)] + [""]
    problems = comparison.introduced
    out += [f"### 本次修改引入的校验问题（{len(problems)}）", ""]
    if problems:
        for p in problems:
            field = f" [{md(p.field)}]" if p.field else ""
            out.append(f"- {code(p.location())}{field} {md(p.message)}")
    else:
        out.append("没有引入新的校验问题。")
    return "\n".join(out).rstrip() + "\n"


def to_json(comparison: Comparison) -> str:
    """The report as JSON: the same facts, with raw old/new values and Chinese labels."""
    changes = []
    for change in comparison.changes:
        item = change.to_json()
        item["action_label"] = action_label(change.action)
        item["needs_review"] = change.needs_review
        lines = field_lines(change, _labeller(comparison, change.kind))
        item["fields"] = [{"field": m, "label": label, "old": f.old, "new": f.new, "old_text": o, "new_text": n}
                          for f, (m, label, o, n) in zip(change.fields, lines)]
        changes.append(item)
    data = {"base": comparison.base, "head": comparison.head or "working-tree", "counts": counts(comparison.changes),
            "notices": comparison.notices, "changes": changes,
            "introduced_problems": [asdict(p) for p in comparison.introduced]}
    return json.dumps(data, ensure_ascii=False, indent=2)


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    comparison = compare(root, args.base, args.head)
    print(markdown(comparison) if args.format == "markdown" else to_json(comparison), end="" if args.format == "markdown" else "\n")
    return 1 if comparison.introduced else 0
