"""Issue 16 (scale): record pages without the repeated navigation, the per-kind API option,
and the search index built in shards that the browser merges."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import quote

from helpers.browser import all_results, serve
from mulu.site.output import html_pages, shards

RECORD_DIRS = ("institutions", "programmes", "specs", "studios", "bases", "assessors", "notices")
# Record pages of every kind (the shard test takes whichever the last shard holds).
ALL_RECORD_DIRS = RECORD_DIRS + ("shortages", "qualifications", "demands", "trainers")


def record_pages(site: Path) -> list[Path]:
    return sorted(p for kind in RECORD_DIRS for p in (site / kind).glob("*/index.html"))


def set_config(project: Path, text: str) -> None:
    with open(project / "registry" / "config.yml", "a", encoding="utf-8") as config:
        config.write(text)


def test_record_pages_have_a_small_header_and_no_side_navigation(sample_site: Path) -> None:
    site = sample_site / "site"
    pages = record_pages(site)
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        # What a reader still gets: the search form, the breadcrumb, the record, the footer.
        for needed in ('id="mulu-q-header"', 'class="mulu-crumbs"', "<article", 'class="md-footer"'):
            assert needed in html, f"{page}: {needed} missing"
        assert "md-nav--primary" not in html, page
        assert 'md-header__button md-icon" for="__drawer"' not in html, page
        # The theme's template indentation is gone (it was about 4 KB of every page).
        assert not re.search(r"\n[ \t]{4,}<", html.split("<article")[0]), page
        start, end = html.find("<article"), html.find("</article>")
        assert len(html.encode()) - len(html[start:end].encode()) < 7000, f"{page}: the chrome around the record grew"
    # Pages in the navigation keep it.
    assert "md-nav--primary" in (site / "institutions" / "index.html").read_text(encoding="utf-8")
    assert json.loads((site / "pagefind" / "mulu-shards.json").read_text()) == []


def test_per_kind_api_only(project: Path, mulu) -> None:
    set_config(project, "api:\n  per_record: false\n")
    result = mulu("build", "--no-search", cwd=project)
    assert result.code == 0, result.out + result.err
    api = project / "site" / "api" / "v1"
    assert not [p for p in api.rglob("*.json") if p.parent != api], "per-record API files were written"
    index = json.loads((api / "index.json").read_text(encoding="utf-8"))
    assert all("record_url" not in k for k in index["kinds"])
    page = record_pages(project / "site")[0]
    kind = page.parent.parent.name
    html = page.read_text(encoding="utf-8")
    assert f'href="../../api/v1/{kind}.json">JSON</a>' in html
    records = json.loads((api / f"{kind}.json").read_text(encoding="utf-8"))["records"]
    assert page.parent.name in {r["id"] for r in records}


def test_per_record_must_be_true_or_false(project: Path, mulu) -> None:
    set_config(project, "api:\n  per_record: 否\n")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert "per_record" in result.out and "Traceback" not in result.err


def test_search_in_shards_finds_pages_of_every_shard(project: Path, mulu, browser) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - mulu ", "  - mulu:\n      search_shard_pages: 12\n  #", 1), encoding="utf-8")
    result = mulu("build", cwd=project)
    assert result.code == 0, result.out + result.err
    site = project / "site"
    extra = json.loads((site / "pagefind" / "mulu-shards.json").read_text())
    assert len(extra) >= 2
    for name in extra:
        assert (site / "pagefind" / name / "pagefind-entry.json").is_file()
    # A record page of the last shard holding one (not the first shard), searched for by its
    # title on the results page.
    parts = shards(html_pages(site), 12)
    number, rel = next((n, p) for n in reversed(range(len(parts))) for p in reversed(parts[n])
                       if p.split("/")[0] in ALL_RECORD_DIRS and p.count("/") == 2)
    assert number > 0
    title = re.search(r"<h1>(.*?)</h1>", (site / rel).read_text(encoding="utf-8")).group(1)  # type: ignore[union-attr]
    with serve(site) as base:
        page = browser.new_page()
        page.goto(f"{base}search/?q={quote(html.unescape(title))}")
        links = all_results(page)
        page.close()
    assert rel.removesuffix("index.html") in links, links


def test_page_spool_gives_back_stamped_pages_in_order() -> None:
    from mulu.site.model import Page
    from mulu.site.spool import PageSpool

    spool = PageSpool()
    nav = Page("institutions/", "培训机构目录", "<p>表</p>", nav="目录")
    made = [Page(f"institutions/{i}/", f"机构{i}", f"<h1>机构{i}</h1>" + "正文" * i, search=i % 2 == 0) for i in range(50)]
    assert spool.add(nav) is False
    assert all(spool.add(page) for page in made)
    assert spool.paths == [p.path for p in made] and len(spool) == 50
    assert list(spool) == made
    assert list(spool) == made   # read again (the sitemap and the stamping both may)
    spool.close()


def test_html_pages_are_cut_into_shards_without_the_index(tmp_path: Path) -> None:
    for rel in ("index.html", "a/index.html", "a/b/index.html", "pagefind/x.html", "a/data.json", "z/404.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    pages = html_pages(tmp_path)
    assert pages == ["a/b/index.html", "a/index.html", "index.html", "z/404.html"]
    assert shards(pages, 3) == [pages[:3], pages[3:]]
    assert shards(pages, 4) == [pages]
    assert shards([], 4) == [[]]
