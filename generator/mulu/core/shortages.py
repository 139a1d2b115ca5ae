"""急需紧缺职业（工种）目录 and the subsidy uplift a programme gets from it.

A programme's uplift is not a flag of its own: it comes from the shortage list in force for
its region (or a region containing it) on the as-of date. Where several lists apply, the one
for the smallest region wins, then the one that started last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mulu.core.loading import get_path, items
from mulu.core.reference import Reference
from mulu.core.status import today_in_china


def as_of_date(today: str | None = None) -> str:
    """The date lists are judged on: ``today`` when given (YYYY-MM-DD), else today in China."""
    return today or today_in_china().isoformat()


@dataclass(frozen=True)
class ShortageEntry:
    """One occupation (or 工种) of one shortage list, with the list's region and period."""

    list_id: str
    list_name: str
    region: str
    valid_from: str
    valid_to: str | None
    occupation: str
    work_type: str | None
    levels: tuple[str, ...]          # empty: every level
    percent: int | None
    amount: int | None

    def in_force(self, day: str) -> bool:
        """Whether the list applies on ``day`` (both ends included)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Uplift:
    """The uplift one level of a programme gets, and the raised subsidy."""

    level: str | None
    subsidy: int | None
    entry: ShortageEntry

    @property
    def raised(self) -> int | None:
        """The subsidy after the uplift (rounded to whole yuan), None without a subsidy."""
        if self.subsidy is None:
            return None
        if self.entry.percent is not None:
            return (self.subsidy * (100 + self.entry.percent) + 50) // 100
        return self.subsidy + (self.entry.amount or 0)

    @property
    def text(self) -> str:
        """``上浮 20%`` or ``上浮 300 元``."""
        return f"上浮 {self.entry.percent}%" if self.entry.percent is not None else f"上浮 {self.entry.amount} 元"


def shortage_entries(lists: Iterable[tuple[str, dict[str, Any]]]) -> tuple[ShortageEntry, ...]:
    """Every entry of the listed (在册) shortage lists given as ``(id, data)``; malformed parts
    are skipped (validation reports them)."""
    out = []
    for list_id, data in lists:
        if data.get("status") != "在册" or not isinstance(data.get("valid_from"), str):
            continue
        region = data.get("region")
        valid_to = data.get("valid_to") if isinstance(data.get("valid_to"), str) else None
        for entry in items(data.get("entries")):
            if not isinstance(entry, dict) or not isinstance(entry.get("occupation"), str) or not isinstance(region, str):
                continue
            percent, amount = entry.get("uplift_percent"), entry.get("uplift_amount")
            out.append(ShortageEntry(
                list_id, str(data.get("name", list_id)), region, data["valid_from"], valid_to, entry["occupation"],
                entry.get("work_type") if isinstance(entry.get("work_type"), str) else None,
                tuple(str(x) for x in items(entry.get("levels"))),
                percent if isinstance(percent, int) else None, amount if isinstance(amount, int) else None))
    return tuple(out)


def programme_uplifts(data: dict[str, Any], entries: Iterable[ShortageEntry], reference: Reference,
                      day: str) -> list[Uplift]:
    """The uplift of each level of a programme on ``day`` (levels no list covers are left out)."""
    code, region = get_path(data, ("occupation", "code")), data.get("region")
    if not isinstance(code, str) or not isinstance(region, str):
        return []
    work_type = get_path(data, ("occupation", "work_type"))
    applicable = [e for e in entries if e.occupation == code and e.in_force(day)
                  and (e.work_type is None or e.work_type == work_type) and reference.in_region(region, e.region)
                  and (e.percent is not None or e.amount is not None)]
    if not applicable:
        return []
    # The smallest region first (a city's list over its province's), then the newest list.
    applicable.sort(key=lambda e: (len(reference.region_path(e.region)), e.valid_from), reverse=True)
    out = []
    for lv in items(data.get("levels")):
        if not isinstance(lv, dict):
            continue
        level = lv.get("level") if isinstance(lv.get("level"), str) else None
        entry = next((e for e in applicable if not e.levels or level in e.levels), None)
        if entry is not None:
            subsidy = lv.get("subsidy") if isinstance(lv.get("subsidy"), int) else None
            out.append(Uplift(level, subsidy, entry))
    return out
