"""The statistics page: charts drawn at build time as inline SVG, each with its numbers in a
table below it (the table is what screen readers and people copying figures use)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.registry import Registry
from mulu.site import charts
from mulu.site.effective import effective_counts, ordered_labels
from mulu.site.html import esc, link, table
from mulu.site.model import Page, SiteContext, relative
from mulu.stats import OTHER, Stats, compute

HERE = "stats/"
TITLE = "统计"


def _figure(chart: str, caption: str, data: str) -> str:
    # A div, not <figure>: themes shrink figures to fit their content, and a chart sized
    # by its container would collapse.
    return (f'<div class="mulu-figure">{chart}<p class="mulu-figure__caption">{esc(caption)}</p></div>'
            f'<details class="mulu-chart-data"><summary>查看数据表</summary>{data}</details>')


def _jurisdictions(stats: Stats) -> str:
    kinds = stats.kinds
    labels = [name for _, name in stats.jurisdictions]
    series = [charts.Series(KIND_BY_NAME[k].noun, [stats.per_jurisdiction[c][k] for c, _ in stats.jurisdictions],
                            charts.PALETTE[i % len(charts.PALETTE)]) for i, k in enumerate(kinds)]
    chart = charts.bar_chart("chart-jurisdictions", "各辖区各类记录数", labels, series, " 条",
                             desc="每个辖区一组横条，每类目录一条，条后是记录数。")

    def name_cell(code: str, name: str) -> str:
        return esc(name) if code == OTHER else link(relative(HERE, f"jurisdictions/{code}/"), name)

    rows = [[name_cell(c, n), *[str(stats.per_jurisdiction[c][k]) for k in kinds],
             str(sum(stats.per_jurisdiction[c].values()))] for c, n in stats.jurisdictions]
    rows.append(["合计", *[str(stats.totals.get(k, 0)) for k in kinds], str(sum(stats.totals.values()))])
    data = table(["辖区", *[KIND_BY_NAME[k].noun for k in kinds], "合计"], rows, caption="各辖区各类记录数")
    return _figure(chart, "各辖区各类目录的记录数（含暂停和已移出的记录）。", data)


def _status(stats: Stats) -> str:
    head = ["类别", "在册", "暂停", "已移出"]
    rows = [[esc(KIND_BY_NAME[k].noun), *[str(v) for v in stats.status[k].values()]] for k in stats.kinds]
    return table(head, rows, caption="各类目录的记录状态")


def _subsidy(stats: Stats) -> str:
    if not stats.subsidy:
        return "<p>没有在册的培训项目。</p>"
    rows = [charts.Range(s.level, s.low, s.median, s.high, s.count) for s in stats.subsidy]
    chart = charts.range_chart("chart-subsidy", "各等级补贴标准（元/人）", rows, " 元",
                               desc="每个等级一条：横条长到中位数，黑线从最低标准到最高标准。")
    data = table(["等级", "项目数", "最低（元）", "中位数（元）", "最高（元）"],
                 [[esc(s.level), str(s.count), f"{s.low:,}", f"{s.median:,}", f"{s.high:,}"] for s in stats.subsidy],
                 caption="各等级补贴标准（元/人）")
    return _figure(chart, "在册培训项目各等级的补贴标准：中位数、最低和最高（元/人）。", data)


def _occupations(stats: Stats) -> str:
    if not stats.occupations:
        return "<p>没有在册的培训项目。</p>"
    labels = [o.name for o in stats.occupations]
    chart = charts.bar_chart("chart-occupations", f"培训项目最多的 {len(labels)} 个职业", labels,
                             [charts.Series("培训项目", [o.programmes for o in stats.occupations], charts.PALETTE[2])],
                             " 个", desc="每个职业一条，条后是在册培训项目数。")
    data = table(["职业", "编码", "培训项目数", "地区数"],
                 [[esc(o.name), esc(o.code), str(o.programmes), str(o.regions)] for o in stats.occupations],
                 caption="培训项目最多的职业")
    return _figure(chart, "在册培训项目最多的职业（按项目数，其次按地区数）。", data)


def _adjustments(stats: Stats) -> str:
    if stats.adjustments is None:
        return f'<p class="mulu-unavailable">{esc(stats.history_note or "历史记录不可用。")}</p>'
    if not stats.adjustments:
        return "<p>还没有依据调整公告的变更。</p>"
    items = stats.adjustments
    labels = [f"{a.date} {a.label}" for a in items]
    series = [charts.Series("新增", [a.added for a in items], charts.PALETTE[2]),
              charts.Series("移出", [a.withdrawn for a in items], charts.PALETTE[6]),
              charts.Series("暂停", [a.suspended for a in items], charts.PALETTE[1])]
    chart = charts.bar_chart("chart-adjustments", "各次调整新增、移出和暂停的记录数", labels, series, " 条",
                             desc="按公告日期从早到晚，每次调整一组横条。", label_above=True)
    rows = [[esc(a.date), link(relative(HERE, "changes/") + f"#{a.key}", a.label), str(a.added), str(a.withdrawn),
             str(a.suspended), str(a.reinstated)] for a in items]
    data = table(["日期", "文号", "新增", "移出", "暂停", "恢复"], rows, caption="各次调整的记录变化")
    notes = []
    if len(items) < stats.adjustments_total:
        notes.append(f"共 {stats.adjustments_total} 次调整，图中只画出最近 {len(items)} 次。")
    if stats.corrections:
        notes.append(f"另有 {stats.corrections} 次更正（未依据公告的编辑性修改）未计入。")
    extra = f"<p>{esc(' '.join(notes))}</p>" if notes else ""
    return _figure(chart, "每次目录调整（调整公告）新增、移出和暂停的记录数，按日期先后排列。", data) + extra


def effective_table(registry: Registry, ctx: SiteContext) -> str:
    """Records of each catalogue by effective status on ``ctx.as_of``."""
    counts = effective_counts(registry, ctx)
    kinds = registry.config.catalogue_kinds()
    labels = ordered_labels(s for k in kinds for s in counts.kinds.get(k, {}))
    rows = [[esc(KIND_BY_NAME[k].noun), *[str(counts.kinds.get(k, Counter())[lb]) for lb in labels]] for k in kinds]
    return (f'<p>按 {esc(ctx.as_of)} 核算的当前状态：有效期已过而仍登记为“在册”的记为“已过期”，'
            '暂停期已满而尚无公告的记为“暂停期已满待公告”。</p>'
            + table(["类别", *labels], rows, caption=f"各类目录的当前状态（按 {ctx.as_of} 核算）"))


def stats_html(stats: Stats, effective: str = "") -> str:
    """The page body (every registry string escaped); ``effective`` is the table of
    effective statuses, shown after the recorded ones."""
    return "".join([
        "<p>以下数字和图表在每次发布时根据目录数据生成。</p>",
        '<h2 id="jurisdictions">各辖区各类记录数</h2>', _jurisdictions(stats),
        '<h2 id="status">记录状态</h2>', _status(stats), effective,
        '<h2 id="subsidy">各等级补贴标准</h2>', _subsidy(stats),
        '<h2 id="occupations">培训项目最多的职业</h2>', _occupations(stats),
        '<h2 id="adjustments">各次调整的新增与移出</h2>', _adjustments(stats),
    ])


def stats_pages(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """The statistics page, with the history from ``ctx.extras["history"]`` when present."""
    stats = compute(registry, ctx.extras.get("history"))
    yield Page(path=HERE, title=TITLE, html=stats_html(stats, effective_table(registry, ctx)), nav="", nav_order=55,
               description="目录统计：各辖区记录数、各等级补贴标准、培训项目最多的职业、各次调整的新增与移出。")
