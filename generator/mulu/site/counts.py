"""Counting records by catalogue, region (descendants included) and status (recorded or effective)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from mulu.core.registry import Record, Registry


@dataclass(frozen=True)
class Counts:
    """``by[(region, kind)]`` counts statuses of the records of ``kind`` in ``region`` or
    below it; ``kinds[kind]`` counts the whole catalogue."""

    by: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    kinds: dict[str, Counter[str]] = field(default_factory=dict)

    def get(self, region: str, kind: str) -> Counter[str]:
        """Status counts of ``kind`` within ``region`` (empty when none)."""
        return self.by.get((region, kind), Counter())


def count_records(registry: Registry, status: Callable[[Record], str] | None = None) -> Counts:
    """Walk every record once, adding it to its region and all the region's ancestors;
    ``status`` names what is counted (default: the recorded status)."""
    by: dict[tuple[str, str], Counter[str]] = {}
    kinds: dict[str, Counter[str]] = {}
    chains: dict[str, list[str]] = {}
    for record in registry.all_records():
        word = status(record) if status else record.status
        kinds.setdefault(record.kind, Counter())[word] += 1
        chain = chains.get(record.region)
        if chain is None:
            chain, code = [], record.region
            while code:
                chain.append(code)
                code = registry.reference.region_parent(code) or ""
            chains[record.region] = chain
        for code in chain:
            by.setdefault((code, record.kind), Counter())[word] += 1
    return Counts(by, kinds)
