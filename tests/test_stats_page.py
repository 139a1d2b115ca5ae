"""The statistics page: SVG charts drawn at build time, with titles and their numbers, and
nothing fetched from another host."""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from mulu.loading import load_file
from mulu.project import open_project
from mulu.site.model import SiteContext
from mulu.site.providers import PROVIDERS
from mulu.site.stats_page import stats_pages

from test_history_repo import EVIL, Scripted, scripted_repo  # noqa: F401  (fixture)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def test_page_is_registered_and_says_when_history_is_missing(project: Path) -> None:
    assert stats_pages in PROVIDERS
    registry = open_project(project).registry
    page = next(stats_pages(registry, SiteContext(generated_at="2024-01-01T00:00:00Z")))
    assert page.path == "stats/" and page.nav is not None
    assert page.html.count('<svg xmlns="http://www.w3.org/2000/svg" class="mulu-chart"') == 3
    assert "历史记录不可用" in page.html
    assert "<script" not in page.html


def test_registry_text_is_escaped_in_charts(project: Path) -> None:
    occupations = project / "registry/reference/occupations.yml"
    text = occupations.read_text(encoding="utf-8")
    occupations.write_text(text.replace("name: 养老护理员", "name: '<img src=x onerror=alert(1)>养老护理员'"),
                           encoding="utf-8")
    opened = open_project(project)
    assert opened.registry is not None, opened.problems[:3]
    html = next(stats_pages(opened.registry, SiteContext(generated_at="2024-01-01T00:00:00Z"))).html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;养老护理员" in html


@pytest.fixture(scope="module")
def history_site(scripted_repo: Scripted, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scripted repository (sample registry + four adjustments), built with ``mulu build``."""
    clone = tmp_path_factory.mktemp("stats-site") / "project"
    subprocess.run(["git", "clone", "-q", str(scripted_repo.root), str(clone)], check=True)
    result = subprocess.run([sys.executable, "-m", "mulu", "build", "--no-search"], cwd=clone, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return clone


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def stats_url(history_site: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(history_site / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/stats/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("需要 Debian 的 chromium（/usr/bin/chromium）")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _counts(project: Path, kind: str, prefix: str) -> int:
    n = 0
    for path in (project / "registry" / kind).glob("*.yml"):
        doc, _ = load_file(path, path.name)
        n += doc is not None and str(doc.data.get("region", "")).startswith(prefix)
    return n


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_charts_in_chromium(chromium, stats_url: str, history_site: Path, width: int) -> None:
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(stats_url)
    page.wait_for_load_state("networkidle")
    try:
        charts = page.locator("svg.mulu-chart")
        assert charts.count() == 4
        for i in range(4):
            chart = charts.nth(i)
            assert chart.get_attribute("role") == "img"
            assert chart.locator("title").first.text_content().strip()
            assert chart.locator("desc").first.text_content().strip()
            assert chart.bounding_box()["width"] > 300  # drawn, not collapsed
        # Numbers are written in the charts: programmes in 黑龙江省 as counted from the files.
        jurisdictions = page.locator("#chart-jurisdictions")
        hlj = _counts(history_site, "programmes", "23")
        assert f"{hlj} 条" in jurisdictions.locator("text").all_text_contents()
        assert f"黑龙江省·培训项目：{hlj} 条" in jurisdictions.locator("rect > title").all_text_contents()
        # Subsidy by level, occupations with most programmes.
        assert any(t.startswith("五级") and "中位数" in t for t in page.locator("#chart-subsidy text").all_text_contents())
        occupations = page.locator("#chart-occupations text").all_text_contents()
        assert "电工" in occupations
        # The history: 1号 lists three programmes, 3号 suspends one, 4号 withdraws one.
        adjustments = page.locator("#chart-adjustments")
        titles = adjustments.locator("rect > title").all_text_contents()
        assert "2024-03-01 黑人社测〔2024〕1号·新增：3 条" in titles
        assert "2024-08-01 黑人社测〔2024〕3号·暂停：1 条" in titles
        assert "2024-09-01 黑人社测〔2024〕4号·移出：1 条" in titles
        assert adjustments.is_visible()
        hosts = {urlparse(u).hostname for u in requested if urlparse(u).scheme in ("http", "https", "ws", "wss")}
        assert hosts == {"127.0.0.1"}, hosts
        assert not errors
        # The figures are in the page's text too (tables below the charts).
        page.locator("details.mulu-chart-data summary").first.click()
        assert page.locator("details.mulu-chart-data table").first.is_visible()
    finally:
        context.close()


def test_top_occupation_matches_files(history_site: Path) -> None:
    html = (history_site / "site" / "stats" / "index.html").read_text(encoding="utf-8")
    codes = Counter()
    for path in (history_site / "registry" / "programmes").glob("*.yml"):
        doc, _ = load_file(path, path.name)
        if doc and doc.data.get("status") == "在册" and "occupation" in doc.data:
            codes[doc.data["occupation"]["code"]] += 1
    top = max(codes.values())
    assert f"：{top} 个</title>" in html
    assert EVIL not in html  # notice summaries never reach this page unescaped
