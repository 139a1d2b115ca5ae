"""Record pages bound the lists of their neighbours (issue 16 item 2, mulu.site.lists): at most
LIST_LIMIT entries, then how many there are and a link to a page showing them all, and the
lists are left out of the search index. In process, on the sample registry with the limit
lowered so that its lists overflow."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from mulu.core.registry import Registry
from mulu.project import open_project
from mulu.site import lists, where_pages
from mulu.site.model import SiteContext, record_path
from mulu.site.occupations import occupation_pages
from mulu.site.records import record_pages
from mulu.site.where import programme_need, where

PROGRAMME = "hlj-4-10-01-06"        # three institutions can train it in the sample
INSTITUTION = "52370303MJ12038456"  # can deliver three programmes
RELATED = "12370305493571206C"      # five records name this institution
NOTICE = "zb-2026-07"               # lists more than a dozen records


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> tuple[Registry, SiteContext, dict[str, str]]:
    monkeypatch.setattr(lists, "LIST_LIMIT", 2)
    monkeypatch.setattr(where_pages, "LIST_LIMIT", 2)
    registry = open_project(Path(__file__).resolve().parent.parent, lenient=True).registry
    assert registry is not None
    ctx = SiteContext(generated_at="2026-11-30T00:00:00+08:00", as_of="2026-11-30")
    pages = {p.path: p.html for p in record_pages(registry, ctx, [where_pages.unit_programmes_section])}
    return registry, ctx, pages


def section(html: str, heading_id: str) -> str:
    """From the heading ``heading_id`` to the next h2."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<h2", start)
    return html[start:end if end >= 0 else None]


def items(html: str) -> int:
    return len(re.findall(r"<li>", html))


def more_link(html: str) -> str:
    m = re.search(r'<p class="mulu-more" data-pagefind-ignore>共 (\d+) .*?<a href="([^"]+)"', html)
    assert m, html
    return html_module.unescape(m.group(2))


def test_where_lists_show_two_then_link_to_find(site) -> None:
    registry, ctx, pages = site
    programme = registry.get("programmes", PROGRAMME)
    assert programme is not None
    offers = where(registry, ctx).units_for(programme, "institutions")
    assert len(offers) == 3
    train = section(pages[record_path(programme)], "where-train")
    assert items(train) == 2 and f"共 {len(offers)} 家" in train
    assert '<ul class="mulu-related mulu-where" data-pagefind-ignore>' in train
    href = urlsplit(more_link(train))
    assert href.path == "../../find/"
    assert parse_qs(href.query) == {"region": [programme.region], "occupation": [programme.data["occupation"]["code"]]}


def test_an_institution_lists_two_programmes_then_one_find_link_per_occupation(site) -> None:
    registry, ctx, pages = site
    unit = registry.get("institutions", INSTITUTION)
    assert unit is not None
    programmes = where(registry, ctx).programmes_for(unit)
    assert len(programmes) == 3
    html = section(pages[record_path(unit)], "programmes")
    assert items(html) == 2 and "共 3 项" in html
    left_out = programmes[2]
    href = urlsplit(more_link(html))
    assert href.path == "../../find/" and parse_qs(href.query)["region"] == [unit.region]
    need = programme_need(left_out, registry)   # a 专项职业能力 programme has its spec's occupation
    assert need is not None and parse_qs(href.query)["occupation"] == [need.occupation]


def test_related_records_and_a_notices_records_link_to_the_search(site) -> None:
    registry, _, pages = site
    unit = registry.get("institutions", RELATED)
    notice = registry.get("notices", NOTICE)
    assert unit is not None and notice is not None
    related = section(pages[record_path(unit)], "related")
    assert urlsplit(more_link(related)).query == f"q={RELATED}"
    listed = pages[record_path(notice)]
    assert urlsplit(more_link(listed)).query == f"q={NOTICE}"
    for ul in re.findall(r"<ul class=\"mulu-related\"[^>]*>.*?</ul>", listed):
        assert items(ul) <= 2 and "data-pagefind-ignore" in ul


def test_record_info_is_not_indexed(site) -> None:
    _, _, pages = site
    assert all('<details class="mulu-record-info" data-pagefind-ignore>' in html for html in pages.values())


def test_occupation_pages_link_to_the_filtered_catalogue(site) -> None:
    registry, ctx, _ = site
    pages = [p for p in occupation_pages(registry, ctx) if "共 " in p.html and "mulu-more" in p.html]
    assert pages, "no occupation of the sample has more than two records of one kind"
    page = pages[0]
    href = urlsplit(more_link(page.html))
    assert href.path.endswith("/") and parse_qs(href.query) == {"occ": [page.path.strip("/").split("/")[-1]]}
