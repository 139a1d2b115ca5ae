"""A scripted repository for editions: 河北's programme catalogue published as 2024年版 by
``mulu import --edition``, and the sheet of a 2025年版 that drops one row (美发师), adds one
(养老护理员), raises one subsidy, lowers another and lists a record already withdrawn (钢筋工)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.git import commit, git
from helpers.project import copy_project, run_mulu

REGION = "130000"
E2024, E2025 = "t-ed-2024", "t-ed-2025"
IN_2024 = ["hb-4-03-02-02", "hb-4-04-05-05", "hb-4-10-01-06", "hb-4-10-03-02", "hb-6-28-01-14"]
DROPPED = "hb-4-10-03-02"           # 美发师: not in the 2025 sheet
WITHDRAWN = "hb-6-29-02-01"         # 钢筋工: 已移出 before, yet a row of the 2025 sheet
RAISED = ("hb-4-10-01-06", "四级", 1100, 1300)    # 家政服务员
LOWERED = ("hb-4-03-02-02", "五级", 800, 700)     # 中式面点师
ADDED = ("养老护理员", "4-10-01-05", [("五级", 100, 900), ("四级", 120, 1200)])
HEADER = ["名称", "职业编码", "培训类别", "等级", "培训课时", "补贴标准（元/人）"]


def edition_notice(nid: str, name: str, date: str, effective: str, replaces: str = "",
                   kind: str = "programmes", region: str = REGION) -> str:
    """The text of a notice publishing an edition of 河北's catalogue."""
    extra = f"  replaces: {replaces}\n" if replaces else ""
    return f"""\
id: {nid}
name: 关于发布河北省职业技能培训补贴目录（{name}）的通知
region: "{REGION}"
number: 冀人社测〔{effective[:4]}〕{nid[-2:]}号
issuer: 河北省人力资源和社会保障厅
date: {date}
effective: {effective}
summary: 发布{name}目录。
edition:
  kind: {kind}
  region: "{region}"
  name: {name}
  effective: {effective}
{extra}maintainers: [hrss-admin]
"""


def _rows(root: Path, ids: list[str], amounts: dict[tuple[str, str], int]) -> list[list[str]]:
    rows = []
    for rid in ids:
        data = yaml.safe_load((root / "registry" / "programmes" / f"{rid}.yml").read_text(encoding="utf-8"))
        for item in data["levels"]:
            subsidy = amounts.get((rid, item["level"]), item["subsidy"])
            rows.append([data["name"], data["occupation"]["code"], data["category"], item["level"], str(item["hours"]),
                         str(subsidy)])
    return rows


def write_sheet(path: Path, rows: list[list[str]]) -> Path:
    """A department's sheet: Chinese headers, one row per level, no ids."""
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADER, *rows])
    return path


@dataclass(frozen=True)
class EditionRepo:
    """The repository, the 2025 sheet, and the commits made so far."""

    root: Path
    sheet_2025: Path
    commits: dict[str, str]


def build_edition_repo(root: Path, publish_2025: bool = False) -> EditionRepo:
    """The sample project in git with 河北's 2024年版 published; the 2025年版 notice and sheet
    written (and, with ``publish_2025``, imported with ``--yes`` and committed)."""
    copy_project(root)
    reg = root / "registry"
    withdrawn = reg / "programmes" / f"{WITHDRAWN}.yml"
    withdrawn.write_text(withdrawn.read_text(encoding="utf-8").replace(
        "status: 在册\n", "status: 已移出\nstatus_change:\n  date: 2023-06-01\n  notice: hb-2022-40\n  reason: 连续两年无人参训\n"),
        encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    shas = {"baseline": commit(root, "导入示例目录", "2024-01-10")}
    (reg / "notices" / f"{E2024}.yml").write_text(edition_notice(E2024, "2024年版", "2023-12-20", "2024-01-01"),
                                                  encoding="utf-8")
    sheet_2024 = write_sheet(root / "hb-2024.csv", _rows(root, IN_2024, {}))
    result = run_mulu("import", "programmes", str(sheet_2024), "--edition", E2024, "--yes", cwd=root)
    assert result.code == 0, result.out + result.err
    sheet_2024.unlink()
    shas["2024"] = commit(root, "河北省补贴目录2024年版", "2024-01-12")
    (reg / "notices" / f"{E2025}.yml").write_text(
        edition_notice(E2025, "2025年版", "2024-12-20", "2025-01-01", replaces=E2024), encoding="utf-8")
    kept = [rid for rid in IN_2024 if rid != DROPPED] + [WITHDRAWN]
    rows = _rows(root, kept, {(RAISED[0], RAISED[1]): RAISED[3], (LOWERED[0], LOWERED[1]): LOWERED[3]})
    rows += [[ADDED[0], ADDED[1], "就业技能培训", lv, str(h), str(s)] for lv, h, s in ADDED[2]]
    sheet_2025 = write_sheet(root.parent / f"{root.name}-2025.csv", rows)
    if publish_2025:
        result = run_mulu("import", "programmes", str(sheet_2025), "--edition", E2025, "--maintainer", "hb-hrss",
                          "--yes", cwd=root)
        assert result.code == 0, result.out + result.err
        shas["2025"] = commit(root, "河北省补贴目录2025年版", "2025-01-02")
    return EditionRepo(root, sheet_2025, shas)
