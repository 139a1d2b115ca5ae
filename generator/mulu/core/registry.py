"""The validated registry: records by kind and id, code lists, and links between records."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mulu.core.config import ProjectConfig, parse_config
from mulu.core.kinds import KIND_BY_NAME, KINDS, references
from mulu.core.loading import FieldPath, LoadedTree
from mulu.core.reference import Reference
from mulu.core.schemas import Schema


@dataclass(frozen=True)
class Record:
    """One record: its kind, id, source file (relative to the project root) and data."""

    kind: str
    id: str
    file: str
    data: dict[str, Any] = field(repr=False)

    @property
    def name(self) -> str:
        return str(self.data.get("name", self.id))

    @property
    def status(self) -> str:
        return str(self.data.get("status", "在册"))

    @property
    def region(self) -> str:
        return str(self.data.get("region", ""))


@dataclass(frozen=True)
class Link:
    """``source`` refers to ``target`` through ``field``."""

    source: Record
    field: FieldPath
    target: Record


@dataclass(frozen=True)
class Registry:
    """Everything render steps need; nothing here reads files again."""

    root: Path
    config: ProjectConfig
    reference: Reference
    schemas: dict[str, Schema]
    records: dict[str, dict[str, Record]]
    links_from: dict[tuple[str, str], list[Link]]
    links_to: dict[tuple[str, str], list[Link]]

    def get(self, kind: str, record_id: str) -> Record | None:
        """The record of ``kind`` with ``record_id``, if any."""
        return self.records.get(kind, {}).get(record_id)

    def all_records(self) -> Iterator[Record]:
        """Every record, kinds in their fixed order, ids sorted."""
        for kind in KINDS:
            yield from self.records.get(kind.name, {}).values()

    def schema_for(self, kind: str) -> Schema:
        """The schema that describes records of ``kind``."""
        return self.schemas[KIND_BY_NAME[kind].schema]

    def count(self) -> int:
        """Number of records of all kinds."""
        return sum(len(v) for v in self.records.values())


def build_registry(tree: LoadedTree, reference: Reference, schemas: dict[str, Schema]) -> Registry:
    """Assemble a registry from a loaded tree (call after validation passed)."""
    records: dict[str, dict[str, Record]] = {}
    for kind in KINDS:
        docs = sorted(tree.records.get(kind.name, []), key=lambda d: d.file)
        records[kind.name] = {Path(d.file).name[:-4]: Record(kind.name, Path(d.file).name[:-4], d.file, d.data)
                              for d in docs}
    links_from: dict[tuple[str, str], list[Link]] = {}
    links_to: dict[tuple[str, str], list[Link]] = {}
    for kind_name, by_id in records.items():
        for record in by_id.values():
            for ref in references(kind_name, record.data):
                target = records.get(ref.target_kind, {}).get(ref.target_id)
                if target is None:
                    continue
                link = Link(record, ref.field, target)
                links_from.setdefault((kind_name, record.id), []).append(link)
                links_to.setdefault((target.kind, target.id), []).append(link)
    config = parse_config(tree.config.data if tree.config is not None else None)
    return Registry(tree.root, config, reference, schemas, records, links_from, links_to)
