"""Issue 16 item 2: a site that fits. A 2,000-record synthetic registry (``mulu synth``) built
with per-kind API files only (``api: {per_record: false}``, the setting for large deployments),
measured with the counter the benchmark uses (mulu.site.sizes).

Counted: every file the build publishes except the theme assets under ``assets/`` (the same
2.4 MB at any size; docs/dev/scale.md). The build includes the search index: Pagefind is about
a sixth of what a record costs, and what the pages mark ``data-pagefind-ignore`` shows only
there. The build takes 20–60 s on the shared 2-core machine, once for the module.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import feedparser
import pytest

from helpers.git import init_repo
from helpers.project import REPO, run_mulu
from mulu.site.changelog import FEED_ALL_ENTRIES, FEED_ENTRIES
from mulu.site.sizes import site_bytes

RECORDS = 2000
TARGET = 10 * 1024            # bytes per record: 100,000 records within 1 GB (issue 16)
# The chrome of a stamped page (mulu-shell.html), measured 3.1 KB: head 0.8, header with the
# search form 1.2, footer 0.9 of which the registry's contact lines are 0.3 and the manifest
# digest line 0.2. It was 6.8 KB with the theme's page template.
CHROME_PER_PAGE = 3200


@pytest.fixture(scope="module")
def synth_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    project = tmp_path_factory.mktemp("size") / "synth"
    result = run_mulu("synth", str(project), "-n", str(RECORDS), cwd=REPO)
    assert result.code == 0, result.out + result.err
    shutil.copy2(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "site_overrides", project / "site_overrides")
    shutil.copytree(REPO / "docs", project / "docs", ignore=shutil.ignore_patterns("dev"))
    with open(project / "registry" / "config.yml", "a", encoding="utf-8") as config:
        config.write("api:\n  per_record: false\n")
    init_repo(project, "合成目录", "2026-11-01")   # history is read, as in production
    result = run_mulu("build", cwd=project, timeout=1200)
    assert result.code == 0, result.out + result.err
    return project / "site", site_bytes(project / "site", RECORDS)


@pytest.mark.xfail(strict=True, reason="10 KB per record is not reached yet: docs/dev/scale.md, 'Where the bytes go'")
def test_published_bytes_per_record_within_10_kb(synth_site: tuple[Path, dict[str, Any]]) -> None:
    _, sizes = synth_site
    assert sizes["counted_bytes_per_record"] <= TARGET, sizes["parts"]


def test_record_pages_carry_a_small_chrome(synth_site: tuple[Path, dict[str, Any]]) -> None:
    site, sizes = synth_site
    assert sizes["record_page_chrome_bytes_per_page"] <= CHROME_PER_PAGE, sizes
    page = next((site / "institutions").glob("*/index.html")).read_text(encoding="utf-8")
    head = page.split("<article")[0]
    # No theme navigation, theme scripts or inline logo: a header, the search form, the record.
    for gone in ("md-nav", "bundle.", "__md_scope", 'data-md-component="top"', "md-dialog", "<svg"):
        assert gone not in page, gone
    for kept in ('id="mulu-q-header"', 'class="mulu-crumbs"', 'class="md-footer"', "assets/mulu/search.js",
                 'rel="alternate feed"'):
        assert kept in page, kept
    assert not re.search(r"\n[ \t]{2,}<", head)


def test_data_is_not_published_twice(synth_site: tuple[Path, dict[str, Any]]) -> None:
    site, _ = synth_site
    # The JSON of a catalogue is its API file; downloads/ holds the spreadsheets and the data package.
    assert [p.name for p in (site / "downloads").glob("*.json")] == ["datapackage.json"]
    catalogue = (site / "institutions" / "index.html").read_text(encoding="utf-8")
    assert 'href="../api/v1/institutions.json"' in catalogue and "downloads/institutions.json" not in catalogue
    # feeds/all.atom repeats the per-catalogue feeds: only the latest adjustments.
    everything = feedparser.parse((site / "feeds" / "all.atom").read_bytes())
    assert everything.bozo == 0 and 0 < len(everything.entries) <= FEED_ALL_ENTRIES
    per_kind = feedparser.parse((site / "feeds" / "programmes.atom").read_bytes())
    assert FEED_ALL_ENTRIES < len(per_kind.entries) <= FEED_ENTRIES
