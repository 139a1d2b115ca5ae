"""One page per jurisdiction of the configuration, and an index of them."""

from __future__ import annotations

from collections.abc import Iterator

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.registry import Registry
from mulu.site.counts import Counts
from mulu.site.effective import CURRENT_FILTER, current_count, effective_counts, ordered_labels
from mulu.site.home import (
    jurisdiction_table,
    newest_notices,
    notice_list,
)
from mulu.site.html import esc, link, table
from mulu.site.model import Page, SiteContext, relative
from mulu.site.records import catalogue_title


def _children(registry: Registry, code: str, counts: Counts, kinds: list[str]) -> list[str]:
    """Regions directly below ``code`` that hold records of the catalogues."""
    found = {c for (c, kind) in counts.by if kind in kinds and registry.reference.region_parent(c) == code}
    return sorted(found)


def jurisdiction_page(code: str, registry: Registry, counts: Counts, as_of: str = "") -> Page:
    """Counts by catalogue and status, sub-regions, and the notices issued there."""
    here = f"jurisdictions/{code}/"
    name = registry.reference.region_name(code)
    kinds = registry.config.catalogue_kinds()

    def filtered(kind: str, region: str, status: str = "") -> str:
        query = f"?region={region}" + (f"&status={status}" if status else "")
        return relative(here, f"{kind}/") + query

    rows = []
    labels = ordered_labels(s for k in kinds for s in counts.get(code, k))
    for kind in kinds:
        c = counts.get(code, kind)
        cells = [link(filtered(kind, code), catalogue_title(registry, kind))]
        cells += [link(filtered(kind, code, s), str(c[s])) if c.get(s) else "0" for s in labels]
        rows.append(cells + [str(sum(c.values()))])
    html = [f'<p>{esc(" / ".join(registry.reference.region_path(code)))}（行政区划代码 {esc(code)}）及其下级地区的目录记录。</p>',
            '<h2 id="catalogues">各类目录</h2>',
            table(["目录", *labels, "合计"], rows, caption=f"{name}各类目录的记录数（状态按 {as_of} 核算）")]
    children = _children(registry, code, counts, kinds)
    if children:
        sub_rows = []
        for child in children:
            cells = [esc(registry.reference.region_name(child))]
            for kind in kinds:
                n = current_count(counts.get(child, kind))
                cells.append(link(filtered(kind, child, CURRENT_FILTER), str(n)) if n else "0")
            sub_rows.append(cells)
        html += ['<h2 id="regions">下级地区</h2>',
                 table(["地区", *[KIND_BY_NAME[k].noun for k in kinds]], sub_rows,
                       caption=f"{name}下级地区的有效记录数（在册，含即将到期）")]
    notices = [n for n in newest_notices(registry) if registry.reference.in_region(n.region, code)]
    html += ['<h2 id="notices">本辖区的调整公告</h2>', notice_list(notices, here)]
    return Page(path=here, title=name, html="".join(html), description=f"{name}的职业技能培训目录清单")


def jurisdiction_pages(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """The index of jurisdictions and one page for each."""
    counts = effective_counts(registry, ctx)
    codes = list(registry.config.jurisdictions)
    yield Page(path="jurisdictions/", title="各辖区", nav="", nav_order=40,
               html="<p>本目录覆盖的辖区，数字为有效记录数（在册且未过期，含即将到期；含下级地区），点击可查看筛选后的目录。</p>"
                    + jurisdiction_table(registry, counts, "jurisdictions/"))
    for code in codes:
        yield jurisdiction_page(code, registry, counts, ctx.as_of)
