"""The semantic difference between two versions of registry files.

Input: file-level changes with the old and new text of each file. Output: one
:class:`RecordChange` per record (added, suspended, withdrawn, reinstated, changed,
renamed, removed) with its field changes flattened to readable leaves
(``levels[四级].subsidy: 1000 -> 1200``), and the notice it is attributed to. Used both
by the history of a branch and by ``mulu diff``; knows nothing of git or of the site.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.loading import decode, get_path, parse_text

# Actions, in the order tables list them, with their Chinese names.
ACTIONS: dict[str, str] = {
    "added": "新增", "reinstated": "恢复", "changed": "修改", "renamed": "更名",
    "suspended": "暂停", "withdrawn": "移出", "removed": "删除",
}
STATUS_ACTIONS = {"暂停": "suspended", "已移出": "withdrawn", "在册": "reinstated"}
# Fields that identify an item of a list of mappings, tried in this order: a level, an
# occupation or a task names the item far better than its position does.
LIST_KEYS = ("level", "occupation", "task", "name", "code", "id")
# Where a record names the notice behind its listing or its status.
NOTICE_FIELDS = (("status_change", "notice"), ("listed", "notice"), ("edition",))

Path_ = tuple[str, ...]   # keys, and list selectors written "[四级]" or "[0]"


@dataclass(frozen=True)
class FieldChange:
    """One leaf value that changed; ``None`` means the field was absent."""

    path: Path_
    old: Any
    new: Any

    @property
    def field(self) -> str:
        """Machine-readable field name, e.g. ``levels[四级].subsidy``."""
        return keyed_path_name(self.path)

    def to_json(self) -> dict[str, Any]:
        return {"path": list(self.path), "old": self.old, "new": self.new}

    @staticmethod
    def from_json(data: dict[str, Any]) -> FieldChange:
        return FieldChange(tuple(data["path"]), data.get("old"), data.get("new"))


@dataclass
class RecordChange:
    """What happened to one record in one step of history (or in one ``mulu diff``)."""

    kind: str
    id: str
    name: str
    action: str                       # a key of ACTIONS
    fields: list[FieldChange] = field(default_factory=list)
    old_id: str = ""                  # for renames: the id (file name) before
    reason: str = ""                  # status_change.reason for suspensions/withdrawals
    date: str = ""                    # the date the record itself gives (listed / status_change)
    refs: list[str] = field(default_factory=list)   # notices the record newly refers to
    notice: str = ""                  # the notice it is attributed to; "" = editorial correction
    commit: str = ""
    file: str = ""
    region: str = ""                  # for removals only: where the record was (a split site keeps its own)

    @property
    def correction(self) -> bool:
        """An editorial correction (更正): no notice stands behind it."""
        return not self.notice

    @property
    def needs_review(self) -> bool:
        """A change of status with no notice behind it is not an editorial correction: a
        suspension lifted (or imposed) without a notice is what a reviewer must look at."""
        return (not self.notice and self.kind != "notices"
                and (self.action in ("suspended", "withdrawn", "reinstated")
                     or any(f.path[:1] in (("status",), ("status_change",)) for f in self.fields)))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "id": self.id, "name": self.name, "action": self.action}
        for key in ("old_id", "reason", "date", "notice", "commit", "file", "region"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.refs:
            out["refs"] = self.refs
        if self.fields:
            out["fields"] = [f.to_json() for f in self.fields]
        return out

    @staticmethod
    def from_json(data: dict[str, Any]) -> RecordChange:
        return RecordChange(
            data["kind"], data["id"], data.get("name", data["id"]), data["action"],
            [FieldChange.from_json(f) for f in data.get("fields", [])], data.get("old_id", ""),
            data.get("reason", ""), data.get("date", ""), list(data.get("refs", [])), data.get("notice", ""),
            data.get("commit", ""), data.get("file", ""), data.get("region", ""))


@dataclass(frozen=True)
class FileChange:
    """A file-level change: status A/M/D/R, paths relative to the project root, and both texts."""

    status: str
    old_path: str
    new_path: str
    old_text: bytes | None
    new_text: bytes | None


# -- reading field paths -------------------------------------------------------------------

def keyed_path_name(path: Iterable[str]) -> str:
    """``("levels", "[四级]", "subsidy")`` -> ``levels[四级].subsidy``.

    History names list items by their key (the level, the occupation), not by position,
    so a change stays readable when items are reordered; positions in a file are named by
    :func:`mulu.core.loading.field_name` (``levels[0].subsidy``) instead."""
    out = ""
    for part in path:
        out += part if part.startswith("[") or not out else "." + part
    return out


def record_kind(path: str) -> str | None:
    """The kind of ``registry/<kind>/<id>.yml``, or None for any other file."""
    parts = PurePosixPath(path).parts if path else ()
    if len(parts) == 3 and parts[0] == "registry" and parts[1] in KIND_BY_NAME and parts[2].endswith(".yml"):
        return parts[1]
    return None


def record_id(path: str) -> str:
    """The id of a record file: its name without ``.yml``."""
    return PurePosixPath(path).name[:-4]


# -- diffing values ------------------------------------------------------------------------

def _list_key(old: list[Any], new: list[Any]) -> str | None:
    """The field that identifies items of two lists of mappings, if one does."""
    items = old + new
    if not items or not all(isinstance(x, dict) for x in items):
        return None
    for key in LIST_KEYS:
        # Text only: a number would read like a position ("[3]").
        if all(isinstance(x.get(key), str) for x in items):
            if len({x[key] for x in old}) == len(old) and len({x[key] for x in new}) == len(new):
                return key
    return None


def diff_values(old: Any, new: Any, path: Path_ = ()) -> list[FieldChange]:
    """Leaf-level changes from ``old`` to ``new``: mappings by key, lists of mappings by
    their identifying field (else by position), anything else compared as a whole."""
    if old == new and type(old) is type(new):
        return []
    if isinstance(old, (dict, type(None))) and isinstance(new, (dict, type(None))) and (old or new):
        om: dict[Any, Any] = old or {}
        nm: dict[Any, Any] = new or {}
        keys = list(nm) + [k for k in om if k not in nm]
        return [c for k in keys for c in diff_values(om.get(k), nm.get(k), path + (str(k),))]
    if isinstance(old, (list, type(None))) and isinstance(new, (list, type(None))):
        o: list[Any] = old or []
        n: list[Any] = new or []
        key = _list_key(o, n)
        if key is not None:
            by_old = {x[key]: x for x in o}
            by_new = {x[key]: x for x in n}
            order = list(by_new) + [k for k in by_old if k not in by_new]
            return [c for k in order for c in diff_values(by_old.get(k), by_new.get(k), path + (f"[{k}]",))]
        if o and n and all(isinstance(x, dict) for x in o + n):
            return [c for i in range(max(len(o), len(n)) )
                    for c in diff_values(o[i] if i < len(o) else None, n[i] if i < len(n) else None,
                                         path + (f"[{i}]",))]
    return [FieldChange(path, old, new)]


# -- one file change -> record changes ------------------------------------------------------

def parse_record(raw: bytes | None, file: str) -> dict[str, Any] | None:
    """The data of a record file, or None when it is missing or unreadable."""
    if raw is None:
        return None
    text, _ = decode(raw, file)
    if text is None:
        return None
    doc, _ = parse_text(text, file)
    return doc.data if doc is not None and isinstance(doc.data, dict) else None


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def new_references(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    """Notices that ``new`` names (status change first, then listing) where ``old`` did not."""
    refs = []
    for path in NOTICE_FIELDS:
        target = get_path(new, path)
        if isinstance(target, str) and target and target != get_path(old, path) and target not in refs:
            refs.append(target)
    return refs


def _status(data: dict[str, Any] | None) -> str:
    value = get_path(data, ("status",))
    return value if isinstance(value, str) else "在册"


def _added(kind: str, path: str, data: dict[str, Any] | None) -> list[RecordChange]:
    """A new file: listed under its ``listed`` notice; a record that arrives already
    suspended or withdrawn (an import of older decisions) also gets that status change,
    under the notice its ``status_change`` names."""
    rid = record_id(path)
    name = _as_text(get_path(data, ("name",))) or rid
    listing = _as_text(get_path(data, ("listed", "notice")))
    added = RecordChange(kind, rid, name, "added",
                         date=_as_text(get_path(data, ("listed", "date"))) or _as_text(get_path(data, ("date",))),
                         refs=[listing] if listing else [], file=path)
    action = STATUS_ACTIONS.get(_status(data))
    notice = _as_text(get_path(data, ("status_change", "notice")))
    if action in (None, "reinstated") or not notice:
        return [added]
    return [added, RecordChange(kind, rid, name, action, [FieldChange(("status",), "在册", _status(data))],
                                reason=_as_text(get_path(data, ("status_change", "reason"))),
                                date=_as_text(get_path(data, ("status_change", "date"))), refs=[notice], file=path)]


def _removed(kind: str, path: str, data: dict[str, Any] | None) -> RecordChange:
    rid = record_id(path)
    return RecordChange(kind, rid, _as_text(get_path(data, ("name",))) or rid, "removed", file=path,
                        region=_as_text(get_path(data, ("region",))))


def record_changes(change: FileChange) -> list[RecordChange]:
    """The record changes one file change amounts to (none for files outside the record
    folders, or for edits that change no value, such as comments or formatting)."""
    old_kind = record_kind(change.old_path) if change.old_path else None
    new_kind = record_kind(change.new_path) if change.new_path else None
    old = parse_record(change.old_text, change.old_path) if old_kind else None
    new = parse_record(change.new_text, change.new_path) if new_kind else None
    if change.status == "A" or (change.status == "R" and not old_kind):
        return _added(new_kind, change.new_path, new) if new_kind else []
    if change.status == "D" or (change.status == "R" and not new_kind):
        return [_removed(old_kind, change.old_path, old)] if old_kind else []
    if old_kind != new_kind:
        # Moving a file to another catalogue folder is, to readers, a removal and an addition.
        return [_removed(old_kind, change.old_path, old), *_added(new_kind, change.new_path, new)]  # type: ignore[arg-type]
    kind = new_kind
    rid = record_id(change.new_path)
    renamed = change.status == "R" and record_id(change.old_path) != rid
    fields = diff_values(old, new)
    if not fields and not renamed:
        return []
    before, after = _status(old), _status(new)
    action = STATUS_ACTIONS[after] if before != after and after in STATUS_ACTIONS else \
        ("renamed" if renamed else "changed")
    status_action = action in ("suspended", "withdrawn", "reinstated")
    return [RecordChange(
        kind, rid, _as_text(get_path(new, ("name",))) or rid, action, fields,  # type: ignore[arg-type]
        old_id=record_id(change.old_path) if renamed else "",
        reason=_as_text(get_path(new, ("status_change", "reason"))) if status_action else "",
        date=_as_text(get_path(new, ("status_change", "date"))) if status_action else "",
        refs=new_references(old, new), file=change.new_path)]


def attribute(changes: list[RecordChange], notices_added: list[str]) -> None:
    """Set the notice behind each change: the notice the record newly refers to, else the
    one the same step adds; with neither, the change is an editorial correction (更正).
    A notice's own file is attributed to itself when added, and edits to it are corrections."""
    fallback = sorted(notices_added)[0] if notices_added else ""
    for change in changes:
        if change.kind == "notices":
            change.notice = change.id if change.action == "added" else ""
        else:
            change.notice = change.refs[0] if change.refs else fallback


def added_notices(changes: Iterable[RecordChange]) -> list[str]:
    """Ids of notices whose files a step adds."""
    return [c.id for c in changes if c.kind == "notices" and c.action == "added"]


def semantic_diff(files: Iterable[FileChange]) -> list[RecordChange]:
    """All record changes of a set of file changes, attributed to notices, sorted by kind and id."""
    changes = [rc for fc in files for rc in record_changes(fc)]
    attribute(changes, added_notices(changes))
    order = {name: i for i, name in enumerate(KIND_BY_NAME)}
    changes.sort(key=lambda c: (order.get(c.kind, 99), c.id, list(ACTIONS).index(c.action)))
    return changes
