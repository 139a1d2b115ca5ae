"""One page per catalogue: a filterable, sortable table fed by a compact rows file.

The page carries the filter controls; ``assets/mulu/catalogue.js`` loads ``<kind>/_rows.json``
(ids never start with ``_``, so the name cannot clash with a record page), filters and sorts
in the browser, renders one page of rows at a time, and keeps the state in the URL query.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from mulu.core.kinds import occupation_uses
from mulu.core.loading import get_path
from mulu.core.registry import Record, Registry
from mulu.core.status import CODES, CSS, CURRENT, LABELS
from mulu.site.context import data_version
from mulu.site.editions import in_force_html
from mulu.site.effective import CURRENT_FILTER, ordered_labels, statuses
from mulu.site.html import esc, link
from mulu.site.model import DataFile, Page, SiteContext, relative
from mulu.site.records import catalogue_title
from mulu.site.values import region_text

# Spreadsheets under downloads/; the JSON of a kind is its API file (api/v1/<kind>.json).
DOWNLOADS = (("csv", "CSV"), ("xlsx", "Excel"))
PAGE_ROWS = 50   # rows per page, as PAGE in catalogue.js


@dataclass(frozen=True)
class CatalogueColumn:
    """A column of a catalogue table beyond name, region and status."""

    label: str
    get: Callable[[Record, Registry], Any]
    numeric: bool = False


def _occupations(record: Record, registry: Registry) -> str:
    names = []
    for _, code, _ in occupation_uses(record.kind, record.data):
        occ = registry.reference.occupations.get(code)
        name = occ.name if occ else code
        if name not in names:
            names.append(name)
    return "、".join(names)


def _programme_occupation(record: Record, registry: Registry) -> str:
    text = _occupations(record, registry)
    work_type = get_path(record.data, ("occupation", "work_type"))
    return f"{text}（{work_type}）" if work_type else text


def _subsidy(record: Record, registry: Registry) -> int | None:
    values = [lv.get("subsidy") for lv in record.data.get("levels") or [] if isinstance(lv, dict)]
    amounts = [v for v in values if isinstance(v, int)]
    return max(amounts) if amounts else None


def _levels_text(record: Record, registry: Registry) -> str:
    return "、".join(_levels(record))


def _levels(record: Record) -> list[str]:
    out: list[str] = []
    for _, _, levels in occupation_uses(record.kind, record.data):
        out += [lv for lv in levels if lv not in out]
    return out


def _field(*keys: str) -> Callable[[Record, Registry], Any]:
    return lambda record, registry: get_path(record.data, keys)


def _delivery(record: Record, registry: Registry) -> str:
    """线下 / 线上 / 线上线下 as stated; an online platform that states none is 线上."""
    stated = record.data.get("delivery")
    if isinstance(stated, str):
        return stated
    return "线上" if record.data.get("type") == "线上培训平台" else ""


COLUMNS: dict[str, tuple[CatalogueColumn, ...]] = {
    "programmes": (CatalogueColumn("职业（工种）", _programme_occupation), CatalogueColumn("等级", _levels_text),
                   CatalogueColumn("最高补贴（元）", _subsidy, numeric=True), CatalogueColumn("培训类别", _field("category")),
                   CatalogueColumn("目录分区", _field("section"))),
    "institutions": (CatalogueColumn("统一社会信用代码", lambda r, g: r.id), CatalogueColumn("机构类型", _field("type")),
                     CatalogueColumn("培训职业", _occupations), CatalogueColumn("培训方式", _delivery)),
    "assessors": (CatalogueColumn("统一社会信用代码", lambda r, g: r.id), CatalogueColumn("机构类型", _field("type")),
                  CatalogueColumn("认定职业", _occupations)),
    "bases": (CatalogueColumn("类别", _field("category")), CatalogueColumn("级别", _field("level")),
              CatalogueColumn("运营单位", _field("operator", "name"))),
    "studios": (CatalogueColumn("领办人", _field("master", "name")), CatalogueColumn("职业", _occupations),
                CatalogueColumn("级别", _field("level")), CatalogueColumn("依托单位", _field("host", "name"))),
    "specs": (CatalogueColumn("规范编号", _field("number")), CatalogueColumn("相关职业", _occupations)),
    "shortages": (CatalogueColumn("有效期起", _field("valid_from")), CatalogueColumn("有效期止", _field("valid_to")),
                  CatalogueColumn("紧缺职业", _occupations),
                  CatalogueColumn("职业数", lambda r, g: len(r.data.get("entries") or []), numeric=True)),
    "qualifications": (CatalogueColumn("类别", _field("category")), CatalogueColumn("类型", _field("type")),
                       CatalogueColumn("实施部门", _field("department")), CatalogueColumn("目录版本", _field("list_edition"))),
    "demands": (CatalogueColumn("职业（工种）", _occupations), CatalogueColumn("等级", _field("level")),
                CatalogueColumn("预计培训人数", _field("expected_trainees"), numeric=True),
                CatalogueColumn("需求期", lambda r, g: f"{r.data.get('valid_from', '')}—{r.data.get('valid_to', '')}"),
                CatalogueColumn("需求来源", _field("basis"))),
    "trainers": (CatalogueColumn("任教职业", _occupations), CatalogueColumn("等级", _levels_text),
                 CatalogueColumn("职称或证书等级", _field("qualification")), CatalogueColumn("所在单位", _field("unit", "name"))),
    "notices": (CatalogueColumn("文号", _field("number")), CatalogueColumn("发文日期", _field("date")),
                CatalogueColumn("发文机关", _field("issuer"))),
}


def rows_data(kind: str, registry: Registry, ctx: SiteContext) -> dict[str, Any]:
    """Everything the catalogue script needs, compactly: one array per record,
    ``[id, name, status, region, [occupation codes], [levels], *columns]``."""
    columns = COLUMNS.get(kind, ())
    rows, regions = [], {}
    found = statuses(registry, ctx)
    for record in registry.records.get(kind, {}).values():
        codes = sorted({code for _, code, _ in occupation_uses(kind, record.data)})
        effective = found.get((kind, record.id))
        rows.append([record.id, record.name, effective.label if effective else record.status, record.region, codes,
                     _levels(record),
                     *[c.get(record, registry) for c in columns]])
        code = record.region
        while code and code not in regions:
            parent = registry.reference.region_parent(code)
            regions[code] = [region_text(registry, code), parent or ""]
            code = parent or ""
    # The status column is the effective status on ``as_of``; ``current`` are the labels the
    # filter 有效 keeps, ``status_classes`` the badge style of each label.
    return {"kind": kind, "generated_at": ctx.generated_at, "as_of": ctx.as_of,
            "current": [LABELS[c] for c in CODES if c in CURRENT],
            "status_classes": {LABELS[c]: CSS[c] for c in CODES},
            "columns": [{"label": c.label, "numeric": c.numeric} for c in columns],
            "regions": dict(sorted(regions.items())), "rows": rows,
            "occupations": occupation_search_text(registry, sorted({c for row in rows for c in row[4]}))}


def occupation_search_text(registry: Registry, codes: list[str]) -> dict[str, str]:
    """What the keyword filter matches for each occupation code: the code, the name and the
    大类/中类/小类 above it (so 6-31 or 电力 finds the occupations under them)."""
    out = {}
    for code in codes:
        occ = registry.reference.occupations.get(code)
        groups = registry.reference.occupation_path(code)
        out[code] = " ".join([code, occ.name if occ else "", *(g.name for g in groups)]).strip()
    return out


def _select(name: str, label: str, options: list[tuple[str, str]], counts: Counter[str] | None = None) -> str:
    """A filter select; with ``counts``, each option says how many rows it keeps (the script
    recounts them for the current selection and hides those that keep none)."""
    def text(value: str, words: str) -> str:
        return f"{words}（{counts[value]}）" if counts is not None else words

    opts = "".join(f'<option value="{esc(v)}">{esc(text(v, t))}</option>' for v, t in options)
    return (f'<div class="mulu-filter"><label for="f-{name}">{esc(label)}</label>'
            f'<select id="f-{name}" name="{name}"><option value="">全部</option>{opts}</select></div>')


def option_counts(data: dict[str, Any]) -> dict[str, Counter[str]]:
    """How many rows each filter option keeps when nothing else is chosen: a region counts the
    rows of its sub-regions too (``regions`` maps a code to its name and parent), and 有效 the
    rows whose status is one of ``current``."""
    out: dict[str, Counter[str]] = {"region": Counter(), "occ": Counter(), "level": Counter(), "status": Counter()}
    regions, current = data["regions"], data["current"]
    for row in data["rows"]:
        code = row[3]
        while code:
            out["region"][code] += 1
            code = regions.get(code, ["", ""])[1]
        out["occ"].update(set(row[4]))
        out["level"].update(set(row[5]))
        out["status"][row[2]] += 1
        out["status"][CURRENT_FILTER] += row[2] in current
    return out


def _region_options(registry: Registry, regions: dict[str, list[str]]) -> list[tuple[str, str]]:
    def depth(code: str) -> int:
        return len(registry.reference.region_path(code)) - 1

    return [(code, "\u3000" * depth(code) + registry.reference.region_name(code)) for code in sorted(regions)]


def filters_html(kind: str, registry: Registry, data: dict[str, Any]) -> str:
    """The filter form; its options are those that occur in the catalogue."""
    occupations = sorted({c for row in data["rows"] for c in row[4]})
    levels = [lv for lv in registry.reference.levels if any(lv in row[5] for row in data["rows"])]
    counts = option_counts(data)
    parts = ['<div class="mulu-filter mulu-filter--text"><label for="f-q">关键词</label>'
             '<input id="f-q" name="q" type="search" placeholder="名称、编号、单位……" autocomplete="off"></div>',
             _select("region", "地区（含下级）", _region_options(registry, data["regions"]), counts["region"])]
    if occupations:
        names = registry.reference.occupations
        parts.append(_select("occ", "职业", [(c, f"{names[c].name} {c}" if c in names else c) for c in occupations],
                             counts["occ"]))
    if levels:
        parts.append(_select("level", "等级", [(lv, lv) for lv in levels], counts["level"]))
    labels = ordered_labels({row[2] for row in data["rows"]})
    parts.append(_select("status", f"状态（按 {data.get('as_of', '')} 核算）",
                         [(CURRENT_FILTER, "有效（在册，含即将到期）")] + [(s, s) for s in labels], counts["status"]))
    parts.append(_sort_select(data))
    parts.append('<div class="mulu-filter mulu-filter--reset"><button type="reset" class="md-button">清除筛选</button></div>')
    return f'<form class="mulu-filters" role="search" aria-label="筛选" onsubmit="return false">{"".join(parts)}</form>'


def _sort_select(data: dict[str, Any]) -> str:
    """Sorting without the table header (on phones the table is shown as cards)."""
    keys = [("name", "名称", False), ("region", "地区", False)]
    keys += [(f"c{i}", col["label"], True) for i, col in enumerate(data["columns"]) if col["numeric"]]
    keys.append(("status", "状态", False))
    options = []
    for key, label, numeric in keys:
        up, down = ("从低到高", "从高到低") if numeric else ("正序", "倒序")
        options += [(f"{key}:asc", f"{label}（{up}）"), (f"{key}:desc", f"{label}（{down}）")]
    opts = "".join(f'<option value="{v}">{esc(t)}</option>' for v, t in options)
    return (f'<div class="mulu-filter"><label for="f-sortby">排序</label><select id="f-sortby" name="sortby">'
            f'<option value="">默认顺序</option>{opts}</select></div>')


def _cell(value: Any, numeric: bool) -> str:
    """A cell value as catalogue.js writes it: — for nothing, thousands separators for amounts."""
    if value is None or value == "":
        return "—"
    return f"{value:,}" if numeric and isinstance(value, int) and not isinstance(value, bool) else str(value)


def first_rows_html(data: dict[str, Any], labels: list[str]) -> str:
    """The first page of rows in the default order, as the script would render them, so the
    catalogue reads without JavaScript (the script replaces them with the filtered rows)."""
    out = []
    for row in data["rows"][:PAGE_ROWS]:
        cells = [link(quote(str(row[0]), safe="") + "/", str(row[1])), esc(data["regions"].get(row[3], [row[3]])[0])]
        cells += [esc(_cell(v, col["numeric"])) for v, col in zip(row[6:], data["columns"])]
        css = data["status_classes"].get(row[2], "other")
        cells.append(f'<span class="mulu-status mulu-status--{esc(css)}">{esc(row[2])}</span>')
        out.append("<tr>" + "".join(f'<td data-label="{esc(lb)}">{c}</td>' for lb, c in zip(labels, cells)) + "</tr>")
    return "".join(out)


def count_text(total: int) -> str:
    """The count line of the unfiltered first page (catalogue.js words it the same way)."""
    return f"共 {total} 条，显示第 1–{min(total, PAGE_ROWS)} 条" if total else "本目录暂无记录。"


def table_html(title: str, data: dict[str, Any]) -> str:
    """The table with its first page of rows; headers are buttons that sort."""
    labels = ["名称", "地区", *[c["label"] for c in data["columns"]], "状态"]
    keys = ["name", "region", *[f"c{i}" for i in range(len(data["columns"]))], "status"]
    head = "".join(f'<th scope="col" data-key="{k}"><button type="button" class="mulu-sort">{esc(lb)}</button></th>'
                   for k, lb in zip(keys, labels))
    total = len(data["rows"])
    more = (f'<noscript><p class="mulu-note">未启用 JavaScript：以上是前 {PAGE_ROWS} 条（共 {total} 条）。'
            f'查看全部记录请下载上面的 CSV 或 Excel 文件。</p></noscript>') if total > PAGE_ROWS else ""
    return (f'<p class="mulu-count" aria-live="polite">{esc(count_text(total))}</p>'
            f'<div class="mulu-empty" hidden></div>'
            # The rows are the records' own pages' business in search: a catalogue page is not a hit for them.
            f'<div class="mulu-table-wrap" data-pagefind-ignore><table class="mulu-table mulu-table--cards mulu-catalogue-table">'
            f'<caption class="mulu-sr-only">{esc(title)}（点击表头排序）</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{first_rows_html(data, labels)}</tbody></table></div>'
            f'{more}<nav class="mulu-pager" aria-label="分页"></nav>')


def catalogue_page(kind: str, registry: Registry, ctx: SiteContext, order: int) -> Iterator[Page | DataFile]:
    """The catalogue page of ``kind`` and its rows file."""
    here = f"{kind}/"
    data = rows_data(kind, registry, ctx)
    tally = Counter(row[2] for row in data["rows"])
    counts = {s: tally[s] for s in ordered_labels(tally) if tally[s]}
    description = registry.config.catalogue(kind).description
    title = catalogue_title(registry, kind)
    summary = "，".join(f"{s} {n}" for s, n in counts.items() if n)
    downloads = "".join(f"<li>{link(relative(here, f'downloads/{kind}.{ext}'), label, download='')}</li>"
                        for ext, label in DOWNLOADS)
    html = (f'<p>{esc(description)}</p>' if description else "") + \
        (f'<p>共 {len(data["rows"])} 条记录（{esc(summary)}；状态按 {esc(ctx.as_of)} 核算）。'
         f'数据更新于 {esc(ctx.generated_at[:10])}。</p>'
         f'<div class="mulu-downloads"><span>下载全部：</span><ul>{downloads}'
         f'<li>{link(relative(here, f"api/v1/{kind}.json"), "JSON（API）")}</li></ul></div>'
         f'{in_force_html(kind, registry, ctx, here)}'
         f'<div class="mulu-catalogue" data-rows="_rows.json?v={esc(data_version(ctx))}" data-kind="{esc(kind)}" '
         f'data-check="{esc(relative(here, "check/"))}">'
         f'{filters_html(kind, registry, data)}{table_html(title, data)}</div>'
         # Without JavaScript the filter form would do nothing: hide it and say so.
         f'<noscript><style>.mulu-filters{{display:none}}</style>'
         f'<p>筛选、排序和翻页需要启用 JavaScript；也可以下载上面的 CSV 或 Excel 文件查看全部记录。</p></noscript>'
         f'<script src="{esc(relative(here, "assets/mulu/catalogue.js"))}" defer></script>')
    yield Page(path=here, title=title, html=html, nav="各类目录", nav_order=order,
               description=f"{title}：共 {len(data['rows'])} 条记录，可按地区、职业、等级和状态筛选。")
    yield DataFile(f"{kind}/_rows.json", json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def catalogue_pages(registry: Registry, ctx: SiteContext) -> Iterator[Page | DataFile]:
    """One catalogue page per catalogue opened in the registry configuration."""
    for i, kind in enumerate(registry.config.catalogue_kinds()):
        yield from catalogue_page(kind, registry, ctx, 10 + i)
