"""Search that finds places and shows what a result is (issue 15 item 3), in headless Chromium
at 1280 px and 375 px: every record under a jurisdiction by its name, 紧缺 inside 急需紧缺,
kind/region/status badges with matched-field excerpts, Enter opening /search/?q= with kind and
region filters, and axe on the results page. Expected counts come from the registry."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest

from helpers.browser import AXE, all_results, serve
from mulu.core.registry import Record, Registry
from mulu.project import open_project
from mulu.site.model import record_path

pytestmark = pytest.mark.browser
WIDTHS = [1280, 375]
HARBIN = "230100"


@pytest.fixture(scope="module")
def site_url(sample_site: Path):
    with serve(sample_site / "site") as url:
        yield url


@pytest.fixture(scope="module")
def registry(sample_site: Path) -> Registry:
    return open_project(sample_site).registry


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(browser, request):
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert not errors
    context.close()


def under(registry: Registry, code: str) -> list[Record]:
    return [r for r in registry.all_records() if r.region and registry.reference.in_region(r.region, code)]


def total(page) -> int:
    text = page.locator("#mulu-search-page .mulu-search__summary").inner_text()
    return int(text.rsplit("找到 ", 1)[1].split(" ")[0])


def search_page(page, site_url: str, q: str, **filters: str) -> None:
    query = "&".join(f"{k}={quote(v)}" for k, v in {"q": q, **filters}.items())
    page.goto(f"{site_url}search/?{query}")


def test_each_jurisdiction_name_finds_every_record_under_it(page, site_url, registry):
    for code in [*registry.config.jurisdictions, HARBIN]:
        code = str(code)
        name = registry.reference.region_name(code)
        expected = {record_path(r) for r in under(registry, code)}
        assert len(expected) > 5, code
        for query in {name, name.removesuffix("市").removesuffix("省")}:   # 淄博市 and 淄博
            search_page(page, site_url, query)
            found = set(all_results(page))
            assert expected <= found, (query, sorted(expected - found)[:5])


def test_region_filter_keeps_exactly_the_records_under_it(page, site_url, registry):
    search_page(page, site_url, "淄博", region="370300")
    expected = {record_path(r) for r in under(registry, "370300")}
    assert set(all_results(page)) == expected and total(page) == len(expected)


def test_a_word_inside_a_longer_word_is_found(page, site_url, registry):
    with_word = {record_path(r) for r in registry.all_records()
                 if "急需紧缺" in r.name or "急需紧缺" in str(r.data.get("notes", ""))}
    assert len(with_word) >= 3
    search_page(page, site_url, "紧缺")
    assert with_word <= set(all_results(page))


def test_codes_are_found_whole_and_by_their_leading_part(page, site_url, registry):
    programmes = [r for r in registry.records["programmes"].values() if str((r.data.get("occupation") or {}).get("code", "")).startswith("6-31-")]
    assert programmes
    search_page(page, site_url, "6-31")
    found = set(all_results(page))
    assert {record_path(r) for r in programmes} <= found
    code = next(iter(registry.records["institutions"]))
    search_page(page, site_url, code)
    assert all_results(page)[0] == f"institutions/{code}/"   # its own page first, then pages naming it


def test_results_show_kind_region_status_and_the_fields_that_matched(page, site_url, registry):
    record = next(r for r in under(registry, "370300") if r.kind == "institutions")
    search_page(page, site_url, "淄博", kind="institutions")
    hit = page.locator("#mulu-search-page .mulu-search__hit", has=page.locator(f"a[href$='{record_path(record)}']"))
    hit.wait_for(timeout=20000)
    badges = hit.locator(".mulu-search__badges").inner_text()
    assert "培训机构" in badges and "淄博市" in badges
    assert hit.locator(".mulu-status").inner_text()
    excerpt = hit.locator(".mulu-search__excerpt")
    assert excerpt.locator("mark").first.inner_text() == "淄博"
    text = excerpt.inner_text()
    assert len(text.splitlines()) <= 2 and "编号" not in text and "维护" not in text   # matched fields, no dump


def test_enter_opens_the_results_page_and_its_filters_work(page, site_url, registry):
    page.goto(site_url + "notices/")
    toggle = page.locator(".mulu-search-toggle")
    if toggle.is_visible():
        toggle.click()
    page.fill("#mulu-q-header", "淄博")
    page.locator("#mulu-header-search .mulu-search__list a").first.wait_for(timeout=20000)
    assert page.locator("#mulu-header-search .mulu-search__all").is_visible()
    page.press("#mulu-q-header", "Enter")
    page.wait_for_url("**/search/?q=*")
    assert parse_qs(urlparse(page.url).query)["q"] == ["淄博"]
    everything = set(all_results(page))
    page.select_option("#mulu-search-kind", "institutions")
    page.wait_for_url("**kind=*")
    institutions = {record_path(r) for r in under(registry, "370300") if r.kind == "institutions"}
    assert set(all_results(page)) == institutions
    page.select_option("#mulu-search-region", "370305")
    page.wait_for_url("**region=*")
    linzi = {record_path(r) for r in under(registry, "370305") if r.kind == "institutions"}
    assert set(all_results(page)) == linzi and linzi < institutions < everything
    page.reload()
    assert set(all_results(page)) == linzi   # the address keeps the filters


def test_results_page_has_no_axe_violations(page, site_url):
    if not AXE.is_file():
        pytest.skip("axe-core 未安装：请在项目目录运行 npm ci")
    search_page(page, site_url, "淄博")
    all_results(page)
    page.evaluate("window.scrollTo(0, 0)")   # nothing under the fixed header (axe would judge its colours)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")
    assert violations == [], violations
