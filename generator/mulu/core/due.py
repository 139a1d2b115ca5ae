"""What falls due: validities that end (or have ended), suspensions whose planned end comes
(or has passed) and bans on re-listing that end, within a number of days of the as-of date.

``mulu due`` presents these grouped by jurisdiction and maintainer account, so that a
department can send reminders and draft the next adjustment notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.registry import Record, Registry
from mulu.core.status import (
    BARRED,
    EXPIRED,
    SUSPENSION_OVERDUE,
    WITHDRAWN,
    EffectiveStatus,
    effective_status,
    parse_date,
)

OTHER = ""  # records outside every configured jurisdiction
# What is due, by effective status; passed dates first in every listing.
WHAT = {EXPIRED: "已过期", "expiring": "将到期", "active": "将到期", SUSPENSION_OVERDUE: "暂停期已满",
        "suspended": "暂停期将满", BARRED: "禁入期将满"}


@dataclass(frozen=True)
class DueItem:
    """One record with a date that falls due: ``what`` (Chinese), the date and field, days
    from the as-of date (negative when passed) and the effective status's reason."""

    record: Record
    jurisdiction: str
    what: str
    date: str
    field: str
    days: int
    status: EffectiveStatus

    @property
    def noun(self) -> str:
        """The Chinese name of one record of this kind."""
        return KIND_BY_NAME[self.record.kind].noun

    @property
    def maintainers(self) -> list[str]:
        """The accounts that maintain the record (who gets the reminder)."""
        return [str(m) for m in self.record.data.get("maintainers") or []]


def jurisdiction_of(registry: Registry, region: str) -> str:
    """The configured jurisdiction that holds ``region`` (:data:`OTHER` when none does)."""
    for code in registry.config.jurisdictions:
        if region and registry.reference.in_region(region, code):
            return code
    return OTHER


def due_items(registry: Registry, as_of: date, within: int) -> list[DueItem]:
    """Every record with a date falling due by ``as_of + within`` days (or already passed and
    not yet acted on), in jurisdiction order, then by date."""
    horizon = as_of + timedelta(days=within)
    order = {c: i for i, c in enumerate(registry.config.jurisdictions)}
    items = []
    for record in registry.all_records():
        if record.kind == "notices":
            continue
        status = effective_status(record.kind, record.data, as_of, within)
        when = parse_date(status.date)
        if when is None or status.code == WITHDRAWN or status.code not in WHAT:
            continue
        if status.code not in (EXPIRED, SUSPENSION_OVERDUE) and when > horizon:
            continue
        items.append(DueItem(record, jurisdiction_of(registry, record.region), WHAT[status.code], status.date,
                             status.field, (when - as_of).days, status))
    items.sort(key=lambda i: (order.get(i.jurisdiction, len(order)), i.date, i.record.kind, i.record.id))
    return items


def by_account(items: list[DueItem]) -> dict[str, dict[str, list[DueItem]]]:
    """``jurisdiction -> account -> items``; a record with several maintainers is listed under each."""
    groups: dict[str, dict[str, list[DueItem]]] = {}
    for item in items:
        accounts = groups.setdefault(item.jurisdiction, {})
        for account in item.maintainers or ["（无维护账号）"]:
            accounts.setdefault(account, []).append(item)
    return {j: dict(sorted(accounts.items())) for j, accounts in groups.items()}
