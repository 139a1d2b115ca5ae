"""师资库 (trainers): public fields only, the personal-data guard, and names masked everywhere
the site publishes them when config.yml asks for it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from helpers.git import commit, init_repo
from mulu.site.privacy import mask_name

TRAINER = "registry/trainers/zb-sz-001.yml"     # 王晓明, at 淄博市张店区齐鲁职业技能培训学校


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_mask_name() -> None:
    assert [mask_name(n) for n in ("王晓明", "王明", "欧阳明华", "王", " 李秀兰 ")] == ["王*明", "王*", "欧**华", "王", "李*兰"]


def test_only_public_fields_and_no_personal_numbers(project: Path, mulu) -> None:
    edit(project, TRAINER, "consent_date: 2025-02-10\n", "phone: 13912345678\n")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert f"{TRAINER}:19:1: [phone] 不认识的字段“phone”" in result.out, result.out
    assert "缺少必填字段“consent_date”（同意公开日期）" in result.out
    edit(project, TRAINER, "phone: 13912345678\n", "consent_date: 2025-02-10\n")
    edit(project, TRAINER, "qualification: 一级/高级技师", "qualification: 一级/高级技师 电话13912345678")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and "[qualification] “职称或证书等级”中有疑似手机号 139****5678" in result.out


def files_text(site: Path) -> str:
    """Every text the built site publishes, including inside the XLSX downloads."""
    parts = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".json", ".csv", ".xml", ".txt"):
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                parts += [book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample in git; then 王晓明 is renamed 王小明 (history, feeds and changelog carry both)."""
    from helpers.project import copy_project, run_mulu
    project = copy_project(tmp_path_factory.mktemp("trainers") / "project")
    init_repo(project, "导入示例目录", "2026-03-11")
    edit(project, TRAINER, "name: 王晓明", "name: 王小明")
    commit(project, "更正师资姓名", "2026-03-12")
    result = run_mulu("build", "--no-search", cwd=project)
    assert result.code == 0, result.out + result.err
    return project / "site"


def test_names_are_masked_in_everything_published(built: Path) -> None:
    text = files_text(built)
    for name in ("王晓明", "王小明", "蒋卫东", "冯玉山", "褚文博"):
        assert name not in text, name
    assert "王*明" in text and "蒋*东" in text
    school = (built / "institutions/52370303MJ12038456/index.html").read_text(encoding="utf-8")
    assert "王*明" in school                       # the unit's page lists its trainers
    assert "王*明" in (built / "trainers/zb-sz-001/index.html").read_text(encoding="utf-8")


def test_names_shown_when_not_masked(project: Path, mulu) -> None:
    edit(project, "registry/config.yml", "mask_trainer_names: true", "mask_trainer_names: false")
    result = mulu("build", "--no-search", cwd=project)
    assert result.code == 0, result.out + result.err
    assert "王晓明" in (project / "site/trainers/zb-sz-001/index.html").read_text(encoding="utf-8")
