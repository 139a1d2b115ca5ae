"""Programme catalogue sections per jurisdiction (Zibo: 重点产业指导目录 / 一般性目录) in config.yml."""

from __future__ import annotations

from pathlib import Path

from mulu.core.config import parse_config
from mulu.project import open_project
from mulu.site.catalogue import rows_data
from mulu.site.model import SiteContext

ZIBO = "registry/programmes/zb-4-10-01-05.yml"
HLJ = "registry/programmes/hlj-4-10-01-05.yml"


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_config_defines_sections_per_jurisdiction() -> None:
    config = parse_config({"programme_sections": {"370300": ["重点产业指导目录", "一般性目录"]},
                           "privacy": {"mask_trainer_names": True}})
    assert config.programme_sections == {"370300": ("重点产业指导目录", "一般性目录")} and config.mask_trainer_names
    assert parse_config({}).programme_sections == {} and not parse_config({}).mask_trainer_names


def test_sections_are_required_checked_and_refused_elsewhere(project: Path, mulu) -> None:
    edit(project, ZIBO, "section: 一般性目录\n", "")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and f"{ZIBO}:4:1: [region] 淄博市的培训项目目录分为：重点产业指导目录、一般性目录。请用 section 写明" in result.out
    edit(project, ZIBO, "category: 就业技能培训\n", "category: 就业技能培训\nsection: 特色目录\n")
    result = mulu("validate", cwd=project)
    assert "[section] 目录分区只能是以下之一：重点产业指导目录、一般性目录；现在是“特色目录”。" in result.out, result.out
    edit(project, ZIBO, "section: 特色目录", "section: 一般性目录")
    edit(project, HLJ, "category: 就业技能培训\n", "category: 就业技能培训\nsection: 一般性目录\n")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and f"{HLJ}:" in result.out and "黑龙江省的培训项目目录没有分区：请删除 section" in result.out


def test_catalogue_shows_the_section(project: Path) -> None:
    registry = open_project(project).registry
    data = rows_data("programmes", registry, SiteContext(generated_at="2026-01-01T00:00:00Z"))
    labels = [c["label"] for c in data["columns"]]
    column = 6 + labels.index("目录分区")
    by_id = {row[0]: row[column] for row in data["rows"]}
    assert by_id["zb-6-10-01-01"] == "重点产业指导目录" and by_id["zb-4-10-01-05"] == "一般性目录"
    assert by_id["hlj-4-10-01-05"] is None
