"""The changelog on the site: the adjustments page, feeds, ``api/v1/changes.json``, and the
history sections of record pages (a record's timeline, a notice's changes).

The :class:`~mulu.history.log.History` arrives in ``SiteContext.extras["history"]``; nothing
here reads git or registry files. Every registry string goes through ``esc``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from mulu.core.kinds import KINDS
from mulu.core.registry import Record, Registry
from mulu.history.diff import ACTIONS, RecordChange
from mulu.history.editions import Edition, adjustment_summary, edition_of
from mulu.history.log import Adjustment, History, TimelineEntry, unavailable
from mulu.history.words import (
    Labeller,
    action_label,
    counts,
    counts_text,
    field_lines,
)
from mulu.site.feeds import Entry, Feed, atom, tag_uri
from mulu.site.html import esc, link, table
from mulu.site.model import DataFile, Page, SiteContext, edition_path, record_path, relative
from mulu.site.records import catalogue_title

HERE = "changes/"
FEED_ALL = "feeds/all.atom"
API = "api/v1/changes.json"
# The changelog page must stay light on phones: the newest entries in full (at most
# PAGE_ROWS rows per table), older ones as heading and counts linking to the notice page.
PAGE_ROWS = 30
FULL_ENTRIES = 60
NOTICE_ROWS = 2000
FEED_ENTRIES = 100
# feeds/all.atom repeats what the per-catalogue feeds carry: only its latest entries (a reader
# keeps what it has read; the full history is the changelog page and changes.json). docs/dev/scale.md
FEED_ALL_ENTRIES = 20
FEED_ROWS = 50
NO_HISTORY = "本次构建没有提供历史记录。"


def history_of(ctx: SiteContext) -> History:
    """The history the build computed, or one that says it is unavailable."""
    history = ctx.extras.get("history")
    return history if isinstance(history, History) else unavailable(NO_HISTORY)


def _labeller(registry: Registry, kind: str) -> Labeller | None:
    try:
        return registry.schema_for(kind).label
    except KeyError:
        return None


Href = Callable[[str], str]   # site path -> URL as written in the output (relative or absolute)


def _from(here: str) -> Href:
    return lambda path: relative(here, path)


def _record_cell(change: RecordChange, registry: Registry, href: Href) -> str:
    record = registry.get(change.kind, change.id)
    if record is None:
        return esc(change.name)
    return link(href(record_path(record)), change.name)


def _fields_html(change: RecordChange, registry: Registry) -> str:
    lines = field_lines(change, _labeller(registry, change.kind))
    items = "".join(f'<li><span class="mulu-diff__field" title="{esc(machine)}">{esc(label)}</span>：'
                    f'<del>{esc(old)}</del> → <ins>{esc(new)}</ins></li>' for machine, label, old, new in lines)
    return f'<ul class="mulu-diff">{items}</ul>' if items else ""


def detail_html(change: RecordChange, registry: Registry) -> str:
    """What happened to the record, in a sentence or a list of old → new values."""
    if change.action == "added":
        what = "发文日期" if change.kind == "notices" else "列入日期"
        return f"{what} {esc(change.date)}" if change.date else "列入目录"
    if change.action == "removed":
        return "记录文件被删除（按规定应改为“已移出”而不是删除）"
    parts = []
    if change.action in ("suspended", "withdrawn", "reinstated"):
        when = f"{esc(change.date)} 起" if change.date else ""
        parts.append(f"<p>{esc(action_label(change.action))}{'，' + when if when else ''}"
                     f"{'。原因：' + esc(change.reason) if change.reason else ''}</p>")
    if change.old_id:
        parts.append(f"<p>编号由 <code>{esc(change.old_id)}</code> 改为 <code>{esc(change.id)}</code></p>")
    shown = [f for f in change.fields if change.action not in ("suspended", "withdrawn", "reinstated")
             or f.path[:1] not in (("status",), ("status_change",))]
    if shown:
        parts.append(_fields_html(RecordChange(change.kind, change.id, change.name, change.action, shown), registry))
    return "".join(parts)


def kind_tables(changes: list[RecordChange], registry: Registry, href: Href, limit: int, more_href: str = "",
                level: int = 3) -> str:
    """Per catalogue, one table per action (新增, 修改, 暂停, 移出 …), at most ``limit`` rows each."""
    out = []
    for kind in KINDS:
        chosen = [c for c in changes if c.kind == kind.name]
        if not chosen:
            continue
        out.append(f'<h{level} class="mulu-changes__kind">{esc(catalogue_title(registry, kind.name))}</h{level}>')
        for action in ACTIONS:
            rows_of = [c for c in chosen if c.action == action]
            if not rows_of:
                continue
            rows = [[_record_cell(c, registry, href), f"<code>{esc(c.id)}</code>", detail_html(c, registry)]
                    for c in rows_of[:limit]]
            out.append(f'<div class="mulu-changes__action mulu-changes__action--{action}">')
            out.append(table(["记录", "编号", "变动"], rows, caption=f"{action_label(action)}（{len(rows_of)}）",
                             cls="mulu-table mulu-table--cards"))
            if len(rows_of) > limit:
                rest = len(rows_of) - limit
                more = f"，{link(more_href, '查看全部')}" if more_href else "（完整数据见 changes.json）"
                out.append(f'<p class="mulu-changes__more">另有 {rest} 条未列出{more}。</p>')
            out.append("</div>")
    return "".join(out)


def _notice_record(registry: Registry, adjustment: Adjustment) -> Record | None:
    return registry.get("notices", adjustment.notice) if adjustment.notice else None


def notice_facts(adjustment: Adjustment, registry: Registry) -> dict[str, Any]:
    """文号, 标题, 发文机关, 日期, 摘要 of an adjustment's notice: as published now, else as last committed."""
    record = _notice_record(registry, adjustment)
    data = record.data if record is not None else adjustment.meta
    return {k: data.get(k) for k in ("number", "name", "issuer", "date", "effective", "summary", "url") if data.get(k)}


def _commit_link(ctx: SiteContext, sha: str) -> str:
    if ctx.repo_url:
        return link(f"{ctx.repo_url.rstrip('/')}/commit/{sha}", sha[:8], rel="nofollow")
    return f"<code>{esc(sha[:8])}</code>"


def adjustment_heading(adjustment: Adjustment, registry: Registry, ctx: SiteContext, here: str) -> str:
    """The heading and facts of one changelog entry."""
    date = f'<time datetime="{esc(adjustment.date)}">{esc(adjustment.date)}</time>'
    if adjustment.correction:
        commits = "、".join(_commit_link(ctx, sha) for sha in adjustment.commits)
        return (f'<h2 id="{esc(adjustment.key)}">{date} <span class="mulu-correction">更正</span></h2>'
                f'<p class="mulu-adjustment__facts">编辑更正：未依据调整公告，只修正记录内容（提交 {commits}）。'
                f'{counts_text(adjustment.changes)}。</p>')
    facts = notice_facts(adjustment, registry)
    record = _notice_record(registry, adjustment)
    number = facts.get("number") or adjustment.notice
    title = link(relative(here, record_path(record)), str(number)) if record is not None else esc(number)
    meta = " · ".join(f"{k} {esc(v)}" for k, v in (("发文机关", facts.get("issuer")), ("发文日期", facts.get("date")),
                                                   ("生效日期", facts.get("effective"))) if v)
    name = f'<p class="mulu-adjustment__title"><strong>{esc(facts["name"])}</strong></p>' if facts.get("name") else ""
    summary = f'<p class="mulu-adjustment__summary">摘要：{esc(facts["summary"])}</p>' if facts.get("summary") else ""
    return (f'<h2 id="{esc(adjustment.key)}">{date} {title}</h2>{name}'
            f'<p class="mulu-adjustment__facts">{meta}</p>{summary}'
            f'<p class="mulu-adjustment__counts">变动：{esc(counts_text(_shown(adjustment)))}</p>'
            f'{edition_line(adjustment, registry, _from(here))}')


def adjustment_edition(adjustment: Adjustment, registry: Registry) -> Edition | None:
    """The edition an adjustment's notice publishes, if it publishes one."""
    record = _notice_record(registry, adjustment)
    return edition_of(adjustment.notice, record.data) if record is not None else None


def edition_line(adjustment: Adjustment, registry: Registry, href: Href) -> str:
    """For an edition's notice: which catalogue edition it publishes, the summary counts, and links."""
    edition = adjustment_edition(adjustment, registry)
    if edition is None:
        return ""
    place = registry.reference.region_name(edition.region)
    links = link(href(edition_path(edition)), "本版目录")
    if edition.replaces:
        links += " · " + link(href(edition_path(edition) + "compare/"), "与上一版比较")
    return (f'<p class="mulu-adjustment__edition">发布{esc(place)}{esc(catalogue_title(registry, edition.kind))}'
            f'“{esc(edition.name)}”（{esc(edition.effective)} 起执行）：{esc(adjustment_summary(adjustment.changes))}。'
            f'{links}</p>')


def _shown(adjustment: Adjustment) -> list[RecordChange]:
    """Changes worth a table row: a notice's own publication is already the heading."""
    return [c for c in adjustment.changes if not (c.kind == "notices" and c.action == "added" and c.id == adjustment.notice)]


def adjustment_html(adjustment: Adjustment, registry: Registry, ctx: SiteContext, here: str, full: bool = True) -> str:
    """One changelog entry: heading, facts, and (when ``full``) the tables of its changes."""
    record = _notice_record(registry, adjustment)
    more = relative(here, record_path(record)) + "#notice-changes" if record is not None else ""
    cls = "mulu-adjustment mulu-adjustment--correction" if adjustment.correction else "mulu-adjustment"
    if full:
        body = kind_tables(_shown(adjustment), registry, _from(here), PAGE_ROWS, more)
    elif more:
        body = f'<p class="mulu-changes__more">{link(more, "查看本公告调整的全部记录")}</p>'
    else:
        body = f'<p class="mulu-changes__more">逐条内容见 {link(relative(here, API), "changes.json")} 及各记录页面的变更记录。</p>'
    return (f'<section class="{cls}" data-date="{esc(adjustment.date)}">'
            f'{adjustment_heading(adjustment, registry, ctx, here)}{body}</section>')


def feed_links(registry: Registry) -> list[tuple[str, str]]:
    """(path, name) of the feeds worth offering: all changes, then each catalogue that has records."""
    kinds = [k.name for k in KINDS if k.name != "notices" and registry.records.get(k.name)]
    return [(FEED_ALL, "全部调整")] + [(f"feeds/{kind}.atom", f"{catalogue_title(registry, kind)}调整") for kind in kinds]


def _feed_links(registry: Registry, here: str) -> str:
    items = [link(relative(here, path), name) for path, name in feed_links(registry)]
    items.append(link(relative(here, API), "JSON 数据"))
    # Each link says which feed it is, in the words of the feed's own title.
    return (f'<p class="mulu-feeds">Atom 订阅与数据：{" · ".join(items)}'
            f'（{link(relative(here, "subscribe/"), "怎样订阅")}）</p>')


SINCE_FORM = """<form class="mulu-since" method="get" role="search" aria-label="按日期筛选">
<label for="mulu-since">只看此日期及之后的调整：</label>
<input type="date" id="mulu-since" name="since">
<button type="submit" class="md-button">筛选</button>
<a href="./" class="mulu-since__all">显示全部</a>
<p class="mulu-since__status" role="status" aria-live="polite"></p>
</form>"""

FILTER_JS = """// Changelog "changes since a date": hides entries older than ?since=YYYY-MM-DD (kept in the URL).
(function () {
  function init() {
    var form = document.querySelector(".mulu-since");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var input = form.querySelector("input[name=since]");
    var status = form.querySelector(".mulu-since__status");
    var sections = document.querySelectorAll(".mulu-adjustment[data-date]");
    function apply(since, push) {
      var valid = /^\\d{4}-\\d{2}-\\d{2}$/.test(since) ? since : "";
      var shown = 0;
      sections.forEach(function (s) {
        var keep = !valid || s.getAttribute("data-date") >= valid;
        s.hidden = !keep;
        if (keep) shown++;
      });
      input.value = valid;
      status.textContent = valid ? (valid + " 及之后的调整共 " + shown + " 次。") : "";
      if (push) {
        var url = new URL(window.location.href);
        if (valid) url.searchParams.set("since", valid); else url.searchParams.delete("since");
        history.replaceState(null, "", url.toString());
      }
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(input.value, true); });
    input.addEventListener("change", function () { apply(input.value, true); });
    apply(new URL(window.location.href).searchParams.get("since") || "", false);
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
"""


def changelog_page(registry: Registry, ctx: SiteContext, history: History) -> Page:
    """The changelog: every adjustment, newest first, with a "since a date" filter."""
    here = HERE
    intro = ('<p>目录按调整公告动态调整。本页按公告列出每次调整：新增、暂停、移出、恢复和修改的记录，'
             '修改显示原值 → 新值；未依据公告的编辑更正标为“更正”。</p>')
    if not history.available:
        body = f'{intro}<p class="mulu-history-unavailable"><strong>{esc(history.note)}</strong></p>'
        return Page(HERE, "调整记录", body, nav="调整记录", nav_order=50, description="目录动态调整记录。")
    adjustments = history.adjustments()
    note = f'<p class="mulu-history-note">{esc(history.note)}</p>' if history.note else ""
    corrections = sum(1 for a in adjustments if a.correction)
    summary = (f"<p>共 {len(adjustments) - corrections} 次公告调整、{corrections} 次更正。"
               f"数据截至 {esc(ctx.generated_at[:10])}。</p>")
    entries = "".join(adjustment_html(a, registry, ctx, here, full=i < FULL_ENTRIES)
                      for i, a in enumerate(adjustments)) or "<p>还没有调整记录。</p>"
    body = (f'{intro}{note}{summary}{_feed_links(registry, here)}{SINCE_FORM}'
            f'<div class="mulu-changelog">{entries}</div>'
            f'<script src="{esc(relative(here, HERE + "filter.js"))}" defer></script>')
    return Page(HERE, "调整记录", body, nav="调整记录", nav_order=50,
                description="目录动态调整记录：每次调整依据的公告、新增、暂停、移出和修改的记录。")


# -- record sections ---------------------------------------------------------------------------

def _timeline_item(entry: TimelineEntry, registry: Registry, ctx: SiteContext, here: str) -> str:
    change = entry.change
    action = action_label(change.action)
    if change.kind == "notices" and change.action == "added":
        action, basis = "发布", ""
    elif change.notice:
        notice = registry.get("notices", change.notice)
        number = (notice.data.get("number") if notice is not None else None) or change.notice
        basis = "依据 " + (link(relative(here, record_path(notice)), str(number)) if notice is not None else esc(number))
    else:
        basis = '<span class="mulu-correction">更正</span>'
    to_log = link(relative(here, HERE) + "#" + entry.adjustment, "调整记录")
    return (f'<li class="mulu-timeline__item mulu-timeline__item--{change.action}">'
            f'<time datetime="{esc(entry.date)}">{esc(entry.date)}</time> '
            f'<strong>{esc(action)}</strong> {basis}（{to_log}）'
            f'{detail_html(change, registry)}</li>')


def record_timeline(record: Record, registry: Registry, ctx: SiteContext) -> str:
    """A record page's history: each change with its date, its notice (or 更正) and old → new."""
    history = history_of(ctx)
    here = record_path(record)
    head = '<h2 id="history">变更记录</h2>'
    if not history.available:
        return f'<section class="mulu-timeline">{head}<p>{esc(history.note)}</p></section>'
    entries = history.timeline(record.kind, record.id)
    if not entries:
        return f'<section class="mulu-timeline">{head}<p>暂无变更记录。</p></section>'
    items = "".join(_timeline_item(e, registry, ctx, here) for e in entries)
    return f'<section class="mulu-timeline">{head}<ol class="mulu-timeline__list" reversed>{items}</ol></section>'


def notice_changes(record: Record, registry: Registry, ctx: SiteContext) -> str:
    """On a notice's page: every change made under it, per catalogue and action."""
    if record.kind != "notices":
        return ""
    history = history_of(ctx)
    here = record_path(record)
    head = '<h2 id="notice-changes">依据本公告的调整</h2>'
    if not history.available:
        return f'<section class="mulu-notice-changes">{head}<p>{esc(history.note)}</p></section>'
    adjustment = history.for_notice(record.id)
    shown = _shown(adjustment) if adjustment is not None else []
    if not shown:
        return f'<section class="mulu-notice-changes">{head}<p>历史中没有依据本公告修改的记录。</p></section>'
    to_log = link(relative(here, HERE) + "#" + adjustment.key, "在调整记录中查看")  # type: ignore[union-attr]
    return (f'<section class="mulu-notice-changes">{head}<p>{esc(counts_text(shown))}（{to_log}）。</p>'
            f'{kind_tables(shown, registry, _from(here), NOTICE_ROWS)}</section>')


# -- data: changes.json and feeds ----------------------------------------------------------------

def change_json(change: RecordChange, registry: Registry) -> dict[str, Any]:
    """One change for the API: ids, action, and fields with Chinese labels and raw old/new values."""
    label = _labeller(registry, change.kind)
    out: dict[str, Any] = {"kind": change.kind, "id": change.id, "name": change.name, "action": change.action,
                           "action_label": action_label(change.action)}
    record = registry.get(change.kind, change.id)
    if record is not None:
        out["page"] = record_path(record)
    for key in ("old_id", "date", "reason", "commit"):
        if getattr(change, key):
            out[key] = getattr(change, key)
    if change.fields:
        out["fields"] = [{"field": machine, "label": text, "old": f.old, "new": f.new, "old_text": old, "new_text": new}
                         for f, (machine, text, old, new) in zip(change.fields, field_lines(change, label))]
    return out


def _edition_json(adjustment: Adjustment, registry: Registry) -> dict[str, Any] | None:
    edition = adjustment_edition(adjustment, registry) if not adjustment.correction else None
    if edition is None:
        return None
    return {"kind": edition.kind, "region": edition.region, "name": edition.name, "effective": edition.effective,
            "replaces": edition.replaces or None, "summary": adjustment_summary(adjustment.changes),
            "page": edition_path(edition)}


def changes_json(registry: Registry, ctx: SiteContext, history: History) -> DataFile:
    """``api/v1/changes.json``: every adjustment, newest first, with every change."""
    data: dict[str, Any] = {"version": 1, "generated_at": ctx.generated_at, "revision": ctx.revision,
                            "available": history.available, "note": history.note, "adjustments": []}
    for a in history.adjustments() if history.available else []:
        data["adjustments"].append({
            "id": a.key, "type": "correction" if a.correction else "notice", "date": a.date, "updated": a.updated,
            "notice": {"id": a.notice, **notice_facts(a, registry)} if a.notice else None,
            "commits": a.commits, "counts": counts(a.changes), "page": f"{HERE}#{a.key}",
            "edition": _edition_json(a, registry),
            "changes": [change_json(c, registry) for c in a.changes]})
    return DataFile(API, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _absolute(registry: Registry, feed_path: str, path: str) -> str:
    site = registry.config.site_url
    return site.rstrip("/") + "/" + path if site else relative(feed_path, path)


def _instant(stamp: str) -> datetime:
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _entry(adjustment: Adjustment, registry: Registry, ctx: SiteContext, kind: str | None, feed_path: str) -> Entry:
    site = registry.config.site_url
    changes = [c for c in _shown(adjustment) if kind is None or c.kind == kind]
    facts = notice_facts(adjustment, registry)
    if adjustment.correction:
        title = f"更正（{adjustment.date}）：{counts_text(changes)}"
        specific = f"correction/{adjustment.commits[-1]}"
        intro = "<p>编辑更正：未依据调整公告，只修正记录内容。</p>"
    else:
        title = f"{facts.get('number') or adjustment.notice} {facts.get('name', '')}".strip()
        title += f"：{counts_text(changes)}"
        specific = f"notice/{adjustment.notice}"
        intro = "".join(f"<p>{k}：{esc(facts[key])}</p>" for k, key in
                        (("发文机关", "issuer"), ("发文日期", "date"), ("摘要", "summary")) if facts.get(key))
    edition = adjustment_edition(adjustment, registry) if not adjustment.correction else None
    if edition is not None and kind in (None, edition.kind):
        # One entry per edition, titled with its summary counts.
        title = f"{facts.get('number') or adjustment.notice} {edition.name}：{adjustment_summary(changes)}"
        intro += edition_line(adjustment, registry, lambda path: _absolute(registry, feed_path, path))
    if kind is not None:
        specific += f"/{kind}"
    # Links inside the content must work in a feed reader: absolute when the site's address is known.
    body = kind_tables(changes, registry, lambda path: _absolute(registry, feed_path, path), FEED_ROWS)
    updated = adjustment.updated or ctx.generated_at
    published = f"{adjustment.date}T00:00:00+08:00" if len(adjustment.date) == 10 else ""
    if published and _instant(published) > _instant(updated):
        published = ""   # a notice dated after its commit (announced ahead): "published" may not follow "updated"
    return Entry(id=tag_uri(site, specific), title=title, updated=updated,
                 link=_absolute(registry, feed_path, f"{HERE}#{adjustment.key}"), content_html=intro + body,
                 published=published, author=str(facts.get("issuer") or ""),
                 categories=tuple(dict.fromkeys(c.kind for c in changes)))


def feed_files(registry: Registry, ctx: SiteContext, history: History) -> Iterator[DataFile]:
    """``feeds/all.atom`` (the latest :data:`FEED_ALL_ENTRIES` adjustments) and one
    ``feeds/<kind>.atom`` per catalogue (the latest :data:`FEED_ENTRIES` touching it)."""
    site = registry.config.site_url
    title = registry.config.title
    adjustments = history.adjustments() if history.available else []
    targets: list[tuple[str | None, str, str]] = [(None, FEED_ALL, f"{title}：全部调整")]
    targets += [(k.name, f"feeds/{k.name}.atom", f"{title}：{catalogue_title(registry, k.name)}调整")
                for k in KINDS if k.name != "notices" and k.name in registry.records]
    for kind, path, feed_title in targets:
        limit = FEED_ALL_ENTRIES if kind is None else FEED_ENTRIES
        chosen = [a for a in adjustments if kind is None or any(c.kind == kind for c in _shown(a))][:limit]
        entries = [_entry(a, registry, ctx, kind, path) for a in chosen]
        updated = max((e.updated for e in entries), default=ctx.generated_at)
        feed = Feed(id=tag_uri(site, path), title=feed_title, updated=updated,
                    self_link=_absolute(registry, path, path), alternate_link=_absolute(registry, path, HERE),
                    author=title, subtitle=history.note if not history.available else "")
        yield DataFile(path, atom(feed, entries))


def changelog_provider(registry: Registry, ctx: SiteContext) -> Iterator[Page | DataFile]:
    """The changelog page, its filter script, the feeds and ``api/v1/changes.json``."""
    history = history_of(ctx)
    yield changelog_page(registry, ctx, history)
    yield DataFile(HERE + "filter.js", FILTER_JS.encode("utf-8"))
    yield changes_json(registry, ctx, history)
    yield from feed_files(registry, ctx, history)
