"""A throw-away git repository with a scripted sequence of registry adjustments.

Other history tests import :func:`scripted_repo` (a session fixture) and the constants
below; the tests in this file only check that the script itself did what it says, so a
failure elsewhere is not a broken set-up in disguise.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import copy_project

GIT_ENV = {"GIT_AUTHOR_NAME": "审核员", "GIT_AUTHOR_EMAIL": "reviewer@example.invalid",
           "GIT_COMMITTER_NAME": "审核员", "GIT_COMMITTER_EMAIL": "reviewer@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def notice(nid: str, number: str, date: str, summary: str) -> str:
    return f"""\
id: {nid}
name: 关于调整职业技能培训目录的通知（{nid}）
region: "230000"
number: {number}
issuer: 黑龙江省人力资源和社会保障厅
date: {date}
summary: {summary}
maintainers: [hrss-admin]
"""


def programme(pid: str, name: str, code: str, levels: list[tuple[str, int, int]], *, notice_id: str = "t-2024-01",
              listed: str = "2024-03-01", notes: str = "面向城乡劳动者。", status: str = "在册",
              status_change: str = "") -> str:
    rows = "".join(f"  - level: {lv}\n    hours: {h}\n    subsidy: {s}\n    certificate: 职业技能等级证书\n"
                   for lv, h, s in levels)
    return f"""\
id: {pid}
name: {name}
region: "230100"
status: {status}
{status_change}listed:
  date: {listed}
  notice: {notice_id}
maintainers: [hrb-hrss]
occupation:
  code: "{code}"
  edition: "2022"
category: 就业技能培训
levels:
{rows}effective: {listed}
notes: {notes}
"""


DG = ("t-dg", "电工", "6-31-01-03")
HG = ("t-hg", "焊工", "6-18-02-04")
YL = ("t-yl", "养老护理员", "4-10-01-05")
DG_LEVELS = [("五级", 120, 800), ("四级", 160, 1000)]
HG_LEVELS = [("五级", 120, 900), ("四级", 160, 1100)]
YL_LEVELS = [("五级", 100, 700)]
# A summary with markup: every page must show it as text.
EVIL = "调整<b>补贴</b>标准 & 课时 <script>alert(1)</script>"


@dataclass(frozen=True)
class Scripted:
    """The repository and the commit id of each scripted step."""

    root: Path
    commits: dict[str, str]   # step name -> sha


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def commit(root: Path, message: str, date: str) -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": f"{date}T10:00:00+08:00",
           "GIT_COMMITTER_DATE": f"{date}T10:00:00+08:00"}
    subprocess.run(["git", "add", "-A", "."], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, env=env, check=True, capture_output=True)
    return git(root, "rev-parse", "HEAD").strip()


def write(root: Path, kind: str, rid: str, text: str) -> None:
    (root / "registry" / kind / f"{rid}.yml").write_text(text, encoding="utf-8")


def build_scripted(root: Path) -> Scripted:
    """The sample project, then six adjustments, each its own commit."""
    copy_project(root)
    git(root, "init", "-q", "-b", "main")
    shas = {"baseline": commit(root, "导入示例目录", "2024-01-10")}

    write(root, "notices", "t-2024-01", notice("t-2024-01", "黑人社测〔2024〕1号", "2024-03-01", EVIL))
    write(root, "programmes", DG[0], programme(*DG, DG_LEVELS))
    write(root, "programmes", HG[0], programme(*HG, HG_LEVELS))
    write(root, "programmes", YL[0], programme(*YL, YL_LEVELS))
    shas["listing"] = commit(root, "新增电工、焊工、养老护理员培训项目", "2024-03-02")

    write(root, "notices", "t-2024-02", notice("t-2024-02", "黑人社测〔2024〕2号", "2024-06-01", "提高电工补贴标准。"))
    write(root, "programmes", DG[0], programme(*DG, [("五级", 120, 800), ("四级", 200, 1200)]))
    shas["subsidy"] = commit(root, "电工四级补贴和课时调整", "2024-06-02")

    write(root, "notices", "t-2024-03", notice("t-2024-03", "黑人社测〔2024〕3号", "2024-08-01", "暂停焊工项目。"))
    write(root, "programmes", HG[0], programme(
        *HG, HG_LEVELS, status="暂停",
        status_change="status_change:\n  date: 2024-08-05\n  notice: t-2024-03\n  reason: 实训设备检修\n"))
    shas["suspension"] = commit(root, "暂停焊工", "2024-08-02")

    write(root, "notices", "t-2024-04", notice("t-2024-04", "黑人社测〔2024〕4号", "2024-09-01", "移出养老护理员项目。"))
    write(root, "programmes", YL[0], programme(
        *YL, YL_LEVELS, status="已移出",
        status_change="status_change:\n  date: 2024-09-10\n  notice: t-2024-04\n  reason: 连续两年无人参训\n"))
    shas["withdrawal"] = commit(root, "移出养老护理员", "2024-09-02")

    write(root, "programmes", DG[0], programme(*DG, [("五级", 120, 800), ("四级", 200, 1200)],
                                               notes="面向城乡劳动者，培训合格后参加等级认定。"))
    shas["correction"] = commit(root, "更正电工备注", "2024-10-08")

    (root / "registry" / "programmes" / "t-hg.yml").rename(root / "registry" / "programmes" / "t-hangong.yml")
    text = (root / "registry" / "programmes" / "t-hangong.yml").read_text(encoding="utf-8")
    write(root, "programmes", "t-hangong", text.replace("id: t-hg", "id: t-hangong"))
    shas["rename"] = commit(root, "焊工项目改用拼音编号", "2024-11-05")
    return Scripted(root, shas)


@pytest.fixture(scope="session")
def scripted_repo(tmp_path_factory: pytest.TempPathFactory) -> Scripted:
    """One scripted repository shared by the history tests (they only read it)."""
    return build_scripted(tmp_path_factory.mktemp("history") / "project")


def test_script_commits_each_step(scripted_repo: Scripted) -> None:
    log = git(scripted_repo.root, "log", "--format=%s").splitlines()
    assert len(log) == 7
    assert len(set(scripted_repo.commits.values())) == 7


def test_script_ends_in_a_valid_registry(scripted_repo: Scripted, mulu) -> None:
    result = mulu("validate", cwd=scripted_repo.root)
    assert result.code == 0, result.out
