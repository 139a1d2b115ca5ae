"""The publication log, rebuilt from git: one entry per first-parent commit that changed
``registry/``, each with the digest of the records as they were at that commit and the
digest of the entry before it (a hash chain, see :mod:`mulu.core.digest`).

Everything is a function of the commits, so every build of one commit gives the same log,
and a rewritten history gives a different one. Record digests are cached per git blob in
``.mulu-cache/publications/`` (a blob's content never changes), so a rebuild parses only
the record files that changed since.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mulu.core.digest import chain, manifest_digest, manifest_records, record_digest
from mulu.errors import GitError
from mulu.history.diff import parse_record, record_id, record_kind
from mulu.history.git import Repo

CACHE_VERSION = 1
CACHE_FILE = Path(".mulu-cache") / "publications" / "blobs.json"
BATCH = 200
UNAVAILABLE = "发布记录不可用"


@dataclass
class PublicationLog:
    """The log (oldest entry first) and, for every record of the newest entry, the commit
    and time at which its digest last changed."""

    available: bool
    note: str = ""
    entries: list[dict[str, Any]] = field(default_factory=list)
    last_changed: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    @property
    def latest(self) -> dict[str, Any] | None:
        """The newest entry, if any."""
        return self.entries[-1] if self.entries else None


class _Digests:
    """Record digest per blob id, read from and written back to the cache file."""

    def __init__(self, root: Path | None) -> None:
        self.path = root / CACHE_FILE if root is not None else None
        self.known: dict[str, str | None] = {}
        self.dirty = False
        if self.path is not None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("version") == CACHE_VERSION:
                    self.known = {k: v for k, v in data.get("digests", {}).items() if isinstance(k, str)}
            except (OSError, ValueError):
                pass

    def fill(self, repo: Repo, wanted: dict[str, str]) -> None:
        """Compute the digests of the blobs ``{blob: path}`` not known yet (None when the
        file is not a readable record)."""
        missing = sorted(b for b in wanted if b not in self.known)
        for start in range(0, len(missing), BATCH * 10):
            chunk = missing[start:start + BATCH * 10]
            blobs = repo.read_blobs(set(chunk))
            for blob in chunk:
                data = parse_record(blobs.get(blob), wanted[blob])
                self.known[blob] = record_digest(data) if data is not None else None
            self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; a read-only checkout just recomputes next time."""
        if self.path is None or not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"version": CACHE_VERSION, "digests": self.known}, out, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            pass


def _records(state: dict[str, str], digests: _Digests) -> list[tuple[str, str, str]]:
    out = []
    for path, blob in state.items():
        digest = digests.known.get(blob)
        kind = record_kind(path)
        if digest is not None and kind is not None:
            out.append((kind, record_id(path), digest))
    return out


def _seed(repo: Repo, root: Path, digests: _Digests, known: dict[str, str]) -> None:
    """Take the digests of working files already read (``{file: digest}``) for their blobs:
    a blob with the same id has the same bytes, so a first build parses each file once."""
    for file, digest in known.items():
        try:
            content = (root / file).read_bytes()
        except OSError:
            continue
        digests.known.setdefault(repo.blob_id(content), digest)


def load_publications(root: Path, rev: str = "HEAD", *, cache: bool = True,
                      known: dict[str, str] | None = None) -> PublicationLog:
    """The publication log of ``root``'s registry along the first-parent chain ending at ``rev``.
    ``known``: digests of record files (paths relative to ``root``) as they are on disk."""
    try:
        repo = Repo.open(root)
    except GitError:
        return PublicationLog(False, f"{UNAVAILABLE}：本目录不在 git 仓库中（例如从源码压缩包构建）。")
    try:
        head = repo.resolve(rev)
        commits = list(reversed(repo.first_parent_log(head)))          # oldest first
        shallow = repo.is_shallow()
        raw: dict[str, Any] = {}
        for start in range(0, len(commits), BATCH):
            batch = commits[start:start + BATCH]
            raw.update(repo.diff_commits([(c.sha, c.parent) for c in batch]))
        digests = _Digests(root if cache else None)
        _seed(repo, root, digests, known or {})
        wanted = {rc.new_blob: rc.new_path for changes in raw.values() for rc in changes
                  if rc.new_blob and record_kind(rc.new_path)}
        digests.fill(repo, wanted)
    except GitError as err:
        return PublicationLog(False, f"{UNAVAILABLE}：读取 git 历史失败（{err}）。")
    digests.save()
    state: dict[str, str] = {}                  # record file -> blob id
    current: dict[tuple[str, str], str] = {}    # (kind, id) -> digest
    last_changed: dict[tuple[str, str], tuple[str, str]] = {}
    published: list[tuple[str, str, str]] = []
    for commit in commits:
        changes = raw.get(commit.sha, [])
        if not changes:
            continue
        for rc in changes:
            if rc.old_path and record_kind(rc.old_path):
                state.pop(rc.old_path, None)
            if rc.new_path and record_kind(rc.new_path):
                state[rc.new_path] = rc.new_blob
        records = _records(state, digests)
        now = {(k, i): d for k, i, d in records}
        for key, digest in now.items():
            if current.get(key) != digest:
                last_changed[key] = (commit.sha, commit.date)
        current = now
        manifest = {"commit": commit.sha, "time": commit.date, "records": manifest_records(records)}
        published.append((commit.sha, commit.date, manifest_digest(manifest)))
    note = ""
    if shallow:
        note = "仓库是浅克隆，发布记录只从最早可见的提交开始，与完整仓库算出的不同；请完整克隆（CI 中设置 fetch-depth: 0）。"
    return PublicationLog(True, note, chain(published), {k: v for k, v in last_changed.items() if k in current})


def digests_at(root: Path, rev: str) -> tuple[str, dict[tuple[str, str], str]]:
    """``(commit, {(kind, id): digest})`` of every readable record of the registry at ``rev``;
    raises :class:`GitError` (Chinese message) when ``rev`` cannot be found."""
    repo = Repo.open(root)
    sha = repo.resolve(rev)
    state = {path: blob for path, blob in repo.tree_blobs(sha).items() if record_kind(path)}
    digests = _Digests(root)
    digests.fill(repo, {blob: path for path, blob in state.items()})
    digests.save()
    return sha, {(k, i): d for k, i, d in _records(state, digests)}
