"""Every record is found by its own name (docs/dev/search.md, "A name that found nothing"): on the
test sample site 龙兴技师学院 once found nothing although seven pages carry it. One page load in
headless Chromium, then every query through ``window.muluSearch`` (search.js: the query the search
boxes send, with Pagefind started as search.js starts it), on two indexes of the same site: the
one ``mulu build`` makes, and one Pagefind cuts into very small chunks, where a word that is only
the beginning of longer indexed words would be missed whenever they lie in the next chunk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.browser import serve
from helpers.project import run_mulu
from mulu.core.registry import Record, Registry
from mulu.project import open_project
from mulu.site.model import SiteContext, record_path
from mulu.site.privacy import public_view

pytestmark = pytest.mark.browser
SMALL_CHUNKS = "1000"   # postings per index chunk (Pagefind's default is 20,000): over 800 chunks, not 48

# Every query in the page, one after the other: the paths of all its results.
SEARCH_ALL = """async queries => {
    await new Promise(done => { const wait = () => window.muluSearch ? done() : setTimeout(wait, 20); wait(); });
    const found = {}, paths = {};   // paths: result id -> page path, each fragment read once
    for (const q of queries) {
        await window.muluSearch.restart();   // each query as in a new page: no chunk left from the one before
        const r = await window.muluSearch(q);
        await Promise.all(r.results.filter(x => !(x.id in paths)).map(async x => {
            paths[x.id] = new URL((await x.data()).url, location.href).pathname;
        }));
        found[q] = r.results.map(x => paths[x.id]);
    }
    return found;
}"""


@pytest.fixture(scope="module")
def small_chunk_site(sample_site: Path, tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch_module: pytest.MonkeyPatch) -> Path:
    """The sample site again, indexed with PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE (Pagefind's own knob)."""
    project = tmp_path_factory.mktemp("small-chunks") / "project"
    shutil.copytree(sample_site, project, ignore=shutil.ignore_patterns("site"))
    monkeypatch_module.setenv("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE", SMALL_CHUNKS)
    result = run_mulu("build", cwd=project)
    assert result.code == 0, result.out + result.err
    return project


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def names(record: Record, registry: Registry) -> set[str]:
    """What a user types for a record: its full name, its name without the names of its region
    in front (黑龙江省龙兴技师学院 → 龙兴技师学院), and the first two characters of that (龙兴: the
    start of a longer word, found only if Pagefind searches every chunk holding words that begin
    with it, or if the index holds it as a word of its own)."""
    short = record.name
    for region in registry.reference.region_path(record.region) if record.region else []:
        short = short.removeprefix(region)
    return {record.name, short, short[:2]} - {""}


def expected_queries(project: Path) -> dict[str, set[str]]:
    """Each query and the record pages it must find (a name several records share finds all of
    them), with names as the site shows them (trainers' masked: 王*明, never the full name)."""
    registry, _ = public_view(open_project(project).registry, SiteContext(generated_at=""))
    wanted: dict[str, set[str]] = {}
    for record in registry.all_records():
        for query in names(record, registry):
            wanted.setdefault(query, set()).add("/" + record_path(record))
    return wanted


def misses(browser, project: Path) -> dict[str, list[str]]:
    """Queries whose results lack a page they must find, with the pages missed."""
    wanted = expected_queries(project)
    kinds = {path.split("/")[1] for paths in wanted.values() for path in paths}
    assert len(wanted) > 200 and {"institutions", "assessors", "bases", "studios", "trainers", "programmes"} <= kinds
    context = browser.new_context()
    page = context.new_page()
    try:
        with serve(project / "site") as base:
            page.goto(base + "search/")
            assert page.evaluate("document.documentElement.lang") == "zh"   # the language search.js must not pass on
            found = page.evaluate(SEARCH_ALL, sorted(wanted))
    finally:
        context.close()
    return {q: sorted(paths - set(found[q])) for q, paths in wanted.items() if not paths <= set(found[q])}


def test_every_record_is_found_by_its_name(browser, sample_site: Path) -> None:
    assert misses(browser, sample_site) == {}


def test_names_are_found_whatever_the_index_chunks(browser, small_chunk_site: Path) -> None:
    chunks = list((small_chunk_site / "site" / "pagefind" / "index").glob("*.pf_index"))
    assert len(chunks) > 400    # the knob took effect: words are spread over many chunks
    assert misses(browser, small_chunk_site) == {}
