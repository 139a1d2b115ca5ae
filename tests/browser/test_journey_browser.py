"""Issue 15 leftovers on the built sample site, in headless Chromium: the Chinese 404 page, feed
autodiscovery, the 统一社会信用代码 label, check-digit feedback on 机构查询, the single 调整记录
nav link and the axe findings that were left."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from helpers.browser import AXE, serve
from mulu.core.creditcode import ALPHABET, check_character

pytestmark = pytest.mark.browser
LISTED = "52230103MJ9990001A"     # 在册 institution (tests/browser/records)
ASSESSORS = "assessors"


@pytest.fixture(scope="module")
def site_url(sample_site: Path):
    with serve(sample_site / "site") as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def rooted_url(sample_site: Path, tmp_path_factory: pytest.TempPathFactory):
    """The site served under the path of its configured address (``/mulu/``), as deployed:
    the 404 page is served at any depth, so its links and scripts are rooted there."""
    config = yaml.safe_load((sample_site / "registry" / "config.yml").read_text(encoding="utf-8"))
    prefix = urlparse(config["site_url"]).path.strip("/")
    root = tmp_path_factory.mktemp("rooted")
    (root / prefix).symlink_to(sample_site / "site", target_is_directory=True)
    with serve(root) as url:
        yield url + prefix + "/"


def test_404_page_is_chinese_with_search_and_check_link(page, rooted_url):
    page.goto(rooted_url + "404.html")
    assert page.locator("article h1").inner_text() == "页面不存在"
    assert "Not found" not in page.locator("article").inner_text()
    page.get_by_role("link", name="机构查询").last.click()
    page.wait_for_url(rooted_url + "check/")
    page.goto(rooted_url + "404.html")
    page.get_by_role("searchbox", name="搜索本站记录").fill("晨光")
    page.locator("article .mulu-search__list a").first.wait_for(timeout=15000)
    assert "晨光" in page.locator("article .mulu-search__list").inner_text()


@pytest.mark.parametrize("path", ["", "institutions/", f"institutions/{LISTED}/", "changes/", "stats/"])
def test_every_page_announces_the_feed(page, site_url, path):
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    # The theme must not take the feed link for another language's site (it would fetch
    # feeds/sitemap.xml, a 404 on every page).
    assert failed == []
    feeds = page.locator('head link[rel~="alternate"][type="application/atom+xml"]')
    assert feeds.count() == 1 and "全部调整" in feeds.get_attribute("title")
    href = page.evaluate("document.querySelector('head link[type=\"application/atom+xml\"]').href")
    response = page.request.get(href)
    assert response.ok and b"<feed" in response.body()


def _first_field(page) -> tuple[str, str]:
    fields = page.locator("article dl.mulu-fields").first
    return fields.locator(":scope > dt").first.inner_text(), fields.locator(":scope > dd").first.inner_text()


def test_institution_and_assessor_ids_are_labelled_credit_code(page, site_url, sample_site):
    page.goto(site_url + f"institutions/{LISTED}/")
    assert _first_field(page) == ("统一社会信用代码", LISTED)
    assessor = sorted((sample_site / "registry" / ASSESSORS).glob("*.yml"))[0].stem
    page.goto(site_url + f"{ASSESSORS}/{assessor}/")
    assert _first_field(page) == ("统一社会信用代码", assessor)
    programme = sorted((sample_site / "registry" / "programmes").rglob("*.yml"))[0].stem
    page.goto(site_url + f"programmes/{programme}/")   # other kinds keep 编号
    assert _first_field(page) == ("编号", programme)


def _check(page, site_url, q: str) -> str:
    page.goto(site_url + "check/?q=" + q)
    card = page.locator(".mulu-check__result .mulu-check__card").first
    card.wait_for()
    return card.inner_text()


def test_check_page_says_a_mistyped_code_is_invalid(page, site_url):
    wrong = LISTED[:17] + next(c for c in ALPHABET if c != LISTED[17])
    text = _check(page, site_url, wrong)
    assert "代码无效" in text and f"应为“{LISTED[17]}”" in text and "未找到" not in text
    text = _check(page, site_url, LISTED[:5] + "I" + LISTED[6:])
    assert "代码无效" in text and "第 6 位" in text
    unknown = "9111000010000000" + "1"
    unknown += check_character(unknown)   # valid, but in no catalogue
    text = _check(page, site_url, unknown)
    assert "未找到" in text and "代码无效" not in text
    assert "在册" in _check(page, site_url, LISTED)


def test_changes_is_one_nav_link_not_a_section(page, site_url):
    page.goto(site_url)
    nav = page.locator("nav.md-nav--primary")
    assert nav.get_by_text("调整记录", exact=True).count() == 1
    link = nav.get_by_role("link", name="调整记录", exact=True)
    assert link.count() == 1 and link.get_attribute("href").rstrip("/").endswith("changes")


def test_404_page_has_no_accessibility_violations(page, rooted_url):
    if not AXE.is_file():
        pytest.skip("axe-core 未安装：请在项目目录运行 npm ci")
    page.goto(rooted_url + "404.html")
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    assert page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)") == []


def _axe(page, rules: list[str]) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    # link-in-text-block lands in "incomplete" (needs review) when axe cannot decide: count both.
    return page.evaluate("""async (rules) => {
        const r = await axe.run(document, {runOnly: {type: 'rule', values: rules}});
        return r.violations.concat(r.incomplete).map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""", rules)


@pytest.mark.parametrize("path", ["", "changes/", "404.html", "check/"])
def test_no_duplicate_search_landmarks_or_undistinguished_links(page, rooted_url, path):
    if not AXE.is_file():
        pytest.skip("axe-core 未安装：请在项目目录运行 npm ci")
    page.goto(rooted_url + path)
    page.wait_for_load_state("networkidle")
    assert _axe(page, ["link-in-text-block", "landmark-unique"]) == []
