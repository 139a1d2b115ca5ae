"""The history of the registry: what each commit of the branch changed, grouped by notice.

``load_history(root)`` walks the first-parent chain of the branch being built, and for
each commit computes the semantic difference to its first parent (see
:mod:`mulu.history.diff`). Each commit's result depends only on the commit, so it is
cached in ``.mulu-cache/history/<sha>.json`` and a rebuild reads files instead of git
objects. Outside git (a source tarball) the history says it is unavailable instead of
failing. Changes are then grouped into :class:`Adjustment` s: one per notice (across all
the commits that carry it out) and one per commit of editorial corrections (更正).
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mulu.errors import GitError
from mulu.history.diff import (
    FileChange,
    RecordChange,
    parse_record,
    record_kind,
    semantic_diff,
)
from mulu.history.git import Commit, RawChange, Repo

CACHE_VERSION = 4   # bump whenever what a step contains or means changes: old entries are recomputed
CACHE_DIR = Path(".mulu-cache") / "history"
# Commits diffed per git round trip: bounds memory when a first build meets a long history.
BATCH = 200
NOTICE_META = ("name", "number", "issuer", "date", "effective", "summary", "url", "region")
UNAVAILABLE = "历史记录不可用"


@dataclass
class Step:
    """The changes one commit made to the registry, relative to its first parent."""

    sha: str
    parent: str
    date: str                                  # committer date, ISO 8601
    subject: str
    changes: list[RecordChange] = field(default_factory=list)
    notices: dict[str, dict[str, Any]] = field(default_factory=dict)   # notice files it added or edited

    def to_json(self) -> dict[str, Any]:
        return {"version": CACHE_VERSION, "sha": self.sha, "parent": self.parent, "date": self.date,
                "subject": self.subject, "notices": self.notices, "changes": [c.to_json() for c in self.changes]}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Step:
        return Step(data["sha"], data.get("parent", ""), data.get("date", ""), data.get("subject", ""),
                    [RecordChange.from_json(c) for c in data.get("changes", [])], data.get("notices", {}))


@dataclass
class Adjustment:
    """One entry of the changelog: a notice and every change made under it, or one commit's
    editorial corrections (更正)."""

    key: str                                   # "notice-<id>" or "correction-<sha12>": stable anchors and ids
    notice: str                                # notice id, "" for corrections
    date: str                                  # YYYY-MM-DD: the notice's date, or the correction's commit date
    updated: str                               # ISO date of the latest commit that contributed
    commits: list[str]                         # newest first
    changes: list[RecordChange]
    meta: dict[str, Any]                       # the notice's 文号, issuer, summary… as last committed

    @property
    def correction(self) -> bool:
        """Whether this entry is an editorial correction rather than a notice."""
        return not self.notice


@dataclass
class TimelineEntry:
    """One change in a record's own history."""

    date: str
    step: Step
    change: RecordChange
    adjustment: str                            # key of the Adjustment it belongs to


@dataclass
class History:
    """The registry's history along the first-parent chain (newest step first)."""

    available: bool
    note: str = ""                             # why unavailable or incomplete, in Chinese
    revision: str = ""
    steps: list[Step] = field(default_factory=list)
    _adjustments: list[Adjustment] | None = field(default=None, repr=False)
    _timelines: dict[tuple[str, str], list[TimelineEntry]] | None = field(default=None, repr=False)

    def notice_meta(self) -> dict[str, dict[str, Any]]:
        """Every notice's metadata as last committed."""
        meta: dict[str, dict[str, Any]] = {}
        for step in reversed(self.steps):
            meta.update(step.notices)
        return meta

    def adjustments(self) -> list[Adjustment]:
        """Changelog entries, newest first."""
        if self._adjustments is None:
            self._adjustments = _group(self.steps, self.notice_meta())
        return self._adjustments

    def adjustment(self, key: str) -> Adjustment | None:
        """The entry with ``key`` (``notice-<id>`` or ``correction-<sha12>``)."""
        return next((a for a in self.adjustments() if a.key == key), None)

    def for_notice(self, notice_id: str) -> Adjustment | None:
        """Everything done under one notice."""
        return self.adjustment(f"notice-{notice_id}")

    def timeline(self, kind: str, record_id: str) -> list[TimelineEntry]:
        """A record's changes, newest first, including those made under earlier file names."""
        if self._timelines is None:
            self._timelines = _timelines(self.steps, self.adjustments())
        return self._timelines.get((kind, record_id), [])


    def only(self, keep: Callable[[RecordChange], bool]) -> History:
        """The same history with only the record changes ``keep`` accepts (a per-jurisdiction
        site shows its own adjustments). Steps stay, for the notice metadata they carry."""
        steps = [dataclasses.replace(s, changes=[c for c in s.changes if keep(c)]) for s in self.steps]
        return History(self.available, self.note, self.revision, steps)


def unavailable(reason: str) -> History:
    """A history that explains why there is none."""
    return History(False, f"{UNAVAILABLE}：{reason}")


def _notice_date(meta: dict[str, Any], fallback: str) -> str:
    date = meta.get("date")
    return date if isinstance(date, str) and len(date) == 10 else fallback


def _group(steps: list[Step], notices: dict[str, dict[str, Any]]) -> list[Adjustment]:
    """Group the changes of all steps by notice (corrections: by commit), newest first."""
    groups: dict[str, Adjustment] = {}
    rank: dict[str, int] = {}
    for index, step in enumerate(steps):                 # newest first
        for change in step.changes:
            if change.notice:
                key, meta = f"notice-{change.notice}", notices.get(change.notice, {})
                date = _notice_date(meta, change.date or step.date[:10])
            else:
                key, meta, date = f"correction-{step.sha[:12]}", {}, step.date[:10]
            group = groups.get(key)
            if group is None:
                group = groups[key] = Adjustment(key, change.notice, date, step.date, [], [], meta)
                rank[key] = index
            if step.sha not in group.commits:
                group.commits.append(step.sha)
            group.changes.append(change)
    return sorted(groups.values(), key=lambda g: (g.date, -rank[g.key]), reverse=True)


def _timelines(steps: list[Step], adjustments: list[Adjustment]) -> dict[tuple[str, str], list[TimelineEntry]]:
    by_change = {id(c): a for a in adjustments for c in a.changes}
    lines: dict[tuple[str, str], list[TimelineEntry]] = {}
    for step in reversed(steps):                         # oldest first, so renames carry history along
        for change in step.changes:
            key = (change.kind, change.id)
            if change.old_id:
                lines[key] = lines.pop((change.kind, change.old_id), []) + lines.get(key, [])
            group = by_change[id(change)]
            date = change.date or group.date
            lines.setdefault(key, []).append(TimelineEntry(date, step, change, group.key))
    for entries in lines.values():
        entries.reverse()
    return lines


# -- computing steps -------------------------------------------------------------------------

def _cache_path(root: Path, sha: str) -> Path:
    return root / CACHE_DIR / f"{sha}.json"


def _read_cache(root: Path, commit: Commit) -> Step | None:
    try:
        data = json.loads(_cache_path(root, commit.sha).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or data.get("sha") != commit.sha:
        return None
    try:
        return Step.from_json(data)
    except (KeyError, TypeError, AttributeError):
        return None


def _write_cache(root: Path, step: Step) -> None:
    """Write atomically, so a build killed halfway never leaves a truncated entry behind."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(step.to_json(), out, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, _cache_path(root, step.sha))
    except OSError:
        pass  # a read-only checkout still builds; it just recomputes next time


def notice_meta(data: dict[str, Any] | None) -> dict[str, Any]:
    """The fields of a notice that the changelog shows."""
    return {k: data[k] for k in NOTICE_META if isinstance(data, dict) and isinstance(data.get(k), (str, int))}


def file_changes(raw: list[RawChange], blobs: dict[str, bytes]) -> list[FileChange]:
    """Attach blob contents to raw changes of record files (other files are left out)."""
    out = []
    for rc in raw:
        if not record_kind(rc.old_path) and not record_kind(rc.new_path):
            continue
        out.append(FileChange(rc.status, rc.old_path, rc.new_path, blobs.get(rc.old_blob) if rc.old_blob else None,
                              blobs.get(rc.new_blob) if rc.new_blob else None))
    return out


def changed_notices(files: Iterable[FileChange]) -> dict[str, dict[str, Any]]:
    """Metadata of the notices whose files were added or edited."""
    out = {}
    for fc in files:
        if fc.new_path and record_kind(fc.new_path) == "notices":
            meta = notice_meta(parse_record(fc.new_text, fc.new_path))
            if meta:
                out[Path(fc.new_path).name[:-4]] = meta
    return out


def _compute(repo: Repo, commits: list[Commit]) -> list[Step]:
    """Steps for ``commits`` using two git processes per batch (diff-tree, cat-file)."""
    steps = []
    for start in range(0, len(commits), BATCH):
        batch = commits[start:start + BATCH]
        raw = repo.diff_commits([(c.sha, c.parent) for c in batch])
        wanted = {b for changes in raw.values() for rc in changes
                  if record_kind(rc.old_path) or record_kind(rc.new_path) for b in (rc.old_blob, rc.new_blob) if b}
        blobs = repo.read_blobs(wanted)
        for commit in batch:
            files = file_changes(raw.get(commit.sha, []), blobs)
            changes = semantic_diff(files)
            for change in changes:
                change.commit = commit.sha
            steps.append(Step(commit.sha, commit.parent, commit.date, commit.subject, changes,
                              changed_notices(files)))
    return steps


def load_history(root: Path, rev: str = "HEAD", *, cache: bool = True) -> History:
    """The history of ``root``'s registry along the first-parent chain ending at ``rev``."""
    try:
        repo = Repo.open(root)
        head = repo.resolve(rev)
        commits = repo.first_parent_log(head)
        shallow = repo.is_shallow()
    except GitError:
        return unavailable("本目录不在 git 仓库中（例如从源码压缩包构建），无法计算各次调整。")
    note = ""
    if shallow and commits and not commits[-1].parent:
        # The oldest commit of a shallow clone is cut from its parents: diffing it against
        # nothing would show every record as newly listed.
        commits = commits[:-1]
        note = "仓库是浅克隆，只显示最近的调整；完整历史需要完整克隆（CI 中设置 fetch-depth: 0）。"
    steps: dict[str, Step] = {}
    missing = []
    for commit in commits:
        step = _read_cache(root, commit) if cache else None
        if step is None:
            missing.append(commit)
        else:
            steps[commit.sha] = step
    try:
        computed = _compute(repo, missing)
    except GitError as err:
        return unavailable(f"读取 git 历史失败（{err}）。")
    for step in computed:
        steps[step.sha] = step
        if cache:
            _write_cache(root, step)
    return History(True, note, head, [steps[c.sha] for c in commits])
