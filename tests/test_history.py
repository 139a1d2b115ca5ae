"""The semantic history of the registry, computed from the scripted git repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from helpers.git import git
from helpers.scripted import Scripted
from mulu.history.diff import FileChange, diff_values, semantic_diff
from mulu.history.log import CACHE_DIR, load_history


def step(history, sha):
    return next(s for s in history.steps if s.sha == sha)


def fields(change) -> dict[str, tuple]:
    return {f.field: (f.old, f.new) for f in change.fields}


def test_each_commit_becomes_one_step_newest_first(scripted_repo: Scripted) -> None:
    history = load_history(scripted_repo.root)
    assert history.available and history.note == ""
    assert [s.sha for s in history.steps] == list(reversed(scripted_repo.commits.values()))


def test_listing_notice_adds_records_under_that_notice(scripted_repo: Scripted) -> None:
    changes = step(load_history(scripted_repo.root), scripted_repo.commits["listing"]).changes
    added = {(c.kind, c.id): c for c in changes if c.action == "added"}
    assert set(added) == {("programmes", "t-dg"), ("programmes", "t-hg"), ("programmes", "t-yl"),
                          ("notices", "t-2024-01")}
    assert {c.notice for c in added.values()} == {"t-2024-01"}
    assert added[("programmes", "t-dg")].name == "电工"
    assert added[("programmes", "t-dg")].date == "2024-03-01"


def test_subsidy_and_hours_change_is_old_to_new_per_level(scripted_repo: Scripted) -> None:
    changes = step(load_history(scripted_repo.root), scripted_repo.commits["subsidy"]).changes
    dg = next(c for c in changes if c.id == "t-dg")
    assert dg.action == "changed"
    # The notice the commit adds stands behind the change, although the record does not name it.
    assert dg.notice == "t-2024-02"
    assert fields(dg) == {"levels[四级].hours": (160, 200), "levels[四级].subsidy": (1000, 1200)}


def test_suspension_and_withdrawal_carry_reason_date_and_notice(scripted_repo: Scripted) -> None:
    history = load_history(scripted_repo.root)
    hg = next(c for c in step(history, scripted_repo.commits["suspension"]).changes if c.id == "t-hg")
    assert (hg.action, hg.notice, hg.reason, hg.date) == ("suspended", "t-2024-03", "实训设备检修", "2024-08-05")
    yl = next(c for c in step(history, scripted_repo.commits["withdrawal"]).changes if c.id == "t-yl")
    assert (yl.action, yl.notice, yl.reason, yl.date) == ("withdrawn", "t-2024-04", "连续两年无人参训", "2024-09-10")
    assert fields(yl)["status"] == ("在册", "已移出")


def test_change_without_notice_is_a_correction(scripted_repo: Scripted) -> None:
    changes = step(load_history(scripted_repo.root), scripted_repo.commits["correction"]).changes
    assert len(changes) == 1
    assert changes[0].correction and changes[0].notice == ""
    assert fields(changes[0]) == {"notes": ("面向城乡劳动者。", "面向城乡劳动者，培训合格后参加等级认定。")}


def test_renamed_file_is_a_rename_not_add_and_remove(scripted_repo: Scripted) -> None:
    changes = step(load_history(scripted_repo.root), scripted_repo.commits["rename"]).changes
    assert [(c.action, c.old_id, c.id) for c in changes] == [("renamed", "t-hg", "t-hangong")]
    assert fields(changes[0]) == {"id": ("t-hg", "t-hangong")}


def test_timeline_follows_a_record_across_its_rename(scripted_repo: Scripted) -> None:
    timeline = load_history(scripted_repo.root).timeline("programmes", "t-hangong")
    assert [(e.date, e.change.action) for e in timeline] == [
        ("2024-11-05", "renamed"), ("2024-08-05", "suspended"), ("2024-03-01", "added")]
    assert load_history(scripted_repo.root).timeline("programmes", "t-hg") == []


def test_adjustments_are_grouped_by_notice_newest_first(scripted_repo: Scripted) -> None:
    adjustments = load_history(scripted_repo.root).adjustments()
    keys = [a.key for a in adjustments]
    ours = [k for k in keys if k.startswith("notice-t-2024") or k.startswith("correction-")]
    correction, rename = scripted_repo.commits["correction"][:12], scripted_repo.commits["rename"][:12]
    assert ours == [f"correction-{rename}", f"correction-{correction}", "notice-t-2024-04", "notice-t-2024-03",
                    "notice-t-2024-02", "notice-t-2024-01"]
    first = next(a for a in adjustments if a.key == "notice-t-2024-01")
    assert (first.date, first.meta["number"], first.meta["issuer"]) == ("2024-03-01", "黑人社测〔2024〕1号",
                                                                         "黑龙江省人力资源和社会保障厅")


def test_initial_import_lists_records_under_the_notices_they_name(scripted_repo: Scripted) -> None:
    history = load_history(scripted_repo.root)
    baseline = step(history, scripted_repo.commits["baseline"])
    records = [c for c in baseline.changes if c.action == "added" and c.kind != "notices"]
    assert records and all(c.notice for c in records)
    # A record imported already withdrawn shows both its listing and its withdrawal.
    withdrawn = [c for c in baseline.changes if c.action == "withdrawn"]
    for change in withdrawn:
        assert any(c.id == change.id and c.action == "added" for c in baseline.changes)
        assert change.reason


def test_rebuild_reads_the_cache_instead_of_git(tmp_path: Path) -> None:
    from helpers.scripted import build_scripted
    repo = build_scripted(tmp_path / "project")
    first = load_history(repo.root)
    cached = repo.root / CACHE_DIR / f"{repo.commits['subsidy']}.json"
    assert cached.is_file()
    # Prove the second build uses the cache: an edited cache entry shows up in the result.
    data = json.loads(cached.read_text(encoding="utf-8"))
    data["subject"] = "来自缓存"
    cached.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    again = load_history(repo.root)
    assert step(again, repo.commits["subsidy"]).subject == "来自缓存"
    assert [s.sha for s in again.steps] == [s.sha for s in first.steps]
    # A corrupt or outdated entry is recomputed, not trusted.
    cached.write_text("{broken", encoding="utf-8")
    assert step(load_history(repo.root), repo.commits["subsidy"]).subject == "电工四级补贴和课时调整"


def test_without_git_history_says_it_is_unavailable(project: Path) -> None:
    history = load_history(project)
    assert not history.available
    assert history.note.startswith("历史记录不可用")
    assert history.adjustments() == [] and history.timeline("programmes", "x") == []


def test_shallow_clone_does_not_show_everything_as_new(scripted_repo: Scripted, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{scripted_repo.root}", str(clone)], check=True)
    history = load_history(clone)
    assert history.available and "浅克隆" in history.note
    assert [s.sha for s in history.steps] == [scripted_repo.commits["rename"]]


def test_history_of_an_older_revision(scripted_repo: Scripted) -> None:
    history = load_history(scripted_repo.root, scripted_repo.commits["subsidy"])
    assert history.revision == scripted_repo.commits["subsidy"]
    assert len(history.steps) == 3


# -- the diff of values itself -------------------------------------------------------------------

def test_lists_of_mappings_are_matched_by_their_key_not_position() -> None:
    old = {"levels": [{"level": "五级", "subsidy": 800}, {"level": "四级", "subsidy": 1000}]}
    new = {"levels": [{"level": "四级", "subsidy": 1200}]}
    changes = {c.field: (c.old, c.new) for c in diff_values(old, new)}
    assert changes == {"levels[四级].subsidy": (1000, 1200), "levels[五级].level": ("五级", None),
                       "levels[五级].subsidy": (800, None)}


def test_lists_of_plain_values_compare_as_a_whole() -> None:
    changes = diff_values({"marks": ["S"]}, {"marks": ["S", "L"]})
    assert [(c.field, c.old, c.new) for c in changes] == [("marks", ["S"], ["S", "L"])]


def test_formatting_only_edits_are_no_change() -> None:
    old = b"id: a\nname: \xe7\x94\xb2\nstatus: \xe5\x9c\xa8\xe5\x86\x8c\n"
    new = b"# comment\nid: a\nname:   \xe7\x94\xb2\nstatus: \xe5\x9c\xa8\xe5\x86\x8c\n"
    assert semantic_diff([FileChange("M", "registry/programmes/a.yml", "registry/programmes/a.yml", old, new)]) == []


def test_unreadable_yaml_in_history_does_not_crash() -> None:
    change = FileChange("M", "registry/programmes/a.yml", "registry/programmes/a.yml", b"id: a\nname: x\n",
                        b"id: a\nname: [unclosed\n")
    result = semantic_diff([change])
    assert len(result) == 1 and result[0].id == "a"


def test_files_outside_record_folders_are_ignored() -> None:
    change = FileChange("M", "registry/reference/levels.yml", "registry/reference/levels.yml", b"a: 1\n", b"a: 2\n")
    assert semantic_diff([change]) == []


def test_history_survives_git_missing(scripted_repo: Scripted, tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(scripted_repo.root, copy, ignore=shutil.ignore_patterns(".mulu-cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    history = load_history(copy)
    assert not history.available and "历史记录不可用" in history.note
    monkeypatch.undo()
    assert git(copy, "rev-parse", "HEAD").strip() == scripted_repo.commits["rename"]
