"""``mulu new``: templates every kind can start from, in canonical form, valid once filled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from mulu.core.creditcode import check_character
from mulu.core.kinds import KINDS


def credit_code(body17: str) -> str:
    return body17 + check_character(body17)


IDS = {"institutions": credit_code("52230103MJY123456"), "assessors": credit_code("91230100MA1B2C3D4"),
       "notices": "t-notice-1"}
COMMON = {("name",): "测试记录", ("region",): "230103", ("listed", "date"): "2024-03-05",
          ("listed", "notice"): "t-notice-1", ("maintainers", 0): "test-school"}
# What a person types into the template, field by field (paths into the YAML).
FILL: dict[str, dict[tuple[Any, ...], Any]] = {
    "notices": {("name",): "关于公布培训机构目录的通知", ("region",): "230000", ("number",): "黑人社规〔2024〕12号",
                ("issuer",): "黑龙江省人力资源和社会保障厅", ("date",): "2024-03-01", ("summary",): "公布第一批目录。",
                ("maintainers", 0): "hrss-admin"},
    "programmes": {**COMMON, ("occupation", "code"): "6-31-01-03", ("occupation", "edition"): "2022",
                   ("category",): "就业技能培训", ("levels", 0, "level"): "四级", ("levels", 0, "hours"): 120,
                   ("levels", 0, "subsidy"): 1100, ("levels", 0, "certificate"): "职业技能等级证书",
                   ("effective",): "2024-03-05"},
    "institutions": {**COMMON, ("type",): "民办职业培训机构", ("address",): "哈尔滨市南岗区测试路 1 号",
                     ("offerings", 0, "occupation"): "6-31-01-03", ("offerings", 0, "levels", 0): "四级",
                     ("subsidised",): True, ("contact", "phone"): "0451-86201234"},
    "assessors": {**COMMON, ("type",): "用人单位", ("filing_number",): "黑人社认备〔2024〕1号",
                  ("scope", 0, "occupation"): "6-31-01-03", ("scope", 0, "levels", 0): "四级",
                  ("valid_from",): "2024-03-05"},
    "bases": {**COMMON, ("category",): "公共实训基地", ("level",): "省级", ("operator", "name"): "测试实业有限公司",
              ("floor_area_m2",): 5000, ("occupations", 0): "6-31-01-03", ("approval_year",): 2023},
    "studios": {**COMMON, ("master", "name"): "王建国", ("master", "occupation"): "6-31-01-03",
                ("host", "name"): "测试实业有限公司", ("level",): "省级", ("batch_year",): 2023},
    "specs": {**COMMON, ("number",): "黑专能-2024-001", ("definition",): "运用剪刀，在纸张上进行剪刻的能力。",
              ("target",): "城乡劳动者", ("competencies", 0, "task"): "剪刻", ("competencies", 0, "norms"): "按图剪刻",
              ("competencies", 0, "knowledge"): "剪纸知识", ("competencies", 0, "weight"): 100,
              ("assessment", "method"): "实际操作", ("assessment", "duration_minutes"): 90,
              ("assessment", "examiners"): 3, ("assessment", "venue"): "实训室", ("version",): "1.0",
              ("effective",): "2024-03-05"},
    "shortages": {**COMMON, ("valid_from",): "2024-03-05", ("entries", 0, "occupation"): "6-31-01-03",
                  ("entries", 0, "uplift_percent"): 20},
    "qualifications": {**COMMON, ("category",): "技能人员职业资格", ("type",): "准入类", ("department",): "应急管理部",
                       ("basis",): "《中华人民共和国安全生产法》", ("list_edition",): "2021年版"},
    "demands": {**COMMON, ("occupation",): "6-31-01-03", ("level",): "四级", ("expected_trainees",): 100,
                ("valid_from",): "2024-03-05", ("basis",): "劳动者问卷调查"},
    "trainers": {**COMMON, ("occupations", 0, "occupation"): "6-31-01-03", ("occupations", 0, "levels", 0): "五级",
                 ("qualification",): "二级/技师", ("unit", "name"): "测试实业有限公司", ("consent_date",): "2024-03-05"},
}


def fill(path: Path, values: dict[tuple[Any, ...], Any]) -> None:
    """Type values into a template the way an editor would: comments stay."""
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    for keys, value in values.items():
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def new_record(project: Path, mulu, kind: str) -> Path:
    args = ["new", kind] + ([IDS[kind]] if kind in IDS else [])
    result = mulu(*args, cwd=project)
    assert result.code == 0, result.err
    created = [p for p in (project / "registry" / kind).glob("*.yml") if p.name in result.out]
    assert len(created) == 1, result.out
    return created[0]


@pytest.mark.parametrize("kind", [k.name for k in KINDS])
def test_template_is_canonical_explained_and_valid_once_filled(project: Path, mulu, kind: str) -> None:
    if kind != "notices":
        fill(new_record(project, mulu, "notices"), FILL["notices"])
    path = new_record(project, mulu, kind)
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(project).as_posix()

    modeline = text.splitlines()[0]
    assert modeline.startswith("# yaml-language-server: $schema=")
    schema_path = (path.parent / modeline.split("$schema=")[1]).resolve()
    schema = json.loads(schema_path.read_text(encoding="utf-8"))  # the editor finds the schema
    for key in schema["required"]:  # every required field is there, explained in Chinese
        title = schema["properties"][key]["title"]
        assert f"# {title}（必填）" in text, key

    assert mulu("fmt", "--check", rel, cwd=project).code == 0

    unfilled = mulu("validate", rel, cwd=project)
    assert unfilled.code == 1  # placeholders are never publishable
    assert f"{rel}:" in unfilled.out and "不能为空" in unfilled.out

    fill(path, FILL[kind])
    filled = mulu("validate", rel, cwd=project)
    assert filled.code == 0, filled.out
    assert mulu("validate", cwd=project).code == 0


def test_never_overwrites(project: Path, mulu) -> None:
    path = new_record(project, mulu, "institutions")
    path.write_text(path.read_text(encoding="utf-8") + "# 我的修改\n", encoding="utf-8")
    before = path.read_bytes()
    again = mulu("new", "institutions", IDS["institutions"], cwd=project)
    assert again.code == 1
    assert "已经存在，没有覆盖它" in again.err
    assert path.read_bytes() == before
    lower = mulu("new", "institutions", IDS["institutions"].lower(), cwd=project)
    assert lower.code == 2  # not a credit code (lower case): refused before touching anything
    assert path.read_bytes() == before


def test_placeholder_ids_do_not_collide(project: Path, mulu) -> None:
    first = new_record(project, mulu, "studios")
    second = new_record(project, mulu, "studios")
    assert first != second and first.stem == "new-studio" and second.stem == "new-studio-2"
    assert "占位编号" in mulu("new", "studios", cwd=project).out


def test_usage_errors_are_explained(project: Path, mulu) -> None:
    unknown = mulu("new", "schools", cwd=project)
    assert unknown.code == 2 and "不认识的记录类型“schools”" in unknown.err and "institutions" in unknown.err
    no_code = mulu("new", "institutions", cwd=project)
    assert no_code.code == 2 and "统一社会信用代码" in no_code.err
    bad_id = mulu("new", "studios", "王大师工作室", cwd=project)
    assert bad_id.code == 2 and "只能用英文字母" in bad_id.err
    assert not list((project / "registry" / "studios").glob("王*"))


def test_given_values_are_filled_in(project: Path, mulu) -> None:
    result = mulu("new", "specs", "hlj-zx-001", "--name", "剪纸", "--region", "230000",
                  "--maintainer", "hlj-hrss", "--maintainer", "hlj-school", cwd=project)
    assert result.code == 0
    data = YAML(typ="safe").load((project / "registry" / "specs" / "hlj-zx-001.yml").read_text(encoding="utf-8"))
    assert (data["id"], data["name"], data["region"], data["maintainers"]) == \
        ("hlj-zx-001", "剪纸", "230000", ["hlj-hrss", "hlj-school"])


def test_singular_kind_and_checksum_warning(project: Path, mulu) -> None:
    result = mulu("new", "institution", "52230103MJY1234563", cwd=project)
    assert result.code == 0
    assert "没有通过统一社会信用代码校验位检查" in result.out
    assert (project / "registry" / "institutions" / "52230103MJY1234563.yml").is_file()
