"""The home page: search, counts per catalogue and jurisdiction, the latest notices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.registry import Record, Registry
from mulu.site.counts import Counts
from mulu.site.effective import CURRENT_FILTER, current_count, effective_counts, ordered_labels
from mulu.site.html import esc, link, table
from mulu.site.model import Page, SiteContext, record_path, relative
from mulu.site.records import catalogue_title, notice_label

LATEST = 8


def search_box(uid: str, extra_class: str = "", label: str = "搜索本站记录", results: str = "search/") -> str:
    """A Pagefind search box (wired up by ``assets/mulu/search.js``).

    ``label`` names the search landmark: it must differ from the header's 全文搜索, since two
    landmarks of one role and one name cannot be told apart by screen readers (axe landmark-unique).
    Enter submits to the full results page ``results`` (relative to the page)."""
    return (f'<div class="mulu-search {extra_class}" data-mulu-search>'
            f'<form class="mulu-search__form" role="search" aria-label="{esc(label)}" action="{esc(results)}" method="get">'
            f'<label class="mulu-sr-only" for="{uid}">{esc(label)}</label>'
            f'<input id="{uid}" class="mulu-search__input" type="search" name="q" placeholder="搜索机构、职业、公告……" '
            f'autocomplete="off" enterkeyhint="search"></form>'
            f'<div class="mulu-search__results" hidden><p class="mulu-search__summary" aria-live="polite"></p>'
            f'<ol class="mulu-search__list"></ol></div></div>')


def newest_notices(registry: Registry) -> list[Record]:
    """Notices, newest first (ties by id)."""
    notices = sorted(registry.records.get("notices", {}).values(), key=lambda r: r.id)
    return sorted(notices, key=lambda r: str(r.data.get("date", "")), reverse=True)


def catalogue_table(registry: Registry, counts: Counts, here: str, as_of: str = "") -> str:
    """Counts per catalogue and (effective) status."""
    kinds = registry.config.catalogue_kinds()
    labels = ordered_labels(s for k in kinds for s in counts.kinds.get(k, {}))
    rows = []
    for kind in kinds:
        c = counts.kinds.get(kind) or Counter()
        rows.append([link(relative(here, f"{kind}/"), catalogue_title(registry, kind)),
                     *[str(c.get(s, 0)) for s in labels], str(sum(c.values()))])
    when = f"（状态按 {as_of} 核算）" if as_of else ""
    return table(["目录", *labels, "合计"], rows, caption=f"各类目录的记录数{when}")


def jurisdiction_table(registry: Registry, counts: Counts, here: str) -> str:
    """Records in force (在册, 即将到期 included) per jurisdiction and catalogue."""
    kinds = registry.config.catalogue_kinds()
    rows = []
    for code in registry.config.jurisdictions:
        cells = [link(relative(here, f"jurisdictions/{code}/"), registry.reference.region_name(str(code)))]
        total = 0
        for kind in kinds:
            n = current_count(counts.get(str(code), kind))
            total += n
            cells.append(link(relative(here, f"{kind}/") + f"?region={code}&status={CURRENT_FILTER}", str(n))
                         if n else "0")
        rows.append(cells + [str(total)])
    # Short headers (the record noun, as on the stats page): eleven catalogue titles would push 合计 out of view.
    return table(["辖区", *[KIND_BY_NAME[k].noun for k in kinds], "合计"], rows,
                 caption="各辖区有效记录数（在册且未过期，含即将到期；含下级地区）")


def notice_list(notices: list[Record], here: str) -> str:
    """Notices as a list: date, then number and title."""
    items = "".join(f'<li><time datetime="{esc(n.data.get("date", ""))}">{esc(n.data.get("date", ""))}</time> '
                    f'{link(relative(here, record_path(n)), notice_label(n))}</li>' for n in notices)
    return f'<ul class="mulu-notices">{items}</ul>' if items else "<p>暂无调整公告。</p>"


def home_page(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """The home page."""
    counts = effective_counts(registry, ctx)
    title = registry.config.title
    description = registry.config.description
    html = (f'<h1>{esc(title)}</h1>' + (f'<p class="mulu-lead">{esc(description)}</p>' if description else "")
            + search_box("mulu-q-home", "mulu-search--hero")
            + f'<p>想找补贴培训？用{link("find/", "找培训")}选择地区和职业，查看补贴标准、培训机构和评价机构。'
              f'想确认一家机构是否在册？请用{link("check/", "机构查询")}输入统一社会信用代码或名称。</p>'
            + '<h2 id="catalogues">各类目录</h2>' + catalogue_table(registry, counts, "", ctx.as_of)
            + '<h2 id="jurisdictions">各辖区</h2>' + jurisdiction_table(registry, counts, "")
            + '<h2 id="latest">最新调整公告</h2>' + notice_list(newest_notices(registry)[:LATEST], "")
            + f'<p>{link("notices/", "全部调整公告")} · 数据更新于 {esc(ctx.generated_at[:10])}'
              f' · 状态核算日期 {esc(ctx.as_of)}</p>')
    yield Page(path="", title="首页", html=html, nav="", nav_order=0, description=description)
