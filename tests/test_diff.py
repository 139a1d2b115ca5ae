"""`mulu diff` as a reviewer meets it on a pull request."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from helpers.git import git
from helpers.scripted import DG, Scripted, programme


@pytest.fixture
def clone(scripted_repo: Scripted, tmp_path: Path) -> Path:
    """A writable clone of the scripted repository (for working-tree changes)."""
    dest = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(scripted_repo.root), str(dest)], check=True)
    return dest


def test_subsidy_change_between_two_commits(scripted_repo: Scripted, mulu) -> None:
    c = scripted_repo.commits
    result = mulu("diff", c["listing"], c["subsidy"], cwd=scripted_repo.root)
    assert result.code == 0, result.err
    out = result.out
    assert "| 修改 | 1 |" in out and "| 新增 | 1 |" in out          # the record, and the notice itself
    assert "### 政府补贴培训目录" in out
    assert "电工（`t-dg`），依据 黑人社测〔2024〕2号（`t-2024-02`）" in out
    assert "各等级标准（四级） › 补贴标准（元/人） `levels[四级].subsidy`：1000 → 1200" in out
    assert "`levels[四级].hours`：160 → 200" in out
    assert "没有引入新的校验问题" in out


def test_suspension_withdrawal_and_rename(scripted_repo: Scripted, mulu) -> None:
    c = scripted_repo.commits
    rename = mulu("diff", c["correction"], c["rename"], cwd=scripted_repo.root).out
    assert "| 更名 | 1 |" in rename and "**更名（1）**" in rename and "编号 `t-hg` → `t-hangong`" in rename
    assert "新增" not in rename and "删除" not in rename
    assert "更正（未依据公告）" in rename
    out = mulu("diff", c["subsidy"], c["rename"], cwd=scripted_repo.root).out
    assert "**暂停（1）**" in out and "2024-08-05 起；原因：实训设备检修" in out
    assert "**移出（1）**" in out and "原因：连续两年无人参训" in out
    # Suspended and later renamed within the range: one change, showing both.
    assert "焊工（`t-hangong`），依据 黑人社测〔2024〕3号（`t-2024-03`）：编号 `t-hg` → `t-hangong`" in out
    assert "删除" not in out.split("### 本次修改")[0]


def test_json_format(scripted_repo: Scripted, mulu) -> None:
    c = scripted_repo.commits
    result = mulu("diff", c["listing"], c["subsidy"], "--format", "json", cwd=scripted_repo.root)
    assert result.code == 0
    data = json.loads(result.out)
    assert data["base"] == c["listing"] and data["head"] == c["subsidy"]
    assert data["counts"] == {"added": 1, "changed": 1}
    change = next(x for x in data["changes"] if x["id"] == "t-dg")
    assert change["notice"] == "t-2024-02"
    assert {(f["field"], f["old"], f["new"]) for f in change["fields"]} == {
        ("levels[四级].hours", 160, 200), ("levels[四级].subsidy", 1000, 1200)}
    assert data["notices"]["t-2024-02"]["number"] == "黑人社测〔2024〕2号"
    assert data["introduced_problems"] == []


def test_working_tree_is_the_default_head(clone: Path, mulu) -> None:
    (clone / "registry" / "programmes" / "t-dg.yml").write_text(
        programme(*DG, [("五级", 120, 800), ("四级", 200, 1500)], notes="面向城乡劳动者，培训合格后参加等级认定。"),
        encoding="utf-8")
    # Uncommitted and untracked: a renamed file is still a rename.
    (clone / "registry" / "programmes" / "t-yl.yml").rename(clone / "registry" / "programmes" / "t-yanglao.yml")
    path = clone / "registry" / "programmes" / "t-yanglao.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: t-yl", "id: t-yanglao"), encoding="utf-8")
    result = mulu("diff", "HEAD", cwd=clone)
    assert result.code == 0, result.out
    assert "→ 工作区" in result.out
    assert "`levels[四级].subsidy`：1200 → 1500" in result.out
    assert "编号 `t-yl` → `t-yanglao`" in result.out and "**新增" not in result.out


def test_introduced_problems_fail_the_check_and_old_ones_are_not_repeated(clone: Path, mulu) -> None:
    # A problem already in BASE ...
    (clone / "registry" / "programmes" / "t-dg.yml").write_text(
        programme(*DG, [("五级", 120, 800)]).replace('region: "230100"', 'region: "999999"'), encoding="utf-8")
    git(clone, "-c", "user.name=x", "-c", "user.email=x@example.invalid", "commit", "-qam", "带问题的基线")
    # ... and a new one in the working tree.
    hg = clone / "registry" / "programmes" / "t-hangong.yml"
    hg.write_text(hg.read_text(encoding="utf-8").replace("subsidy: 900", "subsidy: 九百"), encoding="utf-8")
    result = mulu("diff", "HEAD", cwd=clone)
    assert result.code == 1
    assert "### 本次修改引入的校验问题（1）" in result.out
    assert "registry/programmes/t-hangong.yml:" in result.out and "subsidy" in result.out
    assert "999999" not in result.out.split("### 本次修改引入的校验问题")[1]


def test_registry_text_cannot_inject_markdown(clone: Path, mulu) -> None:
    path = clone / "registry" / "programmes" / "t-dg.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 电工", "name: 电工<img src=x>|*@team*"),
                    encoding="utf-8")
    out = mulu("diff", "HEAD", cwd=clone).out
    assert "<img" not in out and "&lt;img src=x&gt;" in out
    assert r"\|\*&#64;team\*" in out


def test_unknown_revision_is_a_usage_error(scripted_repo: Scripted, mulu) -> None:
    result = mulu("diff", "no-such-branch", cwd=scripted_repo.root)
    assert result.code == 2
    assert "找不到版本“no-such-branch”" in result.err and "Traceback" not in result.err
    assert mulu("diff", "HEAD", "-bad", cwd=scripted_repo.root).code == 2


def test_outside_git_is_a_usage_error(project: Path, mulu) -> None:
    result = mulu("diff", "HEAD", cwd=project)
    assert result.code == 2
    assert "不在 git 仓库中" in result.err and "Traceback" not in result.err
