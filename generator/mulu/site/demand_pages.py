"""Supply against demand (劳动者培训需求目录): for each demand, the subsidised programmes and the
training institutions that serve it in its region, and the gaps where there are none."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mulu.core.registry import Record, Registry
from mulu.site.html import esc, link, table
from mulu.site.model import Page, SiteContext, record_path, relative
from mulu.site.values import region_text
from mulu.site.where import where

HERE = "demands/supply/"


@dataclass(frozen=True)
class Supply:
    """What serves one demand."""

    demand: Record
    programmes: list[Record]
    institutions: list[Record]

    @property
    def gaps(self) -> list[str]:
        """缺口 in words: what is missing for this demand."""
        out = []
        if not self.programmes:
            out.append("无补贴培训项目")
        if not self.institutions:
            out.append("无培训机构")
        return out


def _related_region(registry: Registry, a: str, b: str) -> bool:
    """A record in region ``b`` serves region ``a`` when one contains the other."""
    return bool(a and b) and (registry.reference.in_region(a, b) or registry.reference.in_region(b, a))


def supply_for(demand: Record, registry: Registry, ctx: SiteContext) -> Supply:
    """The programmes and institutions that serve ``demand``, by the rules of 可在哪里培训
    (:mod:`mulu.site.where`: records in force on the as-of date, institutions that take
    subsidised training), in the demand's region or one above or below it."""
    index = where(registry, ctx)
    code, spec, level = demand.data.get("occupation"), demand.data.get("spec"), demand.data.get("level")

    def wanted(levels: tuple[str, ...]) -> bool:
        return level is None or not levels or level in levels

    programmes = []
    for programme in index.programmes:
        if not _related_region(registry, demand.region, programme.region):
            continue
        need = index.needs.get(programme.id)
        if spec is not None and programme.data.get("spec") == spec:
            programmes.append(programme)
        elif code is not None and spec is None and need is not None and need.occupation == code and wanted(need.levels):
            programmes.append(programme)
    institutions: dict[str, Record] = {}
    for offer in index.offers["institutions"].get(code, []) if isinstance(code, str) else []:
        if _related_region(registry, demand.region, offer.unit.region) and wanted(offer.levels):
            institutions.setdefault(offer.unit.id, offer.unit)
    return Supply(demand, programmes, sorted(institutions.values(), key=lambda r: r.id))


def _links(here: str, records: list[Record]) -> str:
    return "、".join(link(relative(here, record_path(r)), r.name) for r in records) or "—"


def supply_pages(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """One page: every listed demand by region, with its supply and gaps."""
    demands = [d for d in registry.records.get("demands", {}).values() if d.status == "在册"]
    if not demands:
        return
    parts = ["<p>按地区列出劳动者培训需求目录中的每项需求，以及所在地区（含上下级）在册的补贴培训项目和培训机构；"
             "“缺口”表示尚无相应供给。</p>"]
    by_region: dict[str, list[Record]] = {}
    for demand in sorted(demands, key=lambda d: (d.region, d.id)):
        by_region.setdefault(demand.region, []).append(demand)
    total_gaps = 0
    for region, items in by_region.items():
        rows = []
        for demand in items:
            supply = supply_for(demand, registry, ctx)
            total_gaps += bool(supply.gaps)
            gap = "、".join(supply.gaps)
            rows.append([link(relative(HERE, record_path(demand)), demand.name),
                         esc(demand.data.get("expected_trainees", "")), _links(HERE, supply.programmes),
                         _links(HERE, supply.institutions),
                         f'<strong class="mulu-gap">{esc(gap)}</strong>' if gap else "—"])
        parts.append(f"<h2>{esc(region_text(registry, region))}</h2>")
        parts.append(table(["需求", "预计培训人数", "补贴培训项目", "培训机构", "缺口"], rows,
                           caption=f"{region_text(registry, region)}培训供需对照", cls="mulu-table mulu-table--cards"))
    parts.insert(1, f"<p>共 {len(demands)} 项需求，其中 {total_gaps} 项存在缺口。</p>")
    yield Page(path=HERE, title="培训供需对照", html="\n".join(parts), nav="", nav_order=60,
               description="劳动者培训需求与补贴培训项目、培训机构的对照，以及供给缺口")


def demand_section(record: Record, registry: Registry, ctx: SiteContext) -> str:
    """On a demand's page: the programmes and institutions that serve it, and the gaps."""
    if record.kind != "demands":
        return ""
    here = record_path(record)
    supply = supply_for(record, registry, ctx)
    gap = "、".join(supply.gaps)
    return ('<section class="mulu-supply"><h2 id="supply">供给情况</h2><dl class="mulu-fields">'
            f"<dt>补贴培训项目</dt><dd>{_links(here, supply.programmes)}</dd>"
            f"<dt>培训机构</dt><dd>{_links(here, supply.institutions)}</dd>"
            f"<dt>缺口</dt><dd>{esc(gap) if gap else '无'}</dd></dl>"
            f'<p>{link(relative(here, HERE), "查看全部培训供需对照")}</p></section>')
