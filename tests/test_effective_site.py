"""Effective statuses in the published data, in process: downloads, API and statistics of the
sample registry computed for a given as-of date."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from mulu.project import open_project
from mulu.site.api import api_files
from mulu.site.downloads import download_files
from mulu.site.model import SiteContext
from mulu.site.stats_page import stats_pages

LICENCE = "12230000414002874A"   # licence valid to 2026-11-30


@pytest.fixture(scope="module")
def registry():
    opened = open_project(Path(__file__).resolve().parent.parent)
    assert opened.registry is not None, opened.problems[:3]
    return opened.registry


def _ctx(day: str) -> SiteContext:
    return SiteContext(generated_at="2026-11-01T00:00:00+08:00", as_of=day)


@pytest.mark.parametrize("day, label", [("2026-11-30", "即将到期"), ("2026-12-01", "已过期")])
def test_downloads_carry_the_effective_status_as_columns(registry, day: str, label: str) -> None:
    files = {f.path: f.content for f in download_files(registry, _ctx(day))}
    rows = list(csv.DictReader(io.StringIO(files["downloads/institutions.csv"].decode("utf-8-sig"))))
    mine = [r for r in rows if r["统一社会信用代码"] == LICENCE]
    assert mine and {(r["当前状态"], r["状态核算日期"]) for r in mine} == {(label, day)}
    assert "licence.valid_to" in mine[0]["当前状态说明"]
    # The JSON of a kind is the API's (api/v1/<kind>.json), not a second copy under downloads/.
    assert "downloads/institutions.json" not in files
    api = {f.path: f.content for f in api_files(registry, _ctx(day))}
    records = {r["id"]: r for r in json.loads(api["api/v1/institutions.json"])["records"]}
    assert records[LICENCE]["effective_label"] == label
    package = json.loads(files["downloads/datapackage.json"])
    fields = [f["name"] for f in next(r for r in package["resources"] if r["name"] == "institutions")["schema"]["fields"]]
    assert fields[-4:] == ["当前状态", "当前状态说明", "状态核算日期", "记录摘要（SHA-256）"]  # the digest stays last
    assert list(csv.reader(io.StringIO(files["downloads/institutions.csv"].decode("utf-8-sig"))))[0] == fields


def test_api_counts_effective_statuses_and_stamps_the_as_of_date(registry) -> None:
    files = {f.path: json.loads(f.content) for f in api_files(registry, _ctx("2026-12-01"))}
    index = files["api/v1/index.json"]
    assert index["as_of"] == "2026-12-01"
    institutions = next(k for k in index["kinds"] if k["kind"] == "institutions")
    assert institutions["effective_status"]["expired"] == 1
    assert sum(institutions["effective_status"].values()) == institutions["count"]
    whole = {r["id"]: r for r in files["api/v1/institutions.json"]["records"]}
    assert whole[LICENCE]["effective_status"] == "expired" and whole[LICENCE]["data"]["status"] == "在册"
    assert "effective_status" not in files["api/v1/notices.json"]["records"][0]


def test_stats_page_has_a_table_of_effective_statuses(registry) -> None:
    page = next(iter(stats_pages(registry, _ctx("2026-12-01"))))
    assert "各类目录的当前状态（按 2026-12-01 核算）" in page.html
    assert "暂停期已满待公告" in page.html and "已移出（禁入期内）" in page.html
