"""A project kept open between edits (``mulu serve``): after a save, only the changed record
files are parsed and re-checked, with the problems :func:`mulu.project.open_project` would
report and the same registry.

Problems come from the in-memory validation cache (:mod:`mulu.core.incremental`: a file is
re-checked when its content or what it read of other records changed, cross-file checks run
in full). Parsed documents are kept by (path, blob id), so the registry is assembled from the
documents of unchanged files and freshly parsed changed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mulu.core.incremental import KIND_NAMES, ProblemCache, check_source, record_path, working_tree
from mulu.core.loading import Document, load_file
from mulu.core.problems import Problem
from mulu.core.reference import build_reference
from mulu.core.registry import Registry, build_registry
from mulu.core.schemas import compile_schemas


@dataclass(frozen=True)
class Opening:
    """Errors and warnings of the project on disk, and its registry when there are no errors."""

    problems: list[Problem]
    warnings: list[Problem]
    registry: Registry | None


class LiveProject:
    """The project at ``root``, re-opened cheaply after each edit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache = ProblemCache(None)
        self.docs: dict[str, tuple[str, Document]] = {}   # path -> (blob id, parsed document)

    def open(self) -> Opening:
        """Check and assemble the project as it is on disk now."""
        source = working_tree(self.root)
        found = check_source(source, cache=self.cache)
        warnings = [p for p in found if p.severity == "warning"]
        errors = [p for p in found if p.severity != "warning"]
        if errors:
            return Opening(errors, warnings, None)
        tree = source.tree   # listed with parse=[]; the check left light documents in the frame kinds
        docs: dict[str, tuple[str, Document]] = {}
        for kind in KIND_NAMES:
            tree.records[kind] = []
            for path in tree.files.get(kind, []):
                rel = record_path(kind, path)
                blob = source.files.blobs[rel]
                known = self.docs.get(rel)
                if known is None or known[0] != blob:
                    doc, _ = load_file(self.root / rel, rel)
                    if doc is None:   # unreadable since it was checked: report as a full open would
                        return Opening([Problem(rel, None, None, "", "无法读取文件。", "file.read")], warnings, None)
                    known = (blob, doc)
                docs[rel] = known
                tree.records[kind].append(known[1])
        self.docs = docs
        schemas = compile_schemas(dict(source.schema_files))
        reference, _ = build_reference(tree.reference)   # its problems were reported by the check above
        return Opening([], warnings, build_registry(tree, reference, schemas))
