"""Record pages that lead somewhere: a programme's standards first (with the raised amount where
a shortage list lifts them), then where one can train and be certified; an institution's or
assessor's page lists the programmes it can deliver or certify; internal fields (维护账号,
信息来源, the record's file) sit in a collapsed 记录信息 block at the bottom of every record."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from mulu.core.registry import Record, Registry
from mulu.core.shortages import programme_uplifts
from mulu.site.html import esc, link, record_link, table
from mulu.site.lists import IGNORE, LIST_LIMIT, bounded_list
from mulu.site.model import SiteContext, record_path, relative
from mulu.site.shortage_pages import registry_entries, site_as_of
from mulu.site.values import FieldRenderer, occupation_text, region_text
from mulu.site.where import Offer, programme_need, where

# Fields for those who keep the record, not for the public: shown folded at the bottom.
INTERNAL_FIELDS = ("maintainers", "source")
# Fields a kind shows in a section of its own above the field list.
LEAD_FIELDS = {"programmes": ("levels",)}
FIND_PATH = "find/"


def find_url(here: str, region: str = "", occupation: str = "", spec: str = "") -> str:
    """A link to the 找培训 page with its answer chosen (``region``, ``occupation`` or ``spec``)."""
    query = urlencode([(k, v) for k, v in (("region", region), ("occupation", occupation), ("spec", spec)) if v])
    return relative(here, FIND_PATH) + (f"?{query}" if query else "")


def public_view(record: Record, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the internal fields and those shown in a section of their own."""
    hidden = set(INTERNAL_FIELDS) | set(LEAD_FIELDS.get(record.kind, ()))
    return {k: v for k, v in data.items() if k not in hidden}


def _money(value: Any) -> str:
    return f"{value:,} 元" if isinstance(value, int) and not isinstance(value, bool) else "—"


def standards_section(record: Record, registry: Registry, ctx: SiteContext, renderer: FieldRenderer) -> str:
    """A programme's subsidy per level, with the raised amount where a shortage list in force lifts it."""
    if record.kind != "programmes":
        return ""
    here = record_path(record)
    levels = [lv for lv in record.data.get("levels") or [] if isinstance(lv, dict)]
    if not levels:
        return ""
    uplifts = {u.level: u for u in programme_uplifts(record.data, registry_entries(registry), registry.reference,
                                                      site_as_of(ctx))}
    label = renderer.guide.label
    head = [label(("levels", 0, "level")), label(("levels", 0, "hours")), label(("levels", 0, "subsidy"))]
    if uplifts:
        head += ["紧缺上浮", "上浮后补贴标准（元/人）"]
    head += [label(("levels", 0, "assessment_fee")), label(("levels", 0, "certificate"))]
    rows = []
    for i, lv in enumerate(levels):
        row = [esc(lv.get("level", "—")), esc(lv.get("hours", "—")), _money(lv.get("subsidy"))]
        if uplifts:
            uplift = uplifts.get(lv.get("level") if isinstance(lv.get("level"), str) else None)
            row += [esc(uplift.text) if uplift else "—", f"<strong>{_money(uplift.raised)}</strong>" if uplift else "—"]
        row += [_money(lv.get("assessment_fee")),
                renderer.value(("levels", i, "certificate"), lv["certificate"]) if "certificate" in lv else "—"]
        rows.append(row)
    lists = [registry.get("shortages", list_id) for list_id in dict.fromkeys(u.entry.list_id for u in uplifts.values())]
    basis = "、".join(link(relative(here, record_path(t)), t.name) for t in lists if t is not None)
    note = f"<p>紧缺上浮依据按 {esc(site_as_of(ctx))} 生效的{basis}计算。</p>" if uplifts else ""
    category = record.data.get("category")
    lead = f'<p>培训类别：{esc(category)}；适用地区：{esc(region_text(registry, record.region))}。</p>' if category else ""
    return ('<section class="mulu-standards"><h2 id="standards">补贴标准</h2>' + lead
            + table(head, rows, caption="各等级补贴标准", cls="mulu-table mulu-table--cards") + note + "</section>")


def _unit_list(offers: list[Offer], registry: Registry, here: str, more_href: str) -> str:
    items = []
    for offer in offers:
        online = ' <span class="mulu-online">线上</span>' if offer.online else ""
        levels = f'（{esc("、".join(offer.levels))}）' if offer.levels else ""
        items.append(f"<li>{record_link(relative(here, record_path(offer.unit)), offer.unit)}{online}"
                     f' <span class="mulu-region">{esc(region_text(registry, offer.unit.region))}</span>{levels}</li>')
    # At most LIST_LIMIT here: 找培训 shows them all (the same rules, mulu.site.where).
    return bounded_list(items, "家", more_href, "mulu-related mulu-where", "在找培训中查看全部 →")


def where_section(record: Record, registry: Registry, ctx: SiteContext) -> str:
    """A programme's 可在哪里培训 and 可在哪里认定 (shown right after its standards)."""
    here = record_path(record)
    index = where(registry, ctx)
    if record.kind == "programmes":
        need = programme_need(record, registry)
        place = region_text(registry, record.region)
        parts = ['<section class="mulu-where-section">']
        spec = str(record.data.get("spec") or "")
        target = find_url(here, record.region, spec=spec) if spec else find_url(here, record.region, need.occupation if need else "")
        for kind, title, anchor, empty in (
                ("institutions", "可在哪里培训", "where-train",
                 f"{place}及下级地区暂无在册、承担补贴性培训且培训该职业和等级的机构。"),
                ("assessors", "可在哪里认定", "where-assess",
                 f"{place}暂无在册且认定范围覆盖该职业和等级的评价机构。")):
            offers = index.units_for(record, kind)
            parts.append(f'<h2 id="{anchor}">{title}（{len(offers)}）</h2>')
            parts.append(_unit_list(offers, registry, here, target) if offers else f"<p>{esc(empty)}</p>")
        if spec or need is not None:
            parts.append(f'<p>{link(target, "在找培训中查看本地区和上级地区的补贴、机构和评价机构")}</p>')
        parts.append("</section>")
        return "".join(parts)
    return ""


def unit_programmes_section(record: Record, registry: Registry, ctx: SiteContext) -> str:
    """An institution's or assessor's page: the programmes in force it can deliver or certify."""
    here = record_path(record)
    if record.kind in ("institutions", "assessors"):
        programmes = where(registry, ctx).programmes_for(record)
        verb = "可承担的补贴培训项目" if record.kind == "institutions" else "可认定的补贴培训项目"
        if not programmes:
            return ""
        items = [f"<li>{record_link(relative(here, record_path(p)), p)}"
                 f' <span class="mulu-region">{esc(region_text(registry, p.region))}</span></li>'
                 for p in programmes]
        shown = "".join(items[:LIST_LIMIT])
        more = ""
        if len(items) > LIST_LIMIT:
            # 找培训 answers one occupation in one region with the same rules (mulu.site.where):
            # one link per occupation of the programmes left out.
            codes: dict[str, None] = {}
            for p in programmes[LIST_LIMIT:]:
                need = programme_need(p, registry)
                if need is not None:
                    codes.setdefault(need.occupation, None)
            by_occupation = "、".join(link(find_url(here, record.region, code), occupation_text(registry, code))
                                     for code in codes)
            more = (f'<p class="mulu-more" {IGNORE}>共 {len(items)} 项，只列出前 {LIST_LIMIT} 项；'
                    f'按职业在找培训中查看全部：{by_occupation}</p>')
        return (f'<section class="mulu-where-section"><h2 id="programmes">{verb}（{len(programmes)}）</h2>'
                '<p>按本单位在册的培训（认定）职业和等级、所在地区，与生效中的补贴培训项目对照得出。</p>'
                f'<ul class="mulu-related mulu-where" {IGNORE}>{shown}</ul>{more}</section>')
    return ""


def record_info(record: Record, renderer: FieldRenderer) -> str:
    """The collapsed 记录信息 block: internal fields and the record's file."""
    rows = [f"<dt>{esc(renderer.guide.label((key,)))}</dt>\n<dd>{renderer.value((key,), record.data[key])}</dd>"
            for key in INTERNAL_FIELDS if key in record.data]
    rows.append(f"<dt>记录文件</dt>\n<dd><code>{esc(record.file)}</code></dd>")
    # Not for search: who keeps the record and where its file is are not what a reader looks for.
    return (f'<details class="mulu-record-info" {IGNORE}><summary>记录信息</summary>'
            f'<dl class="mulu-fields">\n{chr(10).join(rows)}\n</dl></details>')
