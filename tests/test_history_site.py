"""The changelog as the public sees it: the page, notice pages, record timelines, feeds and
``changes.json``, rendered from the scripted repository."""

from __future__ import annotations

import json
import re
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from helpers.browser import AXE, serve
from helpers.scripted import EVIL, Scripted
from mulu.history.log import load_history
from mulu.project import open_project
from mulu.site.changelog import changelog_provider, notice_changes, record_timeline
from mulu.site.model import Page, SiteContext


@pytest.fixture(scope="module")
def site(scripted_repo: Scripted):
    """(registry, ctx, {path: output}) of the scripted repository."""
    registry = open_project(scripted_repo.root).registry
    assert registry is not None
    ctx = SiteContext(generated_at="2024-11-05T10:00:00+08:00", revision=scripted_repo.commits["rename"],
                      repo_url="https://gitee.com/example/mulu", extras={"history": load_history(scripted_repo.root)})
    outputs = {item.path: item for item in changelog_provider(registry, ctx)}
    return registry, ctx, outputs


class Sections(HTMLParser):
    """Text of each changelog section, by its heading id, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []
        self.text: dict[str, str] = {}
        self.depth = 0
        self.current = ""

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.depth += 1
        if tag == "h2" and self.depth and dict(attrs).get("id"):
            self.current = dict(attrs)["id"]
            self.order.append(self.current)
            self.text[self.current] = ""

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth -= 1
            self.current = ""

    def handle_data(self, data):
        if self.current:
            self.text[self.current] += data


def sections(html: str) -> Sections:
    parser = Sections()
    parser.feed(html)
    return parser


def test_changelog_page_is_in_the_navigation(site) -> None:
    _, _, outputs = site
    page = outputs["changes/"]
    assert isinstance(page, Page) and page.nav == "调整记录"


def test_changelog_lists_notices_newest_first_with_their_facts(site) -> None:
    _, _, outputs = site
    parsed = sections(outputs["changes/"].html)
    ours = [k for k in parsed.order if k.startswith("notice-t-")]
    assert ours == ["notice-t-2024-04", "notice-t-2024-03", "notice-t-2024-02", "notice-t-2024-01"]
    first = parsed.text["notice-t-2024-01"]
    for fact in ("黑人社测〔2024〕1号", "2024-03-01", "黑龙江省人力资源和社会保障厅", "电工", "焊工", "养老护理员"):
        assert fact in first
    assert "新增 3 条" in first


def test_changelog_shows_old_and_new_values(site) -> None:
    _, _, outputs = site
    text = sections(outputs["changes/"].html).text["notice-t-2024-02"]
    assert re.search(r"各等级标准（四级） › 补贴标准（元/人）：\s*1000 → 1200", text)
    assert re.search(r"培训课时：\s*160 → 200", text)
    withdrawal = sections(outputs["changes/"].html).text["notice-t-2024-04"]
    assert "移出" in withdrawal and "连续两年无人参训" in withdrawal


def test_corrections_are_marked(site, scripted_repo: Scripted) -> None:
    _, _, outputs = site
    key = f"correction-{scripted_repo.commits['correction'][:12]}"
    text = sections(outputs["changes/"].html).text[key]
    assert "更正" in text and "未依据调整公告" in text
    assert "面向城乡劳动者。 → 面向城乡劳动者，培训合格后参加等级认定。" in text
    rename = sections(outputs["changes/"].html).text[f"correction-{scripted_repo.commits['rename'][:12]}"]
    assert "更名" in rename and "t-hg" in rename and "t-hangong" in rename


def test_every_registry_string_is_escaped(site) -> None:
    registry, ctx, outputs = site
    html = outputs["changes/"].html
    assert "<script>alert" not in html and "<b>补贴" not in html
    assert html_escape(EVIL) in html
    entry = feedparser.parse(outputs["feeds/all.atom"].content).entries
    content = next(e for e in entry if "t-2024-01" in e.id).content[0].value
    assert "<script>alert" not in content and "&lt;script&gt;" in content


class Items(HTMLParser):
    """Text of each timeline item (nested lists included in their item)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            if self.depth == 0 and "mulu-timeline__item" in (dict(attrs).get("class") or ""):
                self.items.append("")
                self.depth = 1
            elif self.depth:
                self.depth += 1

    def handle_endtag(self, tag):
        if tag == "li" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.items[-1] += data


def timeline_items(html: str) -> list[str]:
    parser = Items()
    parser.feed(html)
    return parser.items


def test_record_timeline_shows_each_change_with_its_notice(site) -> None:
    registry, ctx, _ = site
    html = record_timeline(registry.get("programmes", "t-dg"), registry, ctx)
    text = timeline_items(html)
    assert len(text) == 3
    assert text[0].startswith("2024-10-08 修改 更正")
    assert text[1].startswith("2024-06-01 修改 依据 黑人社测〔2024〕2号")
    assert "1000 → 1200" in text[1] and "160 → 200" in text[1]
    assert text[2].startswith("2024-03-01 新增 依据 黑人社测〔2024〕1号")
    assert 'href="../../notices/t-2024-02/"' in html


def test_timeline_of_renamed_record_keeps_its_past(site) -> None:
    registry, ctx, _ = site
    html = record_timeline(registry.get("programmes", "t-hangong"), registry, ctx)
    assert "更名" in html and "实训设备检修" in html and "黑人社测〔2024〕1号" in html


def test_notice_page_lists_what_the_notice_changed(site) -> None:
    registry, ctx, _ = site
    html = notice_changes(registry.get("notices", "t-2024-03"), registry, ctx)
    assert "依据本公告的调整" in html and "焊工" in html and "实训设备检修" in html
    assert "电工" not in html
    assert notice_changes(registry.get("programmes", "t-dg"), registry, ctx) == ""


def test_atom_feed_is_valid_with_stable_ids(site, scripted_repo: Scripted) -> None:
    registry, ctx, outputs = site
    feed = feedparser.parse(outputs["feeds/all.atom"].content)
    assert feed.bozo == 0, feed.bozo_exception
    assert feed.version == "atom10"
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids)) and all(i.startswith("tag:example-hrss.gitee.io,2024:") for i in ids)
    subsidy = next(e for e in feed.entries if e.id.endswith(":notice/t-2024-02"))
    assert "黑人社测〔2024〕2号" in subsidy.title
    assert "1000" in subsidy.content[0].value and "1200" in subsidy.content[0].value
    assert subsidy.link == "https://example-hrss.gitee.io/mulu/changes/#notice-t-2024-02"
    assert all(e.published_parsed <= e.updated_parsed for e in feed.entries if "published" in e)
    # Ids do not depend on the build: a second build from the cache gives the same ones.
    again = SiteContext(generated_at="2030-01-01T00:00:00+08:00",
                        extras={"history": load_history(scripted_repo.root)})
    rebuilt = {i.path: i for i in changelog_provider(registry, again)}
    assert [e.id for e in feedparser.parse(rebuilt["feeds/all.atom"].content).entries] == ids


def test_catalogue_feed_only_carries_its_catalogue(site) -> None:
    _, _, outputs = site
    feed = feedparser.parse(outputs["feeds/programmes.atom"].content)
    assert feed.bozo == 0
    assert feed.entries and all(t.term == "programmes" for e in feed.entries for t in e.tags)
    institutions = feedparser.parse(outputs["feeds/institutions.atom"].content)
    assert not any("t-2024-02" in e.id for e in institutions.entries)


def test_feed_links_are_named_by_their_catalogue(site) -> None:
    registry, _, outputs = site
    links = re.findall(r'<a href="\.\./(feeds/(\w+)\.atom)">([^<]+)</a>', outputs["changes/"].html)
    kinds = {kind: (path, text) for path, kind, text in links}
    assert "institutions" in kinds and "programmes" in kinds
    for kind, (path, text) in kinds.items():
        title = feedparser.parse(outputs[path].content).feed.title
        assert title.endswith("：" + text), (kind, title, text)   # the link says which feed it is
        if kind != "all":
            assert text == registry.config.catalogue(kind).title + "调整"


def test_changes_json(site) -> None:
    _, _, outputs = site
    data = json.loads(outputs["api/v1/changes.json"].content)
    assert data["available"] is True
    adjustment = next(a for a in data["adjustments"] if a["id"] == "notice-t-2024-02")
    assert adjustment["notice"]["number"] == "黑人社测〔2024〕2号"
    change = next(c for c in adjustment["changes"] if c["id"] == "t-dg")
    field = next(f for f in change["fields"] if f["field"] == "levels[四级].subsidy")
    assert (field["old"], field["new"], field["label"]) == (1000, 1200, "各等级标准（四级） › 补贴标准（元/人）")
    assert change["page"] == "programmes/t-dg/"
    types = {a["type"] for a in data["adjustments"]}
    assert types == {"notice", "correction"}


def test_long_changelogs_stay_light_and_link_to_the_full_lists(site, monkeypatch) -> None:
    import mulu.site.changelog as changelog

    registry, ctx, _ = site
    history = ctx.extras["history"]
    monkeypatch.setattr(changelog, "PAGE_ROWS", 1)
    html = changelog.changelog_page(registry, ctx, history).html
    listing = sections(html).text["notice-t-2024-01"]
    assert "另有 2 条未列出，查看全部" in listing
    assert 'href="../notices/t-2024-01/#notice-changes"' in html
    # Beyond the newest entries only headings and counts are shown, linking to the notice page.
    monkeypatch.setattr(changelog, "FULL_ENTRIES", 1)
    html = changelog.changelog_page(registry, ctx, history).html
    listing = sections(html).text["notice-t-2024-01"]
    assert "新增 3 条" in listing and "查看本公告调整的全部记录" in listing and "电工" not in listing


def test_without_history_the_site_says_so(project: Path) -> None:
    registry = open_project(project).registry
    assert registry is not None
    ctx = SiteContext(generated_at="2024-01-01T00:00:00+08:00", extras={"history": load_history(project)})
    outputs = {i.path: i for i in changelog_provider(registry, ctx)}
    assert "历史记录不可用" in outputs["changes/"].html
    assert json.loads(outputs["api/v1/changes.json"].content)["available"] is False
    feed = feedparser.parse(outputs["feeds/all.atom"].content)
    assert feed.bozo == 0 and feed.entries == []
    record = next(registry.all_records())
    assert "历史记录不可用" in record_timeline(record, registry, ctx)


@pytest.fixture(scope="module")
def built_site(scripted_repo: Scripted, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scripted repository built into a site with ``mulu build`` (a fresh clone: no cache)."""
    import subprocess
    import sys

    clone = tmp_path_factory.mktemp("built") / "project"
    subprocess.run(["git", "clone", "-q", str(scripted_repo.root), str(clone)], check=True)
    (clone / "docs").mkdir(exist_ok=True)   # git keeps no empty folders; MkDocs needs this one
    result = subprocess.run([sys.executable, "-m", "mulu", "build", "--no-search"], cwd=clone, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return clone / "site"


def text_of(path: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")).split())


def test_built_site_has_changelog_timelines_feeds_and_api(built_site: Path) -> None:
    changes = text_of(built_site / "changes" / "index.html")
    assert "调整记录" in changes and "黑人社测〔2024〕2号" in changes and "1000 → 1200" in changes
    assert (built_site / "changes" / "filter.js").is_file()
    record = text_of(built_site / "programmes" / "t-dg" / "index.html")
    assert "变更记录" in record and "依据 黑人社测〔2024〕2号" in record and "160 → 200" in record
    notice = text_of(built_site / "notices" / "t-2024-04" / "index.html")
    assert "依据本公告的调整" in notice and "养老护理员" in notice and "连续两年无人参训" in notice
    feed = feedparser.parse((built_site / "feeds" / "all.atom").read_bytes())
    assert feed.bozo == 0 and any(e.id.endswith(":notice/t-2024-03") for e in feed.entries)
    assert feedparser.parse((built_site / "feeds" / "programmes.atom").read_bytes()).bozo == 0
    data = json.loads((built_site / "api" / "v1" / "changes.json").read_text(encoding="utf-8"))
    assert data["available"] and any(a["id"] == "notice-t-2024-01" for a in data["adjustments"])


def test_build_from_a_tarball_says_history_is_unavailable(project: Path, mulu) -> None:
    result = mulu("build", "--no-search", cwd=project)
    assert result.code == 0, result.out + result.err
    assert "历史记录不可用" in text_of(project / "site" / "changes" / "index.html")
    record = next((project / "site" / "programmes").glob("*/index.html"))
    assert "历史记录不可用" in text_of(record)


@pytest.mark.browser
def test_changes_since_a_date_filters_and_keeps_the_date_in_the_url(built_site: Path, browser) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    with serve(built_site) as base:
        page = browser.new_page()
        page.goto(base + "changes/?since=2024-08-01")
        visible = page.eval_on_selector_all(
            ".mulu-adjustment", "els => els.filter(e => !e.hidden).map(e => e.dataset.date)")
        assert visible and all(d >= "2024-08-01" for d in visible)
        assert page.is_hidden("#notice-t-2024-02") and page.is_visible("#notice-t-2024-03")
        assert page.input_value("#mulu-since") == "2024-08-01"
        page.fill("#mulu-since", "2024-06-01")
        page.click(".mulu-since button")
        # expect() waits: both the button and 显示全部 may load a new page before it shows.
        expect(page).to_have_url(re.compile(r"since=2024-06-01"))
        expect(page.locator("#notice-t-2024-02")).to_be_visible()
        expect(page.locator("#notice-t-2024-01")).to_be_hidden()
        expect(page.locator(".mulu-since__status")).to_contain_text("及之后的调整共")
        page.click("text=显示全部")
        expect(page.locator("#notice-t-2024-01")).to_be_visible()
        page.close()


@pytest.mark.browser
def test_changes_page_links_are_told_apart_without_colour(built_site: Path, browser) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core 未安装：请在项目目录运行 npm ci")
    with serve(built_site) as base:
        page = browser.new_page()
        page.goto(base + "changes/")
        assert page.get_by_role("link", name="显示全部").is_visible()
        page.add_script_tag(path=str(AXE))
        # link-in-text-block lands in "incomplete" (needs review) when axe cannot decide: count both.
        found = page.evaluate("""async () => {
            const r = await axe.run(document, {runOnly: {type: 'rule', values: ['link-in-text-block', 'landmark-unique']}});
            return r.violations.concat(r.incomplete).map(v => v.id); }""")
        page.close()
    assert found == []
