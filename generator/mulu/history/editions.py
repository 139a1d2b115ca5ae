"""Editions of a catalogue: a notice that publishes a whole catalogue of one kind for one
jurisdiction (``edition: {kind, region, name, effective, replaces}``), the catalogue as it
stood when that edition was committed, and the comparison of two editions.

An edition's records are those of its scope (kind, jurisdiction) that name it in their
``edition`` field and are not withdrawn, read from git at the edition's commit: the newest
commit whose changes the history attributes to the edition's notice. Snapshots are cached
per commit in ``.mulu-cache/editions/`` (a commit never changes, so neither does its snapshot).
Used by the site's edition pages, ``mulu diff --edition`` and the changelog's summaries.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mulu.core.reference import Reference
from mulu.errors import GitError, MuluError
from mulu.history.diff import FieldChange, RecordChange, diff_values, parse_record, record_kind
from mulu.history.git import Repo
from mulu.history.log import History

CACHE_VERSION = 1
CACHE_DIR = Path(".mulu-cache") / "editions"
# Fields that record which edition a record is in, not what the catalogue says: a comparison
# of two editions leaves them out (every record's edition and effective date change).
BOOKKEEPING = {("edition",), ("edition_note",), ("effective",), ("listed",), ("status_change",), ("maintainers",),
               ("source",)}
LEFT_OUT = "未列入{name}"


@dataclass(frozen=True)
class Edition:
    """One edition: the notice publishing it and what it declares."""

    notice: str
    kind: str
    region: str
    name: str
    effective: str
    replaces: str = ""
    number: str = ""          # the notice's 文号
    title: str = ""           # the notice's title
    date: str = ""            # the notice's date

    @property
    def scope(self) -> tuple[str, str]:
        """(kind, jurisdiction) the edition publishes."""
        return (self.kind, self.region)

    @property
    def left_out_reason(self) -> str:
        """The withdrawal reason of records left out of this edition: ``未列入2025年版``."""
        return LEFT_OUT.format(name=self.name)


def edition_of(notice_id: str, data: dict[str, Any] | None) -> Edition | None:
    """The edition a notice's data declares, if it declares one."""
    edition = (data or {}).get("edition")
    if not isinstance(edition, dict) or not all(isinstance(edition.get(k), str) for k in ("kind", "region", "name")):
        return None
    data = data or {}
    return Edition(notice_id, edition["kind"], edition["region"], edition["name"], str(edition.get("effective", "")),
                   str(edition.get("replaces") or ""), str(data.get("number", "")), str(data.get("name", "")),
                   str(data.get("date", "")))


def all_editions(notices: Iterable[tuple[str, dict[str, Any]]]) -> list[Edition]:
    """Every edition declared by ``(notice id, data)`` pairs, oldest first within each scope."""
    found = [e for nid, data in notices if (e := edition_of(nid, data)) is not None]
    return sorted(found, key=lambda e: (e.kind, e.region, e.effective, e.notice))


def by_scope(editions: Iterable[Edition]) -> dict[tuple[str, str], list[Edition]]:
    """Editions grouped by (kind, jurisdiction), each list oldest first."""
    out: dict[tuple[str, str], list[Edition]] = {}
    for edition in sorted(editions, key=lambda e: (e.effective, e.notice)):
        out.setdefault(edition.scope, []).append(edition)
    return out


def previous(edition: Edition, editions: Iterable[Edition]) -> Edition | None:
    """The edition ``edition`` replaces (its ``replaces``, else the latest earlier one of its scope)."""
    same = [e for e in editions if e.scope == edition.scope and e.notice != edition.notice]
    named = next((e for e in same if e.notice == edition.replaces), None)
    if named is not None:
        return named
    earlier = [e for e in same if e.effective < edition.effective]
    return max(earlier, key=lambda e: e.effective) if earlier else None


def in_force(editions: list[Edition], day: str) -> Edition | None:
    """The edition of a scope in force on ``day`` (YYYY-MM-DD): the latest already effective."""
    started = [e for e in editions if e.effective <= day]
    return max(started, key=lambda e: e.effective) if started else None


def edition_commit(history: History, notice_id: str) -> str | None:
    """The commit an edition stands at: the newest one carrying changes under its notice."""
    if not history.available:
        return None
    adjustment = history.for_notice(notice_id)
    return adjustment.commits[0] if adjustment is not None and adjustment.commits else None


# -- snapshots ------------------------------------------------------------------------------

@dataclass
class Snapshot:
    """An edition's catalogue as it stood: ``records`` are the edition's own (id -> data);
    ``scope`` every record of the scope at that commit, withdrawn ones included."""

    edition: Edition
    commit: str                                   # "" when read from the working registry
    records: dict[str, dict[str, Any]]
    scope: dict[str, dict[str, Any]]


def edition_records(edition: Edition, scope: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The records of ``scope`` that belong to ``edition``: naming it and not withdrawn."""
    return {rid: data for rid, data in sorted(scope.items())
            if data.get("edition") == edition.notice and data.get("status") != "已移出"}


def in_scope(edition: Edition, reference: Reference) -> Callable[[dict[str, Any]], bool]:
    """Whether a record's data lies in the edition's jurisdiction."""
    return lambda data: isinstance(data.get("region"), str) and reference.in_region(data["region"], edition.region)


def current_snapshot(edition: Edition, records: Iterable[tuple[str, dict[str, Any]]], reference: Reference) -> Snapshot:
    """A snapshot from the registry as it is now (no git, or the edition is not committed yet)."""
    inside = in_scope(edition, reference)
    scope = {rid: data for rid, data in records if inside(data)}
    return Snapshot(edition, "", edition_records(edition, scope), scope)


class SnapshotReader:
    """Reads editions' snapshots from git: one ``ls-tree`` per commit, each blob parsed once
    per process, and each snapshot cached on disk per commit."""

    def __init__(self, root: Path, reference: Reference, repo: Repo | None = None) -> None:
        self.root, self.reference = root, reference
        self._repo = repo
        self._parsed: dict[str, dict[str, Any] | None] = {}

    def repo(self) -> Repo:
        """The repository (opened on first use); raises :class:`GitError` outside one."""
        if self._repo is None:
            self._repo = Repo.open(self.root)
        return self._repo

    def _cache_file(self, commit: str, edition: Edition) -> Path:
        return self.root / CACHE_DIR / f"{commit}-{edition.kind}-{edition.region}.json"

    def _scope_at(self, commit: str, edition: Edition) -> dict[str, dict[str, Any]]:
        cached = self._read_cache(commit, edition)
        if cached is not None:
            return cached
        repo = self.repo()
        blobs = {path: blob for path, blob in repo.tree_blobs(commit).items() if record_kind(path) == edition.kind}
        missing = {b for b in blobs.values() if b not in self._parsed}
        for blob, raw in repo.read_blobs(missing).items():
            self._parsed[blob] = parse_record(raw, blob)
        inside = in_scope(edition, self.reference)
        scope = {}
        for path, blob in blobs.items():
            data = self._parsed.get(blob)
            if data is not None and inside(data):
                scope[Path(path).name[:-4]] = data
        self._write_cache(commit, edition, scope)
        return scope

    def _read_cache(self, commit: str, edition: Edition) -> dict[str, dict[str, Any]] | None:
        try:
            data = json.loads(self._cache_file(commit, edition).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("scope"), dict):
            return None
        return dict(data["scope"])

    def _write_cache(self, commit: str, edition: Edition, scope: dict[str, dict[str, Any]]) -> None:
        folder = self.root / CACHE_DIR
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"version": CACHE_VERSION, "scope": scope}, out, ensure_ascii=False, separators=(",", ":"),
                          default=str)
            os.replace(tmp, self._cache_file(commit, edition))
        except OSError:
            pass  # a read-only checkout still builds; it recomputes next time

    def derived(self, snap: Snapshot, name: str, make: Callable[[], bytes]) -> bytes:
        """A file made from a committed snapshot (an edition's XLSX), made once and then read
        from the cache: a commit's snapshot never changes, so neither does what is made from it."""
        if not snap.commit:
            return make()
        path = self.root / CACHE_DIR / f"{snap.commit}-{snap.edition.kind}-{snap.edition.region}-v{CACHE_VERSION}-{name}"
        try:
            return path.read_bytes()
        except OSError:
            pass
        content = make()
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.replace(tmp, path)
        except OSError:
            pass
        return content

    def at(self, edition: Edition, commit: str) -> Snapshot:
        """The snapshot of ``edition`` at ``commit``; raises :class:`GitError`."""
        scope = self._scope_at(commit, edition)
        return Snapshot(edition, commit, edition_records(edition, scope), scope)


def snapshot_for(edition: Edition, history: History, reader: SnapshotReader | None,
                 current: Iterable[tuple[str, dict[str, Any]]], reference: Reference) -> Snapshot | None:
    """The edition as committed when git knows it, else from the current registry when it is
    the latest edition (its records still name it); None when it cannot be known."""
    commit = edition_commit(history, edition.notice)
    if commit and reader is not None:
        try:
            found = reader.at(edition, commit)
        except GitError:
            found = None
        if found is not None and found.records:
            return found
    snap = current_snapshot(edition, current, reference)
    return snap if snap.records else None


# -- comparing two editions ------------------------------------------------------------------

@dataclass(frozen=True)
class AmountChange:
    """One level's subsidy in two editions (``None``: the level is not in that edition)."""

    id: str
    name: str
    level: str
    old: int | None
    new: int | None


@dataclass
class Removed:
    """A record of the old edition that the new one does not have, and what became of it."""

    id: str
    name: str
    status: str               # its status at the new edition's commit ("" when gone)
    reason: str


@dataclass
class EditionComparison:
    """What ``new`` changed against ``old``: records added, removed, changed, and subsidies per level."""

    old: Edition | None
    new: Edition
    old_count: int
    new_count: int
    added: list[tuple[str, str]] = field(default_factory=list)                    # (id, name)
    removed: list[Removed] = field(default_factory=list)
    changed: list[tuple[str, str, list[FieldChange]]] = field(default_factory=list)  # (id, name, fields)
    amounts: list[AmountChange] = field(default_factory=list)

    @property
    def raised(self) -> int:
        """Level subsidies raised."""
        return sum(1 for a in self.amounts if a.old is not None and a.new is not None and a.new > a.old)

    @property
    def lowered(self) -> int:
        """Level subsidies lowered."""
        return sum(1 for a in self.amounts if a.old is not None and a.new is not None and a.new < a.old)

    def counts(self) -> dict[str, int]:
        """The summary numbers, keyed by machine names (for JSON)."""
        return {"old_records": self.old_count, "new_records": self.new_count, "added": len(self.added),
                "removed": len(self.removed), "changed": len(self.changed), "subsidy_raised": self.raised,
                "subsidy_lowered": self.lowered}

    def summary(self) -> str:
        """``新增 1 项，移出 1 项，修改 2 项；补贴标准上调 12 项、下调 2 项``."""
        return summary_text(len(self.added), len(self.removed), len(self.changed), self.raised, self.lowered)


def summary_text(added: int, removed: int, changed: int, raised: int, lowered: int) -> str:
    """The one-line summary of an edition's changes shared by pages, feeds and ``mulu diff``."""
    head = f"新增 {added} 项，移出 {removed} 项，修改 {changed} 项"
    return head + (f"；补贴标准上调 {raised} 项、下调 {lowered} 项" if raised or lowered else "")


def _name(data: dict[str, Any], rid: str) -> str:
    name = data.get("name")
    return name if isinstance(name, str) else rid


def _level_amounts(data: dict[str, Any]) -> dict[str, int]:
    out = {}
    for item in data.get("levels") or []:
        if isinstance(item, dict) and isinstance(item.get("subsidy"), int):
            out[str(item.get("level") or "—")] = item["subsidy"]
    return out


def catalogue_fields(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Field changes between two versions of a record, leaving out edition bookkeeping."""
    return [f for f in diff_values(old, new) if f.path[:1] not in BOOKKEEPING]


def compare_snapshots(old: Snapshot | None, new: Snapshot) -> EditionComparison:
    """Compare two editions' catalogues (``old`` None: the first edition, everything is added)."""
    before = old.records if old is not None else {}
    after = new.records
    result = EditionComparison(old.edition if old is not None else None, new.edition, len(before), len(after))
    for rid, data in after.items():
        if rid not in before:
            result.added.append((rid, _name(data, rid)))
    for rid, data in before.items():
        if rid not in after:
            now = new.scope.get(rid) or {}
            change = now.get("status_change")
            change = change if isinstance(change, dict) else {}
            result.removed.append(Removed(rid, _name(data, rid), str(now.get("status", "")),
                                          str(change.get("reason", "")) if now.get("status") != "在册" else ""))
    for rid, data in after.items():
        if rid not in before:
            continue
        fields = catalogue_fields(before[rid], data)
        if fields:
            result.changed.append((rid, _name(data, rid), fields))
        old_amounts, new_amounts = _level_amounts(before[rid]), _level_amounts(data)
        for level in dict.fromkeys([*old_amounts, *new_amounts]):
            a, b = old_amounts.get(level), new_amounts.get(level)
            if a != b:
                result.amounts.append(AmountChange(rid, _name(data, rid), level, a, b))
    return result


def level_totals(comparison: EditionComparison, levels: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Per level (in ``levels`` order, then any other): (level, raised, lowered, added, dropped)."""
    seen = list(dict.fromkeys([*[lv for lv in levels if any(a.level == lv for a in comparison.amounts)],
                               *[a.level for a in comparison.amounts]]))
    out = []
    for level in seen:
        items = [a for a in comparison.amounts if a.level == level]
        out.append((level, sum(1 for a in items if a.old is not None and a.new is not None and a.new > a.old),
                    sum(1 for a in items if a.old is not None and a.new is not None and a.new < a.old),
                    sum(1 for a in items if a.old is None), sum(1 for a in items if a.new is None)))
    return out


def adjustment_summary(changes: Iterable[RecordChange]) -> str:
    """The edition summary of the history changes made under an edition's notice."""
    chosen = [c for c in changes if c.kind != "notices"]
    added = sum(1 for c in chosen if c.action == "added")
    removed = sum(1 for c in chosen if c.action == "withdrawn")
    changed = [c for c in chosen if c.action in ("changed", "renamed")
               and any(f.path[:1] not in BOOKKEEPING for f in c.fields)]
    moves = [(f.old, f.new) for c in chosen for f in c.fields
             if len(f.path) == 3 and f.path[0] == "levels" and f.path[2] == "subsidy"
             and isinstance(f.old, int) and isinstance(f.new, int)]
    return summary_text(added, removed, len(changed), sum(1 for a, b in moves if b > a), sum(1 for a, b in moves if b < a))


def compare_notices(root: Path, reference: Reference, records: dict[str, dict[str, dict[str, Any]]],
                    old_id: str, new_id: str, history: History | None = None) -> EditionComparison:
    """Compare the editions published by notices ``old_id`` and ``new_id`` (``mulu diff --edition``),
    each as it stood at its commit (an edition not committed yet: as the working files are, for
    drafting its notice); ``records`` is kind -> id -> data of the working registry. Raises
    :class:`MuluError` in Chinese when the comparison cannot be made."""
    from mulu.history.log import load_history

    editions = all_editions(records.get("notices", {}).items())
    found = {e.notice: e for e in editions}
    known = set(records.get("notices", {}))
    for nid in (old_id, new_id):
        if nid not in found:
            what = "没有写明发布的目录版本（edition）" if nid in known else "不存在（registry/notices/ 下没有这个文件）"
            listed = "、".join(f"{e.notice}（{e.name}）" for e in editions) or "（目前没有任何版本）"
            raise MuluError(f"公告“{nid}”{what}：请给出发布目录版本的公告编号。可用的：{listed}。")
    old, new = found[old_id], found[new_id]
    if old.scope != new.scope:
        raise MuluError(f"“{old.name}”（{old_id}）与“{new.name}”（{new_id}）不是同一目录同一辖区的版本"
                        f"（{old.kind} {old.region} 与 {new.kind} {new.region}），不能比较。")
    history = history if history is not None else load_history(root)
    reader = SnapshotReader(root, reference)
    snaps = []
    for edition in (old, new):
        snap = snapshot_for(edition, history, reader, records.get(edition.kind, {}).items(), reference)
        if snap is None:
            reason = history.note if not history.available else "git 历史中找不到依据这个公告的提交（公告和整版导入的记录提交了吗？）"
            raise MuluError(f"读不到“{edition.name}”（{edition.notice}）当时的目录：{reason}")
        snaps.append(snap)
    return compare_snapshots(snaps[0], snaps[1])
