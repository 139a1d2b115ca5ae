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
from pathlib import Path
from typing import Any

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.loading import load_tree
from mulu.core.reference import build_reference
from mulu.core.registry import Registry
from mulu.core.validation import record_id
from mulu.errors import MuluError
from mulu.history.compare import WORKING_TREE, Comparison, compare
from mulu.history.diff import ACTIONS, RecordChange
from mulu.history.editions import (
    Edition,
    EditionComparison,
    adjustment_summary,
    compare_notices,
    edition_of,
    level_totals,
)
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
    parser.add_argument("--edition", action="store_true",
                        help="比较同一目录同一辖区的两个版本：BASE 和 HEAD 是发布版本的公告编号（例如 "
                             "mulu diff --edition hlj-2024-01 hlj-2025-01），列出新增、移出、修改的记录和各等级补贴标准的升降，"
                             "供起草公告使用。")


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


def _edition_sections(comparison: Comparison, root: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Markdown lines and JSON items summarising, per edition notice the changes fall under,
    the edition they publish (editions are read from the working registry's notices)."""
    attributed = list(dict.fromkeys(c.notice for c in comparison.changes if c.notice))
    if not attributed:
        return [], []
    # Only the notices and the code lists: reading the whole registry cost seconds at 10,000 records.
    tree = load_tree(root, [k.name for k in KINDS], parse=["notices"])
    notices = {record_id(d.file): d.data for d in tree.records["notices"]}
    reference, _ = build_reference(tree.reference)
    lines: list[str] = []
    items: list[dict[str, Any]] = []
    for notice_id in attributed:
        edition = edition_of(notice_id, notices.get(notice_id))
        if edition is None:
            continue
        summary = adjustment_summary(c for c in comparison.changes if c.notice == notice_id)
        lines += [f"**发布版本：** {md(edition.name)}（{md(reference.region_name(edition.region))}"
                  f" {md(KIND_BY_NAME[edition.kind].title)}，依据 {code(notice_id)}，{md(edition.effective)} 起执行）："
                  f"{md(summary)}", ""]
        items.append({"notice": notice_id, "kind": edition.kind, "region": edition.region, "name": edition.name,
                      "effective": edition.effective, "replaces": edition.replaces, "summary": summary})
    return lines, items


def edition_markdown(result: EditionComparison, registry: Registry) -> str:
    """``mulu diff --edition``: the comparison of two editions as Markdown."""
    new, old = result.new, result.old
    region = registry.reference.region_name(new.region)
    title = f"{md(region)} {md(KIND_BY_NAME[new.kind].title)}"
    out = [f"## 版本比较：{title} {md(old.name if old else '（无）')} → {md(new.name)}", ""]
    for edition in (old, new):
        if edition is not None:
            out.append(f"- {md(edition.name)}：{md(edition.number)}（{code(edition.notice)}），{md(edition.effective)} 起执行")
    out += ["", f"**摘要：** {md(result.summary())}", "",
            "| | 条数 |", "|---|---:|", f"| {md(old.name if old else '上一版')} | {result.old_count} |",
            f"| {md(new.name)} | {result.new_count} |", ""]
    if result.added:
        out += [f"### 新增（{len(result.added)}）", ""] + [f"- {md(name)}（{code(rid)}）" for rid, name in result.added] + [""]
    if result.removed:
        out += [f"### 移出（{len(result.removed)}）", ""]
        out += [f"- {md(r.name)}（{code(r.id)}）" + (f"：{md(r.status)}" if r.status else "")
                + (f"；原因：{md(r.reason)}" if r.reason else "") for r in result.removed] + [""]
    label = registry.schema_for(new.kind).label
    if result.changed:
        out += [f"### 修改（{len(result.changed)}）", ""]
        for rid, name, fields in result.changed:
            out.append(f"- {md(name)}（{code(rid)}）")
            change = RecordChange(new.kind, rid, name, "changed", fields)
            out += [f"  - {md(lb)} {code(m)}：{md(o)} → {md(n)}" for m, lb, o, n in field_lines(change, label)]
        out.append("")
    if result.amounts:
        out += ["### 补贴标准（元/人）按等级", "", "| 等级 | 上调 | 下调 | 新设 | 取消 |", "|---|---:|---:|---:|---:|"]
        out += [f"| {md(lv)} | {up} | {down} | {new_} | {gone} |"
                for lv, up, down, new_, gone in level_totals(result, list(registry.reference.levels))]
        out += [f"| 合计 | {result.raised} | {result.lowered} | "
                f"{sum(1 for a in result.amounts if a.old is None)} | {sum(1 for a in result.amounts if a.new is None)} |", ""]
        out += ["| 项目 | 等级 | 原标准 | 新标准 |", "|---|---|---:|---:|"]
        out += [f"| {md(a.name)}（{code(a.id)}） | {md(a.level)} | {'—' if a.old is None else a.old} | "
                f"{'—' if a.new is None else a.new} |" for a in result.amounts]
    return "\n".join(out).rstrip() + "\n"


def edition_json(result: EditionComparison, registry: Registry) -> str:
    """``mulu diff --edition --format json``: the same facts with raw values."""
    label = registry.schema_for(result.new.kind).label

    def facts(edition: Edition | None) -> dict[str, Any] | None:
        return asdict(edition) if edition is not None else None

    changed = []
    for rid, name, fields in result.changed:
        lines = field_lines(RecordChange(result.new.kind, rid, name, "changed", fields), label)
        changed.append({"id": rid, "name": name, "fields": [
            {"field": m, "label": lb, "old": f.old, "new": f.new, "old_text": o, "new_text": n}
            for f, (m, lb, o, n) in zip(fields, lines)]})
    data = {"old": facts(result.old), "new": facts(result.new), "summary": result.summary(), "counts": result.counts(),
            "added": [{"id": rid, "name": name} for rid, name in result.added],
            "removed": [asdict(r) for r in result.removed], "changed": changed,
            "amounts": [asdict(a) for a in result.amounts],
            "levels": [{"level": lv, "raised": up, "lowered": down, "added": a, "dropped": d}
                       for lv, up, down, a, d in level_totals(result, list(registry.reference.levels))]}
    return json.dumps(data, ensure_ascii=False, indent=2)


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    if args.edition:
        if not args.head:
            raise MuluError("--edition 需要两个公告编号：mulu diff --edition 上一版公告 本版公告，例如 "
                            "mulu diff --edition hlj-2024-01 hlj-2025-01。")
        from mulu.sheets.tables import read_registry  # pandas: only for --edition (0.3 s)
        registry, _ = read_registry(root)
        records = {kind: {rid: r.data for rid, r in by_id.items()} for kind, by_id in registry.records.items()}
        result = compare_notices(root, registry.reference, records, args.base, args.head)
        print(edition_markdown(result, registry) if args.format == "markdown" else edition_json(result, registry),
              end="" if args.format == "markdown" else "\n")
        return 0
    comparison = compare(root, args.base, args.head)
    lines, items = _edition_sections(comparison, root)
    if args.format == "markdown":
        text = markdown(comparison)
        if lines:   # after the counts table: which edition this change publishes
            head, sep, rest = text.partition("\n### ")
            text = head.rstrip("\n") + "\n\n" + "\n".join(lines) + (sep + rest if sep else "\n")
        print(text, end="")
    else:
        data = json.loads(to_json(comparison))
        if items:
            data["editions"] = items
        print(json.dumps(data, ensure_ascii=False, indent=2))
    return 1 if comparison.introduced else 0
