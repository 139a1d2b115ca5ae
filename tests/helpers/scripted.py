"""Throw-away git repositories with scripted sequences of registry adjustments.

``build_scripted`` makes the history tests' repository (six adjustments, one commit each);
``make_history_project`` the statistics tests' (two notices).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from helpers.git import commit, git
from helpers.project import REPO, copy_project


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


STATS_NOTICE = """\
id: {id}
name: 关于调整职业技能培训目录的通知（统计测试）
region: "230000"
number: {number}
issuer: 黑龙江省人力资源和社会保障厅
date: {date}
summary: 统计测试用的目录调整。
maintainers: [hrss-admin]
"""


def make_history_project(root: Path) -> Path:
    """The sample project in git, then two adjustments: 统测〔2024〕1号 lists two programmes
    and withdraws one, 统测〔2025〕2号 suspends one institution."""
    for name in ("registry", "schemas", "site_overrides", "docs"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    if (REPO / "mkdocs.yml").is_file():
        shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    git(root, "init", "-q", "-b", "main")
    commit(root, "导入示例目录", "2024-01-10")
    reg = root / "registry"
    (reg / "notices/t-stats-1.yml").write_text(STATS_NOTICE.format(id="t-stats-1", number="黑人社统测〔2024〕1号",
                                                              date="2024-12-01"), encoding="utf-8")
    source = (reg / "programmes/hlj-4-10-01-06.yml").read_text(encoding="utf-8")
    for new in ("t-stats-a", "t-stats-b"):
        text = source.replace("id: hlj-4-10-01-06", f"id: {new}").replace("notice: hlj-2022-08", "notice: t-stats-1")
        (reg / f"programmes/{new}.yml").write_text(text.replace("date: 2022-05-01", "date: 2024-12-05"), encoding="utf-8")
    withdrawn = reg / "programmes/hlj-6-31-01-03.yml"
    withdrawn.write_text(withdrawn.read_text(encoding="utf-8").replace(
        "status: 在册\n", "status: 已移出\nstatus_change:\n  date: 2024-12-05\n  notice: t-stats-1\n  reason: 统计测试\n"),
        encoding="utf-8")
    commit(root, "统测1号：新增两个项目，移出电工", "2024-12-02")
    (reg / "notices/t-stats-2.yml").write_text(STATS_NOTICE.format(id="t-stats-2", number="黑人社统测〔2025〕2号",
                                                              date="2025-01-15"), encoding="utf-8")
    suspended = reg / "institutions/12210000417003442U.yml"
    suspended.write_text(suspended.read_text(encoding="utf-8").replace(
        "status: 在册\n", "status: 暂停\nstatus_change:\n  date: 2025-01-20\n  notice: t-stats-2\n  reason: 统计测试\n"),
        encoding="utf-8")
    commit(root, "统测2号：暂停一家机构", "2025-01-16")
    return root
