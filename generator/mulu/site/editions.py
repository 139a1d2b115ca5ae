"""Edition pages: for each catalogue kind and jurisdiction a list of its editions (历年版本),
a page per edition with the catalogue as it stood (rows, counts, CSV/XLSX downloads read
from git at the edition's commit), and a comparison with the edition it replaced (added,
removed, changed, subsidies per level old -> new with totals).

Every registry string goes through ``esc``. Editions are found in the current notices; the
catalogue of each comes from :mod:`mulu.history.editions` (git, cached per commit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mulu.core.kinds import occupation_uses
from mulu.core.registry import Record, Registry
from mulu.history.diff import RecordChange
from mulu.history.editions import (
    Edition,
    EditionComparison,
    Snapshot,
    SnapshotReader,
    all_editions,
    by_scope,
    compare_snapshots,
    edition_of,
    in_force,
    level_totals,
    previous,
    snapshot_for,
)
from mulu.sheets.tables import frame_csv, frame_xlsx, records_frame
from mulu.site.changelog import detail_html, history_of
from mulu.site.html import esc, link, status_badge, table
from mulu.site.model import DataFile, Page, SiteContext, edition_path, record_path, relative
from mulu.site.records import catalogue_title

HERE = "editions/"
COMPARE = "compare/"


def registry_editions(registry: Registry) -> list[Edition]:
    """Every edition the registry's notices publish, for the catalogues the site shows."""
    kinds = set(registry.config.catalogue_kinds())
    notices = ((r.id, r.data) for r in registry.records.get("notices", {}).values())
    return [e for e in all_editions(notices) if e.kind in kinds]


def scope_path(kind: str, region: str) -> str:
    """Site path of the 历年版本 list of one catalogue in one jurisdiction."""
    return f"{HERE}{kind}/{region}/"


def scope_title(registry: Registry, kind: str, region: str) -> str:
    """``黑龙江省 政府补贴培训目录``."""
    return f"{registry.reference.region_name(region)} {catalogue_title(registry, kind)}"


def _state(edition: Edition, scope: list[Edition], day: str) -> str:
    current = in_force(scope, day)
    if current is not None and current.notice == edition.notice:
        return "现行"
    if edition.effective > day:
        return "尚未生效"
    newer = next((e for e in scope if e.replaces == edition.notice), None) or \
        next((e for e in scope if e.effective > edition.effective), None)
    return f"已被{newer.name}取代" if newer is not None else "已失效"


def _notice_link(registry: Registry, edition: Edition, here: str) -> str:
    notice = registry.get("notices", edition.notice)
    text = edition.number or edition.notice
    return link(relative(here, record_path(notice)), text) if notice is not None else esc(text)


def in_force_html(kind: str, registry: Registry, ctx: SiteContext, here: str) -> str:
    """For a catalogue page: which edition is in force in each jurisdiction, with links to it,
    its comparison with the previous edition and the list of editions ("" without editions)."""
    editions = [e for e in registry_editions(registry) if e.kind == kind]
    if not editions:
        return ""
    day = ctx.generated_at[:10]
    items = []
    for (_, region), scope in by_scope(editions).items():
        current = in_force(scope, day)
        place = esc(registry.reference.region_name(region))
        history = link(relative(here, scope_path(kind, region)), "历年版本")
        if current is None:
            items.append(f"<li>{place}：尚无已生效的版本（{history}）</li>")
            continue
        parts = [link(relative(here, edition_path(current)), current.name),
                 f"（{esc(current.effective)} 起执行，{_notice_link(registry, current, here)}）"]
        before = previous(current, scope)
        if before is not None:
            parts.append(" · " + link(relative(here, edition_path(current) + COMPARE), f"与{before.name}比较"))
        items.append(f"<li>{place}：现行 {''.join(parts)} · {history}</li>")
    return f'<div class="mulu-editions-in-force"><p>现行版本：</p><ul>{"".join(items)}</ul></div>'


def notice_edition_section(record: Record, registry: Registry, ctx: SiteContext) -> str:
    """On an edition notice's page: the edition it publishes, with links to it and its comparison."""
    edition = edition_of(record.id, record.data) if record.kind == "notices" else None
    if edition is None or edition.kind not in registry.config.catalogue_kinds():
        return ""
    here = record_path(record)
    links = [link(relative(here, edition_path(edition)), "本版目录")]
    if edition.replaces:
        links.append(link(relative(here, edition_path(edition) + COMPARE), "与上一版比较"))
    links.append(link(relative(here, scope_path(edition.kind, edition.region)), "历年版本"))
    return (f'<section class="mulu-notice-edition"><h2 id="edition">发布的目录版本</h2>'
            f'<p>本公告发布{esc(scope_title(registry, edition.kind, edition.region))}“{esc(edition.name)}”，'
            f'{esc(edition.effective)} 起执行：{" · ".join(links)}。</p></section>')


def _levels_text(data: dict[str, Any]) -> str:
    parts = []
    for item in data.get("levels") or []:
        if isinstance(item, dict):
            level = item.get("level") or "不分等级"
            parts.append(f"{level} {item.get('hours', '—')}课时 {item.get('subsidy', '—')}元")
    return "；".join(parts)


def _occupation(registry: Registry, kind: str, data: dict[str, Any]) -> str:
    names = []
    for _, code, _ in occupation_uses(kind, data):
        occ = registry.reference.occupations.get(code)
        names.append(f"{occ.name if occ else code}（{code}）")
    return "、".join(dict.fromkeys(names)) or str(data.get("spec", ""))


def _record_cell(registry: Registry, kind: str, rid: str, name: str, here: str) -> str:
    record = registry.get(kind, rid)
    return link(relative(here, record_path(record)), name) if record is not None else esc(name)


def _downloads(edition: Edition, here: str) -> str:
    base = f"{edition_path(edition)}{edition.notice}"
    items = "".join(f"<li>{link(relative(here, f'{base}.{ext}'), label, download='')}</li>"
                    for ext, label in (("csv", "CSV"), ("xlsx", "Excel")))
    return f'<div class="mulu-downloads"><span>下载本版：</span><ul>{items}</ul></div>'


def _facts(registry: Registry, edition: Edition, scope: list[Edition], ctx: SiteContext, here: str) -> str:
    before = previous(edition, scope)
    rows = [["版本", esc(edition.name)], ["状态", esc(_state(edition, scope, ctx.generated_at[:10]))],
            ["生效日期", esc(edition.effective)], ["依据公告", _notice_link(registry, edition, here)]]
    if edition.title:
        rows.append(["公告标题", esc(edition.title)])
    if before is not None:
        rows.append(["取代", link(relative(here, edition_path(before)), before.name)])
    body = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<div class="mulu-table-wrap"><table class="mulu-table mulu-edition-facts"><tbody>{body}</tbody></table></div>'


def _source_note(snap: Snapshot, ctx: SiteContext) -> str:
    if snap.commit:
        return f'<p class="mulu-edition-source">按本版发布时的提交 <code>{esc(snap.commit[:8])}</code> 中的记录列出。</p>'
    return ('<p class="mulu-edition-source">历史记录不可用，按当前记录中属于本版、未移出的条目列出'
            '（之后的调整也已计入）。</p>')


def edition_page(registry: Registry, ctx: SiteContext, edition: Edition, scope: list[Edition],
                 snap: Snapshot | None, reader: SnapshotReader | None = None) -> Iterator[Page | DataFile]:
    """One edition: facts, counts, rows and downloads of the catalogue as it stood."""
    here = edition_path(edition)
    kind = edition.kind
    title = f"{scope_title(registry, kind, edition.region)} {edition.name}"
    crumbs = (f'<nav class="mulu-crumbs" aria-label="所在位置">{link(relative(here, HERE), "历年版本")} › '
              f'{link(relative(here, scope_path(kind, edition.region)), scope_title(registry, kind, edition.region))}</nav>')
    parts = [crumbs, _facts(registry, edition, scope, ctx, here)]
    if previous(edition, scope) is not None:
        parts.append(f'<p>{link(relative(here, here + COMPARE), "与上一版比较：新增、移出、修改和补贴标准的升降")}</p>')
    if snap is None:
        parts.append("<p class=\"mulu-history-unavailable\"><strong>无法显示本版当时的目录：历史记录不可用"
                     f"（{esc(history_of(ctx).note or '找不到本版的提交')}）。</strong></p>")
    else:
        statuses: dict[str, int] = {}
        for data in snap.records.values():
            statuses[str(data.get("status", "在册"))] = statuses.get(str(data.get("status", "在册")), 0) + 1
        counts = "，".join(f"{s} {n}" for s, n in statuses.items())
        parts += [f'<h2 id="catalogue">本版目录（{len(snap.records)} 项）</h2>',
                  f'<p class="mulu-edition-count">共 {len(snap.records)} 项（{esc(counts)}）。</p>',
                  _source_note(snap, ctx), _downloads(edition, here)]
        rows = [[_record_cell(registry, kind, rid, str(data.get("name", rid)), here), f"<code>{esc(rid)}</code>",
                 esc(_occupation(registry, kind, data)), esc(_levels_text(data)), status_badge(str(data.get("status", "在册")))]
                for rid, data in snap.records.items()]
        parts.append(table(["名称", "编号", "职业（工种）", "各等级课时和补贴标准", "状态"], rows,
                           caption=f"{edition.name}（{len(rows)} 项）", cls="mulu-table mulu-table--cards mulu-edition-rows"))
        base = f"{here}{edition.notice}"
        # Stamped with the edition's date, not the build's: the same edition gives the same
        # bytes in every build, so a committed edition's files are made once and cached.
        stamp = f"{edition.effective}T00:00:00+08:00"

        frames: list[Any] = []

        def frame() -> Any:
            if not frames:    # made at most once, and only when a file is not cached
                frames.append(records_frame(kind, list(snap.records.values()), registry.reference))
            return frames[0]

        def made(name: str, make: Callable[[], bytes]) -> bytes:
            return reader.derived(snap, name, make) if reader is not None else make()

        yield DataFile(f"{base}.csv", made("rows.csv", lambda: frame_csv(frame())))
        yield DataFile(f"{base}.xlsx", made("rows.xlsx", lambda: frame_xlsx(frame(), edition.name, stamp)))
    yield Page(path=here, title=title, html="".join(parts),
               description=f"{title}：{edition.effective} 起执行的目录全文、记录数和下载。")


def _amounts_html(result: EditionComparison, registry: Registry, here: str) -> str:
    if not result.amounts:
        return "<p>各等级补贴标准没有变化。</p>"
    totals = level_totals(result, list(registry.reference.levels))
    rows = [[esc(lv), str(up), str(down), str(new), str(gone)] for lv, up, down, new, gone in totals]
    rows.append(["<strong>合计</strong>", f"<strong>{result.raised}</strong>", f"<strong>{result.lowered}</strong>",
                 str(sum(1 for a in result.amounts if a.old is None)), str(sum(1 for a in result.amounts if a.new is None))])
    out = [table(["等级", "上调", "下调", "新设", "取消"], rows, caption="补贴标准按等级（项）", cls="mulu-table mulu-edition-levels")]
    detail = []
    for a in result.amounts:
        delta = "" if a.old is None or a.new is None else f"{a.new - a.old:+d}"
        detail.append([_record_cell(registry, result.new.kind, a.id, a.name, here), esc(a.level),
                       "—" if a.old is None else esc(a.old), "—" if a.new is None else esc(a.new), esc(delta)])
    out.append(table(["项目", "等级", "原标准（元/人）", "新标准（元/人）", "变化"], detail, caption="补贴标准变动明细",
                     cls="mulu-table mulu-table--cards mulu-edition-amounts"))
    return "".join(out)


def comparison_page(registry: Registry, ctx: SiteContext, result: EditionComparison) -> Page:
    """What an edition changed against the one it replaced."""
    new, old = result.new, result.old
    here = edition_path(new) + COMPARE
    kind = new.kind
    title = f"{scope_title(registry, kind, new.region)} {new.name}与{old.name if old else '上一版'}比较"
    crumbs = (f'<nav class="mulu-crumbs" aria-label="所在位置">{link(relative(here, HERE), "历年版本")} › '
              f'{link(relative(here, scope_path(kind, new.region)), scope_title(registry, kind, new.region))} › '
              f'{link(relative(here, edition_path(new)), new.name)}</nav>')
    parts = [crumbs, f'<p class="mulu-edition-summary"><strong>{esc(result.summary())}</strong></p>']
    counts = [[link(relative(here, edition_path(old)), old.name) if old else "上一版", str(result.old_count)],
              [link(relative(here, edition_path(new)), new.name), str(result.new_count)]]
    parts.append(table(["版本", "条数"], counts, caption="两版的条目数", cls="mulu-table mulu-edition-counts"))
    parts.append(f'<h2 id="added">新增（{len(result.added)}）</h2>')
    parts.append("<ul class=\"mulu-edition-added\">" + "".join(
        f"<li>{_record_cell(registry, kind, rid, name, here)} <code>{esc(rid)}</code></li>" for rid, name in result.added)
        + "</ul>" if result.added else "<p>没有新增。</p>")
    parts.append(f'<h2 id="removed">移出（{len(result.removed)}）</h2>')
    parts.append("<ul class=\"mulu-edition-removed\">" + "".join(
        f"<li>{_record_cell(registry, kind, r.id, r.name, here)} <code>{esc(r.id)}</code>"
        + (f" {status_badge(r.status)}" if r.status else "") + (f" 原因：{esc(r.reason)}" if r.reason else "") + "</li>"
        for r in result.removed) + "</ul>" if result.removed else "<p>没有移出。</p>")
    parts.append(f'<h2 id="changed">修改（{len(result.changed)}）</h2>')
    if result.changed:
        rows = [[_record_cell(registry, kind, rid, name, here), f"<code>{esc(rid)}</code>",
                 detail_html(RecordChange(kind, rid, name, "changed", fields), registry)]
                for rid, name, fields in result.changed]
        parts.append(table(["记录", "编号", "变动（原值 → 新值）"], rows, caption=f"修改（{len(rows)}）",
                           cls="mulu-table mulu-table--cards mulu-edition-changed"))
    else:
        parts.append("<p>没有修改。</p>")
    parts += ['<h2 id="amounts">补贴标准</h2>', _amounts_html(result, registry, here)]
    return Page(path=here, title=title, html="".join(parts), description=f"{title}：{result.summary()}")


def unavailable_comparison(registry: Registry, ctx: SiteContext, old: Edition, new: Edition) -> Page:
    """The comparison's page when one of the two editions cannot be read (no git history)."""
    here = edition_path(new) + COMPARE
    title = f"{scope_title(registry, new.kind, new.region)} {new.name}与{old.name}比较"
    note = history_of(ctx).note or "找不到其中一版的提交"
    html = (f'<nav class="mulu-crumbs" aria-label="所在位置">{link(relative(here, HERE), "历年版本")} › '
            f'{link(relative(here, edition_path(new)), new.name)}</nav>'
            f'<p class="mulu-history-unavailable"><strong>无法比较两版：{esc(note)}</strong></p>')
    return Page(path=here, title=title, html=html, description=title)


def scope_page(registry: Registry, ctx: SiteContext, kind: str, region: str, scope: list[Edition],
               summaries: dict[str, str]) -> Page:
    """历年版本 of one catalogue in one jurisdiction, newest first."""
    here = scope_path(kind, region)
    title = f"{scope_title(registry, kind, region)} 历年版本"
    day = ctx.generated_at[:10]
    rows = []
    for edition in reversed(scope):
        compare = link(relative(here, edition_path(edition) + COMPARE),
                       summaries.get(edition.notice, "无法比较（历史记录不可用）")) \
            if previous(edition, scope) is not None else "第一版"
        rows.append([link(relative(here, edition_path(edition)), edition.name), esc(edition.effective),
                     _notice_link(registry, edition, here), esc(_state(edition, scope, day)), compare])
    crumbs = f'<nav class="mulu-crumbs" aria-label="所在位置">{link(relative(here, HERE), "历年版本")}</nav>'
    html = (crumbs + f"<p>{esc(scope_title(registry, kind, region))}的每一版都保留：点击版本查看当时的目录和下载，"
            "点击比较查看它相对上一版的新增、移出和补贴标准变化。</p>"
            + table(["版本", "生效日期", "依据公告", "状态", "与上一版比较"], rows, caption=title,
                    cls="mulu-table mulu-table--cards mulu-edition-list"))
    return Page(path=here, title=title, html=html, description=f"{title}：每一版的目录和相对上一版的变化。")


def edition_pages(registry: Registry, ctx: SiteContext) -> Iterator[Page | DataFile]:
    """The 历年版本 index, one list per catalogue and jurisdiction, and each edition's pages."""
    editions = registry_editions(registry)
    if not editions:
        return
    history = history_of(ctx)
    reader = SnapshotReader(registry.root, registry.reference) if history.available else None
    index_rows = []
    for (kind, region), scope in sorted(by_scope(editions).items()):
        current = {rid: r.data for rid, r in registry.records.get(kind, {}).items()}
        snaps = {e.notice: snapshot_for(e, history, reader, current.items(), registry.reference) for e in scope}
        summaries: dict[str, str] = {}
        for edition in scope:
            yield from edition_page(registry, ctx, edition, scope, snaps[edition.notice], reader)
            before = previous(edition, scope)
            if before is None:
                continue
            new_snap, old_snap = snaps[edition.notice], snaps.get(before.notice)
            if new_snap is None or old_snap is None:
                yield unavailable_comparison(registry, ctx, before, edition)
                continue
            result = compare_snapshots(old_snap, new_snap)
            summaries[edition.notice] = result.summary()
            yield comparison_page(registry, ctx, result)
        yield scope_page(registry, ctx, kind, region, scope, summaries)
        here = HERE
        latest = in_force(scope, ctx.generated_at[:10]) or scope[-1]
        index_rows.append([link(relative(here, scope_path(kind, region)), scope_title(registry, kind, region)),
                           str(len(scope)), link(relative(here, edition_path(latest)), latest.name),
                           esc(latest.effective)])
    html = ("<p>整版发布的目录（如每年的政府补贴培训目录）每一版都保留：当时的目录、下载和相对上一版的变化。</p>"
            + table(["目录", "版本数", "现行版本", "生效日期"], index_rows, caption="各目录的历年版本",
                    cls="mulu-table mulu-table--cards"))
    yield Page(path=HERE, title="历年版本", html=html, nav="", nav_order=45,
               description="各类目录整版发布的历年版本及其比较。")

