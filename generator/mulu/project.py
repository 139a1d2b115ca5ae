"""Open a project directory: load, validate and (when clean) assemble the registry."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mulu.core.incremental import ProblemCache, blob_id, check_parsed
from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.loading import load_file, load_tree
from mulu.core.problems import Problem, sort_problems
from mulu.core.reference import build_reference
from mulu.core.registry import Registry, build_registry
from mulu.core.rules import Context
from mulu.core.schemas import compile_schemas, load_schema_files
from mulu.core.validation import record_problems, validate_frame, validate_tree
from mulu.errors import ProjectNotFound

KIND_NAMES = [k.name for k in KINDS]
# Below this many files a process pool costs more than it saves.
PARALLEL_FROM = 2000


def resolve_root(value: str | None) -> Path:
    """The project root from ``--root`` or the current directory (searching upwards)."""
    return find_root(Path(value) if value else Path.cwd())


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding ``registry/config.yml``."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / "registry" / "config.yml").is_file():
            return candidate
    raise ProjectNotFound(f"在 {start} 及其上级目录中找不到 registry/config.yml。"
                          "请在项目目录中运行，或用 --root 指定项目目录。")


@dataclass(frozen=True)
class Opened:
    """The outcome of opening a project: its errors, and the registry when there are none.
    Warnings (e.g. subsidy sanity) do not stop a build; ``mulu validate`` reports them."""

    root: Path
    problems: list[Problem]
    registry: Registry | None
    warnings: list[Problem] = field(default_factory=list)


def open_project(root: Path, *, lenient: bool = False, cache: ProblemCache | None = None,
                 name_blob: Callable[[bytes], str] = blob_id) -> Opened:
    """Load and validate ``root``; ``lenient`` assembles a registry even with problems.
    With a validation ``cache`` (mulu build), files unchanged since it was written (blobs
    named by ``name_blob``) are not checked again: the problems are the same
    (:func:`mulu.core.incremental.check_parsed`)."""
    if cache is not None:
        tree, schema_files, problems = check_parsed(root, cache=cache, name_blob=name_blob)
        schemas = compile_schemas(schema_files)
        reference, _ = build_reference(tree.reference)
    else:
        schemas = compile_schemas(load_schema_files(root / "schemas"))
        tree = load_tree(root, KIND_NAMES)
        reference, problems = validate_tree(tree, schemas)
    problems = sort_problems(problems)
    warnings = [p for p in problems if p.severity == "warning"]
    problems = [p for p in problems if p.severity != "warning"]
    registry = build_registry(tree, reference, schemas) if (lenient or not problems) else None
    return Opened(root, problems, registry, warnings)


def _check_shard(root: Path, ctx: Context, shard: list[tuple[str, Path]]) -> list[Problem]:
    schemas = compile_schemas(load_schema_files(root / "schemas"))
    problems: list[Problem] = []
    for kind, path in shard:
        doc, found = load_file(path, path.relative_to(root).as_posix())
        problems += found
        if doc is not None:
            problems += record_problems(kind, doc, schemas[KIND_BY_NAME[kind].schema], ctx)
    return problems


def check_project(root: Path, jobs: int | None = None, as_of: date | None = None) -> list[Problem]:
    """Every problem of ``root``, without assembling a registry; large registries are
    checked in parallel (one process per core) since parsing and schema checks dominate.
    With ``as_of``, dates that have passed by then are reported as warnings."""
    jobs = jobs or os.cpu_count() or 1
    schemas = compile_schemas(load_schema_files(root / "schemas"))
    # Notices, specs and shortage lists are read first: rules consult notice dates, spec statuses and lists.
    first = ("notices", "specs", "shortages")
    tree = load_tree(root, KIND_NAMES, parse=list(first))
    _, ctx, problems = validate_frame(tree, schemas, as_of)
    for kind in first:
        schema = schemas[KIND_BY_NAME[kind].schema]
        problems += [p for d in tree.records[kind] for p in record_problems(kind, d, schema, ctx)]
    work = [(kind, p) for kind in KIND_NAMES if kind not in first for p in tree.files[kind]]
    if jobs < 2 or len(work) < PARALLEL_FROM:
        problems += _check_shard(root, ctx, work)
    else:
        shards = [work[i::jobs * 4] for i in range(jobs * 4)]
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for found in pool.map(_check_shard, [root] * len(shards), [ctx] * len(shards), shards):
                problems += found
    return sort_problems(problems)
