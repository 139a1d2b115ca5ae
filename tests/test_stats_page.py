"""The statistics page: SVG charts drawn at build time, with titles and their numbers, and
nothing fetched from another host."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers.browser import AXE, serve
from helpers.scripted import make_history_project
from mulu.core.loading import load_file
from mulu.project import open_project
from mulu.site.model import SiteContext
from mulu.site.providers import PROVIDERS
from mulu.site.stats_page import stats_pages


def test_page_is_registered_and_says_when_history_is_missing(project: Path) -> None:
    assert stats_pages in PROVIDERS
    registry = open_project(project).registry
    page = next(stats_pages(registry, SiteContext(generated_at="2024-01-01T00:00:00Z")))
    assert page.path == "stats/" and page.nav is not None
    assert page.html.count('<svg xmlns="http://www.w3.org/2000/svg" class="mulu-chart"') == 3
    assert "历史记录不可用" in page.html
    assert "<script" not in page.html


def test_registry_text_is_escaped_in_charts(project: Path) -> None:
    for name in ("occupations", "occupation_overlay"):  # the curated overlay repeats the name as a check
        occupations = project / f"registry/reference/{name}.yml"
        text = occupations.read_text(encoding="utf-8").replace('name: "养老护理员"', "name: 养老护理员")
        occupations.write_text(text.replace("name: 养老护理员", "name: '<img src=x onerror=alert(1)>养老护理员'"),
                               encoding="utf-8")
    opened = open_project(project)
    assert opened.registry is not None, opened.problems[:3]
    html = next(stats_pages(opened.registry, SiteContext(generated_at="2024-01-01T00:00:00Z"))).html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;养老护理员" in html


@pytest.fixture(scope="module")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample registry in git with two adjustments (see test_stats), built with ``mulu build``."""
    project = make_history_project(tmp_path_factory.mktemp("stats-site") / "project")
    result = subprocess.run([sys.executable, "-m", "mulu", "build", "--no-search"], cwd=project, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def stats_url(history_site: Path):
    with serve(history_site / "site") as url:
        yield url + "stats/"


def inspect_page(browser, url: str, width: int) -> dict:
    """What headless Chromium finds on ``url``: charts, requests, script errors, axe violations."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen: dict = {"requests": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    seen["charts"] = [{"id": chart.get_attribute("id"), "role": chart.get_attribute("role"),
                       "title": chart.locator("title").first.text_content(),
                       "desc": chart.locator("desc").first.text_content(),
                       "width": chart.bounding_box()["width"], "visible": chart.is_visible(),
                       "texts": chart.locator("text").all_text_contents(),
                       "bar_titles": chart.locator("rect > title").all_text_contents()}
                      for chart in page.locator("svg.mulu-chart").all()]
    page.locator("details.mulu-chart-data summary").first.click()
    seen["table_visible"] = page.locator("details.mulu-chart-data table").first.is_visible()
    if AXE.is_file():
        page.add_script_tag(path=str(AXE))
        # The page body only: the theme's header and footer are checked by the site's own tests.
        seen["axe"] = page.evaluate(
            "async () => (await axe.run({include: [['.md-content']]}, {resultTypes: ['violations']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    page.close()
    return seen


def _counts(project: Path, kind: str, prefix: str) -> int:
    n = 0
    for path in (project / "registry" / kind).glob("*.yml"):
        doc, _ = load_file(path, path.name)
        n += doc is not None and str(doc.data.get("region", "")).startswith(prefix)
    return n


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_charts_in_chromium(stats_url: str, history_site: Path, width: int, browser) -> None:
    seen = inspect_page(browser, stats_url, width)
    charts = {c["id"]: c for c in seen["charts"]}
    assert list(charts) == ["chart-jurisdictions", "chart-subsidy", "chart-occupations", "chart-adjustments"]
    for chart in charts.values():
        assert chart["role"] == "img" and chart["title"].strip() and chart["desc"].strip()
        assert chart["visible"] and chart["width"] > 300  # drawn, not collapsed
    # Numbers are written in the charts: programmes in 黑龙江省 as counted from the files.
    hlj = _counts(history_site, "programmes", "23")
    assert f"{hlj} 条" in charts["chart-jurisdictions"]["texts"]
    assert f"黑龙江省·培训项目：{hlj} 条" in charts["chart-jurisdictions"]["bar_titles"]
    assert f"黑龙江省：培训项目 {hlj} 条" in charts["chart-jurisdictions"]["desc"]
    # Subsidy by level, and the occupations with most programmes.
    assert any(t.startswith("五级") and "中位数" in t for t in charts["chart-subsidy"]["texts"])
    listed = Counter()
    for path in (history_site / "registry" / "programmes").glob("*.yml"):
        doc, _ = load_file(path, path.name)
        if doc and doc.data.get("status") == "在册" and "occupation" in doc.data:
            listed[doc.data["occupation"]["code"]] += 1
    # The two programmes the history added are 家政服务员, which now leads.
    assert listed.most_common(1)[0][0] == "4-10-01-06"
    assert charts["chart-occupations"]["texts"][:2] == ["家政服务员", f"{listed['4-10-01-06']} 个"]
    # The history: 统测1号 lists two programmes and withdraws one, 统测2号 suspends one institution.
    titles = charts["chart-adjustments"]["bar_titles"]
    assert "2024-12-01 黑人社统测〔2024〕1号·新增：2 条" in titles
    assert "2024-12-01 黑人社统测〔2024〕1号·移出：1 条" in titles
    assert "2025-01-15 黑人社统测〔2025〕2号·暂停：1 条" in titles
    hosts = {urlparse(u).hostname for u in seen["requests"] if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, hosts
    assert not seen["errors"]
    assert seen["table_visible"]  # the figures are in the page's text too, below each chart
    if AXE.is_file():
        assert seen["axe"] == []  # no serious accessibility violation in the page body


def test_top_occupation_matches_files(history_site: Path) -> None:
    html = (history_site / "site" / "stats" / "index.html").read_text(encoding="utf-8")
    codes = Counter()
    for path in (history_site / "registry" / "programmes").glob("*.yml"):
        doc, _ = load_file(path, path.name)
        if doc and doc.data.get("status") == "在册" and "occupation" in doc.data:
            codes[doc.data["occupation"]["code"]] += 1
    top = max(codes.values())
    assert f"：{top} 个</title>" in html
