"""Effective status: what a record's dates mean on a given day.

The recorded ``status`` (在册 / 暂停 / 已移出) changes only by a notice, so the history stays
true. The *effective* status is computed for a date (the "as-of" date) from the recorded
status and the dated facts of the record: a licence or validity that has run out, a
suspension whose planned end has passed, a ban on re-listing that has not yet ended.

Everything here is a pure function of its arguments: no clock is read except in
:func:`today_in_china`, and :func:`resolve_as_of` is the one place that decides which day a
command or build is about.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from mulu.core.loading import FieldPath, field_name, get_path
from mulu.errors import MuluError

CHINA_ZONE = ZoneInfo("Asia/Shanghai")
ENV_AS_OF = "MULU_AS_OF"
DEFAULT_EXPIRING_DAYS = 60
# Fields a JSON download adds to each record; derived, so a record's digest leaves them out.
EFFECTIVE_FIELDS = ("effective_status", "effective_label", "effective_reason")
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

ACTIVE, EXPIRING, EXPIRED = "active", "expiring", "expired"
SUSPENDED, SUSPENSION_OVERDUE = "suspended", "suspension_overdue"
WITHDRAWN, BARRED = "withdrawn", "barred"
CODES = (ACTIVE, EXPIRING, EXPIRED, SUSPENDED, SUSPENSION_OVERDUE, WITHDRAWN, BARRED)
# May the body act on its listing (train with subsidy, assess) on the as-of date?
CURRENT = frozenset({ACTIVE, EXPIRING})

LABELS = {ACTIVE: "在册", EXPIRING: "即将到期", EXPIRED: "已过期", SUSPENDED: "暂停",
          SUSPENSION_OVERDUE: "暂停期已满待公告", WITHDRAWN: "已移出", BARRED: "已移出（禁入期内）"}
# CSS modifier of the status badge; expired is shown with the same weight as a suspension.
CSS = {ACTIVE: "listed", EXPIRING: "expiring", EXPIRED: "expired", SUSPENDED: "suspended",
       SUSPENSION_OVERDUE: "suspended", WITHDRAWN: "withdrawn", BARRED: "withdrawn"}

# The date after which a listed record is no longer valid, by kind, with its Chinese name.
VALIDITY: dict[str, tuple[FieldPath, str]] = {
    "institutions": (("licence", "valid_to"), "办学许可证有效期止"),
    "assessors": (("valid_to",), "备案有效期止"),
    "studios": (("valid_to",), "有效期止"),
    "bases": (("valid_to",), "有效期（验收期）止"),
    "specs": (("valid_to",), "有效期止"),
    "programmes": (("valid_to",), "有效期止"),
}
UNTIL, BARRED_UNTIL = ("status_change", "until"), ("status_change", "barred_until")


@dataclass(frozen=True)
class EffectiveStatus:
    """The status of one record on ``as_of``: ``code`` (one of :data:`CODES`), its Chinese
    ``label``, and a Chinese ``reason`` naming the date and field it follows from.
    ``field``/``date`` name the date that decides it ("" when none), for reminders."""

    code: str
    label: str
    reason: str
    as_of: str
    field: str = ""
    date: str = ""

    @property
    def current(self) -> bool:
        """Whether the body may act on its listing on the as-of date."""
        return self.code in CURRENT

    @property
    def css(self) -> str:
        """The status badge's CSS modifier."""
        return CSS[self.code]

    @property
    def answer(self) -> str:
        """The answer the 机构查询 page gives, e.g. 已移出（至 2027-06-01 前不得重新列入）."""
        if self.code == EXPIRED:
            return "资质已过期"
        if self.code == BARRED:
            return f"已移出（至 {self.date} 前不得重新列入）"
        if self.code == EXPIRING:
            return f"在册（{self.date} 到期）"
        return self.label


def parse_date(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date, or None when it is not one (the schema reports those)."""
    if not isinstance(text, str) or not DATE_PATTERN.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def today_in_china() -> date:
    """Today's date in Asia/Shanghai (the registers' time zone), whatever the machine's zone."""
    return datetime.now(CHINA_ZONE).date()


def resolve_as_of(value: str | None = None, environ: Mapping[str, str] | None = None) -> date:
    """The as-of date: ``value`` (``--as-of``) if given, else ``MULU_AS_OF``, else today in
    Asia/Shanghai. A malformed date is a :class:`MuluError` in Chinese."""
    environ = os.environ if environ is None else environ
    for raw, source in ((value, "--as-of"), (environ.get(ENV_AS_OF), f"环境变量 {ENV_AS_OF}")):
        if raw is None or not str(raw).strip():
            continue
        parsed = parse_date(str(raw).strip())
        if parsed is None:
            raise MuluError(f"{source} 的日期“{raw}”格式不对：请写成 YYYY-MM-DD，例如 2026-11-30。")
        return parsed
    return today_in_china()


def effective_status(kind: str, data: Mapping[str, Any], as_of: date,
                     expiring_days: int = DEFAULT_EXPIRING_DAYS) -> EffectiveStatus:
    """The effective status of a record of ``kind`` with ``data`` on ``as_of``.

    Validity dates are inclusive (a licence valid to 11-30 is valid on 11-30, expired on 12-01),
    and so is a suspension's ``until``; ``barred_until`` is the first day the body may be listed
    again."""
    day = as_of.isoformat()
    status = str(data.get("status", "在册"))
    change = data.get("status_change") if isinstance(data.get("status_change"), dict) else {}
    assert isinstance(change, dict)
    since = str(change.get("date", ""))
    if status == "暂停":
        until = parse_date(str(change.get("until", "")))
        start = f"自 {since}（{field_name(('status_change', 'date'))}）起暂停" if since else "已暂停"
        if until is None:
            return EffectiveStatus(SUSPENDED, LABELS[SUSPENDED], f"{start}，未定结束日期。", day)
        if until < as_of:
            late = (as_of - until).days
            return EffectiveStatus(
                SUSPENSION_OVERDUE, LABELS[SUSPENSION_OVERDUE],
                f"{start}，暂停期至 {until}（{field_name(UNTIL)}）已满 {late} 天，尚无恢复或移出的公告。",
                day, field_name(UNTIL), until.isoformat())
        return EffectiveStatus(SUSPENDED, LABELS[SUSPENDED], f"{start}，暂停期至 {until}（{field_name(UNTIL)}）。",
                               day, field_name(UNTIL), until.isoformat())
    if status == "已移出":
        barred = parse_date(str(change.get("barred_until", "")))
        start = f"{since}（{field_name(('status_change', 'date'))}）移出目录" if since else "已移出目录"
        if barred is not None and as_of < barred:
            return EffectiveStatus(BARRED, LABELS[BARRED],
                                   f"{start}，至 {barred}（{field_name(BARRED_UNTIL)}）前不得重新列入。",
                                   day, field_name(BARRED_UNTIL), barred.isoformat())
        if barred is not None:
            return EffectiveStatus(WITHDRAWN, LABELS[WITHDRAWN],
                                   f"{start}；不得重新列入的期限已于 {barred}（{field_name(BARRED_UNTIL)}）届满。",
                                   day, field_name(BARRED_UNTIL), barred.isoformat())
        return EffectiveStatus(WITHDRAWN, LABELS[WITHDRAWN], f"{start}。", day)
    validity = VALIDITY.get(kind)
    ends = parse_date(str(get_path(data, validity[0]) or "")) if validity else None
    if validity is None or ends is None:
        return EffectiveStatus(ACTIVE, LABELS[ACTIVE], "在册。", day)
    path, name = validity
    where = f"{name}（{field_name(path)}）为 {ends}"
    if ends < as_of:
        return EffectiveStatus(EXPIRED, LABELS[EXPIRED],
                               f"{where}，到 {day} 已过期 {(as_of - ends).days} 天；记录仍为“在册”，尚无延续或移出的公告。",
                               day, field_name(path), ends.isoformat())
    left = (ends - as_of).days
    if left <= expiring_days:
        when = "今天到期" if left == 0 else f"还有 {left} 天到期"
        return EffectiveStatus(EXPIRING, LABELS[EXPIRING], f"{where}，{when}。", day, field_name(path), ends.isoformat())
    return EffectiveStatus(ACTIVE, LABELS[ACTIVE], f"在册，{where}。", day, field_name(path), ends.isoformat())


def add_as_of_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--as-of`` option of every command that computes effective statuses."""
    parser.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help=f"按哪一天核算有效期和暂停期（默认取环境变量 {ENV_AS_OF}，再默认为北京时间的今天）。")
