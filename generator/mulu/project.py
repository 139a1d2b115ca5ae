"""Open a project directory: load, validate and (when clean) assemble the registry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .kinds import KINDS
from .loading import load_tree
from .problems import Problem, sort_problems
from .registry import Registry, build_registry
from .schemas import compile_schemas, load_schema_files
from .validation import validate_tree


class ProjectNotFound(Exception):
    """No ``registry/config.yml`` at or above the starting directory."""


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding ``registry/config.yml``."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / "registry" / "config.yml").is_file():
            return candidate
    raise ProjectNotFound(str(start))


@dataclass(frozen=True)
class Opened:
    """The outcome of opening a project: all problems, and the registry when there are none."""

    root: Path
    problems: list[Problem]
    registry: Registry | None


def open_project(root: Path, *, lenient: bool = False) -> Opened:
    """Load and validate ``root``; ``lenient`` assembles a registry even with problems."""
    schemas = compile_schemas(load_schema_files(root / "schemas"))
    tree = load_tree(root, [k.name for k in KINDS])
    reference, problems = validate_tree(tree, schemas)
    problems = sort_problems(problems)
    registry = build_registry(tree, reference, schemas) if (lenient or not problems) else None
    return Opened(root, problems, registry)
