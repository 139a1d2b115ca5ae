"""What the shortage lists mean on the site: on a programme's page, the uplift each level gets
from the list in force and the raised subsidy; on a list's page, the programmes it raises."""

from __future__ import annotations

from mulu.core.registry import Record, Registry
from mulu.core.shortages import ShortageEntry, Uplift, as_of_date, programme_uplifts, shortage_entries
from mulu.site.html import esc, link, table
from mulu.site.model import SiteContext, record_path, relative


def registry_entries(registry: Registry) -> tuple[ShortageEntry, ...]:
    """The entries of every listed shortage list of the registry."""
    return shortage_entries((r.id, r.data) for r in registry.records.get("shortages", {}).values())


def site_as_of(ctx: SiteContext) -> str:
    """The site judges lists on its as-of date (the one effective statuses use), else today."""
    return as_of_date(ctx.as_of or None)


def _money(value: int | None) -> str:
    return f"{value:,} 元" if value is not None else "—"


def _list_link(registry: Registry, here: str, uplift: Uplift) -> str:
    target = registry.get("shortages", uplift.entry.list_id)
    return link(relative(here, record_path(target)), target.name) if target else esc(uplift.entry.list_name)


def shortage_section(record: Record, registry: Registry, ctx: SiteContext) -> str:
    """Programmes: the uplift and raised subsidy per level. Shortage lists: the programmes raised."""
    day = site_as_of(ctx)
    here = record_path(record)
    if record.kind == "programmes":
        uplifts = programme_uplifts(record.data, registry_entries(registry), registry.reference, day)
        if not uplifts:
            return ""
        rows = [[esc(u.level or "—"), _money(u.subsidy), esc(u.text), f"<strong>{_money(u.raised)}</strong>",
                 _list_link(registry, here, u)] for u in uplifts]
        return ('<section class="mulu-shortage"><h2 id="shortage">紧缺职业补贴上浮</h2>'
                f"<p>按 {esc(day)} 生效的急需紧缺职业（工种）目录，本项目以下等级的补贴标准上浮：</p>"
                + table(["等级", "补贴标准", "上浮", "上浮后补贴标准", "依据目录"], rows, caption="紧缺职业补贴上浮",
                        cls="mulu-table mulu-table--cards") + "</section>")
    if record.kind == "shortages":
        entries = [e for e in registry_entries(registry) if e.list_id == record.id]
        raised = []
        for programme in registry.records.get("programmes", {}).values():
            mine = programme_uplifts(programme.data, entries, registry.reference, day)
            # Only where this list is the one that applies (a smaller region's list may win).
            chosen = {(u.level, u.entry.list_id) for u in programme_uplifts(programme.data, registry_entries(registry),
                                                                           registry.reference, day)}
            mine = [u for u in mine if (u.level, record.id) in chosen]
            if mine:
                raised.append([link(relative(here, record_path(programme)), programme.name),
                               esc("、".join(u.level or "—" for u in mine)),
                               esc("、".join(f"{_money(u.subsidy)} → {_money(u.raised)}" for u in mine))])
        in_force = entries and entries[0].in_force(day)
        state = "生效中" if in_force else "不在有效期内"
        body = (f'<p>本目录在 {esc(day)} {state}。</p>' + (table(["培训项目", "等级", "补贴标准 → 上浮后"], raised,
                caption="据本目录上浮补贴的培训项目", cls="mulu-table mulu-table--cards") if raised
                else "<p>目前没有据本目录上浮补贴的培训项目。</p>"))
        return f'<section class="mulu-shortage"><h2 id="raised">据本目录上浮补贴的培训项目</h2>{body}</section>'
    return ""
