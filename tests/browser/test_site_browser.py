"""The built sample site as the public sees it, in headless Chromium over HTTP.

The sample project plus the test records in ``records/`` is built ONCE per session
(``sample_site`` in tests/conftest.py), served by ``http.server`` from a thread, and opened in
headless Debian Chromium through Playwright (never a downloaded browser). The browser and the
static server come from tests/conftest.py (one Chromium per test process).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from helpers.browser import AXE, serve

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
RECORDS = Path(__file__).resolve().parent / "records"  # added to the sample before the build
LISTED = "52230103MJ9990001A"     # 在册; its source has 退役军人 inside a sentence; hosts STUDIO
WITHDRAWN = "52230103MJ9990002D"  # 已移出 by notice test-2024-01
XSS = "52230103MJ9990003G"        # name and address full of HTML, Markdown and template syntax
STUDIO = "test-studio-01"
@pytest.fixture(scope="session")
def built_site(sample_site: Path) -> Path:
    """The site directory of the sample project built once per session (tests/conftest.py)."""
    return sample_site / "site"


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """Base URL of the built site served by ``http.server`` in a thread."""
    with serve(built_site) as url:
        yield url


@dataclass
class Watched:
    """A page plus everything it did: requested URLs, dialogs, script errors."""

    page: object
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def hosts(self) -> set[str]:
        """Hosts of every request (data: and blob: URLs have none)."""
        return {urlparse(u).hostname or "" for u in self.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}


@pytest.fixture
def watched(browser):
    """A fresh page (desktop size) whose requests, dialogs and errors are recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    w = Watched(page)
    page.on("request", lambda r: w.requests.append(r.url))
    page.on("pageerror", lambda e: w.errors.append(str(e)))

    def on_dialog(dialog) -> None:
        w.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield w
    context.close()


@pytest.fixture
def phone(browser):
    """A page the size of a small phone (375 px wide)."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def _count(page) -> int:
    """The number of matching rows the catalogue says it shows (「共 N 条」)."""
    text = page.locator(".mulu-count").inner_text()
    match = re.search(r"共 (\d+) 条", text)
    assert match, text
    return int(match.group(1))


def _wait_rows(page) -> None:
    page.wait_for_function("!document.querySelector('.mulu-count').textContent.includes('正在加载')")


def test_search_finds_a_word_that_only_appears_inside_a_sentence(watched, site_url):
    source = yaml.safe_load((RECORDS / "institutions" / f"{LISTED}.yml").read_text(encoding="utf-8"))["source"]
    assert "重点面向退役军人开展" in source  # the word is inside a sentence, not a field of its own
    page = watched.page
    page.goto(site_url)
    page.fill("#mulu-q-home", "退役军人")
    hit = page.locator(".mulu-search--hero .mulu-search__list a", has_text="晨光家政职业培训学校")
    hit.first.wait_for(timeout=15000)
    assert "个结果" in page.locator(".mulu-search--hero .mulu-search__summary").inner_text()
    hit.first.click()
    page.wait_for_url(f"**/institutions/{LISTED}/")
    assert "晨光家政职业培训学校" in page.locator("h1").inner_text()


def test_search_shows_a_few_results_then_the_results_page(watched, site_url):
    page = watched.page
    page.goto(site_url)
    page.fill("#mulu-q-home", "培训")
    hits = page.locator(".mulu-search--hero .mulu-search__list a")
    hits.nth(7).wait_for(timeout=15000)
    total = int(re.search(r"找到 (\d+) 个", page.locator(".mulu-search--hero .mulu-search__summary").inner_text()).group(1))
    assert total > 40 and hits.count() == 8
    page.click(".mulu-search--hero .mulu-search__all")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("#mulu-search-page .mulu-search__hit > a")
    results.nth(19).wait_for(timeout=15000)
    assert results.count() == 20
    page.click("#mulu-search-page .mulu-search__more")
    results.nth(39).wait_for()
    assert results.count() == 40


def test_header_search_works_on_other_pages(watched, site_url):
    page = watched.page
    page.goto(site_url + "notices/")
    page.fill("#mulu-q-header", "退役军人")
    page.locator("#mulu-header-search .mulu-search__list a", has_text="晨光").first.wait_for(timeout=15000)


def test_filter_reduces_rows_and_survives_reload(watched, site_url):
    page = watched.page
    page.goto(site_url + "institutions/")
    _wait_rows(page)
    before = _count(page)
    page.select_option("#f-status", "已移出")
    page.wait_for_function(f"!document.querySelector('.mulu-count').textContent.startsWith('共 {before} 条')")
    after = _count(page)
    assert 0 < after < before
    statuses = page.locator(".mulu-catalogue-table tbody td:last-child").all_inner_texts()
    assert statuses and set(statuses) == {"已移出"}
    assert "status=" in page.url
    shared = page.url
    page.reload()
    _wait_rows(page)
    assert page.input_value("#f-status") == "已移出"
    assert _count(page) == after
    # The same URL opened afresh (shared link) gives the same view.
    page.goto(site_url)
    page.goto(shared)
    _wait_rows(page)
    assert _count(page) == after


def test_region_filter_includes_lower_levels_and_text_filter(watched, site_url):
    page = watched.page
    page.goto(site_url + "institutions/?region=230000&q=晨光")  # 黑龙江省; the record is in 哈尔滨市南岗区
    _wait_rows(page)
    assert _count(page) == 1
    assert "晨光" in page.locator(".mulu-catalogue-table tbody tr").first.inner_text()
    page.goto(site_url + "institutions/?region=130000&q=晨光")  # 河北省
    _wait_rows(page)
    assert "没有符合条件的记录" in page.locator(".mulu-count").inner_text()


def test_sorting_by_column(watched, site_url):
    page = watched.page
    page.goto(site_url + "institutions/?region=230103")
    _wait_rows(page)
    cells = page.locator(".mulu-catalogue-table tbody td:first-child")
    original = cells.all_inner_texts()
    page.locator("th[data-key=name] button").click()
    ascending = cells.all_inner_texts()
    page.locator("th[data-key=name] button").click()
    assert page.locator("th[data-key=name]").get_attribute("aria-sort") == "descending"
    assert "sort=name" in page.url and "dir=desc" in page.url
    descending = cells.all_inner_texts()
    assert page.input_value("#f-sortby") == "name:desc"  # the phone sort control follows
    assert len(set(original)) >= 3 and sorted(original) == sorted(ascending)
    assert descending == ascending[::-1]


def test_record_page_shows_fields_and_related_records(watched, site_url):
    page = watched.page
    page.goto(site_url + f"institutions/{LISTED}/")
    fields = page.locator("dl.mulu-fields > dt").all_inner_texts()
    for label in ("统一社会信用代码", "名称", "所属行政区划", "状态", "列入目录", "机构类型", "培训职业（工种）及等级", "联系方式"):
        assert label in fields
    body = page.locator("article").inner_text()
    assert "电工（6-31-01-03）" in body and "哈尔滨市南岗区" in body
    studio = page.locator("ul.mulu-related a", has_text="王师傅技能大师工作室")
    assert studio.count() == 1
    studio.click()
    page.wait_for_url(f"**/studios/{STUDIO}/")
    host = page.locator("ul.mulu-related a", has_text="晨光家政职业培训学校")
    assert host.count() == 1
    # The host is also linked from the field itself.
    assert page.locator("dl.mulu-fields a", has_text="晨光家政职业培训学校").count() == 1


def test_record_page_change_request_and_guide_links(watched, site_url):
    page = watched.page
    page.goto(site_url + f"institutions/{LISTED}/")
    config = yaml.safe_load((REPO / "registry" / "config.yml").read_text(encoding="utf-8"))
    expected = f"{config['repository']['url']}/{config['repository'].get('edit', 'edit/main')}/registry/institutions/{LISTED}.yml"
    assert page.locator("a", has_text="申请修改").get_attribute("href") == expected
    guide = page.locator(".mulu-edit a", has_text="如何修改记录")
    guide.click()
    page.wait_for_url("**/contributing/")  # wait for the new page, not the current one's load state
    assert page.locator("h1").first.inner_text() == "如何修改记录"


def test_withdrawn_record_has_banner_with_date_notice_and_reason(watched, site_url):
    page = watched.page
    page.goto(site_url + f"institutions/{WITHDRAWN}/")
    banner = page.locator(".mulu-banner").inner_text()
    assert "已移出" in banner and "2024-06-01" in banner and "测人社字〔2024〕1号" in banner
    assert "测试用移出原因" in banner
    page.locator(".mulu-banner a").click()
    page.wait_for_url("**/notices/test-2024-01/")
    assert "测试市南岗区远帆职业培训学校" in page.locator("article").inner_text()


@pytest.mark.parametrize("query, answer", [(LISTED, "在册"), (WITHDRAWN, "已移出"), ("91230103MA00000001", "未找到"),
                                           ("91230103MA0000000X", "代码无效")])   # X: wrong check character
def test_check_page_answers(watched, site_url, query, answer):
    page = watched.page
    page.goto(site_url + "check/")
    page.fill("#check-q", query.lower() if answer == "在册" else query)  # codes typed in lower case still match
    page.click(".mulu-check button[type=submit]")
    result = page.locator(".mulu-answer").first
    result.wait_for()
    assert result.inner_text().strip() == answer
    assert f"q={query.lower() if answer == '在册' else query}" in page.url


def test_check_page_by_name(watched, site_url):
    page = watched.page
    page.goto(site_url + "check/?q=远帆职业")
    page.locator(".mulu-answer").first.wait_for()
    assert page.locator(".mulu-answer").first.inner_text().strip() == "已移出"
    assert "测试用移出原因" in page.locator(".mulu-check__result").inner_text()


def test_no_request_leaves_the_site(watched, site_url):
    page = watched.page
    for path in ("", "institutions/?status=在册", f"institutions/{LISTED}/", "check/", "jurisdictions/230000/",
                 "notices/test-2024-01/", "contributing/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    page.fill("#mulu-q-header", "电工")
    page.locator("#mulu-header-search .mulu-search__list li").first.wait_for(timeout=15000)
    page.wait_for_load_state("networkidle")
    assert any("/pagefind/" in u for u in watched.requests)  # the search really ran
    assert watched.hosts() == {"127.0.0.1"}, sorted(u for u in watched.requests if "127.0.0.1" not in u)
    assert not watched.errors


def test_hostile_text_renders_inert(watched, site_url):
    page = watched.page
    for path in (f"institutions/{XSS}/", "institutions/?q=恶意", "check/?q=恶意测试", "notices/test-2024-01/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("a[href^='javascript:']").count() == 0, path
    page.goto(site_url + f"institutions/{XSS}/")
    assert "<script>window.__xss=1</script>恶意测试学校" in page.locator("h1").inner_text()
    assert "[点我领补贴](javascript:window.__xss=3)" in page.locator("article").inner_text()
    page.locator("details.mulu-record-info summary").click()   # 信息来源 is folded into 记录信息
    assert "{{ config }}" in page.locator("article").inner_text()
    assert "</title><script>" in page.title() or "恶意测试学校" in page.title()
    page.fill("#mulu-q-header", "恶意")
    page.locator("#mulu-header-search .mulu-search__list a").first.wait_for(timeout=15000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert not watched.dialogs and not watched.errors


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""")


@pytest.mark.parametrize("path", ["", "institutions/", "programmes/", f"institutions/{LISTED}/", f"institutions/{WITHDRAWN}/",
                                  f"studios/{STUDIO}/", "check/?q=晨光", "notices/", "notices/test-2024-01/",
                                  "jurisdictions/", "jurisdictions/230000/"])
def test_accessibility_no_serious_violations(watched, site_url, path):
    if not AXE.is_file():
        pytest.skip("axe-core 未安装：请在项目目录运行 npm ci")
    page = watched.page
    page.goto(site_url + path)
    if path in ("institutions/", "programmes/"):
        _wait_rows(page)
    page.wait_for_load_state("networkidle")
    assert _axe(page) == []


@pytest.mark.parametrize("path", ["", "institutions/", "programmes/", f"institutions/{LISTED}/", f"institutions/{XSS}/",
                                  "check/?q=晨光", "notices/", "notices/test-2024-01/", "jurisdictions/",
                                  "jurisdictions/230000/"])
def test_pages_fit_a_375px_phone(phone, site_url, path):
    phone.goto(site_url + path)
    phone.wait_for_load_state("networkidle")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 376, f"{path}: 页面宽 {width}px，超出手机屏幕"


def test_phone_search_opens_from_the_header(phone, site_url):
    phone.goto(site_url + "institutions/")
    assert not phone.locator("#mulu-q-header").is_visible()
    phone.locator(".mulu-search-toggle").click()
    phone.fill("#mulu-q-header", "退役军人")
    phone.locator("#mulu-header-search .mulu-search__list a", has_text="晨光").first.wait_for(timeout=15000)
