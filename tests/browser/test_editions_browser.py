"""Edition pages in headless Chromium: from the catalogue page's in-force edition to the
edition's own page and its comparison with the previous edition (scripted repository)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from helpers.browser import serve
from helpers.editions import E2025, LOWERED, RAISED, build_edition_repo
from helpers.project import run_mulu

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory):
    repo = build_edition_repo(tmp_path_factory.mktemp("editions-site") / "project", publish_2025=True)
    result = run_mulu("build", "--no-search", cwd=repo.root)
    assert result.code == 0, result.out + result.err
    with serve(repo.root / "site") as url:
        yield url


def test_in_force_edition_link_leads_to_the_edition_and_its_comparison(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(site_url + "programmes/")
        in_force = page.locator(".mulu-editions-in-force li", has_text="河北省")
        assert "现行" in in_force.inner_text()
        in_force.get_by_role("link", name="2025年版").click()
        page.wait_for_url(f"**/editions/programmes/130000/{E2025}/")
        assert page.locator("h1").inner_text() == "河北省 政府补贴培训目录 2025年版"
        rows = page.locator("table.mulu-edition-rows tbody tr")
        assert rows.count() == 5
        assert page.get_by_role("link", name="CSV").get_attribute("href") == f"{E2025}.csv"
        page.get_by_role("link", name="与上一版比较：新增、移出、修改和补贴标准的升降").click()
        page.wait_for_url(f"**/editions/programmes/130000/{E2025}/compare/")
        summary = page.locator(".mulu-edition-summary").inner_text()
        assert summary == "新增 1 项，移出 1 项，修改 2 项；补贴标准上调 1 项、下调 1 项"
        amounts = page.locator("table.mulu-edition-amounts tbody tr")
        assert amounts.count() == 2
        texts = [amounts.nth(i).inner_text() for i in range(2)]
        assert any(str(RAISED[2]) in t and str(RAISED[3]) in t and f"+{RAISED[3] - RAISED[2]}" in t for t in texts)
        assert any(str(LOWERED[2]) in t and str(LOWERED[3]) in t for t in texts)
        # Back to the list of editions through the breadcrumb: both editions, the older one replaced.
        page.locator(".mulu-crumbs").get_by_role("link", name="河北省 政府补贴培训目录").click()
        page.wait_for_url("**/editions/programmes/130000/")
        listing = page.locator("table.mulu-edition-list").inner_text()
        assert "2024年版" in listing and "已被2025年版取代" in listing
    finally:
        context.close()
    assert errors == []
    hosts = {urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https")}
    assert hosts <= {"127.0.0.1"}
