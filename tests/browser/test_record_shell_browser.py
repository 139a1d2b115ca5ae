"""Record pages on their own small template (site_overrides/mulu-shell.html, issue 16 item 2),
in headless Chromium on the built sample site: on a phone and on a desktop the header shows
the logo and the search, the search answers, the footer is there, and axe finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.browser import AXE, serve

pytestmark = pytest.mark.browser
LISTED = "52230103MJ9990001A"     # 在册 institution (tests/browser/records)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def site_url(sample_site: Path):
    with serve(sample_site / "site") as url:
        yield url


def open_page(browser, viewport: dict[str, int], url: str):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url)
    return context, page


def test_phone_header_search_opens_and_answers(browser, site_url):
    context, page = open_page(browser, PHONE, f"{site_url}institutions/{LISTED}/")
    try:
        box = page.locator("#mulu-q-header")
        assert not box.is_visible()           # folded behind the magnifier on a phone
        toggle = page.get_by_role("button", name="搜索")
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true" and box.is_visible()
        box.fill("晨光")
        page.locator("#mulu-header-search .mulu-search__list a").first.wait_for(timeout=20000)
        assert "晨光" in page.locator("#mulu-header-search .mulu-search__list").inner_text()
        assert page.locator("footer .md-copyright").is_visible()
    finally:
        context.close()


def test_desktop_header_has_logo_title_and_search_box(browser, site_url):
    context, page = open_page(browser, DESKTOP, f"{site_url}institutions/{LISTED}/")
    try:
        logo = page.locator("header .md-logo img")
        assert logo.is_visible()
        assert page.evaluate("() => document.querySelector('header .md-logo img').naturalWidth") > 0
        assert page.locator("header .md-header__topic").inner_text().strip()
        assert page.locator("#mulu-q-header").is_visible()
        assert not page.locator("#mulu-header-search").evaluate("e => e.offsetParent === null")
        # The body's own breadcrumb leads back to the catalogue.
        page.locator(".mulu-crumbs a").first.click()
        page.wait_for_url(f"{site_url}institutions/")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_record_page_has_no_axe_violations(browser, site_url, viewport):
    if not AXE.is_file():
        pytest.skip("axe-core 未安装：请在项目目录运行 npm ci")
    context, page = open_page(browser, viewport, f"{site_url}institutions/{LISTED}/")
    try:
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ' ' + v.nodes[0].target)")
        assert found == []
    finally:
        context.close()
