"""Online training platforms in the institution list: what validation asks of them."""

from __future__ import annotations

from pathlib import Path

PLATFORM = "registry/institutions/91130100MA0FKX8T2Q.yml"
SCHOOL = "registry/institutions/52370303MJ12038456.yml"


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_platform_has_no_street_address_but_its_online_facts(project: Path, mulu) -> None:
    edit(project, PLATFORM, "delivery: 线上\n", "address: 石家庄市长安区中山东路 1 号\ndelivery: 线下\n")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert f"{PLATFORM}:12:1: [address] 线上培训平台不填街道地址" in result.out, result.out
    assert f"{PLATFORM}:13:1: [delivery] 线上培训平台的培训方式只能是“线上”或“线上线下”。" in result.out


def test_platform_without_online_facts_is_refused(project: Path, mulu) -> None:
    text = (project / PLATFORM).read_text(encoding="utf-8")
    start, end = text.index("online:\n"), text.index("offerings:\n")
    (project / PLATFORM).write_text(text[:start] + text[end:], encoding="utf-8")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and f"{PLATFORM}:11:1: [type] 线上培训平台必须填写 online：平台网址（url）" in result.out, result.out


def test_online_facts_are_checked_field_by_field(project: Path, mulu) -> None:
    edit(project, PLATFORM, "  audit_status: 已通过\n", "  audit_status: 已备案\n")
    edit(project, PLATFORM, "  url: https://jixue-peixun.example.cn/\n", "  url: jixue-peixun.example.cn\n")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert "[online.audit_status] “审核状态”只能是以下之一：已通过、审核中、未通过" in result.out
    assert "[online.url] “平台网址”格式不对" in result.out


def test_other_institutions_still_need_an_address_and_may_state_delivery(project: Path, mulu) -> None:
    edit(project, SCHOOL, "delivery: 线上线下\n", "delivery: 函授\n")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and "[delivery] “培训方式”只能是以下之一：线下、线上、线上线下" in result.out
    edit(project, SCHOOL, "address: 淄博市张店区华光路 366 号\ndelivery: 函授\n", "")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and "缺少必填字段“address”（地址）" in result.out


def test_new_institution_template_asks_for_the_address(project: Path, mulu) -> None:
    assert mulu("new", "institutions", "91230100MA1B2C3D4E", cwd=project).code == 0
    text = (project / "registry/institutions/91230100MA1B2C3D4E.yml").read_text(encoding="utf-8")
    assert "# 地址（必填）" in text and "\naddress: \"\"" in text
    assert "# 培训方式（选填" in text and "可选：线下、线上、线上线下。" in text
