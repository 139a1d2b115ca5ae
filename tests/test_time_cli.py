"""Dates on the command line: ``validate --as-of`` warnings, impossible date combinations,
and ``mulu due``, run as a user would on a copy of the sample project."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import yaml

from helpers.records import seed
from mulu.core.status import VALIDITY

AS_OF = date(2026, 11, 30)


def _line(path: Path, needle: str) -> int:
    return next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(mulu, project: Path, *args: str) -> list[dict]:
    result = mulu("validate", "--format", "json", *args, cwd=project)
    return json.loads(result.out)["problems"]


def test_validate_as_of_warns_about_an_expired_licence_and_strict_fails(mulu, project: Path) -> None:
    file = seed(project)
    path = project / file
    _edit(path, "valid_to: 2028-12-31", "valid_to: 2026-11-29")
    line = _line(path, "valid_to: 2026-11-29")
    before = mulu("validate", "--as-of", "2026-11-29", file, cwd=project)
    assert before.code == 0 and "校验通过" in before.out, before.out
    after = mulu("validate", "--as-of", "2026-11-30", file, cwd=project)
    assert after.code == 0, after.out
    assert f"{file}:{line}:3: [licence.valid_to] （警告）" in after.out
    assert "2026-11-29" in after.out and "已过期 1 天" in after.out
    assert "加 --strict 则不通过" in after.out
    strict = mulu("validate", "--as-of", "2026-11-30", "--strict", file, cwd=project)
    assert strict.code == 1


def test_validate_warns_about_a_suspension_past_its_until(mulu, project: Path) -> None:
    file = seed(project)
    path = project / file
    _edit(path, "status: 在册", "status: 暂停\nstatus_change:\n  date: 2024-07-01\n  notice: t-notice-1\n"
                                "  reason: 暂停三个月。\n  until: 2024-09-30")
    line = _line(path, "until: 2024-09-30")
    found = [p for p in _problems(mulu, project, "--as-of", "2024-10-01", file) if p["field"] == "status_change.until"]
    assert [(p["line"], p["severity"]) for p in found] == [(line, "warning")]
    assert "暂停期至 2024-09-30" in found[0]["message"] and "恢复或移出" in found[0]["message"]
    assert not _problems(mulu, project, "--as-of", "2024-09-30", file)


def test_validate_as_of_from_the_environment_and_a_bad_date(mulu, project: Path, monkeypatch) -> None:
    file = seed(project)
    _edit(project / file, "valid_to: 2028-12-31", "valid_to: 2026-11-29")
    monkeypatch.setenv("MULU_AS_OF", "2026-12-01")
    assert any(p["field"] == "licence.valid_to" for p in _problems(mulu, project, file))
    monkeypatch.setenv("MULU_AS_OF", "2026-11-01")
    assert not _problems(mulu, project, file)
    bad = mulu("validate", "--as-of", "30.11.2026", cwd=project)
    assert bad.code == 2 and "错误：--as-of 的日期“30.11.2026”格式不对" in bad.err and "Traceback" not in bad.err


def test_impossible_date_combinations_are_errors_with_file_and_line(mulu, project: Path) -> None:
    withdrawn = project / "registry/institutions/52222401MJ0802133Y.yml"   # 已移出
    _edit(withdrawn, "  reason: ", "  until: 2024-12-20\n  reason: ")
    listed = project / "registry/institutions/12230000414002874A.yml"      # 在册
    _edit(listed, "listed:\n", "status_change:\n  date: 2024-01-01\n  notice: hlj-2024-12\n  reason: 恢复。\n"
                               "  barred_until: 2027-01-01\nlisted:\n")
    suspended = project / "registry/institutions/52230203MJ05231857.yml"   # 暂停 on 2024-07-01
    _edit(suspended, "until: 2024-09-30", "until: 2024-06-30")
    bad_date = project / "registry/institutions/52210302MJ0977021B.yml"
    _edit(bad_date, "until: 2025-02-04", "until: 2025/02/04")
    problems = _problems(mulu, project)

    def rel(path: Path) -> str:
        return path.relative_to(project).as_posix()

    on_withdrawn = [p for p in problems if p["file"] == rel(withdrawn) and p["field"] == "status_change.until"]
    assert [p["line"] for p in on_withdrawn] == [_line(withdrawn, "until: 2024-12-20")]
    assert "只用于状态为“暂停”的记录" in on_withdrawn[0]["message"] and "已移出" in on_withdrawn[0]["message"]
    on_listed = [p for p in problems if p["file"] == rel(listed) and p["field"] == "status_change.barred_until"]
    assert [p["line"] for p in on_listed] == [_line(listed, "barred_until:")]
    assert "只用于状态为“已移出”的记录" in on_listed[0]["message"]
    early = [p for p in problems if p["file"] == rel(suspended) and p["field"] == "status_change.until"
             and p["severity"] == "error"]
    assert [p["line"] for p in early] == [_line(suspended, "until: 2024-06-30")]
    assert "早于暂停日期 2024-07-01" in early[0]["message"]
    wrong = [p for p in problems if p["file"] == rel(bad_date) and p["field"] == "status_change.until"]
    assert [p["line"] for p in wrong] == [_line(bad_date, "until: 2025/02/04")]
    assert "YYYY-MM-DD" in wrong[0]["message"] and "暂停至" in wrong[0]["message"]
    assert mulu("validate", cwd=project).code == 1


def test_replaced_by_must_name_another_spec_in_force(mulu, project: Path) -> None:
    own = project / "registry/specs/zb-zx-2023-001.yml"
    _edit(own, "effective: ", "replaced_by: zb-zx-2023-001\neffective: ")
    other = project / "registry/specs/zb-zx-2023-002.yml"
    _edit(other, "effective: ", "replaced_by: zb-zx-2022-001\neffective: ")   # 已移出
    missing = project / "registry/specs/zb-zx-2023-003.yml"
    _edit(missing, "effective: ", "replaced_by: zb-zx-1999-001\neffective: ")
    problems = [p for p in _problems(mulu, project) if p["field"] == "replaced_by"]
    by_file = {p["file"]: p for p in problems}
    assert set(by_file) == {"registry/specs/zb-zx-2023-001.yml", "registry/specs/zb-zx-2023-002.yml",
                            "registry/specs/zb-zx-2023-003.yml"}
    assert "不能是本规范自己" in by_file["registry/specs/zb-zx-2023-001.yml"]["message"]
    assert "已移出目录" in by_file["registry/specs/zb-zx-2023-002.yml"]["message"]
    assert "找不到编号为“zb-zx-1999-001”的考核规范" in by_file["registry/specs/zb-zx-2023-003.yml"]["message"]
    for p in problems:
        assert p["line"] == _line(project / p["file"], "replaced_by:")


# --- mulu due -------------------------------------------------------------------------------

def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def expected_due(project: Path, as_of: date, within: int) -> set[str]:
    """Worked out from the files themselves: what a department would look for by hand."""
    horizon = as_of + timedelta(days=within)
    due = set()
    for path in sorted((project / "registry").glob("*/*.yml")):
        kind = path.parent.name
        if kind in ("notices", "reference"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change = data.get("status_change") or {}
        if data["status"] == "在册":
            if kind not in VALIDITY:   # periods of shortage lists and demands are no licence to renew
                continue
            end = _day((data.get("licence") or {}).get("valid_to") if kind == "institutions" else data.get("valid_to"))
            hit = end is not None and end <= horizon
        elif data["status"] == "暂停":
            end = _day(change.get("until"))
            hit = end is not None and end <= horizon
        else:
            end = _day(change.get("barred_until"))
            hit = end is not None and as_of < end <= horizon
        if hit:
            due.add(f"{kind}/{data['id']}")
    return due


def test_due_within_30_lists_exactly_the_records_falling_due(mulu, project: Path) -> None:
    # A ban that ends within the window, and a suspension whose end comes within it.
    _edit(project / "registry/institutions/52130602MJ11664076.yml", "barred_until: 2028-03-18",
          "barred_until: 2026-12-10")
    _edit(project / "registry/institutions/52370306MJ1267582N.yml", "until: 2027-03-14", "until: 2026-12-20")
    result = mulu("due", "--within", "30", "--as-of", AS_OF.isoformat(), "--format", "json", cwd=project)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    listed = {f"{i['kind']}/{i['id']}" for i in report["items"]}
    expected = expected_due(project, AS_OF, 30)
    assert listed == expected
    assert {"institutions/52130602MJ11664076", "institutions/52370306MJ1267582N",
            "institutions/12230000414002874A"} <= listed
    whats = {f"{i['kind']}/{i['id']}": i["what"] for i in report["items"]}
    assert whats["institutions/52130602MJ11664076"] == "禁入期将满"
    assert whats["institutions/52370306MJ1267582N"] == "暂停期将满"
    assert whats["institutions/12230000414002874A"] == "将到期"
    assert report["as_of"] == "2026-11-30" and report["within"] == 30 and report["count"] == len(listed)
    # A wider window lists more, never fewer.
    wider = json.loads(mulu("due", "--within", "90", "--format", "json", cwd=project).out)
    assert listed < {f"{i['kind']}/{i['id']}" for i in wider["items"]} == expected_due(project, AS_OF, 90)


def test_due_text_groups_by_jurisdiction_and_account(mulu, project: Path) -> None:
    result = mulu("due", "--within", "30", cwd=project)   # MULU_AS_OF from conftest
    assert result.code == 0
    out = result.out
    assert out.startswith("按 2026-11-30 核算，30 天内到期或已到期未处理的事项共")
    hlj, hb = out.index("黑龙江省（230000）"), out.index("河北省（130000）")
    assert hlj < hb   # the order of jurisdictions in config.yml
    block = out[hlj:hb]
    assert "维护账号 hlj-longxing：" in block
    assert "[将到期] 2026-11-30（今天）培训机构 黑龙江省龙兴技师学院（12230000414002874A）" in block
    assert "[暂停期已满] 2024-09-30（已过 791 天）" in block
    assert "registry/institutions/12230000414002874A.yml" in block


def test_due_markdown_and_bad_options(mulu, project: Path) -> None:
    path = project / "registry/institutions/12230000414002874A.yml"
    _edit(path, "name: 黑龙江省龙兴技师学院", "name: 龙兴|技师<b>学院")
    md = mulu("due", "--within", "30", "--format", "markdown", cwd=project)
    assert md.code == 0
    assert md.out.startswith("# 到期事项（按 2026-11-30 核算，30 天内）")
    assert "## 黑龙江省（230000）" in md.out and "### 维护账号 hlj-longxing" in md.out
    assert "| 龙兴\\|技师&lt;b>学院 |" in md.out
    bad = mulu("due", "--as-of", "2026-13-01", cwd=project)
    assert bad.code == 2 and "错误：--as-of" in bad.err
    negative = mulu("due", "--within", "-1", cwd=project)
    assert negative.code == 2 and "--within 应为 0 或正整数" in negative.err
