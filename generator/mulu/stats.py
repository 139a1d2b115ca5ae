"""Numbers about the registry: records per jurisdiction and kind, status counts, subsidy by
level, the occupations with the most programmes, and what each adjustment added and took off.

Computed once from the registry (and the history, when there is one) with pandas; the
terminal (``mulu stats``) and the site's statistics page only present these values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mulu.core.kinds import STATUSES
from mulu.core.registry import Registry

OTHER = "其他地区"
TOP_OCCUPATIONS = 10
MAX_ADJUSTMENTS = 30


@dataclass(frozen=True)
class LevelSubsidy:
    """Subsidy standards of one level across listed programmes (yuan per person)."""

    level: str
    count: int
    low: int
    median: int
    high: int


@dataclass(frozen=True)
class OccupationCount:
    """An occupation and how many programmes (in how many regions) train for it."""

    code: str
    name: str
    programmes: int
    regions: int


@dataclass(frozen=True)
class AdjustmentCount:
    """What one adjustment (notice) did: records added, withdrawn, suspended, reinstated."""

    key: str
    date: str
    label: str            # 文号, or the notice id
    added: int
    withdrawn: int
    suspended: int
    reinstated: int


@dataclass(frozen=True)
class Stats:
    """Everything the statistics page and ``mulu stats`` show."""

    title: str
    kinds: list[str]
    jurisdictions: list[tuple[str, str]]              # (code, name), OTHER last when used
    per_jurisdiction: dict[str, dict[str, int]]       # jurisdiction code -> kind -> records
    status: dict[str, dict[str, int]]                 # kind -> status -> records
    subsidy: list[LevelSubsidy]
    occupations: list[OccupationCount]
    adjustments: list[AdjustmentCount] | None         # None: no history
    history_note: str = ""
    corrections: int = 0
    adjustments_total: int = 0
    totals: dict[str, int] = field(default_factory=dict)


def _jurisdiction_of(registry: Registry, codes: list[str]) -> Callable[[str], str]:
    def find(region: str) -> str:
        return next((j for j in codes if region and registry.reference.in_region(region, j)), OTHER)
    return find


def status_frame(registry: Registry, kinds: list[str]) -> pd.DataFrame:
    """One row per record: kind, id, region, status and jurisdiction."""
    find = _jurisdiction_of(registry, list(registry.config.jurisdictions))
    rows = [(kind, r.id, r.region, r.status, find(r.region)) for kind in kinds
            for r in registry.records.get(kind, {}).values()]
    return pd.DataFrame(rows, columns=["kind", "id", "region", "status", "jurisdiction"])


def levels_frame(registry: Registry) -> pd.DataFrame:
    """One row per level of every listed (在册) programme: level and subsidy."""
    rows = []
    for rec in registry.records.get("programmes", {}).values():
        if rec.status != "在册":
            continue
        for item in rec.data.get("levels") or []:
            if isinstance(item, dict) and isinstance(item.get("subsidy"), int):
                rows.append((item.get("level") or "专项职业能力", item["subsidy"]))
    return pd.DataFrame(rows, columns=["level", "subsidy"])


def _subsidy(registry: Registry) -> list[LevelSubsidy]:
    frame = levels_frame(registry)
    if frame.empty:
        return []
    order = list(registry.reference.levels) + ["专项职业能力"]
    grouped = frame.groupby("level")["subsidy"].agg(["count", "min", "median", "max"])
    known = [lv for lv in order if lv in grouped.index] + sorted(set(grouped.index) - set(order))
    return [LevelSubsidy(lv, int(grouped.at[lv, "count"]), int(grouped.at[lv, "min"]),
                         int(round(float(grouped.at[lv, "median"]))), int(grouped.at[lv, "max"])) for lv in known]


def _occupations(registry: Registry) -> list[OccupationCount]:
    rows = []
    for rec in registry.records.get("programmes", {}).values():
        occupation = rec.data.get("occupation")
        if rec.status == "在册" and isinstance(occupation, dict) and occupation.get("code"):
            rows.append((occupation["code"], rec.region))
    if not rows:
        return []
    frame = pd.DataFrame(rows, columns=["code", "region"])
    counted = frame.groupby("code").agg(programmes=("region", "size"), regions=("region", "nunique"))
    counted = counted.reset_index().sort_values(["programmes", "regions", "code"], ascending=[False, False, True])
    out = []
    for row in counted.head(TOP_OCCUPATIONS).itertuples(index=False):
        occ = registry.reference.occupations.get(row.code)
        out.append(OccupationCount(row.code, occ.name if occ else row.code, int(row.programmes), int(row.regions)))
    return out


def _adjustments(history: Any) -> tuple[list[AdjustmentCount] | None, str, int, int]:
    """Counts per adjustment, oldest first (the latest ``MAX_ADJUSTMENTS``)."""
    if history is None:
        return None, "历史记录不可用：构建时没有提供目录的修改历史。", 0, 0
    if not getattr(history, "available", False):
        return None, str(getattr(history, "note", "") or "历史记录不可用。"), 0, 0
    out, corrections = [], 0
    for adjustment in history.adjustments():
        if adjustment.correction:
            corrections += 1
            continue
        # The notice's own file is a record too; count only catalogue records.
        actions = pd.Series([c.action for c in adjustment.changes if c.kind != "notices"], dtype=object).value_counts()
        meta = adjustment.meta or {}
        out.append(AdjustmentCount(adjustment.key, adjustment.date, str(meta.get("number") or adjustment.notice),
                                   int(actions.get("added", 0)), int(actions.get("withdrawn", 0)),
                                   int(actions.get("suspended", 0)), int(actions.get("reinstated", 0))))
    out.sort(key=lambda a: (a.date, a.key))
    return out[-MAX_ADJUSTMENTS:], str(getattr(history, "note", "") or ""), corrections, len(out)


def compute(registry: Registry, history: Any = None) -> Stats:
    """All statistics of ``registry``; ``history`` is a :class:`mulu.history.log.History` or None."""
    kinds = registry.config.catalogue_kinds()
    frame = status_frame(registry, kinds)
    codes = list(registry.config.jurisdictions)
    counts = frame.groupby(["jurisdiction", "kind"]).size() if not frame.empty else pd.Series(dtype=int)
    used = [c for c in codes] + ([OTHER] if (frame["jurisdiction"] == OTHER).any() else [])
    per_jurisdiction = {j: {k: int(counts.get((j, k), 0)) for k in kinds} for j in used}
    status_counts = frame.groupby(["kind", "status"]).size() if not frame.empty else pd.Series(dtype=int)
    status = {k: {s: int(status_counts.get((k, s), 0)) for s in STATUSES} for k in kinds}
    names = [(j, registry.reference.region_name(j) if j != OTHER else OTHER) for j in used]
    adjustments, note, corrections, total = _adjustments(history)
    return Stats(registry.config.title, kinds, names, per_jurisdiction, status,
                 _subsidy(registry), _occupations(registry), adjustments, note, corrections, total,
                 {k: int((frame["kind"] == k).sum()) for k in kinds} if not frame.empty else {k: 0 for k in kinds})


def to_json(stats: Stats) -> dict[str, Any]:
    """The statistics as plain data (for ``mulu stats --format json``)."""
    return {
        "title": stats.title,
        "per_jurisdiction": [{"code": c, "name": n, **{k: stats.per_jurisdiction[c][k] for k in stats.kinds}}
                             for c, n in stats.jurisdictions],
        "totals": stats.totals,
        "status": stats.status,
        "subsidy_by_level": [vars(s) for s in stats.subsidy],
        "top_occupations": [vars(o) for o in stats.occupations],
        "adjustments": None if stats.adjustments is None else [vars(a) for a in stats.adjustments],
        "history_note": stats.history_note,
    }
