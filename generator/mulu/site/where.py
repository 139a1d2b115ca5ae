"""Where one can train and be certified: subsidised programmes against the institutions that
can deliver them and the assessors that can certify them, computed both ways.

The rules (``assets/mulu/find.js`` applies the same ones to the 找培训 data, see
:func:`mulu.site.find.find_data`):

- only records in force count (effective status 在册 or 即将到期 on the as-of date); an
  institution also has to take subsidised training (``subsidised: true``);
- the occupation is the programme's (or, for a 专项职业能力 programme, its spec's); a 工种
  given on both sides must be the same one;
- levels overlap (a side without levels covers every level);
- a classroom institution lies in the programme's region or below it; an online platform
  (type 线上培训平台 or delivery 线上/线上线下) also serves programmes of the regions below its
  own; an assessor serves a programme when either region contains the other.
"""

from __future__ import annotations

from dataclasses import dataclass

from mulu.core.kinds import occupation_uses
from mulu.core.loading import get_path
from mulu.core.registry import Record, Registry
from mulu.site.effective import statuses
from mulu.site.model import SiteContext

CACHE_KEY = "where"
ONLINE_TYPE = "线上培训平台"
ONLINE_DELIVERY = ("线上", "线上线下")


@dataclass(frozen=True)
class Offer:
    """One occupation a training unit (institution or assessor) covers."""

    unit: Record
    occupation: str
    work_type: str | None
    levels: tuple[str, ...]          # empty: every level
    online: bool


@dataclass(frozen=True)
class Need:
    """What a programme asks for: occupation, 工种 and levels (empty: any)."""

    occupation: str
    work_type: str | None
    levels: tuple[str, ...]


def is_online(institution: Record) -> bool:
    """Whether an institution trains online (a platform, or online delivery stated)."""
    return institution.data.get("type") == ONLINE_TYPE or institution.data.get("delivery") in ONLINE_DELIVERY


def programme_need(programme: Record, registry: Registry) -> Need | None:
    """The occupation, 工种 and levels a programme trains for (None when it names none)."""
    code = get_path(programme.data, ("occupation", "code"))
    work_type = get_path(programme.data, ("occupation", "work_type"))
    if not isinstance(code, str):
        spec = registry.get("specs", str(programme.data.get("spec", "")))
        code = spec.data.get("occupation") if spec is not None else None
        work_type = None
    if not isinstance(code, str):
        return None
    levels = tuple(str(lv["level"]) for lv in programme.data.get("levels") or []
                   if isinstance(lv, dict) and isinstance(lv.get("level"), str))
    return Need(code, work_type if isinstance(work_type, str) else None, levels)


def covers(offer: Offer, need: Need) -> bool:
    """Whether ``offer`` covers ``need``: same occupation, same 工种 where both name one, levels overlapping."""
    if offer.occupation != need.occupation:
        return False
    if offer.work_type and need.work_type and offer.work_type != need.work_type:
        return False
    return not offer.levels or not need.levels or bool(set(offer.levels) & set(need.levels))


class Where:
    """The index, built once per build (:func:`where`)."""

    def __init__(self, registry: Registry, ctx: SiteContext) -> None:
        self.registry = registry
        found = statuses(registry, ctx)

        def current(record: Record) -> bool:
            status = found.get((record.kind, record.id))
            return status.current if status else record.status == "在册"

        self.programmes = [p for p in registry.records.get("programmes", {}).values() if current(p)]
        self.offers: dict[str, dict[str, list[Offer]]] = {"institutions": {}, "assessors": {}}
        for kind, offers in self.offers.items():
            for unit in registry.records.get(kind, {}).values():
                if not current(unit) or (kind == "institutions" and unit.data.get("subsidised") is not True):
                    continue
                online = kind == "institutions" and is_online(unit)
                for path, code, levels in occupation_uses(kind, unit.data):
                    work_type = get_path(unit.data, (*path[:-1], "work_type"))
                    offers.setdefault(code, []).append(Offer(
                        unit, code, work_type if isinstance(work_type, str) else None, tuple(levels), online))
        self.needs = {p.id: programme_need(p, registry) for p in self.programmes}
        self._reverse: dict[tuple[str, str], list[Record]] | None = None

    def serves(self, offer: Offer, programme: Record) -> bool:
        """Whether ``offer``'s unit, by its region, serves ``programme``'s region."""
        ref = self.registry.reference
        unit, region = offer.unit.region, programme.region
        if ref.in_region(unit, region):
            return True
        return (offer.online or offer.unit.kind == "assessors") and ref.in_region(region, unit)

    def units_for(self, programme: Record, kind: str) -> list[Offer]:
        """The institutions (``kind="institutions"``) or assessors serving a programme, one offer each."""
        need = self.needs.get(programme.id)
        if need is None:
            return []
        out: dict[str, Offer] = {}
        for offer in self.offers[kind].get(need.occupation, []):
            if offer.unit.id not in out and covers(offer, need) and self.serves(offer, programme):
                out[offer.unit.id] = offer
        return sorted(out.values(), key=lambda o: (o.online, o.unit.region, o.unit.id))

    def programmes_for(self, unit: Record) -> list[Record]:
        """The programmes in force that an institution can deliver or an assessor can certify
        (the reverse of :meth:`units_for`, computed once for every programme)."""
        if self._reverse is None:
            self._reverse = {}
            for programme in self.programmes:
                for kind in self.offers:
                    for offer in self.units_for(programme, kind):
                        self._reverse.setdefault((kind, offer.unit.id), []).append(programme)
        return sorted(self._reverse.get((unit.kind, unit.id), []), key=lambda p: (p.region, p.id))


def where(registry: Registry, ctx: SiteContext) -> Where:
    """The :class:`Where` index of this build (built on first use, kept in ``ctx.extras``)."""
    return ctx.once(CACHE_KEY, registry, lambda: Where(registry, ctx))

