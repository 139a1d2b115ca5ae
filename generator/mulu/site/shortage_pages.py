"""What the shortage lists mean on the site: on a list's page, the programmes it raises (a
programme's page shows its raised subsidy per level in its standards table)."""

from __future__ import annotations

from mulu.core.registry import Record, Registry
from mulu.core.shortages import ShortageEntry, as_of_date, programme_uplifts, shortage_entries
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


def shortage_section(record: Record, registry: Registry, ctx: SiteContext) -> str:
    """A shortage list's page: the programmes it raises (a programme's own page shows its
    raised subsidy in its standards table, :func:`mulu.site.where_pages.standards_section`)."""
    day = site_as_of(ctx)
    here = record_path(record)
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
