"""Effective statuses as the public sees them, in headless Chromium: the same record built
for two as-of dates reads differently on its page, in the API and on the check page; a build
with no as-of date uses today in China."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from helpers.browser import AXE, serve
from helpers.dates import ENV_AS_OF
from helpers.project import copy_project, run_mulu

pytestmark = pytest.mark.browser
LICENCE = "12230000414002874A"   # licence valid to 2026-11-30 in the sample
BARRED = "52130602MJ11664076"    # withdrawn, barred until 2028-03-18
OVERDUE = "52230203MJ05231857"   # suspended until 2024-09-30, no notice since
SPEC_OLD, SPEC_NEW = "zb-zx-2022-001", "zb-zx-2023-001"


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory: pytest.TempPathFactory):
    """The sample built as of 2026-11-30 (licence ends that day) and as of 2026-12-01."""
    project = copy_project(tmp_path_factory.mktemp("as-of") / "project")
    sites = {}
    for day in ("2026-11-30", "2026-12-01"):
        out = project / f"site-{day}"
        result = run_mulu("build", "--no-search", "--as-of", day, "--out", str(out), cwd=project)
        assert result.code == 0, result.out + result.err
        assert f"状态核算日期 {day}" in result.out
        sites[day] = out
    with serve(sites["2026-11-30"]) as before, serve(sites["2026-12-01"]) as after:
        yield {"2026-11-30": before, "2026-12-01": after}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _check(page, base: str, query: str) -> str:
    page.goto(base + f"check/?q={query}")
    answer = page.locator(".mulu-answer").first
    answer.wait_for()
    return answer.inner_text().strip()


@pytest.mark.parametrize("day, word, banner, api_code", [
    ("2026-11-30", "在册（2026-11-30 到期）", "即将到期", "expiring"),
    ("2026-12-01", "资质已过期", "资质已过期", "expired"),
])
def test_two_as_of_dates_give_two_answers(two_sites, page, day: str, word: str, banner: str, api_code: str) -> None:
    base = two_sites[day]
    page.goto(base + f"institutions/{LICENCE}/")
    text = page.locator(".mulu-banner").first.inner_text()
    assert banner in text and f"按 {day} 核算" in text and "licence.valid_to" in text and "2026-11-30" in text
    assert f"状态核算日期 {day}" in page.locator(".md-footer").inner_text()
    subsidised = page.locator("dt", has_text="承担补贴性培训").locator("xpath=following-sibling::dd[1]").inner_text()
    assert subsidised.startswith("是" if api_code == "expiring" else "否（当前状态为“已过期”")
    api = json.loads(page.goto(base + f"api/v1/institutions/{LICENCE}.json").text())
    assert (api["effective_status"], api["as_of"]) == (api_code, day)
    assert "2026-11-30" in api["effective_reason"]
    index = json.loads(page.goto(base + "api/v1/index.json").text())
    assert index["as_of"] == day
    assert _check(page, base, LICENCE) == word
    assert f"状态核算日期{day}" in page.locator(".mulu-check__result").inner_text().replace("\n", "")


def test_check_page_says_when_a_ban_ends_and_that_a_suspension_is_overdue(two_sites, page) -> None:
    base = two_sites["2026-11-30"]
    assert _check(page, base, BARRED) == "已移出（至 2028-03-18 前不得重新列入）"
    assert _check(page, base, OVERDUE) == "暂停期已满待公告"
    assert "status_change.until" in page.locator(".mulu-check__result").inner_text()


def test_catalogue_filters_by_effective_status(two_sites, page) -> None:
    base = two_sites["2026-12-01"]
    page.goto(base + "institutions/")
    page.locator(".mulu-catalogue-table tbody tr").first.wait_for()
    page.select_option("#f-status", "已过期")
    page.wait_for_url("**status=*")
    names = page.locator(".mulu-catalogue-table tbody td:first-child").all_inner_texts()
    statuses = page.locator(".mulu-catalogue-table tbody td:last-child").all_inner_texts()
    assert names == ["黑龙江省龙兴技师学院"] and statuses == ["已过期"]
    page.select_option("#f-status", "有效")
    page.wait_for_function("document.querySelectorAll('.mulu-catalogue-table tbody tr').length > 1")
    shown = set(page.locator(".mulu-catalogue-table tbody td:last-child").all_inner_texts())
    assert shown <= {"在册", "即将到期"} and "即将到期" in shown


def test_withdrawn_spec_links_to_its_replacement(two_sites, page) -> None:
    page.goto(two_sites["2026-11-30"] + f"specs/{SPEC_OLD}/")
    page.locator(f".mulu-banner a[href*='{SPEC_NEW}']").click()
    page.wait_for_url(f"**/specs/{SPEC_NEW}/")


def test_home_and_jurisdiction_counts_follow_the_as_of_date(two_sites, page) -> None:
    counts = {}
    for day, base in two_sites.items():
        page.goto(base)
        row = page.locator("table", has_text="各类目录的记录数").locator("tr", has_text="培训机构目录")
        cells = dict(zip(page.locator("table", has_text="各类目录的记录数").locator("th").all_inner_texts(),
                         row.locator("td").all_inner_texts()))
        counts[day] = cells
    assert counts["2026-11-30"].get("已过期", "0") == "0"
    assert counts["2026-12-01"]["已过期"] == "1"
    assert int(counts["2026-12-01"]["即将到期"]) == int(counts["2026-11-30"]["即将到期"]) - 1


def test_real_time_build_shows_a_licence_that_ended_yesterday_as_expired(browser, page, tmp_path: Path,
                                                                         monkeypatch) -> None:
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()
    project = copy_project(tmp_path / "project")
    path = project / "registry" / "institutions" / f"{LICENCE}.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("valid_to: 2026-11-30", f"valid_to: {yesterday}"), encoding="utf-8")
    monkeypatch.delenv(ENV_AS_OF)   # no --as-of, no MULU_AS_OF: today in Asia/Shanghai
    assert ENV_AS_OF not in os.environ
    result = run_mulu("build", "--no-search", cwd=project)
    assert result.code == 0, result.out + result.err
    with serve(project / "site") as base:
        assert _check(page, base, LICENCE) == "资质已过期"
        assert yesterday in page.locator(".mulu-check__result").inner_text()


def test_search_results_carry_the_effective_status_badge(sample_site: Path, page) -> None:
    """The session's sample site is built with search, as of MULU_AS_OF (2026-11-30)."""
    with serve(sample_site / "site") as base:
        page.goto(base)
        for query, name, badge in (("龙兴技师学院", "黑龙江省龙兴技师学院", "即将到期"),
                                   ("蓝天家政", "保定市竞秀区蓝天家政职业培训学校", "已移出（禁入期内）")):
            page.goto(f"{base}search/?q={query}&kind=institutions")   # the results page lists every hit
            hit = page.locator("#mulu-search-page .mulu-search__hit", has=page.locator("a", has_text=name)).filter(
                has=page.locator(".mulu-search__kind", has_text="培训机构")).first
            hit.wait_for(timeout=15000)
            assert hit.locator(".mulu-status").first.inner_text() == badge


@pytest.mark.parametrize("day, path", [("2026-11-30", f"institutions/{LICENCE}/"), ("2026-12-01", f"institutions/{LICENCE}/"),
                                       ("2026-11-30", f"institutions/{BARRED}/"), ("2026-11-30", f"check/?q={OVERDUE}"),
                                       ("2026-12-01", "institutions/?status=已过期")])
def test_new_banners_and_badges_have_no_serious_accessibility_violations(two_sites, page, day: str, path: str) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core 未安装：请在项目目录运行 npm ci")
    page.goto(two_sites[day] + path)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id)""")
    assert violations == []
