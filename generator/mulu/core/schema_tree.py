"""Walking the raw JSON Schemas field by field (for ``mulu new`` and ``mulu fmt``).

The validator works on compiled schemas; scaffolding and formatting need the schema *as
written*: property order, titles, descriptions, which shared definition a field uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.schemas import DEFS, follow_refs, load_schema_files
from mulu.errors import SchemaFileError

CONFIG_SCHEMA = "config.schema.json"


@dataclass(frozen=True)
class Field:
    """One schema node with its ``$ref`` chain followed: the merged keywords and the names
    of the shared definitions it went through (e.g. ``("region",)``)."""

    node: dict[str, Any]
    defs: tuple[str, ...]

    @property
    def type(self) -> str | None:
        value = self.node.get("type")
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        return str(self.node.get("title", ""))

    @property
    def description(self) -> str:
        return str(self.node.get("description", ""))

    def properties(self) -> list[str]:
        """Field names of an object, in schema order (the canonical order)."""
        return list(self.node.get("properties", {}))

    def required(self) -> list[str]:
        return list(self.node.get("required", []))


class SchemaTree:
    """Resolves fields of one schema file against the shared definitions."""

    def __init__(self, schema: dict[str, Any], defs: dict[str, Any]) -> None:
        self._defs = defs.get("$defs", {})
        self.root = self.resolve(schema)

    def resolve(self, node: dict[str, Any] | None) -> Field:
        """Follow ``$ref``s into the shared definitions; keywords written locally win."""
        return Field(*follow_refs(dict(node or {}), self._defs))

    def child(self, field: Field, key: str) -> Field | None:
        """The field ``key`` of object ``field``, or None when the schema does not know it."""
        sub = field.node.get("properties", {}).get(key)
        return self.resolve(sub) if isinstance(sub, dict) else None

    def items(self, field: Field) -> Field | None:
        """The schema of the items of array ``field``."""
        sub = field.node.get("items")
        return self.resolve(sub) if isinstance(sub, dict) else None


def load_tree_for(schema_dir: Path, schema_name: str) -> SchemaTree:
    """The :class:`SchemaTree` of ``schemas/<schema_name>``; raises :class:`SchemaFileError`."""
    raw = load_schema_files(schema_dir)
    if schema_name not in raw:
        raise SchemaFileError(f"找不到 schema 文件 {schema_dir / schema_name}：请在项目目录中运行，或用 --root 指定项目目录。")
    return SchemaTree(raw[schema_name], raw[DEFS])


def schema_for(rel_path: str) -> str | None:
    """Which schema governs the project file ``rel_path`` (posix, relative to the root):
    records under ``registry/<kind>/`` and ``registry/config.yml``; None for anything else."""
    parts = rel_path.split("/")
    if parts == ["registry", "config.yml"]:
        return CONFIG_SCHEMA
    if len(parts) == 3 and parts[0] == "registry" and parts[1] in KIND_BY_NAME and parts[2].endswith(".yml"):
        return KIND_BY_NAME[parts[1]].schema
    return None
