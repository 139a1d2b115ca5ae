"""「找培训」: for a region (any level) and an occupation or 专项职业能力, the subsidy per level
(raised where a shortage list lifts it), the institutions that can train it and the assessors
that can certify it. Answered in the browser (``assets/mulu/find.js``) from one static data
file, so the answer is shareable by URL (``find/?region=370300&occupation=6-18-02-04``).

The data holds only what is in force on the as-of date (and, for institutions, what takes
subsidised training), already filtered by :class:`mulu.site.where.Where`; find.js applies the
region rules of :mod:`mulu.site.where` with the chosen region in the programme's place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mulu.core.registry import Record, Registry
from mulu.core.shortages import programme_uplifts
from mulu.site.context import data_version
from mulu.site.html import link
from mulu.site.model import DataFile, Page, SiteContext, relative
from mulu.site.shortage_pages import registry_entries, site_as_of
from mulu.site.values import region_text
from mulu.site.where import Offer, where
from mulu.site.where_pages import FIND_PATH

HERE = FIND_PATH
DATA = f"{HERE}_data.json"


def _offers(offers: list[Offer]) -> list[list[Any]]:
    return [[o.occupation, o.work_type or "", list(o.levels)] for o in offers]


def find_data(registry: Registry, ctx: SiteContext) -> dict[str, Any]:
    """The data find.js answers from.

    ``programmes``: ``[id, name, region, occupation, 工种, spec, category, levels]`` with levels
    ``[level, hours, subsidy, raised or null, uplift text, certificate]``; ``institutions``:
    ``[id, name, region, online 0/1, offers]``; ``assessors``: ``[id, name, region, offers]``
    with offers ``[occupation, 工种, levels]``; ``regions``: code -> [name, parent code]."""
    index = where(registry, ctx)
    ref = registry.reference
    entries, day = registry_entries(registry), site_as_of(ctx)
    regions: dict[str, list[Any]] = {}

    def region(code: str) -> str:
        current: str | None = code
        while current is not None and current not in regions:
            parent = ref.region_parent(current)
            regions[current] = [region_text(registry, current) if parent else ref.region_name(current), parent]
            current = parent
        return code

    occupations: dict[str, str] = {}

    def occupation(code: str) -> str:
        occ = ref.occupations.get(code)
        occupations[code] = occ.name if occ else code
        return code

    programmes = []
    for programme in sorted(index.programmes, key=lambda p: (p.region, p.id)):
        need = index.needs.get(programme.id)
        uplifts = {u.level: u for u in programme_uplifts(programme.data, entries, ref, day)}
        levels = []
        for lv in programme.data.get("levels") or []:
            if not isinstance(lv, dict):
                continue
            level = lv.get("level") if isinstance(lv.get("level"), str) else None
            uplift = uplifts.get(level)
            levels.append([level or "", lv.get("hours"), lv.get("subsidy"), uplift.raised if uplift else None,
                           uplift.text if uplift else "", lv.get("certificate", "")])
        programmes.append([programme.id, programme.name, region(programme.region),
                           occupation(need.occupation) if need else "", (need.work_type or "") if need else "",
                           str(programme.data.get("spec", "")), str(programme.data.get("category", "")), levels])
    units: dict[str, list[list[Any]]] = {"institutions": [], "assessors": []}
    for kind, by_code in index.offers.items():
        by_unit: dict[str, list[Offer]] = {}
        records: dict[str, Record] = {}
        for offers in by_code.values():
            for offer in offers:
                by_unit.setdefault(offer.unit.id, []).append(offer)
                records[offer.unit.id] = offer.unit
                occupation(offer.occupation)
        for unit_id in sorted(by_unit):
            unit = records[unit_id]
            row: list[Any] = [unit.id, unit.name, region(unit.region)]
            if kind == "institutions":
                row.append(int(by_unit[unit_id][0].online))
            units[kind].append(row + [_offers(by_unit[unit_id])])
    specs = {}
    for spec in registry.records.get("specs", {}).values():
        if any(p[5] == spec.id for p in programmes):
            code = spec.data.get("occupation")
            specs[spec.id] = [spec.name, occupation(code) if isinstance(code, str) else ""]
    return {"as_of": ctx.as_of, "regions": regions, "occupations": occupations, "specs": specs,
            "programmes": programmes, **units}


def find_page(registry: Registry, ctx: SiteContext) -> Iterator[Page | DataFile]:
    """The 找培训 page and its data."""
    version = data_version(ctx)
    levels = "".join(f'<option value="{lv}">{lv}</option>' for lv in registry.reference.levels)
    html = ('<p>选择或输入地区（省、市、县均可）和职业（工种）或专项职业能力，查看当地及上级地区的补贴标准'
            '（急需紧缺职业按目录上浮）、培训类别和证书，可以培训的机构（含下级地区和线上平台）以及可以认定的评价机构。'
            '查询内容保存在网址中，可以分享。</p>'
            f'<form class="mulu-find" role="search" aria-label="找培训" data-index="_data.json?v={version}">'
            '<div class="mulu-find__row">'
            '<p><label for="find-region">地区</label>'
            '<input id="find-region" name="region" list="find-regions" autocomplete="off" placeholder="例如 淄博市" required>'
            '<datalist id="find-regions"></datalist></p>'
            '<p><label for="find-occupation">职业（工种）或专项职业能力</label>'
            '<input id="find-occupation" name="occupation" list="find-occupations" autocomplete="off" '
            'placeholder="例如 焊工 或 6-18-02-04" required><datalist id="find-occupations"></datalist></p>'
            f'<p><label for="find-level">等级</label><select id="find-level" name="level">'
            f'<option value="">全部等级</option>{levels}</select></p>'
            '<p><button type="submit" class="md-button md-button--primary">查询</button></p></div></form>'
            '<div class="mulu-find__result" aria-live="polite"></div>'
            f'<noscript><p>找培训需要启用 JavaScript；也可以在{link(relative(HERE, "programmes/"), "补贴培训目录")}按地区筛选，'
            f'或从{link(relative(HERE, "occupations/"), "职业分类")}的职业页面查看相关记录。</p></noscript>'
            f'<p class="mulu-note">只列出按 {ctx.as_of} 核算仍有效（在册或即将到期）的记录；培训机构只列承担补贴性培训的。'
            '以当地人力资源和社会保障部门公布的为准。</p>'
            f'<script src="{relative(HERE, "assets/mulu/find.js")}" defer></script>')
    yield Page(path=HERE, title="找培训", html=html, nav="", nav_order=3,
               description="按地区和职业查找补贴标准、培训机构和评价机构")
    yield DataFile(DATA, json.dumps(find_data(registry, ctx), ensure_ascii=False, separators=(",", ":")).encode())

