"""`mulu validate` as an editor meets it: every problem, with file, line, field and a fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.records import GOOD_CODE, INSTITUTION, SPEC, seed, write


def test_shipped_sample_is_clean(mulu, project: Path) -> None:
    result = mulu("validate", "--format", "json", cwd=project)
    assert result.code == 0, result.out
    problems = json.loads(result.out)["problems"]
    # The sample shows on purpose what falls due (expired validities, suspensions past their
    # end): time warnings only, never an error.
    assert problems and {(p["severity"], p["rule"]) for p in problems} == {("warning", "rule.time_warning")}


def test_clean_seed_records_pass(mulu, project: Path) -> None:
    seed(project)
    write(project, "specs", "t-spec-1", SPEC.replace("weight: 50", "weight: 60"))
    result = mulu("validate", cwd=project)
    assert result.code == 0, result.out


# --- loading: each rejection names the file and line and says what to do -------------------

BAD_FILES = {
    "syntax": ("name: 测试\nregion: \"230100\nstatus: 在册\n", 2, "引号没有闭合"),
    "duplicate": ("id: dup\nname: 甲\nname: 乙\n", 3, "重复出现（第一次在第 2 行）"),
    "tag": ("id: tag\nname: !!python/object/apply:os.system [\"touch /tmp/mulu-pwned\"]\n", 2, "不允许使用 YAML 标签"),
    "custom-tag": ("id: tag\nname: !secret 甲\n", 2, "不允许使用 YAML 标签"),
    "alias": ("id: a\nname: &n 甲\naddress: *n\n", 3, "不允许使用锚点和别名"),
    "top-list": ("- id: x\n- name: y\n", 1, "最外层必须是“字段名: 值”形式的键值对"),
    "empty": ("# 只有注释\n", 1, "文件是空的"),
    "tab": ("id: t\nlicence:\n\tnumber: 1\n", 3, "不能用 Tab 键缩进"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_loader_rejections(mulu, project: Path, case: str) -> None:
    text, line, message = BAD_FILES[case]
    write(project, "institutions", f"bad-{case}", text)
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    reported = [ln for ln in result.out.splitlines() if ln.startswith(f"registry/institutions/bad-{case}.yml")]
    assert reported and message in reported[0], result.out
    if line is not None:
        assert reported[0].startswith(f"registry/institutions/bad-{case}.yml:{line}:"), reported[0]
    assert not Path("/tmp/mulu-pwned").exists()


def test_gbk_file_is_explained(mulu, project: Path) -> None:
    path = project / "registry" / "institutions" / "gbk.yml"
    path.write_bytes("id: gbk\nname: 哈尔滨培训学校\n".encode("gbk"))
    result = mulu("validate", cwd=project)
    assert result.code == 1
    line = next(ln for ln in result.out.splitlines() if "gbk.yml" in ln)
    assert "不是 UTF-8 编码" in line and "GBK" in line and "另存为" in line


def test_alias_bomb_is_refused(mulu, project: Path) -> None:
    levels = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        levels.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    write(project, "institutions", "bomb", "\n".join(levels) + "\n")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert any("bomb.yml" in ln and "不允许使用锚点和别名" in ln for ln in result.out.splitlines())


def test_oversized_file_is_refused(mulu, project: Path) -> None:
    write(project, "institutions", "huge", "id: huge\nnotes: \"" + "长" * 400_000 + "\"\n")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert any("huge.yml" in ln and "文件过大" in ln and "上限 1024 KiB" in ln for ln in result.out.splitlines())


def test_yaml_extension_is_refused(mulu, project: Path) -> None:
    write(project, "institutions", "x", "id: x\n").rename(project / "registry/institutions/x.yaml")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and "扩展名必须是 .yml" in result.out


# --- rules: each names the field and says what to fix ------------------------------------------

def _problems(mulu, project: Path) -> list[dict]:
    result = mulu("validate", "--format", "json", cwd=project)
    assert result.code == 1, result.out
    return json.loads(result.out)["problems"]


def _only(problems: list[dict], file: str) -> list[dict]:
    return [p for p in problems if p["file"] == file]


def test_credit_code_check_character(mulu, project: Path) -> None:
    seed(project)
    bad = GOOD_CODE[:-1] + "7"
    write(project, "institutions", bad, INSTITUTION.format(code=bad))
    problems = _only(_problems(mulu, project), f"registry/institutions/{bad}.yml")
    assert [(p["line"], p["field"]) for p in problems] == [(1, "id")]
    assert "校验位不对" in problems[0]["message"] and "应为 6" in problems[0]["message"]
    assert "credit_code_exception" in problems[0]["message"]


def test_credit_code_exception_is_explicit(mulu, project: Path) -> None:
    seed(project)
    pilot = "91350100M0001TGQXM"  # docs/dev/domain.md: a legal early Fujian pilot code that fails the check
    text = INSTITUTION.format(code=pilot) + "credit_code_exception:\n  reason: 早期试点代码，已核对登记证书原件。\n"
    write(project, "institutions", pilot, text)
    result = mulu("validate", "--format", "json", cwd=project)
    assert result.code == 0, result.out
    # An exception on a code that passes is itself a problem: it must not hide anything.
    path = project / f"registry/institutions/{GOOD_CODE}.yml"
    path.write_text(INSTITUTION.format(code=GOOD_CODE) + "credit_code_exception:\n  reason: 无\n", encoding="utf-8")
    problems = _only(_problems(mulu, project), f"registry/institutions/{GOOD_CODE}.yml")
    assert [p["field"] for p in problems] == ["credit_code_exception"]
    assert "不需要 credit_code_exception" in problems[0]["message"]


@pytest.mark.parametrize("old,new,line,field,message", [
    ('region: "230103"', 'region: "239999"', 3, "region", "行政区划代码 239999 不存在"),
    ('region: "230103"', "region: 230103", 3, "region", "请加英文引号"),
    ('occupation: "4-10-01-06"\n    levels: [五级, 四级]', 'occupation: "4-10-01-06"\n    levels: [五级, 一级]',
     17, "offerings[0].occupation", "没有“一级”这个等级"),
    ('occupation: "4-10-01-06"', 'occupation: "9-99-99-99"', 17, "offerings[0].occupation", "格式不对"),
    ('occupation: "4-10-01-06"', 'occupation: "4-10-01-99"', 17, "offerings[0].occupation",
     "最接近的编码有：4-10-01-06 家政服务员"),
    ("notice: t-notice-1", "notice: no-such-notice", 7, "listed.notice", "找不到编号为“no-such-notice”的调整公告"),
    ("valid_to: 2028-12-31", "valid_to: 2020-12-31", 15, "licence.valid_to", "有效期止不能早于有效期起"),
    ("valid_to: 2028-12-31", "valid_to: 2028-02-30", 15, "licence.valid_to", "不是有效的日期"),
    ("date: 2024-03-05", "date: 2024-02-01", 6, "listed.date", "早于所依据公告“t-notice-1”的发文日期 2024-03-01"),
    ("status: 在册", "status: 已移出", 4, "status", "必须填写 status_change"),
    ("status: 在册", "status: 删除", 4, "status", "只能是以下之一：在册、暂停、已移出"),
    ("type: 民办职业培训机构", "typ: 民办职业培训机构", 9, "typ", "是不是想写“type”（机构类型）"),
    ("subsidised: true\n", "", 1, "subsidised", "缺少必填字段“subsidised”（承担补贴性培训）"),
])
def test_rules_name_line_field_and_fix(mulu, project: Path, old: str, new: str, line: int, field: str,
                                       message: str) -> None:
    file = seed(project)
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = _only(_problems(mulu, project), file)
    assert any(p["line"] == line and p["field"] == field and message in p["message"] for p in problems), problems


def test_id_must_match_file_name(mulu, project: Path) -> None:
    seed(project)
    write(project, "institutions", "renamed", INSTITUTION.format(code=GOOD_CODE))
    problems = _only(_problems(mulu, project), "registry/institutions/renamed.yml")
    assert any(p["field"] == "id" and "与文件名“renamed.yml”不一致" in p["message"] for p in problems)


def test_competency_weights_sum_to_100(mulu, project: Path) -> None:
    seed(project)
    write(project, "specs", "t-spec-1", SPEC)
    problems = _only(_problems(mulu, project), "registry/specs/t-spec-1.yml")
    assert [(p["line"], p["field"]) for p in problems] == [(12, "competencies")]
    assert "之和应为 100%，现在是 90%" in problems[0]["message"]


def test_every_problem_is_reported(mulu, project: Path) -> None:
    seed(project)
    write(project, "specs", "t-spec-1", SPEC)  # weights 90
    bad = INSTITUTION.format(code=GOOD_CODE).replace('region: "230103"', 'region: "239999"')
    write(project, "institutions", GOOD_CODE, bad.replace("status: 在册", "status: 暂停"))
    files = {(p["file"], p["field"]) for p in _problems(mulu, project)}
    assert {("registry/specs/t-spec-1.yml", "competencies"),
            (f"registry/institutions/{GOOD_CODE}.yml", "region"),
            (f"registry/institutions/{GOOD_CODE}.yml", "status")} <= files


def test_text_output_and_summary(mulu, project: Path) -> None:
    seed(project)
    write(project, "specs", "t-spec-1", SPEC)
    result = mulu("validate", "registry/specs", cwd=project)
    assert result.code == 1
    assert "registry/specs/t-spec-1.yml:12:1: [competencies] 各工作任务的考核比重之和应为 100%" in result.out
    assert result.out.strip().endswith("共发现 1 个问题，涉及 1 个文件。")


def test_github_annotations(mulu, project: Path) -> None:
    seed(project)
    write(project, "specs", "t-spec-1", SPEC)
    result = mulu("validate", "--format", "github", "registry/specs", cwd=project)
    assert result.code == 1
    assert result.out.startswith("::error file=registry/specs/t-spec-1.yml,line=12,col=1::[competencies] ")


def test_paths_limit_the_report(mulu, project: Path) -> None:
    seed(project)
    write(project, "specs", "t-spec-1", SPEC)
    assert mulu("validate", "registry/institutions", cwd=project).code == 0
    assert mulu("validate", "registry/specs/t-spec-1.yml", cwd=project).code == 1


def test_usage_errors_exit_2(mulu, project: Path, tmp_path: Path) -> None:
    assert mulu("validate", "--format", "xml", cwd=project).code == 2
    missing = mulu("validate", "registry/nope", cwd=project)
    assert missing.code == 2 and "路径不存在" in missing.err
    outside = mulu("validate", cwd=tmp_path)
    assert outside.code == 2 and "找不到 registry/config.yml" in outside.err


def _find(project: Path, kind: str, needle: str) -> Path:
    """A shipped sample record of ``kind`` whose text contains ``needle``."""
    return next(p for p in sorted((project / "registry" / kind).glob("*.yml"))
                if needle in p.read_text(encoding="utf-8"))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in ln)


def test_host_unit_reference_must_resolve(mulu, project: Path) -> None:
    path = _find(project, "studios", "  institution: ")
    text = path.read_text(encoding="utf-8")
    target = next(ln for ln in text.splitlines() if ln.startswith("  institution: "))
    path.write_text(text.replace(target, "  institution: NO-SUCH-UNIT"), encoding="utf-8")
    problems = _only(_problems(mulu, project), path.relative_to(project).as_posix())
    assert [(p["line"], p["field"]) for p in problems] == [(_line_of(path, "NO-SUCH-UNIT"), "host.institution")]
    assert "找不到编号为“NO-SUCH-UNIT”的培训机构" in problems[0]["message"]


def test_programme_is_occupation_or_spec(mulu, project: Path) -> None:
    path = _find(project, "programmes", "\noccupation:")
    path.write_text(path.read_text(encoding="utf-8") + "spec: zb-zx-2023-001\n", encoding="utf-8")
    problems = _only(_problems(mulu, project), path.relative_to(project).as_posix())
    assert any("必须且只能填一个" in p["message"] for p in problems), problems


def test_ids_differing_only_in_case_collide(mulu, project: Path) -> None:
    path = _find(project, "studios", "hb-studio")
    twin = path.with_name(path.name.upper().replace(".YML", ".yml"))
    twin.write_text(path.read_text(encoding="utf-8").replace(f"id: {path.stem}", f"id: {twin.stem}"), encoding="utf-8")
    problems = _problems(mulu, project)
    assert any(p["rule"] == "rule.id_unique" and "只有大小写不同" in p["message"] for p in problems), problems


def test_wrong_date_is_reported_once(mulu, project: Path) -> None:
    file = seed(project)
    path = project / file
    path.write_text(path.read_text(encoding="utf-8").replace("valid_to: 2028-12-31", "valid_to: 2028/12/31"),
                    encoding="utf-8")
    problems = [p for p in _only(_problems(mulu, project), file) if p["field"] == "licence.valid_to"]
    assert len(problems) == 1 and "YYYY-MM-DD" in problems[0]["message"], problems


def test_broken_schema_file_is_a_usage_error(mulu, project: Path) -> None:
    (project / "schemas" / "defs.schema.json").write_text("{bad", encoding="utf-8")
    result = mulu("validate", cwd=project)
    assert result.code == 2
    assert "defs.schema.json:1:2: 不是合法的 JSON" in result.err and "Traceback" not in result.err


def test_a_value_the_schema_rejects_gets_one_message(mulu, project: Path) -> None:
    file = seed(project)
    path = project / file
    path.write_text(path.read_text(encoding="utf-8").replace("notice: t-notice-1", 'notice: ""'), encoding="utf-8")
    problems = [p for p in _only(_problems(mulu, project), file) if p["field"] == "listed.notice"]
    assert len(problems) == 1 and "格式不对" in problems[0]["message"], problems
