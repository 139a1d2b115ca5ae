"""Validation problems of a committed revision without writing it out: the files are read
from git (``ls-tree`` names every blob, one ``cat-file --batch`` reads the ones not cached)
and checked by :mod:`mulu.core.incremental`, so a revision that shares most blobs with one
checked before costs little more than listing it.

Only an ordinary tree is read this way: regular files, no record file above the size limit,
no ``.yaml`` record, nothing nested in a record folder, every required code list present.
Anything else (a symlink, a submodule, a misnamed file) is exported and checked in full as
before, so that what the user sees never depends on which path was taken.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from mulu.core.incremental import (
    FRAME_KINDS,
    KIND_NAMES,
    Files,
    ProblemCache,
    Source,
    Stats,
    bytes_loader,
    check_source,
)
from mulu.core.loading import MAX_BYTES, OPTIONAL_REFERENCE_FILES, REFERENCE_FILES, Document, LoadedTree, parse_bytes
from mulu.core.problems import Problem
from mulu.core.schemas import load_schema_files
from mulu.history.git import REGULAR_MODES, Repo, TreeEntry
from mulu.project import check_project

_KINDS = set(KIND_NAMES)


def _ordinary(entries: list[TreeEntry]) -> bool:
    """Whether reading ``entries`` from git sees exactly what a checkout would (see module doc)."""
    for e in entries:
        if e.mode not in REGULAR_MODES or e.type != "blob":
            return False
        parts = e.path.split("/")
        if parts[0] == "registry" and len(parts) >= 3 and parts[1] in _KINDS:
            if len(parts) > 3 or parts[2].endswith(".yaml") or (parts[2].endswith(".yml") and e.size > MAX_BYTES):
                return False
    return True


def revision_source(repo: Repo, rev: str, work: Path, entries: list[TreeEntry] | None = None) -> Source | None:
    """The project at commit ``rev`` as a :class:`Source` (files under ``work`` are only
    named, never written, except the schemas), or None when git cannot stand in for a checkout.
    ``entries``: the revision's ``registry/`` and ``schemas/`` entries when already listed."""
    entries = entries if entries is not None else repo.tree_entries(rev, ("registry", "schemas"))
    by_path = {e.path: e for e in entries}
    if not _ordinary(entries) or any(f"registry/reference/{name}.yml" not in by_path for name in REFERENCE_FILES):
        return None
    repo.export(rev, work, ("schemas",))
    schema_files = load_schema_files(work / "schemas")
    contents: dict[str, bytes] = {}

    def prefetch(paths: list[str]) -> None:
        wanted = {by_path[p].blob: p for p in paths if p not in contents}
        for blob, raw in repo.read_blobs(set(wanted)).items():
            contents[wanted[blob]] = raw

    def read(rel: str) -> Document | None:
        prefetch([rel])
        doc, found = parse_bytes(contents[rel], rel)
        problems.extend(found)
        return doc

    # As load_tree: config, code lists, then the listing (frame kinds are loaded by check_source).
    problems: list[Problem] = []
    names = [f"registry/reference/{n}.yml" for n in REFERENCE_FILES + OPTIONAL_REFERENCE_FILES]
    prefetch([p for p in ["registry/config.yml", *names] if p in by_path])
    config = read("registry/config.yml")
    reference = {}
    for name, rel in zip(REFERENCE_FILES + OPTIONAL_REFERENCE_FILES, names):
        if rel in by_path:
            doc = read(rel)
            if doc is not None:
                reference[name] = doc
    listed: dict[str, list[Path]] = {kind: [] for kind in KIND_NAMES}
    blobs: dict[str, str] = {}
    for e in entries:
        parts = e.path.split("/")
        if len(parts) == 3 and parts[0] == "registry" and parts[1] in _KINDS and parts[2].endswith(".yml"):
            listed[parts[1]].append(work / e.path)
            blobs[e.path] = e.blob
    for paths in listed.values():
        paths.sort()
    tree = LoadedTree(work, config, reference, listed, {kind: [] for kind in FRAME_KINDS}, problems)
    return Source(schema_files, tree, Files(blobs, bytes_loader(contents.get), prefetch))


def revision_problems(repo: Repo, rev: str, *, cache: ProblemCache, keep: dict[str, set[str]] | None = None,
                      stats: Stats | None = None) -> list[Problem]:
    """Every validation problem of the project at commit ``rev`` ([] when it is not a project
    there), as ``mulu validate`` would report them on a checkout of it (without an as-of date)."""
    entries = repo.tree_entries(rev, ("registry", "schemas"))
    if not {"registry/config.yml", "schemas/defs.schema.json"} <= {e.path for e in entries}:
        return []
    with tempfile.TemporaryDirectory(prefix="mulu-rev-") as tmp:
        source = revision_source(repo, rev, Path(tmp), entries)
        if source is None:
            repo.export(rev, Path(tmp))
            return check_project(Path(tmp))
        return check_source(source, cache=cache, keep=keep, stats=stats)
