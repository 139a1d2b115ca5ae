"""The personal-data guard (resident ID and mobile numbers) and the subsidy sanity warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from mulu.core.privacy import find_mobiles, find_resident_ids, is_resident_id

INSTITUTION = "registry/institutions/121304004021035719.yml"
PROGRAMME = "registry/programmes/hb-4-03-02-02.yml"
ID_NUMBER = "11010519491231002X"      # the public specimen number of GB 11643


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_resident_id_needs_a_real_date_and_check_character() -> None:
    assert is_resident_id(ID_NUMBER) and is_resident_id(ID_NUMBER.lower())
    assert not is_resident_id("110105194912310021")          # wrong check character
    assert not is_resident_id("110105194913310025")          # month 13
    assert find_resident_ids(f"学员 {ID_NUMBER} 已结业") == [ID_NUMBER]
    assert find_resident_ids("121304004021035719") == []    # a credit code of digits only
    assert find_mobiles("电话 138-1234-5678，0451-86201234，+86 13912345678") == ["138-1234-5678", "+86 13912345678"]
    assert find_mobiles("91230100MA1B2C3D4E 13040040210123") == []


@pytest.mark.parametrize(("old", "new", "field", "what"), [
    ("address: 邯郸市邯山区农林路 99 号", "address: 邯郸市邯山区农林路 99 号（负责人 13912345678）", "address", "手机号 139****5678"),
    ("person: 李建国", "person: 李建国 138-1234-5678", "contact.person", "手机号 138****5678"),
    ("address: 邯郸市邯山区农林路 99 号", f"address: 邯郸市邯山区农林路 99 号 {ID_NUMBER}", "address", "身份证号 110***********002X"),
])
def test_personal_numbers_are_refused_outside_public_contacts(project: Path, mulu, old: str, new: str, field: str,
                                                             what: str) -> None:
    edit(project, INSTITUTION, old, new)
    result = mulu("validate", cwd=project)
    assert result.code == 1
    line = next(x for x in result.out.splitlines() if "疑似" in x)
    assert line.startswith(f"{INSTITUTION}:") and f"[{field}]" in line and what in line and "公开发布" in line
    assert ID_NUMBER not in result.out and "13912345678" not in result.out   # the report does not repeat it


def test_resident_id_in_notes_of_any_kind_and_mobile_in_public_phone(project: Path, mulu) -> None:
    edit(project, PROGRAMME, "notes: ", f"notes: 学员王某（{ID_NUMBER}）")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and f"{PROGRAMME}:" in result.out and "[notes]" in result.out and "身份证号" in result.out
    edit(project, PROGRAMME, f"notes: 学员王某（{ID_NUMBER}）", "notes: ")
    edit(project, INSTITUTION, "phone: 0310-3025518", "phone: \"13912345678\"")   # a declared public contact
    result = mulu("validate", cwd=project)
    assert result.code == 0, result.out


def test_subsidy_sanity_warnings_name_file_and_line(project: Path, mulu) -> None:
    edit(project, PROGRAMME, "    subsidy: 1500\n", "    subsidy: 1000\n")          # 三级 below 四级 (1100)
    edit(project, PROGRAMME, "    subsidy: 800\n", "    subsidy: 800\n    assessment_fee: 900\n")
    result = mulu("validate", cwd=project)
    assert result.code == 0, result.out     # warnings alone do not fail
    # Line 27: the assessment fee added above moved 三级's subsidy down a line.
    assert f"{PROGRAMME}:27:5: [levels[2].subsidy] （警告）三级的补贴标准 1000 元低于四级的 1100 元" in result.out, result.out
    assert "鉴定费 900 元高于补贴标准 800 元" in result.out and "[levels[0].assessment_fee]" in result.out
    assert mulu("validate", "--strict", cwd=project).code == 1


def test_warnings_do_not_stop_opening_the_project(project: Path) -> None:
    from mulu.project import open_project
    edit(project, PROGRAMME, "    subsidy: 1500\n", "    subsidy: 1000\n")
    opened = open_project(project)
    assert opened.registry is not None and not opened.problems
    assert [w.rule for w in opened.warnings] == ["rule.subsidy_sanity"]
