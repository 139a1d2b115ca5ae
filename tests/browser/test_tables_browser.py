"""Issue 15 items 4 and 5 on the built sample site, in headless Chromium: filter options counted
for the current selection, next steps for an empty result, tables that fit from 375 to 1920 px,
a catalogue that reads without JavaScript, the 订阅更新 page, the footer from config.yml, notice
pages without internal ids, and axe with no violations of any impact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from helpers.browser import AXE, serve
from mulu.core.kinds import occupation_uses

pytestmark = pytest.mark.browser
ZIBO = "370300"
WIDTHS = (375, 1280, 1920)
# Columns whose values are one token: a date, a code or a 文号 never breaks across lines.
TOKEN_LABELS = ("文号", "发文日期", "日期", "统一社会信用代码", "编号", "规范编号", "有效期起", "有效期止")


@pytest.fixture(scope="module")
def site_url(sample_site: Path):
    with serve(sample_site / "site") as url:
        yield url


def _page(browser, width: int, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    return context, context.new_page()


@pytest.fixture(params=(1280, 375), ids=("1280px", "375px"))
def page(browser, request):
    context, page = _page(browser, request.param)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def _records(sample_site: Path, kind: str) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((sample_site / "registry" / kind).rglob("*.yml"))]


def _occupations(kind: str, data: dict) -> set[str]:
    return {code for _, code, _ in occupation_uses(kind, data)}


def _ready(page) -> None:
    page.wait_for_selector(".mulu-catalogue[data-ready]")


def _count(page) -> int:
    text = page.locator(".mulu-count").inner_text()
    match = re.search(r"共 (\d+) 条", text)
    return int(match.group(1)) if match else 0


def _options(page, name: str) -> list[tuple[str, str, bool]]:
    """(value, text, offered) of the select's options other than 全部."""
    return [tuple(o) for o in page.eval_on_selector_all(
        f"#f-{name} option", "os => os.filter(o => o.value).map(o => [o.value, o.textContent, !o.hidden && !o.disabled])")]


def test_occupation_options_follow_the_region_and_their_counts_equal_the_rows(page, site_url, sample_site):
    programmes = _records(sample_site, "programmes")
    in_zibo = set().union(*(_occupations("programmes", p) for p in programmes if str(p["region"]).startswith(ZIBO[:4])))
    elsewhere = set().union(*(_occupations("programmes", p) for p in programmes)) - in_zibo
    assert in_zibo and elsewhere   # the sample has occupations only outside 淄博市
    page.goto(site_url + "programmes/")
    _ready(page)
    page.select_option("#f-region", ZIBO)
    page.wait_for_url(f"**region={ZIBO}*")
    options = _options(page, "occ")
    assert {v for v, _, offered in options if offered} == in_zibo
    assert {v for v, _, offered in options if not offered} == elsewhere
    for value, text, _ in [o for o in options if o[2]]:
        shown = int(re.search(r"（(\d+)）$", text).group(1))
        page.select_option("#f-occ", value)
        page.wait_for_url(f"**occ={value}*")
        rows = page.locator(".mulu-catalogue-table tbody tr").count()
        assert shown == _count(page) == rows, (text, _count(page), rows)
        page.select_option("#f-occ", "")
        page.wait_for_function("!location.search.includes('occ=')")
    # Region options count the rows of their sub-regions, for the current selection.
    total = _count(page)
    assert any(v == ZIBO and text.endswith(f"（{total}）") for v, text, _ in _options(page, "region"))


def test_status_counts_equal_rows(page, site_url):
    page.goto(site_url + "institutions/")
    _ready(page)
    for value, text, offered in _options(page, "status"):
        if not offered:
            continue
        page.select_option("#f-status", value)
        page.wait_for_function("v => new URLSearchParams(location.search).get('status') === v", arg=value)
        assert int(re.search(r"（(\d+)）$", text).group(1)) == _count(page), text


def test_empty_result_offers_the_next_steps(page, site_url, sample_site):
    """A prefecture whose institutions teach none of an occupation taught in its province: the
    empty result offers the province, dropping each filter, and 机构查询."""
    records = _records(sample_site, "institutions")
    pairs = [(str(r["region"])[:4] + "00", occ) for r in records for occ in _occupations("institutions", r)]
    prefectures = {p for p, _ in pairs if not p.endswith("0000")}
    prefecture, occ = next((p, o) for p in sorted(prefectures) for o in sorted({o for q, o in pairs if q[:2] == p[:2]})
                           if (p, o) not in pairs)
    province = prefecture[:2] + "0000"
    page.goto(site_url + f"institutions/?region={prefecture}&occ={occ}")
    _ready(page)
    assert "没有符合条件的记录" in page.locator(".mulu-count").inner_text()
    empty = page.locator(".mulu-empty")
    assert empty.is_visible()
    assert empty.get_by_role("link", name=re.compile("机构查询")).get_attribute("href") == "../check/"
    up = empty.get_by_role("button", name=re.compile("改为上级地区"))
    expected = int(re.search(r"（(\d+) 条）", up.inner_text()).group(1))
    up.click()
    page.wait_for_url(f"**region={province}*")
    assert _count(page) == expected > 0
    assert page.input_value("#f-region") == province and page.input_value("#f-occ") == occ
    # Dropping the occupation instead keeps the prefecture.
    page.goto(site_url + f"institutions/?region={prefecture}&occ={occ}")
    _ready(page)
    drop = page.locator(".mulu-empty").get_by_role("button", name=re.compile("去掉“职业"))
    expected = int(re.search(r"（(\d+) 条）", drop.inner_text()).group(1))
    drop.click()
    page.wait_for_function("!location.search.includes('occ=')")
    assert _count(page) == expected > 0 and page.input_value("#f-region") == prefecture


def test_catalogue_reads_without_javascript(browser, site_url, sample_site):
    names = [r["name"] for r in _records(sample_site, "institutions")]
    context, page = _page(browser, 1280, java_script_enabled=False)
    try:
        page.goto(site_url + "institutions/")
        assert "正在加载" not in page.content()
        assert _count(page) == len(names)
        rows = page.locator(".mulu-catalogue-table tbody tr")
        assert rows.count() == min(50, len(names))
        assert set(rows.locator("td:first-child").all_inner_texts()) <= set(names)
        assert not page.locator(".mulu-filters").is_visible()   # a form that cannot work is not offered
        assert "CSV" in page.locator("article").inner_text()
        first = rows.first.locator("a")
        name = first.inner_text()
        first.click()
        assert page.locator("h1").inner_text() == name
    finally:
        context.close()


_OVERFLOW = """() => {
  const article = document.querySelector('article');
  const out = [];
  for (const t of article.querySelectorAll('table')) {
    if (!t.getClientRects().length) continue;
    const box = t.closest('.mulu-table-wrap') || t.parentElement;
    const r = t.getBoundingClientRect(), a = article.getBoundingClientRect();
    if (r.right > a.right + 1 || box.scrollWidth > box.clientWidth + 1)
      out.push((t.caption ? t.caption.textContent : t.className) + ' ' + Math.round(r.width) + '>' + Math.round(a.width));
  }
  return out;
}"""

# Headers of visible tables at least two characters wide (never one character per line).
_NARROW_HEADERS = """() => Array.from(document.querySelectorAll('article th')).filter(th => {
  if (!th.getClientRects().length || th.textContent.trim().length < 2) return false;
  const head = th.closest('thead');   // on phones a card table's head is only for screen readers
  if (head && head.getBoundingClientRect().width <= 2) return false;
  return th.getBoundingClientRect().width < 2 * parseFloat(getComputedStyle(th).fontSize);
}).map(th => th.textContent)"""

# Cells holding one token (date, code, 文号) whose text wraps onto a second line.
_BROKEN_TOKENS = """(labels) => Array.from(document.querySelectorAll('article td[data-label]')).filter(td => {
  if (!labels.includes(td.dataset.label) || !td.getClientRects().length || !td.textContent.trim()) return false;
  const range = document.createRange();
  range.selectNodeContents(td);
  const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
  return tops.size > 1;
}).map(td => td.dataset.label + ': ' + td.textContent)"""


def _table_pages(sample_site: Path) -> list[str]:
    config = yaml.safe_load((sample_site / "registry" / "config.yml").read_text(encoding="utf-8"))
    notice = sorted((sample_site / "registry" / "notices").glob("*.yml"))[-1].stem
    return ["", "programmes/", "institutions/", "notices/", "changes/", "stats/", "jurisdictions/",
            *[f"jurisdictions/{code}/" for code in config["jurisdictions"]], f"notices/{notice}/", "editions/"]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_table_is_wider_than_its_container(browser, site_url, sample_site, width):
    context, page = _page(browser, width)
    seen = 0
    try:
        for path in _table_pages(sample_site):
            page.goto(site_url + path)
            if page.locator(".mulu-catalogue").count():
                _ready(page)
            seen += page.locator("article table").count()
            assert page.evaluate(_OVERFLOW) == [], (path, width)
            assert page.evaluate(_NARROW_HEADERS) == [], (path, width)
            assert page.evaluate(_BROKEN_TOKENS, list(TOKEN_LABELS)) == [], (path, width)
    finally:
        context.close()
    assert seen > 20


def test_jurisdiction_table_shows_its_total_column(browser, site_url):
    for width in WIDTHS:
        context, page = _page(browser, width)
        try:
            page.goto(site_url)
            table = page.locator("table", has=page.locator("caption", has_text="各辖区"))
            cell = table.locator("tbody tr").first.locator("td").last
            assert cell.get_attribute("data-label") == "合计" and cell.is_visible()
            box, article = cell.bounding_box(), page.locator("article").bounding_box()
            assert box["x"] + box["width"] <= article["x"] + article["width"] + 1, width
        finally:
            context.close()


def test_footer_shows_the_configured_organizer_and_phones(page, site_url, sample_site):
    contact = yaml.safe_load((sample_site / "registry" / "config.yml").read_text(encoding="utf-8"))["contact"]
    institution = sorted((sample_site / "registry" / "institutions").glob("*.yml"))[0].stem
    for path in ("", "check/", f"institutions/{institution}/"):
        page.goto(site_url + path)
        footer = page.locator("footer").inner_text()
        assert f"主办单位：{contact['organizer']}" in footer, path
        assert f"咨询电话：{contact['phone']}" in footer and f"监督投诉电话：{contact['complaint_phone']}" in footer
        assert "示例" in contact["phone"] and "示例" in contact["complaint_phone"]   # the sample's numbers are marked


def test_subscribe_page_is_linked_and_every_feed_it_lists_is_a_feed(page, site_url):
    page.goto(site_url)
    page.locator("footer").get_by_role("link", name="订阅更新").click()
    page.wait_for_url("**/subscribe/")
    assert page.locator("h1").inner_text() == "订阅更新" and "Atom" in page.locator("article").inner_text()
    feeds = page.locator("ul.mulu-feed-list a")
    names = feeds.all_inner_texts()
    assert names[0] == "全部调整" and "培训机构目录调整" in names
    for href in page.eval_on_selector_all("ul.mulu-feed-list a", "as => as.map(a => a.href)"):
        response = page.request.get(href)
        assert response.ok and b"<feed" in response.body(), href


def test_notice_page_hides_its_id_and_links_the_original(page, site_url, sample_site):
    path = sample_site / "registry" / "notices" / "test-2024-01.yml"   # tests/browser/records: has a url
    notice = yaml.safe_load(path.read_text(encoding="utf-8"))
    page.goto(site_url + f"notices/{notice['id']}/")
    fields = page.locator("article dl.mulu-fields").first
    assert notice["id"] not in fields.inner_text() and notice["number"] in fields.inner_text()
    original = fields.locator(f'a[href="{notice["url"]}"]')
    assert original.count() == 1 and "external" in original.get_attribute("rel")
    page.goto(site_url + "notices/")   # the list links the original too, only for notices that give one
    given = {n["url"] for n in _records(sample_site, "notices") if n.get("url")}
    hrefs = page.eval_on_selector_all("article td a", "as => as.filter(a => a.textContent === '原文').map(a => a.href)")
    assert set(hrefs) == given and notice["url"] in hrefs


def _axe_violations(page) -> list[tuple[str, str, list[str]]]:
    page.add_script_tag(path=str(AXE))
    return [tuple(v) for v in page.evaluate("""async () => (await axe.run(document)).violations
        .map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))])""")]


def test_axe_finds_nothing_on_the_main_pages(page, site_url, sample_site):
    if not AXE.is_file():
        pytest.skip("axe-core 未安装：请在项目目录运行 npm ci")
    institution = sorted((sample_site / "registry" / "institutions").glob("*.yml"))[0].stem
    programme = sorted((sample_site / "registry" / "programmes").rglob("*.yml"))[0].stem
    paths = ["", "programmes/", f"programmes/?region={ZIBO}&q=没有这个词", f"programmes/{programme}/",
             f"institutions/{institution}/", "check/", f"check/?q={institution}", "changes/", "stats/", "subscribe/"]
    found = {}
    for path in paths:
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        if violations := _axe_violations(page):
            found[path] = violations
    assert found == {}
