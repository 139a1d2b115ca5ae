"""Effective statuses for a build: every record's status on the build's as-of date.

Computed once per build (cached in the :class:`SiteContext`) from ``mulu.core.status``, so
that every page, the API, the downloads and the check index say the same thing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mulu.core.registry import Record, Registry
from mulu.core.status import (
    CODES,
    CURRENT,
    EFFECTIVE_FIELDS,
    LABELS,
    EffectiveStatus,
    effective_status,
    parse_date,
    resolve_as_of,
)
from mulu.site.counts import Counts, count_records
from mulu.site.model import SiteContext

CACHE_KEY = "effective_statuses"
CURRENT_FILTER = "有效"   # the catalogue filter value for 在册 and 即将到期 together


def statuses(registry: Registry, ctx: SiteContext) -> dict[tuple[str, str], EffectiveStatus]:
    """``(kind, id) -> EffectiveStatus`` for every record except notices, on ``ctx.as_of``."""
    as_of = parse_date(ctx.as_of) or resolve_as_of()
    days = registry.config.expiring_days
    return ctx.once(CACHE_KEY, registry, lambda: {(r.kind, r.id): effective_status(r.kind, r.data, as_of, days)
                                                  for r in registry.all_records() if r.kind != "notices"})


def status_of(record: Record, registry: Registry, ctx: SiteContext) -> EffectiveStatus | None:
    """The effective status of ``record`` (None for notices, which have no status)."""
    return statuses(registry, ctx).get((record.kind, record.id))


def ordered_labels(present: Iterable[str]) -> list[str]:
    """The status labels among ``present``, in the fixed order of status codes; 在册、暂停、
    已移出 always (tables keep their familiar columns when a status does not occur)."""
    present = set(present) | {LABELS["active"], LABELS["suspended"], LABELS["withdrawn"]}
    return [LABELS[c] for c in CODES if LABELS[c] in present]


def effective_counts(registry: Registry, ctx: SiteContext) -> Counts:
    """Record counts by region and catalogue, by effective status label on ``ctx.as_of``."""
    found = statuses(registry, ctx)

    def label(record: Record) -> str:
        status = found.get((record.kind, record.id))
        return status.label if status else record.status

    return count_records(registry, label)


def current_count(counter: Mapping[str, int]) -> int:
    """How many of a count by label may act on their listing (在册 and 即将到期)."""
    return sum(counter.get(LABELS[c], 0) for c in CURRENT)


def effective_fields(status: EffectiveStatus | None) -> dict[str, str]:
    """``effective_status`` (code), ``effective_label`` and ``effective_reason`` of a record,
    as the API and the JSON downloads carry them (nothing for notices)."""
    if status is None:
        return {}
    return dict(zip(EFFECTIVE_FIELDS, (status.code, status.label, status.reason), strict=True))
