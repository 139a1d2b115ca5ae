"""Related records in both directions: explicit references plus matching credit codes."""

from __future__ import annotations

from dataclasses import dataclass

from mulu.core.kinds import CREDIT_CODE_KINDS, KIND_BY_NAME, UNIT_KINDS, credit_codes
from mulu.core.loading import FieldPath
from mulu.core.registry import Record, Registry


@dataclass(frozen=True)
class Related:
    """``record`` is related to the page's record; ``relation`` says how, in Chinese."""

    record: Record
    relation: str
    outgoing: bool


class Relations:
    """Index built once per build: who refers to whom, including units (a studio's host, a
    base's operator) that name only a credit code of a listed institution or assessor."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.by_code: dict[str, list[Record]] = {}
        self.units: dict[str, list[Record]] = {}
        for kind in CREDIT_CODE_KINDS:
            for record in registry.records.get(kind, {}).values():
                self.by_code.setdefault(record.id, []).append(record)
        for unit_kind in UNIT_KINDS:
            for record in registry.records.get(unit_kind.name, {}).values():
                for path, code in credit_codes(unit_kind.name, record.data):
                    if path[0] == unit_kind.unit_field:
                        self.units.setdefault(code, []).append(record)

    def _label(self, kind: str, path: FieldPath) -> str:
        return self.registry.schema_for(kind).label(path)

    def of(self, record: Record) -> list[Related]:
        """Every record related to ``record`` except notices (they are shown in the fields)."""
        key = (record.kind, record.id)
        out: list[Related] = []
        seen: set[tuple[str, str, bool]] = set()

        def add(other: Record, relation: str, outgoing: bool) -> None:
            mark = (other.kind, other.id, outgoing)
            if mark not in seen and (other.kind, other.id) != key:
                seen.add(mark)
                out.append(Related(other, relation, outgoing))

        for link in self.registry.links_from.get(key, []):
            if link.target.kind != "notices":
                add(link.target, self._label(record.kind, link.field), True)
        field = KIND_BY_NAME[record.kind].unit_field
        if field:
            code = (record.data.get(field) or {}).get("credit_code")
            for other in self.by_code.get(code, []) if isinstance(code, str) else []:
                add(other, f"{self._label(record.kind, (field,))}（统一社会信用代码相同）", True)
        if record.kind != "notices":
            for link in self.registry.links_to.get(key, []):
                add(link.source, self._label(link.source.kind, link.field), False)
        if KIND_BY_NAME[record.kind].keyed_by_credit_code:
            for other in self.by_code.get(record.id, []):
                add(other, "同一单位（统一社会信用代码相同）", True)
            for other in self.units.get(record.id, []):
                add(other, f"{self._label(other.kind, (str(KIND_BY_NAME[other.kind].unit_field),))}（统一社会信用代码相同）", False)
        return out
