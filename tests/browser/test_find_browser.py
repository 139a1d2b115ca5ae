"""找培训, programme pages that lead somewhere, and occupation pages, on the built sample site in
headless Chromium at 1280 px and 375 px. Expected answers are worked out from the registry here,
by the rules stated in mulu/site/where.py, never copied from the page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from helpers.browser import AXE, serve
from helpers.dates import AS_OF
from mulu.core.kinds import occupation_uses
from mulu.core.registry import Record, Registry
from mulu.core.shortages import programme_uplifts
from mulu.project import open_project
from mulu.site.effective import statuses
from mulu.site.model import SiteContext
from mulu.site.occupations import used_occupations
from mulu.site.shortage_pages import registry_entries
from mulu.site.where import is_online, where

pytestmark = pytest.mark.browser
HARBIN, ELECTRICIAN = "230100", "6-31-01-03"      # present in the sample: a raised provincial programme
ZIBO, WELDER = "370300", "6-18-02-04"             # absent: no 焊工 programme for 淄博市
PROGRAMME = "hlj-6-31-01-03"
SIZES = [(1280, 900), (375, 740)]


@pytest.fixture(scope="module")
def site_url(sample_site: Path):
    with serve(sample_site / "site") as url:
        yield url


@pytest.fixture(scope="module")
def reg(sample_site: Path) -> tuple[Registry, SiteContext]:
    registry = open_project(sample_site).registry
    assert registry is not None
    return registry, SiteContext(generated_at="", as_of=AS_OF)


@pytest.fixture(params=SIZES, ids=["1280", "375"])
def page(browser, request):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def _current(registry: Registry, ctx: SiteContext, record: Record) -> bool:
    status = statuses(registry, ctx).get((record.kind, record.id))
    return bool(status and status.current)


def _covers(record: Record, code: str) -> bool:
    return any(c == code for _, c, _ in occupation_uses(record.kind, record.data))


def expected(registry: Registry, ctx: SiteContext, region: str, code: str) -> tuple[list[Record], set[str], set[str]]:
    """Programmes applying in ``region`` (its own and its parents'), institutions in it or below it
    (online ones also above it) that take subsidised training, assessors either way; all in force."""
    ref = registry.reference
    programmes = [p for p in registry.records["programmes"].values() if _current(registry, ctx, p)
                  and _covers(p, code) and ref.in_region(region, p.region)]
    institutions = {i.name for i in registry.records["institutions"].values()
                    if _current(registry, ctx, i) and i.data.get("subsidised") is True and _covers(i, code)
                    and (ref.in_region(i.region, region) or (is_online(i) and ref.in_region(region, i.region)))}
    assessors = {a.name for a in registry.records["assessors"].values() if _current(registry, ctx, a) and _covers(a, code)
                 and (ref.in_region(a.region, region) or ref.in_region(region, a.region))}
    return programmes, institutions, assessors


def _section_names(page, heading: str) -> set[str]:
    section = page.locator(".mulu-find__result h3", has_text=heading)
    section.wait_for()
    items = page.locator(f'.mulu-find__result h3:has-text("{heading}") + ul li > a')
    return set(items.all_inner_texts())


def _no_overflow(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    for wrap in page.locator("article .mulu-table-wrap").all():
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "表格超出其容器"


def test_find_answers_a_region_and_occupation_typed_by_name(page, site_url, reg):
    registry, ctx = reg
    programmes, institutions, assessors = expected(registry, ctx, HARBIN, ELECTRICIAN)
    assert programmes and institutions and assessors   # the sample has this pair
    page.goto(site_url)
    page.locator("article").get_by_role("link", name="找培训").click()
    page.wait_for_url("**/find/")
    page.locator("form.mulu-find[data-ready]").wait_for()
    page.get_by_label("地区").fill("哈尔滨")
    page.get_by_label("职业（工种）或专项职业能力").fill("电工")
    page.get_by_role("button", name="查询").click()
    page.locator(".mulu-find__result h2").first.wait_for()
    query = parse_qs(urlparse(page.url).query)
    assert query == {"region": [HARBIN], "occupation": [ELECTRICIAN]}

    def check() -> None:
        entries = registry_entries(registry)
        for programme in programmes:
            block = page.locator(".mulu-find__programme", has=page.locator(f'a[href$="/programmes/{programme.id}/"]'))
            cells = block.locator("tbody tr").all()
            uplifts = {u.level: u for u in programme_uplifts(programme.data, entries, registry.reference, AS_OF)}
            assert len(cells) == len(programme.data["levels"])
            for row, level in zip(cells, programme.data["levels"], strict=True):
                texts = row.locator("td").all_inner_texts()
                assert texts[0] == level["level"] and texts[2] == f"{level['subsidy']:,} 元"
                if uplifts:
                    assert texts[4] == f"{uplifts[level['level']].raised:,} 元"
        assert _section_names(page, "可以培训的机构") == institutions
        assert _section_names(page, "可以认定的评价机构") == assessors
        online = page.locator('.mulu-find__result li:has(.mulu-online) > a').all_inner_texts()
        assert online and all(name in institutions for name in online)
        _no_overflow(page)

    check()
    page.reload()   # the answer is in the URL: shareable
    page.locator(".mulu-find__result h2").first.wait_for()
    assert page.get_by_label("地区").input_value().startswith("哈尔滨市")
    check()


def test_find_gives_an_honest_empty_state_with_alternatives(page, site_url, reg):
    registry, ctx = reg
    programmes, institutions, _ = expected(registry, ctx, ZIBO, WELDER)
    assert not programmes
    elsewhere = [p for p in registry.records["programmes"].values() if _current(registry, ctx, p) and _covers(p, WELDER)]
    page.goto(site_url + f"find/?region={ZIBO}&occupation={WELDER}")
    result = page.locator(".mulu-find__result")
    result.locator("h2").first.wait_for()
    text = result.inner_text()
    assert "淄博市暂无焊工补贴项目" in text
    assert f"淄博市有 {len(institutions)} 家机构培训焊工" in text
    links = result.locator(".mulu-find__empty a").all()
    assert {link.get_attribute("href").split("/")[-2] for link in links} == {p.id for p in elsewhere}
    page.goto(site_url + "find/?region=淄博&occupation=没有这个职业")
    assert "没有找到职业“没有这个职业”" in page.locator(".mulu-find__error").inner_text()


def test_programme_page_standards_first_then_where_to_train_both_ways(page, site_url, reg):
    registry, ctx = reg
    record = registry.get("programmes", PROGRAMME)
    assert record is not None
    index = where(registry, ctx)
    page.goto(site_url + f"programmes/{PROGRAMME}/")
    headings = page.locator("article h2").all_inner_texts()
    assessing = f"可在哪里认定（{len(index.units_for(record, 'assessors'))}）"
    assert headings[0] == "补贴标准" and headings.index("详细信息") > headings.index(assessing)
    uplifts = programme_uplifts(record.data, registry_entries(registry), registry.reference, AS_OF)
    assert uplifts
    raised = page.locator(".mulu-standards tbody tr td:nth-child(5)").all_inner_texts()
    assert raised == [f"{u.raised:,} 元" for u in uplifts]
    trainers = page.locator('h2:has-text("可在哪里培训") + ul li > a').all_inner_texts()
    assert set(trainers) == {o.unit.name for o in index.units_for(record, "institutions")}
    # Internal fields are folded away at the bottom.
    labels = page.locator("article dl.mulu-fields").first.locator(":scope > dt").all_inner_texts()
    assert "维护账号" not in labels and "信息来源" not in labels
    info = page.locator("details.mulu-record-info")
    assert info.get_attribute("open") is None and not page.get_by_text(record.file, exact=True).last.is_visible()
    info.locator("summary").click()
    assert "维护账号" in info.inner_text() and record.file in info.inner_text()
    # The other way round: the institution's page lists the programme.
    page.locator('h2:has-text("可在哪里培训") + ul li > a').first.click()
    page.wait_for_url("**/institutions/**")
    assert page.locator('section:has(h2:has-text("可承担的补贴培训项目")) ul a', has_text=record.name).count() == 1
    _no_overflow(page)


def _search(page, site_url: str, query: str) -> set[str]:
    page.goto(site_url)
    return set(page.evaluate("""async (q) => {
        const pf = await import('./pagefind/pagefind.js'); await pf.init();
        const found = await pf.search(q);
        return (await Promise.all(found.results.map(r => r.data()))).map(d => d.url); }""", query))


def test_search_finds_occupations_by_code_and_by_hierarchy_name(page, site_url, reg):
    registry, _ = reg
    ref = registry.reference
    used = used_occupations(registry)
    urls = _search(page, site_url, "6-31")
    want = {"/occupations/6-31/"} | {f"/occupations/{c}/" for c in used if c.startswith("6-31-")}
    assert len(want) > 1 and want <= urls
    urls = _search(page, site_url, "电力")
    middles = {f"/occupations/{'-'.join(g.code.split('-')[:2])}/" for g in ref.groups.values()
               if g.level == 2 and "电力" in g.name}
    occupations = {f"/occupations/{c}/" for c in used if any("电力" in g.name for g in ref.occupation_path(c))}
    assert middles and middles | occupations <= urls
    # The 中类 page leads on to every occupation under it.
    page.goto(site_url + "occupations/6-31/")
    text = page.locator("article").inner_text()
    assert all(o.code in text and o.name in text for o in ref.occupations.values() if o.code.startswith("6-31-"))
    electrician = page.locator("article a", has_text=ref.occupations[ELECTRICIAN].name).first
    electrician.click()
    page.wait_for_url(f"**/occupations/{ELECTRICIAN}/")
    assert page.locator("article .mulu-crumbs").inner_text().count("›") == 3
    assert page.locator("article a", has_text="找培训").count() == 1


@pytest.mark.parametrize("path", [f"find/?region={HARBIN}&occupation={ELECTRICIAN}", f"find/?region={ZIBO}&occupation={WELDER}",
                                  f"programmes/{PROGRAMME}/", "occupations/", "occupations/6-31/",
                                  f"occupations/{ELECTRICIAN}/"])
def test_no_accessibility_violations(browser, site_url, path):
    if not AXE.is_file():
        pytest.skip("axe-core 未安装：请在项目目录运行 npm ci")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + path)
    if path.startswith("find/"):
        page.locator(".mulu-find__result h2").first.wait_for()
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ' ' + v.nodes[0].target)")
    context.close()
    assert found == []


def test_occupation_pages_stay_small(sample_site: Path):
    pages = list((sample_site / "site" / "occupations").rglob("index.html"))
    total = sum(p.stat().st_size for p in pages)
    assert total / len(pages) < 60_000, f"{len(pages)} 个职业页面共 {total} 字节"
    assert not [p for p in pages if re.search(r"<script[^>]*src=\"https?://", p.read_text(encoding="utf-8"))]


def test_a_spec_programme_links_to_its_find_answer(page, site_url, reg):
    registry, _ = reg
    programme = next(p for p in registry.records["programmes"].values() if p.data.get("spec") and p.status == "在册")
    page.goto(site_url + f"programmes/{programme.id}/")
    page.get_by_role("link", name="在找培训中查看本地区和上级地区的补贴、机构和评价机构").click()
    page.wait_for_url("**/find/?*")
    assert parse_qs(urlparse(page.url).query) == {"region": [programme.region], "spec": [programme.data["spec"]]}
    block = page.locator(".mulu-find__programme", has=page.locator(f'a[href$="/programmes/{programme.id}/"]'))
    block.wait_for()
    subsidy = programme.data["levels"][0]["subsidy"]
    assert f"{subsidy:,} 元" in block.inner_text()
