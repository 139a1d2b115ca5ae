"""Occupation pages along the 2022 classification (大类 / 中类 / 小类 / 职业).

One page per 中类 (``occupations/6-31/``) lists every occupation of the classification under it
by 小类, with codes, so that searching 6-31 or 电力 leads to them; one page per occupation the
registry uses (``occupations/6-31-01-03/``) gives its place in the hierarchy, definition,
levels (等级设置未核实 where not checked) and every record that names it. Occupations no
record uses get no page of their own: 1,632 pages of the same text would add nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from mulu.core.kinds import KINDS, occupation_uses
from mulu.core.reference import Occupation, OccupationGroup, Reference
from mulu.core.registry import Record, Registry
from mulu.site.html import esc, link, record_link
from mulu.site.lists import bounded_list
from mulu.site.model import Page, SiteContext, record_path, relative
from mulu.site.records import catalogue_title
from mulu.site.values import occupation_marks, occupation_path, region_text
from mulu.site.where_pages import find_url

INDEX = "occupations/"


def used_occupations(registry: Registry) -> dict[str, list[Record]]:
    """Occupation code -> the records naming it (codes of the classification only)."""
    used: dict[str, list[Record]] = {}
    for record in registry.all_records():
        for _, code, _ in occupation_uses(record.kind, record.data):
            if code in registry.reference.occupations:
                mine = used.setdefault(code, [])
                if not mine or mine[-1] is not record:
                    mine.append(record)
    return used


def group_key(code: str, level: int) -> str:
    """The code of the group of ``level`` (1 大类, 2 中类, 3 小类) above an occupation code."""
    parts = code.split("-")
    return "-".join(parts[:level] + ["00"] * (4 - level))


def middle_path(code: str) -> str:
    """Site path of the 中类 page an occupation or group belongs to (``occupations/6-31/``)."""
    return occupation_path("-".join(code.split("-")[:2]))


def _group_title(group: OccupationGroup) -> str:
    short = "-".join(group.code.split("-")[:group.level])
    return f"{short} {group.name}"


def _occupation_item(occ: Occupation, here: str, used: dict[str, list[Record]]) -> str:
    name = link(relative(here, occupation_path(occ.code)), occ.name) if occ.code in used else esc(occ.name)
    count = f' <span class="mulu-count">（本站 {len(used[occ.code])} 条记录）</span>' if occ.code in used else ""
    return f'<li><span class="mulu-code">{esc(occ.code)}</span> {name}{occupation_marks(occ)}{count}</li>'


def _middle_groups(reference: Reference) -> list[OccupationGroup]:
    return sorted((g for g in reference.groups.values() if g.level == 2), key=lambda g: g.code)


def middle_page(group: OccupationGroup, registry: Registry, used: dict[str, list[Record]]) -> Page:
    """A 中类 page: its 小类 and every occupation under them."""
    ref = registry.reference
    here = middle_path(group.code)
    prefix = "-".join(group.code.split("-")[:2]) + "-"
    members = sorted((o for o in ref.occupations.values() if o.code.startswith(prefix)), key=lambda o: o.code)
    major = ref.groups.get(group_key(group.code, 1))
    crumbs = [link(relative(here, INDEX), "职业分类")]
    if major:
        crumbs.append(esc(_group_title(major)))
    parts = [f'<nav class="mulu-crumbs" aria-label="所在位置" data-pagefind-meta="kind:职业类别">{" › ".join(crumbs)}</nav>',
             f'<p>2022 年版国家职业分类大典第 {esc(group.code.split("-")[0])} 大类'
             f'{"“" + esc(major.name) + "”" if major else ""}下的中类 <strong>{esc(_group_title(group))}</strong>，'
             f'共 {len(members)} 个职业；本站记录涉及其中 {sum(o.code in used for o in members)} 个（有链接）。</p>']
    by_minor: dict[str, list[Occupation]] = {}
    for occ in members:
        by_minor.setdefault(group_key(occ.code, 3), []).append(occ)
    for minor_code, occs in by_minor.items():
        minor = ref.groups.get(minor_code)
        title = _group_title(minor) if minor and minor.level == 3 else "（中类下直接设置的职业）"
        items = "".join(_occupation_item(o, here, used) for o in occs)
        parts.append(f'<h2 id="g{esc(minor_code)}">{esc(title)}</h2><ul class="mulu-occupations">{items}</ul>')
    return Page(path=here, title=_group_title(group), html="".join(parts),
                description=f"职业分类中类 {_group_title(group)} 下的全部职业")


def occupation_page(occ: Occupation, registry: Registry, records: list[Record]) -> Page:
    """One occupation: its hierarchy, definition and levels, and every record naming it."""
    ref = registry.reference
    here = occupation_path(occ.code)
    path = ref.occupation_path(occ.code)
    crumbs = [link(relative(here, INDEX), "职业分类")]
    for group in path:
        text = _group_title(group)
        crumbs.append(link(relative(here, middle_path(group.code)), text) if group.level == 2 else esc(text))
    rows = [("职业编码", f'<span class="mulu-code-value">{esc(occ.code)}</span>')]
    rows += [(("大类", "中类", "小类")[g.level - 1], esc(_group_title(g))) for g in path]
    if occ.definition:
        rows.append(("定义", esc(occ.definition)))
    rows.append(("等级设置", esc("、".join(occ.levels) or "—") + occupation_marks(occ)))
    if occ.work_types:
        rows.append(("工种", esc("、".join(occ.work_types))))
    rows.append(("版本", esc(f"{occ.edition} 年版")))
    fields = "\n".join(f"<dt>{label}</dt>\n<dd>{value}</dd>" for label, value in rows)
    parts = [f'<nav class="mulu-crumbs" aria-label="所在位置" data-pagefind-meta="kind:职业">{" › ".join(crumbs)}</nav>',
             f'<dl class="mulu-fields">\n{fields}\n</dl>',
             f'<p>{link(find_url(here, occupation=occ.code), f"找培训：查看各地{occ.name}的补贴标准、培训机构和评价机构")}</p>']
    order = {k.name: i for i, k in enumerate(KINDS)}
    parts.append(f'<h2 id="records">本站记录（{len(records)}）</h2>')
    for kind in sorted({r.kind for r in records}, key=lambda k: order[k]):
        chosen = sorted((r for r in records if r.kind == kind), key=lambda r: (r.region, r.id))
        items = [f"<li>{record_link(relative(here, record_path(r)), r)}"
                 f' <span class="mulu-region">{esc(region_text(registry, r.region))}</span></li>' for r in chosen]
        # The catalogue filters by occupation (?occ=): it shows them all.
        everything = relative(here, f"{kind}/") + "?" + urlencode({"occ": occ.code})
        parts.append(f'<h3>{esc(catalogue_title(registry, kind))}（{len(chosen)}）</h3>'
                     f'{bounded_list(items, "条", everything, more_label="在目录中查看全部 →")}')
    names = " / ".join(g.name for g in path)
    return Page(path=here, title=occ.name, html="".join(parts),
                description=f"职业 {occ.name}（{occ.code}）：{names}")


def index_page(registry: Registry, used: dict[str, list[Record]]) -> Page:
    """The classification by 大类 and 中类, then the occupations this registry uses."""
    ref = registry.reference
    parts = ['<p>按 2022 年版国家职业分类大典的大类、中类浏览职业。每个中类页面列出其下全部小类和职业；'
             '本站记录涉及的职业有自己的页面，列出相关的补贴培训项目、培训机构和评价机构。</p>']
    middles = _middle_groups(ref)
    count = {g.code: 0 for g in middles}
    for code in ref.occupations:
        key = group_key(code, 2)
        if key in count:
            count[key] += 1
    for major in sorted((g for g in ref.groups.values() if g.level == 1), key=lambda g: g.code):
        mine = [g for g in middles if g.code.split("-")[0] == major.code.split("-")[0]]
        items = "".join(f'<li>{link(relative(INDEX, middle_path(g.code)), _group_title(g))}'
                        f' <span class="mulu-count">（{count[g.code]} 个职业）</span></li>' for g in mine)
        parts.append(f'<h2>{esc(_group_title(major))}</h2><ul class="mulu-occupations">{items}</ul>')
    rows = "".join(f'<li><span class="mulu-code">{esc(code)}</span> '
                   f'{link(relative(INDEX, occupation_path(code)), ref.occupations[code].name)}'
                   f' <span class="mulu-count">（{len(records)} 条记录）</span></li>' for code, records in sorted(used.items()))
    parts.insert(1, f'<h2 id="used">本站记录涉及的职业（{len(used)}）</h2><ul class="mulu-occupations">{rows}</ul>')
    return Page(path=INDEX, title="职业分类", html="".join(parts), nav="", nav_order=55,
                description="2022 年版国家职业分类大典：大类、中类、小类和职业，及本站记录涉及的职业")


def occupation_pages(registry: Registry, ctx: SiteContext) -> Iterator[Page]:
    """The index, one page per 中类 and one per occupation the registry uses."""
    ref = registry.reference
    if not ref.occupations:
        return
    used = used_occupations(registry)
    yield index_page(registry, used)
    for group in _middle_groups(ref):
        yield middle_page(group, registry, used)
    for code, records in sorted(used.items()):
        yield occupation_page(ref.occupations[code], registry, records)

