"""Issue 13 on the built sample site: the occupation hierarchy in the catalogue filter, the
等级设置未核实 mark, online platforms and the 术语说明 page, in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.browser import serve

pytestmark = pytest.mark.browser
PLATFORM = "91130100MA0FKX8T2Q"   # 冀学技能线上培训平台 (registry/institutions)


@pytest.fixture(scope="module")
def site_url(sample_site: Path):
    with serve(sample_site / "site") as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.requests = requests  # type: ignore[attr-defined]
    yield page
    context.close()


def rows(page) -> list[str]:
    page.wait_for_function("!document.querySelector('.mulu-count').textContent.includes('正在加载')")
    return page.locator(".mulu-catalogue-table tbody tr").all_inner_texts()


def count(page) -> int:
    match = re.search(r"共 (\d+) 条", page.locator(".mulu-count").inner_text())
    return int(match.group(1)) if match else 0


def test_keyword_filter_finds_occupations_by_code_prefix_and_group_name(page, site_url):
    page.goto(site_url + "programmes/?q=6-31")
    found = rows(page)
    assert found and all("电工" in r or "维修" in r or "钳工" in r or "机器人" in r for r in found), found
    by_code = count(page)
    page.goto(site_url + "programmes/?q=机械设备修理人员")   # the 小类 of 电工: in no record's text
    assert any("电工" in r for r in rows(page))
    page.goto(site_url + "programmes/?q=不存在的职业类别")
    rows(page)
    assert "没有符合条件的记录" in page.locator(".mulu-count").inner_text() and by_code > 0


def test_online_platforms_in_catalogue_and_record_page(page, site_url):
    page.goto(site_url + "institutions/?q=线上培训平台")
    found = rows(page)
    assert count(page) == 3 and all("线上" in r for r in found), found
    page.goto(site_url + f"institutions/{PLATFORM}/")
    body = page.locator("article").inner_text()
    assert "平台网址" in body and "冀ICP备20240001号" in body and "已通过" in body and "培训方式" in body
    assert "地址\n" not in body
    link = page.locator('a[href="https://jixue-peixun.example.cn/"]').first
    assert "noopener" in (link.get_attribute("rel") or "")
    # 电子商务师 has no checked levels: the page says so next to the occupation.
    assert page.locator(".mulu-unverified", has_text="等级设置未核实").count() >= 1
    assert {u.split("/")[2] for u in page.requests if u.startswith("http")} == {site_url.split("/")[2]}


def test_vocabulary_page_explains_terms(page, site_url):
    page.goto(site_url + "vocabularies/")
    text = page.locator("article").inner_text()
    for term in ("特种作业操作证", "项目制培训", "企业新型学徒制", "以工代训", "职业培训包", "线上培训平台"):
        assert term in text
    assert page.locator("h2#certificates").inner_text() == "证书类型"


def test_shortage_catalogue_and_raised_subsidy(page, site_url):
    page.goto(site_url + "shortages/?region=230000")
    found = rows(page)
    assert count(page) == 5 and any("黑龙江省2024年度急需紧缺职业（工种）目录" in r for r in found), found
    page.locator(".mulu-catalogue-table tbody tr a", has_text="黑龙江省2024年度").first.click()
    page.wait_for_selector("#raised")
    assert "养老护理员" in page.locator("section.mulu-shortage").inner_text()
    page.locator("section.mulu-shortage a", has_text="养老护理员").first.click()
    section = page.locator("section.mulu-standards").inner_text()   # the programme's standards table
    assert "上浮 30%" in section and "910 元" in section


def test_qualifications_explain_the_difference_and_demands_show_gaps(page, site_url):
    page.goto(site_url + "qualifications/?q=准入类")
    found = rows(page)
    assert found and all("准入类" in r for r in found)
    assert "职业技能等级由经备案的认定机构" in page.locator("article").inner_text()
    page.goto(site_url + "demands/supply/")
    text = page.locator("article").inner_text()
    assert "共 22 项需求" in text and "无补贴培训项目、无培训机构" in text
    page.locator("a", has_text="淄博市养老护理员四级培训需求").first.click()
    supply = page.locator("section.mulu-supply").inner_text()
    assert "养老护理员" in supply and "淄博市张店区齐鲁职业技能培训学校" in supply
