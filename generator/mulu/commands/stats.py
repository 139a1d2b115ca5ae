"""``mulu stats``: the registry's numbers in the terminal."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.problems import format_text
from mulu.project import open_project, resolve_root

HELP = "统计：各辖区各类记录数、状态、各等级补贴标准、培训项目最多的职业、各次调整的新增与移出。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="输出格式：text（默认）或 json。")
    parser.add_argument("--no-history", action="store_true", help="不读取 git 历史（不统计各次调整）。")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    """A plain-text table; numbers right-aligned, Chinese counted as two columns."""
    cells = [[str(c) for c in head]] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(head))]
    numeric = [all(isinstance(row[i], int) for row in rows) and rows != [] for i in range(len(head))]
    lines = []
    for n, row in enumerate(cells):
        parts = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - _width(text))
            parts.append(pad + text if numeric[i] and i else text + pad)
        lines.append("  " + "  ".join(parts).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def render_text(stats) -> str:  # type: ignore[no-untyped-def]
    """The statistics as text for a terminal."""
    nouns = [KIND_BY_NAME[k].noun for k in stats.kinds]
    out = [f"{stats.title}：统计", "", "一、各辖区各类记录数"]
    rows = [[name, *[stats.per_jurisdiction[code][k] for k in stats.kinds],
             sum(stats.per_jurisdiction[code].values())] for code, name in stats.jurisdictions]
    rows.append(["合计", *[stats.totals.get(k, 0) for k in stats.kinds], sum(stats.totals.values())])
    out += _table(["辖区", *nouns, "合计"], rows)
    out += ["", "二、记录状态"]
    out += _table(["类别", "在册", "暂停", "已移出"],
                  [[KIND_BY_NAME[k].noun, *stats.status[k].values()] for k in stats.kinds])
    out += ["", "三、各等级补贴标准（在册培训项目，元/人）"]
    if stats.subsidy:
        out += _table(["等级", "项目数", "最低", "中位数", "最高"],
                      [[s.level, s.count, s.low, s.median, s.high] for s in stats.subsidy])
    else:
        out.append("  没有在册的培训项目。")
    out += ["", f"四、培训项目最多的职业（前 {len(stats.occupations)} 个）"]
    out += _table(["职业", "编码", "培训项目数", "地区数"],
                  [[o.name, o.code, o.programmes, o.regions] for o in stats.occupations]) if stats.occupations \
        else ["  没有在册的培训项目。"]
    out += ["", "五、各次调整的新增与移出"]
    if stats.adjustments is None:
        out.append(f"  {stats.history_note or '历史记录不可用。'}")
    else:
        shown = len(stats.adjustments)
        if shown < stats.adjustments_total:
            out.append(f"  （共 {stats.adjustments_total} 次调整，只列出最近 {shown} 次。）")
        out += _table(["日期", "文号", "新增", "移出", "暂停", "恢复"],
                      [[a.date, a.label, a.added, a.withdrawn, a.suspended, a.reinstated] for a in stats.adjustments])
        if stats.corrections:
            out.append(f"  另有 {stats.corrections} 次更正（未依据公告的编辑性修改）未计入。")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    from mulu import stats as statistics  # pandas loads only here

    root = resolve_root(args.root)
    opened = open_project(root)
    if opened.registry is None:
        print("目录数据有问题，无法统计：", file=sys.stderr)
        print(format_text(opened.problems), file=sys.stderr)
        return 1
    from mulu.history.log import load_history, unavailable

    history = unavailable("按 --no-history 没有读取 git 历史。") if args.no_history else load_history(root)
    result = statistics.compute(opened.registry, history)
    if args.format == "json":
        print(json.dumps(statistics.to_json(result), ensure_ascii=False, indent=2))
    else:
        print(render_text(result))
    return 0
