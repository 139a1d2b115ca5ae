"""Editions as users meet them: ``mulu import --edition`` (dry run, write, bad input),
validation, ``mulu diff`` and ``mulu diff --edition``, and the built site's edition pages,
on a scripted repository (tests/helpers/editions.py), never on this repository's history."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html import unescape
from pathlib import Path

import feedparser
import pytest
import yaml

from helpers.editions import (
    ADDED,
    DROPPED,
    E2024,
    E2025,
    IN_2024,
    LOWERED,
    RAISED,
    WITHDRAWN,
    EditionRepo,
    build_edition_repo,
    edition_notice,
)
from helpers.git import git
from helpers.project import REPO


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "registry").rglob("*.yml"))}


def _record(root: Path, rid: str) -> dict:
    return yaml.safe_load((root / "registry" / "programmes" / f"{rid}.yml").read_text(encoding="utf-8"))


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> EditionRepo:
    """2024年版 published and committed; the 2025 notice and sheet ready (read-only for tests)."""
    return build_edition_repo(tmp_path_factory.mktemp("editions") / "project")


@pytest.fixture
def before(prepared: EditionRepo, tmp_path: Path) -> EditionRepo:
    """A writable copy of ``prepared``."""
    root = tmp_path / "project"
    shutil.copytree(prepared.root, root)
    sheet = tmp_path / prepared.sheet_2025.name
    shutil.copy2(prepared.sheet_2025, sheet)
    return EditionRepo(root, sheet, prepared.commits)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> EditionRepo:
    """Both editions committed and the site built (read-only for tests)."""
    repo = build_edition_repo(tmp_path_factory.mktemp("published") / "project", publish_2025=True)
    from helpers.project import run_mulu

    result = run_mulu("build", "--no-search", cwd=repo.root)
    assert result.code == 0, result.out + result.err
    return repo


def _page(repo: EditionRepo, path: str) -> str:
    return (repo.root / "site" / path / "index.html").read_text(encoding="utf-8")


# -- import --edition -------------------------------------------------------------------------

def test_dry_run_lists_exactly_the_four_groups_and_writes_nothing(mulu, before: EditionRepo) -> None:
    files = _files(before.root)
    result = mulu("import", "programmes", str(before.sheet_2025), "--edition", E2025, "--maintainer", "hb-hrss",
                  cwd=before.root)
    assert result.code == 0, result.out + result.err
    out = result.out
    kept = [rid for rid in IN_2024 if rid != DROPPED]
    assert f"一、将更新 {len(kept)} 条" in out
    for rid in kept:
        assert f"~ registry/programmes/{rid}.yml" in out
    assert f"补贴标准（元/人）［{RAISED[1]}］：{RAISED[2]} -> {RAISED[3]}" in out
    assert f"补贴标准（元/人）［{LOWERED[1]}］：{LOWERED[2]} -> {LOWERED[3]}" in out
    assert out.count("补贴标准（元/人）［") == 2          # no other amount changes
    assert "执行日期：2024-01-01 -> 2025-01-01" in out and f"所属版本：{E2024} -> {E2025}" in out
    assert "二、将新增 1 条" in out and f"{ADDED[0]}（第" in out
    assert "三、将移出 1 条" in out and f"- registry/programmes/{DROPPED}.yml  美发师" in out
    assert "原因“未列入2025年版”" in out
    assert "四、表格中有、但记录已移出的 1 条" in out and f"! registry/programmes/{WITHDRAWN}.yml  钢筋工" in out
    assert "试运行：没有写入任何文件" in out and "--yes" in out
    assert _files(before.root) == files


def test_published_edition_is_valid_and_withdraws_what_was_left_out(mulu, published: EditionRepo) -> None:
    assert mulu("validate", cwd=published.root).code == 0
    dropped = _record(published.root, DROPPED)
    assert dropped["status"] == "已移出"
    change = dropped["status_change"]
    assert (str(change["date"]), change["notice"], change["reason"]) == ("2025-01-01", E2025, "未列入2025年版")
    assert dropped["edition"] == E2024                     # it belonged to 2024年版, not to 2025年版
    for rid in (RAISED[0], LOWERED[0]):
        data = _record(published.root, rid)
        assert data["edition"] == E2025 and str(data["effective"]) == "2025-01-01"
        assert data["listed"]["notice"] == "hb-2022-40"    # the edition never rewrites the listing
    assert {lv["level"]: lv["subsidy"] for lv in _record(published.root, RAISED[0])["levels"]}[RAISED[1]] == RAISED[3]
    # The withdrawn record in the sheet was left exactly as it was.
    withdrawn = published.root / "registry" / "programmes" / f"{WITHDRAWN}.yml"
    assert git(published.root, "log", "--format=%H", "--", str(withdrawn)).split() == [published.commits["baseline"]]
    added = [p for p in (published.root / "registry" / "programmes").glob("hb-4-10-01-05*.yml")]
    assert len(added) == 1
    data = yaml.safe_load(added[0].read_text(encoding="utf-8"))
    assert (str(data["listed"]["date"]), data["listed"]["notice"], data["edition"]) == ("2025-01-01", E2025, E2025)


def test_diff_summarises_the_commit_as_an_edition(mulu, published: EditionRepo) -> None:
    result = mulu("diff", published.commits["2024"], published.commits["2025"], cwd=published.root)
    assert result.code == 0, result.out + result.err
    assert "**发布版本：** 2025年版（河北省 政府补贴培训目录" in result.out
    assert "新增 1 项，移出 1 项，修改 2 项；补贴标准上调 1 项、下调 1 项" in result.out
    assert "原因：未列入2025年版" in result.out


def test_diff_edition_compares_two_editions_in_markdown_and_json(mulu, published: EditionRepo) -> None:
    md = mulu("diff", "--edition", E2024, E2025, cwd=published.root)
    assert md.code == 0, md.out + md.err
    assert "## 版本比较：河北省 政府补贴培训目录 2024年版 → 2025年版" in md.out
    assert "| 合计 | 1 | 1 | 0 | 0 |" in md.out
    result = mulu("diff", "--edition", E2024, E2025, "--format", "json", cwd=published.root)
    data = json.loads(result.out)
    assert data["counts"] == {"old_records": 5, "new_records": 5, "added": 1, "removed": 1, "changed": 2,
                              "subsidy_raised": 1, "subsidy_lowered": 1}
    assert [r["id"] for r in data["removed"]] == [DROPPED] and data["removed"][0]["reason"] == "未列入2025年版"
    amounts = {(a["id"], a["level"]): (a["old"], a["new"]) for a in data["amounts"]}
    assert amounts == {(RAISED[0], RAISED[1]): (RAISED[2], RAISED[3]), (LOWERED[0], LOWERED[1]): (LOWERED[2], LOWERED[3])}
    unknown = mulu("diff", "--edition", E2024, "hb-2022-40", cwd=published.root)
    assert unknown.code == 2 and "错误：公告“hb-2022-40”没有写明发布的目录版本" in unknown.err


# -- the site ----------------------------------------------------------------------------------

def test_site_has_both_edition_pages_and_the_comparison(published: EditionRepo) -> None:
    scope = "editions/programmes/130000/"
    listing = _text(_page(published, scope))
    assert "2025年版" in listing and "2024年版" in listing and "现行" in listing and "已被2025年版取代" in listing
    old = _text(_page(published, scope + E2024))
    assert "本版目录（5 项）" in old and "美发师" in old
    new = _text(_page(published, scope + E2025))
    assert "本版目录（5 项）" in new and "美发师" not in new and ADDED[0] in new
    compare = _text(_page(published, scope + E2025 + "/compare"))
    assert "新增 1 项，移出 1 项，修改 2 项；补贴标准上调 1 项、下调 1 项" in compare
    assert f"家政服务员 {RAISED[1]} {RAISED[2]} {RAISED[3]} +{RAISED[3] - RAISED[2]}" in compare
    assert f"中式面点师 {LOWERED[1]} {LOWERED[2]} {LOWERED[3]} -{LOWERED[2] - LOWERED[3]}" in compare
    assert "美发师 hb-4-10-03-02 已移出 原因：未列入2025年版" in compare
    # Each edition's download is that edition as it stood: 2024's CSV still lists 美发师 at 2024 amounts.
    rows = list(csv.DictReader(io.StringIO((published.root / "site" / scope / E2024 / f"{E2024}.csv")
                                           .read_text(encoding="utf-8-sig"))))
    assert {r["编号"] for r in rows} == set(IN_2024)
    assert [r["补贴标准（元/人）"] for r in rows if r["编号"] == RAISED[0] and r["等级"] == RAISED[1]] == [str(RAISED[2])]
    assert (published.root / "site" / scope / E2025 / f"{E2025}.xlsx").stat().st_size > 0


def test_catalogue_page_names_the_edition_in_force(published: EditionRepo) -> None:
    text = _text(_page(published, "programmes"))
    assert "现行版本：" in text
    assert "河北省：现行2025年版（2025-01-01起执行，冀人社测〔2025〕25号）·与2024年版比较" in text.replace(" ", "")
    html = _page(published, "programmes")
    assert f'href="../editions/programmes/130000/{E2025}/compare/"' in html


def test_notice_page_links_its_edition(published: EditionRepo) -> None:
    html = _page(published, f"notices/{E2025}")
    assert "本公告发布河北省 政府补贴培训目录“2025年版”，2025-01-01 起执行" in _text(html)
    assert f'href="../../editions/programmes/130000/{E2025}/compare/"' in html


def test_dropped_record_keeps_its_history(published: EditionRepo) -> None:
    text = _text(_page(published, f"programmes/{DROPPED}"))
    assert "本培训项目已移出目录" in text and "原因：未列入2025年版" in text
    assert "移出 依据 冀人社测〔2025〕25号" in text and "列入" in text


def test_changelog_and_feed_carry_one_entry_per_edition(published: EditionRepo) -> None:
    text = _text(_page(published, "changes"))
    assert "发布河北省政府补贴培训目录“2025年版”（2025-01-01 起执行）：新增 1 项，移出 1 项，修改 2 项；补贴标准上调 1 项、下调 1 项" in text
    feed = feedparser.parse((published.root / "site" / "feeds" / "all.atom").read_bytes())
    titles = [e.title for e in feed.entries if "冀人社测" in e.title]
    assert titles == ["冀人社测〔2025〕25号 2025年版：新增 1 项，移出 1 项，修改 2 项；补贴标准上调 1 项、下调 1 项",
                      "冀人社测〔2024〕24号 2024年版：新增 0 项，移出 0 项，修改 0 项"]
    changes = json.loads((published.root / "site" / "api" / "v1" / "changes.json").read_text(encoding="utf-8"))
    entry = next(a for a in changes["adjustments"] if a["notice"] and a["notice"]["id"] == E2025)
    assert entry["edition"]["page"] == f"editions/programmes/130000/{E2025}/"


# -- bad input: a Chinese error, and nothing written --------------------------------------------

@pytest.mark.parametrize("change, message", [
    ({"kind": "widgets"}, "不是已知的目录类别"),
    ({"region": "110000"}, "版本辖区 110000 不是本目录的辖区"),
    ({"name": "2024年版"}, "已有名为“2024年版”的版本"),
])
def test_bad_edition_notice_is_refused(mulu, before: EditionRepo, change: dict, message: str) -> None:
    notice = before.root / "registry" / "notices" / f"{E2025}.yml"
    args = {"name": "2025年版", "kind": "programmes", "region": "130000", **change}
    notice.write_text(edition_notice(E2025, args["name"], "2024-12-20", "2025-01-01", replaces=E2024,
                                     kind=args["kind"], region=args["region"]), encoding="utf-8")
    files = _files(before.root)
    result = mulu("import", "programmes", str(before.sheet_2025), "--edition", E2025, "--yes", cwd=before.root)
    assert result.code == 2, result.out + result.err
    assert result.err.startswith("错误：") and message in result.err and "没有写入任何文件" in result.err
    assert "Traceback" not in result.err
    assert _files(before.root) == files


def test_sheet_of_another_jurisdiction_is_refused(mulu, before: EditionRepo) -> None:
    files = _files(before.root)
    sheet = REPO / "tests" / "data" / "editions" / "jl-2025.csv"
    result = mulu("import", "programmes", str(sheet), "--region", "220000", "--edition", E2025, "--yes",
                  cwd=before.root)
    assert result.code == 1, result.out + result.err
    assert "不在本版目录的辖区 130000（河北省）内" in result.out and "没有写入任何文件" in result.out
    assert _files(before.root) == files


def test_notice_without_edition_is_refused(mulu, before: EditionRepo) -> None:
    result = mulu("import", "programmes", str(before.sheet_2025), "--edition", "hb-2022-40", "--yes", cwd=before.root)
    assert result.code == 2 and "没有写明发布的目录版本" in result.err


def test_validate_reports_a_record_left_in_a_replaced_edition(mulu, before: EditionRepo) -> None:
    """With the 2025 notice committed but the catalogue not imported, every 在册 record of
    2024年版 stands in two editions: validate says so; edition_note is the documented way out."""
    result = mulu("validate", cwd=before.root)
    assert result.code == 1
    assert result.out.count("已被“2025年版”（公告 t-ed-2025）取代") == len(IN_2024)
    path = before.root / "registry" / "programmes" / f"{IN_2024[0]}.yml"
    path.write_text(path.read_text(encoding="utf-8") + "edition_note: 过渡期内继续执行至2025-03-31。\n", encoding="utf-8")
    assert mulu("validate", cwd=before.root).out.count("取代") == len(IN_2024) - 1


def test_without_git_the_current_edition_still_shows_and_the_rest_says_why(project: Path) -> None:
    """A build from a source tarball: the edition in force comes from the current records,
    older editions and the comparison say the history is unavailable (no broken links)."""
    from mulu.history.log import unavailable
    from mulu.project import open_project
    from mulu.site.editions import edition_pages
    from mulu.site.model import Page, SiteContext

    registry = open_project(project).registry
    assert registry is not None
    ctx = SiteContext(generated_at="2026-01-01T00:00:00+08:00", extras={"history": unavailable("没有 git。")})
    pages = {p.path: p for p in edition_pages(registry, ctx) if isinstance(p, Page)}
    scope = "editions/programmes/230000/"
    assert "本版目录（7 项）" in _text(pages[scope + "hlj-2025-01/"].html)
    assert "无法显示本版当时的目录：历史记录不可用" in _text(pages[scope + "hlj-2024-01/"].html)
    assert "无法比较两版" in _text(pages[scope + "hlj-2025-01/compare/"].html)
