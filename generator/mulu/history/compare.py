"""Compare the registry of two revisions (or a revision and the working tree) for ``mulu diff``.

The record-level meaning comes from :mod:`mulu.history.diff`, exactly as for the history;
this module only gathers the file changes, and the validation problems a change brings in
(problems present after but not before, ignoring line numbers, which any edit shifts).
"""

from __future__ import annotations

import difflib
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mulu.core.incremental import CACHE_DIR, ProblemCache, Stats, check_source, working_tree
from mulu.core.kinds import KINDS
from mulu.core.loading import list_record_files
from mulu.core.problems import Problem
from mulu.core.schemas import Schema, compile_schemas, load_schema_files
from mulu.errors import MuluError
from mulu.history.diff import FileChange, RecordChange, record_kind, semantic_diff
from mulu.history.git import Repo
from mulu.history.log import changed_notices, file_changes
from mulu.history.revision_check import revision_problems

# Pairing removed with added files by text similarity costs removed x added comparisons.
MAX_RENAME_PAIRS = 10_000
RENAME_SIMILARITY = 0.5
WORKING_TREE = "工作区"


@dataclass
class Comparison:
    """What ``mulu diff`` reports."""

    base: str                          # commit id
    head: str                          # commit id, or "" for the working tree
    changes: list[RecordChange]
    notices: dict[str, dict[str, Any]]  # notices added or edited: 文号, date, …
    introduced: list[Problem]
    schemas: dict[str, Schema]


def working_tree_changes(repo: Repo, root: Path, base: str, disk_blobs: dict[str, str] | None = None) -> list[FileChange]:
    """File changes from ``base`` to the files on disk, renames paired by similarity
    (git only detects renames between stored trees; this reads nothing into git).
    ``disk_blobs`` (path -> blob id of every record file on disk, as ``repo`` names blobs)
    spares reading the unchanged files."""
    base_blobs = {p: b for p, b in repo.tree_blobs(base).items() if record_kind(p)}
    if disk_blobs is None:
        files, _ = list_record_files(root, [k.name for k in KINDS])
        disk_blobs = {}
        for paths in files.values():
            for path in paths:
                try:
                    disk_blobs[path.relative_to(root).as_posix()] = repo.blob_id(path.read_bytes())
                except OSError:
                    continue
    disk: dict[str, bytes] = {}
    for p, blob in disk_blobs.items():
        if base_blobs.get(p) != blob:
            try:
                disk[p] = (root / p).read_bytes()
            except OSError:
                continue
    changed = [p for p in disk if p in base_blobs]
    removed = [p for p in base_blobs if p not in disk_blobs]
    added = [p for p in disk if p not in base_blobs]
    old = repo.read_blobs({base_blobs[p] for p in changed + removed})
    old_text = {p: old.get(base_blobs[p]) for p in changed + removed}
    out = [FileChange("M", p, p, old_text[p], disk[p]) for p in changed]
    pairs = pair_renames({p: old_text[p] or b"" for p in removed}, {p: disk[p] for p in added})
    for old_path, new_path in pairs:
        out.append(FileChange("R", old_path, new_path, old_text[old_path], disk[new_path]))
    paired_old = {o for o, _ in pairs}
    paired_new = {n for _, n in pairs}
    out += [FileChange("D", p, "", old_text[p], None) for p in removed if p not in paired_old]
    out += [FileChange("A", "", p, None, disk[p]) for p in added if p not in paired_new]
    return out


def refuse_tracked_cache(repo: Repo) -> None:
    """The validation cache must come from earlier runs on this machine or CI, never from
    the repository: a merge request that commits ``.mulu-cache/`` could otherwise hand in
    results ("no problems, reads nothing") for the records it does not touch and hide the
    references it breaks. Raises :class:`MuluError` (exit 1) when any cache file is tracked."""
    folder = repo.prefix + CACHE_DIR.parent.as_posix()
    tracked = [p for p in repo.git("ls-files", "-z", "--", folder).decode("utf-8").split("\0") if p]
    if tracked:
        raise MuluError(f"{tracked[0]} 等 {len(tracked)} 个文件在 git 仓库中：{folder}/ 是本机的校验缓存，"
                        f"不能提交。请执行 git rm -r --cached {folder} 并提交，在 .gitignore 中加上 /{folder}/，再重新检查。", 1)


def touched_paths(root: Path, base_rev: str) -> set[str]:
    """Project paths changed from ``base_rev`` to the working tree (untracked files included):
    ``validate --changed`` checks them in full whatever the cache says. Refuses a cache
    that is tracked in the repository (:func:`refuse_tracked_cache`)."""
    repo = Repo.open(root)
    refuse_tracked_cache(repo)
    return {path for c in repo.changes(repo.resolve(base_rev), None) for path in (c.old_path, c.new_path) if path}


def pair_renames(removed: dict[str, bytes], added: dict[str, bytes]) -> list[tuple[str, str]]:
    """(old, new) paths of the same kind whose texts are at least half alike, best first."""
    scored: list[tuple[float, str, str]] = []
    for old_path, old in removed.items():
        for new_path, new in added.items():
            if record_kind(old_path) != record_kind(new_path):
                continue
            if len(scored) >= MAX_RENAME_PAIRS:
                break
            matcher = difflib.SequenceMatcher(None, old.decode("utf-8", "replace"), new.decode("utf-8", "replace"),
                                              autojunk=False)
            if matcher.real_quick_ratio() >= RENAME_SIMILARITY and matcher.quick_ratio() >= RENAME_SIMILARITY:
                ratio = matcher.ratio()
                if ratio >= RENAME_SIMILARITY:
                    scored.append((ratio, old_path, new_path))
    pairs, used_old, used_new = [], set(), set()
    for _, old_path, new_path in sorted(scored, reverse=True):
        if old_path not in used_old and new_path not in used_new:
            pairs.append((old_path, new_path))
            used_old.add(old_path)
            used_new.add(new_path)
    return pairs


def _key(problem: Problem) -> tuple[str, str, str, str]:
    return (problem.file, problem.field, problem.message, problem.rule)


def introduced_problems(before: list[Problem], after: list[Problem]) -> list[Problem]:
    """Problems of ``after`` that ``before`` did not have (as many times as they are new)."""
    remaining = Counter(_key(p) for p in before)
    out = []
    for problem in after:
        if remaining[_key(problem)]:
            remaining[_key(problem)] -= 1
        else:
            out.append(problem)
    return out


def compare(root: Path, base_rev: str, head_rev: str | None, stats: Stats | None = None) -> Comparison:
    """The semantic difference and the newly introduced problems from ``base_rev`` to
    ``head_rev`` (None: the working tree). Raises ``GitError`` with a Chinese message.
    Problems come from the validation cache (``.mulu-cache/validation/``): files whose blob
    and whatever they read of other records are unchanged are not checked again."""
    repo = Repo.open(root)
    refuse_tracked_cache(repo)
    base = repo.resolve(base_rev)
    head = repo.resolve(head_rev) if head_rev is not None else ""
    cache = ProblemCache(root)
    keep: dict[str, set[str]] = {}
    schema_files: dict[str, Any] | None = None   # the head's, for field labels
    before = revision_problems(repo, base, cache=cache, keep=keep, stats=stats)
    if head:
        raw = repo.diff_revisions(base, head)
        blobs = repo.read_blobs({b for rc in raw for b in (rc.old_blob, rc.new_blob) if b})
        files = file_changes(raw, blobs)
        after = revision_problems(repo, head, cache=cache, keep=keep, stats=stats)
    elif not (root / "registry" / "config.yml").is_file() or not (root / "schemas" / "defs.schema.json").is_file():
        files, after = working_tree_changes(repo, root, base), []
    else:
        source = working_tree(root, repo.blob_id)
        files = working_tree_changes(repo, root, base, source.files.blobs)
        after = check_source(source, cache=cache, keep=keep, stats=stats)
        schema_files = source.schema_files
    cache.save(keep)
    introduced = introduced_problems(before, after)
    if schema_files is None:
        with tempfile.TemporaryDirectory(prefix="mulu-diff-") as tmp:
            schema_dir = root / "schemas"
            if head:
                repo.export(head, Path(tmp), ("schemas",))
                if (Path(tmp) / "schemas" / "defs.schema.json").is_file():
                    schema_dir = Path(tmp) / "schemas"
            schema_files = load_schema_files(schema_dir)
    return Comparison(base, head, semantic_diff(files), changed_notices(files), introduced,
                      compile_schemas(schema_files))
