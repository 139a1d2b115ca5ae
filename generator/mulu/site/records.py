"""One page per record (all kinds, notices included): fields, banner, related records."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.registry import Record, Registry
from mulu.core.status import EffectiveStatus
from mulu.site.effective import status_of
from mulu.site.html import esc, link, record_link
from mulu.site.lists import bounded_list, search_url
from mulu.site.model import Page, SiteContext, record_path, relative
from mulu.site.relations import Related, Relations
from mulu.site.search import record_block
from mulu.site.values import FieldRenderer, guides
from mulu.site.where_pages import public_view, record_info, standards_section, where_section

RecordSection = Callable[[Record, Registry, SiteContext], str]

STATUS_WORDS = {"暂停": "已暂停", "已移出": "已移出目录"}


def catalogue_title(registry: Registry, kind: str) -> str:
    """The catalogue's title from the registry configuration, else the built-in one."""
    return registry.config.catalogue(kind).title


def notice_label(notice: Record) -> str:
    """``文号 标题`` of a notice, the way people cite it."""
    number = notice.data.get("number")
    return f"{number} {notice.name}" if number else notice.name


def effective_banner(record: Record, registry: Registry, ctx: SiteContext, here: str) -> str:
    """What the dates mean on the as-of date: expired in the same weight as a suspension,
    expiring as a notice, an overdue suspension or a ban on re-listing after the recorded
    status; a withdrawn spec links to the spec that replaced it."""
    status = status_of(record, registry, ctx)
    if status is None:
        return ""
    noun = KIND_BY_NAME[record.kind].noun
    parts = []
    if status.code == "expired":
        parts.append(f"<p><strong>本{esc(noun)}{'资质' if record.kind in ('institutions', 'assessors') else ''}已过期</strong>"
                     f"（按 {esc(status.as_of)} 核算）</p>")
    elif status.code == "expiring":
        parts.append(f"<p><strong>本{esc(noun)}即将到期</strong>（按 {esc(status.as_of)} 核算）</p>")
    elif status.code in ("suspension_overdue", "barred"):
        parts.append(f"<p><strong>{esc(status.answer)}</strong>（按 {esc(status.as_of)} 核算）</p>")
    if status.field and status.code != "active":
        parts.append(f"<p>{esc(status.reason)}</p>")
    replacement = registry.get("specs", str(record.data.get("replaced_by", ""))) if record.kind == "specs" else None
    if replacement is not None:
        parts.append(f"<p>已由 {link(relative(here, record_path(replacement)), replacement.name)} 替代。</p>")
    if not parts:
        return ""
    return f'<div class="mulu-banner mulu-banner--{status.css}" role="note">{"".join(parts)}</div>'


def banner(record: Record, registry: Registry, here: str) -> str:
    """A clear notice at the top of a suspended or withdrawn record: when, by which notice, why."""
    if record.status not in STATUS_WORDS:
        return ""
    change = record.data.get("status_change") or {}
    noun = KIND_BY_NAME[record.kind].noun
    parts = [f"<p><strong>本{esc(noun)}{esc(STATUS_WORDS[record.status])}</strong>"]
    if change.get("date"):
        parts.append(f"（{esc(change['date'])}）")
    parts.append("</p>")
    notice = registry.get("notices", str(change.get("notice", "")))
    if notice is not None:
        parts.append(f"<p>依据：{link(relative(here, record_path(notice)), notice_label(notice))}</p>")
    elif change.get("notice"):
        parts.append(f"<p>依据：{esc(change['notice'])}</p>")
    if change.get("reason"):
        parts.append(f"<p>原因：{esc(change['reason'])}</p>")
    cls = "withdrawn" if record.status == "已移出" else "suspended"
    return f'<div class="mulu-banner mulu-banner--{cls}" role="note">{"".join(parts)}</div>'


def derived_view(record: Record, status: EffectiveStatus | None) -> dict[str, Any]:
    """The record's data as shown: "承担补贴性培训" reads 是 only while the body may act on its
    listing (在册 or 即将到期); otherwise it says why not (the file keeps what was recorded).
    A notice with a 文号 is known by it: its internal id (hb-2025-33) is not shown."""
    if record.kind == "notices" and record.data.get("number"):
        return {k: v for k, v in record.data.items() if k != "id"}
    if status is None or status.current or record.data.get("subsidised") is not True:
        return record.data
    return {**record.data, "subsidised": f"否（当前状态为“{status.label}”，不得承担补贴性培训；记录中登记为“是”）"}


def related_html(items: list[Related], here: str, record_id: str = "") -> str:
    """Related records, those this record names first, then those naming it (at most
    LIST_LIMIT each; the rest are found by searching for ``record_id``)."""
    if not items:
        return ""
    out = ['<h2 id="related">相关记录</h2>']
    for outgoing, title in ((True, "本记录关联的"), (False, "关联本记录的")):
        chosen = [r for r in items if r.outgoing == outgoing]
        if not chosen:
            continue
        lis = [f"<li><span class=\"mulu-kind\">{esc(KIND_BY_NAME[r.record.kind].noun)}</span> "
               f"{record_link(relative(here, record_path(r.record)), r.record)}"
               f"<span class=\"mulu-relation\">（{esc(r.relation)}）</span></li>" for r in chosen]
        # Records naming this one carry its id (or credit code) in their fields: search finds them all.
        out.append(f'<h3>{title}</h3>{bounded_list(lis, "条", search_url(here, record_id), more_label="搜索全部 →")}')
    return "".join(out)


def notice_sections(notice: Record, registry: Registry, here: str) -> str:
    """What a notice did: the records it listed, suspended and withdrew, by catalogue."""
    groups: dict[str, list[Record]] = {"listed": [], "暂停": [], "已移出": []}
    for link_ in registry.links_to.get(("notices", notice.id), []):
        if link_.field == ("listed", "notice"):
            groups["listed"].append(link_.source)
        elif link_.field == ("status_change", "notice") and link_.source.status in groups:
            groups[link_.source.status].append(link_.source)
    titles = {"listed": "本公告列入目录的记录", "暂停": "本公告暂停的记录", "已移出": "本公告移出目录的记录"}
    out = []
    for key, records in groups.items():
        if not records:
            continue
        out.append(f'<h2>{titles[key]}（{len(records)}）</h2>')
        order = {k.name: i for i, k in enumerate(KINDS)}
        for kind in sorted({r.kind for r in records}, key=lambda k: order[k]):
            chosen = sorted((r for r in records if r.kind == kind), key=lambda r: r.id)
            lis = [f"<li>{record_link(relative(here, record_path(r)), r)}</li>" for r in chosen]
            # Every record names its notice (listed.notice, status_change.notice): search finds them all.
            out.append(f'<h3>{esc(catalogue_title(registry, kind))}（{len(chosen)}）</h3>'
                       f'{bounded_list(lis, "条", search_url(here, notice.id), more_label="搜索全部 →")}')
    return "".join(out)


def edit_box(record: Record, ctx: SiteContext, here: str) -> str:
    """How to ask for a change: the record's file in the repository, and the guide."""
    guide = link(relative(here, "contributing/"), "如何修改记录")
    url = ctx.edit_url(record)
    edit = link(url, "申请修改", rel="nofollow", class_="md-button") if url else ""
    return (f'<aside class="mulu-edit" aria-label="申请修改"><p>信息有误或已变化？{edit} '
            f'（{guide}）</p></aside>')


def record_page(record: Record, registry: Registry, ctx: SiteContext, renderer: FieldRenderer,
                relations: Relations, sections: Iterable[RecordSection]) -> Page:
    """The page of one record."""
    here = record_path(record)
    kind = KIND_BY_NAME[record.kind]
    status = status_of(record, registry, ctx)
    crumbs = (f'<nav class="mulu-crumbs" aria-label="所在位置">{link(relative(here, record.kind + "/"), catalogue_title(registry, record.kind))}'
              f' › {esc(kind.noun)}</nav>')
    # Search: kind, region and status for result badges and filters, words found inside longer words.
    crumbs += record_block(record, registry, status, renderer.guide)
    body = [crumbs, banner(record, registry, here), effective_banner(record, registry, ctx, here),
            standards_section(record, registry, ctx, renderer), where_section(record, registry, ctx),
            '<h2 id="fields">详细信息</h2>', renderer.fields((), public_view(record, derived_view(record, status)))]
    body.append(related_html(relations.of(record), here, record.id))
    if record.kind == "notices":
        body.append(notice_sections(record, registry, here))
    body += [section(record, registry, ctx) for section in sections]
    body += [edit_box(record, ctx, here), record_info(record, renderer)]
    return Page(path=here, title=record.name, html="".join(body), description=f"{kind.noun}：{record.name}")


def _href(here: str, record: Record) -> str:
    return relative(here, record_path(record))


def record_pages(registry: Registry, ctx: SiteContext, sections: Iterable[RecordSection] = ()) -> Iterator[Page]:
    """Every record's page, with ``sections`` appended after the fields."""
    sections = tuple(sections)
    relations = Relations(registry)
    by_kind = guides(registry)
    for record in registry.all_records():
        here = record_path(record)
        targets = {link_.field: link_.target for link_ in registry.links_from.get((record.kind, record.id), [])}
        renderer = FieldRenderer(registry, by_kind[record.kind], targets, functools.partial(_href, here),
                                 functools.partial(relative, here))
        yield record_page(record, registry, ctx, renderer, relations, sections)
