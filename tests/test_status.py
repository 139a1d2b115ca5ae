"""Effective status, in process: every status, and the day before, on and after each date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mulu.core.config import parse_config
from mulu.core.status import (
    CODES,
    CSS,
    LABELS,
    VALIDITY,
    effective_status,
    resolve_as_of,
)
from mulu.errors import MuluError

DAY = timedelta(days=1)
ENDS = date(2026, 11, 30)


def listed(valid_to: str, kind: str = "studios") -> dict:
    data: dict = {"id": "x", "status": "在册"}
    if kind == "institutions":
        data["licence"] = {"number": "1", "issuer": "局", "valid_from": "2020-01-01", "valid_to": valid_to}
    else:
        data["valid_to"] = valid_to
    return data


def suspended(until: str | None) -> dict:
    change = {"date": "2024-07-01", "notice": "n", "reason": "暂停三个月"}
    if until:
        change["until"] = until
    return {"id": "x", "status": "暂停", "status_change": change}


def withdrawn(barred_until: str | None) -> dict:
    change = {"date": "2025-03-18", "notice": "n", "reason": "三年内不得承担补贴性培训"}
    if barred_until:
        change["barred_until"] = barred_until
    return {"id": "x", "status": "已移出", "status_change": change}


@pytest.mark.parametrize("kind", sorted(VALIDITY))
@pytest.mark.parametrize("as_of, code", [(ENDS - DAY, "expiring"), (ENDS, "expiring"), (ENDS + DAY, "expired")])
def test_validity_day_before_on_and_after(kind: str, as_of: date, code: str) -> None:
    status = effective_status(kind, listed(ENDS.isoformat(), kind), as_of)
    assert status.code == code
    path, name = VALIDITY[kind]
    # The reason names the field (Chinese name and key) and the date.
    assert ".".join(map(str, path)) in status.reason and name in status.reason and "2026-11-30" in status.reason
    assert status.date == "2026-11-30" and status.as_of == as_of.isoformat()


def test_expired_reason_counts_the_days_and_expiring_says_today() -> None:
    assert "已过期 3 天" in effective_status("studios", listed("2026-11-30"), date(2026, 12, 3)).reason
    assert "今天到期" in effective_status("studios", listed("2026-11-30"), ENDS).reason
    assert "还有 1 天到期" in effective_status("studios", listed("2026-11-30"), ENDS - DAY).reason


@pytest.mark.parametrize("days_before, code", [(60, "expiring"), (61, "active")])
def test_expiring_window_is_inclusive_and_configurable(days_before: int, code: str) -> None:
    as_of = ENDS - timedelta(days=days_before)
    assert effective_status("institutions", listed("2026-11-30", "institutions"), as_of).code == code
    assert effective_status("institutions", listed("2026-11-30", "institutions"), as_of, days_before - 1).code == "active"


def test_active_without_any_date_and_notices_and_malformed_dates() -> None:
    assert effective_status("institutions", {"status": "在册"}, ENDS).code == "active"
    assert effective_status("bases", {"status": "在册", "valid_to": "2026/11/01"}, ENDS).code == "active"
    assert effective_status("notices", {"date": "2020-01-01"}, ENDS).code == "active"


@pytest.mark.parametrize("as_of, code", [(ENDS - DAY, "suspended"), (ENDS, "suspended"), (ENDS + DAY, "suspension_overdue")])
def test_until_day_before_on_and_after(as_of: date, code: str) -> None:
    status = effective_status("institutions", suspended("2026-11-30"), as_of)
    assert status.code == code
    assert "status_change.until" in status.reason and "2026-11-30" in status.reason


def test_overdue_suspension_says_no_notice_yet_and_open_suspension_has_no_end() -> None:
    overdue = effective_status("institutions", suspended("2024-09-30"), ENDS)
    assert overdue.code == "suspension_overdue" and overdue.label == "暂停期已满待公告"
    assert "尚无恢复或移出的公告" in overdue.reason and "2024-07-01" in overdue.reason
    open_ended = effective_status("institutions", suspended(None), ENDS)
    assert open_ended.code == "suspended" and "未定结束日期" in open_ended.reason


def test_a_suspension_outranks_an_expired_licence() -> None:
    data = {**suspended("2030-01-01"), "licence": {"valid_to": "2020-01-01"}}
    assert effective_status("institutions", data, ENDS).code == "suspended"


@pytest.mark.parametrize("as_of, code", [(ENDS - DAY, "barred"), (ENDS, "withdrawn"), (ENDS + DAY, "withdrawn")])
def test_barred_until_day_before_on_and_after(as_of: date, code: str) -> None:
    status = effective_status("institutions", withdrawn("2026-11-30"), as_of)
    assert status.code == code
    assert "status_change.barred_until" in status.reason and "2026-11-30" in status.reason


def test_barred_answer_names_the_date_and_withdrawn_without_ban() -> None:
    barred = effective_status("institutions", withdrawn("2028-03-18"), ENDS)
    assert barred.answer == "已移出（至 2028-03-18 前不得重新列入）"
    assert not barred.current
    plain = effective_status("institutions", withdrawn(None), ENDS)
    assert plain.code == "withdrawn" and plain.answer == "已移出" and "2025-03-18" in plain.reason


def test_every_code_has_a_label_and_a_style_and_only_active_and_expiring_are_current() -> None:
    assert set(LABELS) == set(CODES) == set(CSS)
    cases = {"active": listed("2030-01-01"), "expiring": listed("2026-12-01"), "expired": listed("2026-01-01"),
             "suspended": suspended(None), "suspension_overdue": suspended("2025-01-01"),
             "withdrawn": withdrawn(None), "barred": withdrawn("2030-01-01")}
    for code, data in cases.items():
        status = effective_status("studios", data, ENDS)
        assert status.code == code
        assert status.current == (code in ("active", "expiring"))
    assert effective_status("institutions", listed("2026-01-01", "institutions"), ENDS).answer == "资质已过期"


def test_expiring_days_from_config() -> None:
    assert parse_config({}).expiring_days == 60
    assert parse_config({"expiring_days": 30}).expiring_days == 30
    assert parse_config({"expiring_days": True}).expiring_days == 60


def test_as_of_option_wins_over_environment_and_today() -> None:
    assert resolve_as_of("2025-01-02", {"MULU_AS_OF": "2024-01-01"}) == date(2025, 1, 2)
    assert resolve_as_of(None, {"MULU_AS_OF": "2024-01-01"}) == date(2024, 1, 1)
    assert resolve_as_of(None, {"MULU_AS_OF": " "}) == datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert resolve_as_of(None, {}) == datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.mark.parametrize("value, env, source", [("2026/11/30", {}, "--as-of"), (None, {"MULU_AS_OF": "2026-02-30"}, "MULU_AS_OF")])
def test_malformed_as_of_is_a_chinese_error(value: str | None, env: dict, source: str) -> None:
    with pytest.raises(MuluError) as err:
        resolve_as_of(value, env)
    assert source in err.value.message and "YYYY-MM-DD" in err.value.message
