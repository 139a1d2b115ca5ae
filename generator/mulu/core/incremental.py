"""Incremental validation: the problems of a full validation, recomputing only what changed.

A record's problems depend on three things only (see docs/dev/incremental.md):

1. its own file: path (the id and the kind) and content, named by its git blob id;
2. the *frame*: schemas, code lists, ``config.yml``, the as-of date and mulu's own code,
   named together by one fingerprint;
3. the parts of the other records its rules looked at: whether an id exists, a notice's date,
   an edition, a spec's status, the shortage lists.

The frame and the cross-file checks that span every file (load errors of the frame files,
ids that differ only in case, config and code lists) always run in full: they are cheap.
Each record's problems are cached under (path, blob id) in a file per frame fingerprint,
together with the parts of other records (3) its rules read, recorded by watching the
rules' access to :class:`~mulu.core.rules.Context` rather than by a hand-kept list that
could fall behind the rules. An entry is reused only when every part it read is unchanged,
so a deleted or renamed record re-checks exactly the records that referred to it, a new
duplicate id is seen by the frame, and the result equals a full run, in the same order.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, is_dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.loading import Document, LoadedTree, load_file, load_tree, parse_bytes, read_regular
from mulu.core.parallel import map_halves
from mulu.core.problems import Problem, sort_problems
from mulu.core.rules import Context
from mulu.core.schemas import Schema, compile_schemas, load_schema_files
from mulu.core.shortages import as_of_date
from mulu.core.validation import record_problems, validate_frame

KIND_NAMES = [k.name for k in KINDS]
# Read before the other records: rules consult notice dates, spec statuses and shortage lists.
FRAME_KINDS = ("notices", "specs", "shortages")
# Below this many records to check a process pool costs more than it saves.
PARALLEL_FROM = 2000
CACHE_DIR = Path(".mulu-cache") / "validation"
CACHE_VERSION = 1
# Fingerprints kept (each is one schema/code-list/config/date state); older files are removed.
KEEP_FILES = 6
_MISSING = "\0missing"

V = TypeVar("V")
T = TypeVar("T")
Dep = tuple[str, str | None]   # (part of the context, key) or (part, None) for the whole part


def _canon(value: Any) -> str:
    """A stable text of a value read from the context, to compare it with a later run's."""
    def default(obj: Any) -> Any:
        if is_dataclass(obj) and not isinstance(obj, type):
            return asdict(obj)
        if isinstance(obj, (set, frozenset)):
            return sorted(obj)
        return str(obj)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=default)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


# -- watching what a record's rules read ---------------------------------------------------------

class _Watched(Mapping[str, V]):
    """A read-only view of a context mapping that notes every key looked up (and the whole
    mapping when it is iterated). Mapping's own get/in/items are built on these three methods."""

    def __init__(self, part: str, real: Mapping[str, V], seen: set[Dep],
                 wrap: Callable[[str, V], V] | None = None) -> None:
        self._part, self._real, self._seen, self._wrap = part, real, seen, wrap

    def __getitem__(self, key: str) -> V:
        self._seen.add((self._part, key))
        value = self._real[key]
        return self._wrap(key, value) if self._wrap is not None else value

    def __iter__(self) -> Iterator[str]:
        self._seen.add((self._part, None))
        return iter(self._real)

    def __len__(self) -> int:
        self._seen.add((self._part, None))
        return len(self._real)


class _WatchedSet(AbstractSet[str]):
    """The ids of one kind: membership tests are noted one by one."""

    def __init__(self, part: str, real: AbstractSet[str], seen: set[Dep]) -> None:
        self._part, self._real, self._seen = part, real, seen

    def __contains__(self, item: object) -> bool:
        self._seen.add((self._part, str(item)))
        return item in self._real

    def __iter__(self) -> Iterator[str]:
        self._seen.add((self._part, None))
        return iter(self._real)

    def __len__(self) -> int:
        self._seen.add((self._part, None))
        return len(self._real)


class _WatchedSequence(Sequence[T]):
    """The shortage entries: any look at them depends on all of them."""

    def __init__(self, part: str, real: Sequence[T], seen: set[Dep]) -> None:
        self._part, self._real, self._seen = part, real, seen

    def __getitem__(self, index: Any) -> Any:
        self._seen.add((self._part, None))
        return self._real[index]

    def __len__(self) -> int:
        self._seen.add((self._part, None))
        return len(self._real)


def watched_context(ctx: Context, seen: set[Dep]) -> Context:
    """``ctx`` with every part that comes from other records watched; what is read lands in ``seen``.
    The rest of the context (code lists, config, as-of date) is part of the frame fingerprint."""
    def ids_of(kind: str, ids: AbstractSet[str]) -> AbstractSet[str]:
        return _WatchedSet(f"ids/{kind}", ids, seen)
    return replace(ctx, ids=_Watched("ids", ctx.ids, seen, ids_of),
                   notice_dates=_Watched("notice_dates", ctx.notice_dates, seen),
                   editions=_Watched("editions", ctx.editions, seen),
                   spec_status=_Watched("spec_status", ctx.spec_status, seen),
                   shortages=_WatchedSequence("shortages", ctx.shortages, seen))


class _Current:
    """The value of each watched part in this run (memoised: many records read the same parts)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._memo: dict[Dep, str] = {}

    def value(self, dep: Dep) -> str:
        if dep not in self._memo:
            self._memo[dep] = self._compute(*dep)
        return self._memo[dep]

    def _compute(self, part: str, key: str | None) -> str:
        ctx = self.ctx
        if part.startswith("ids/"):
            ids = ctx.ids.get(part[4:], frozenset())
            return _digest(_canon(sorted(ids))) if key is None else ("1" if key in ids else "0")
        if part == "ids":
            # The sets themselves are watched one id at a time; here only which kinds exist.
            return _digest(_canon(sorted(ctx.ids))) if key is None else ("1" if key in ctx.ids else "0")
        if part == "shortages":
            return _digest(_canon(list(ctx.shortages)))
        real: Mapping[str, Any] = {"notice_dates": ctx.notice_dates, "editions": ctx.editions,
                                   "spec_status": ctx.spec_status}[part]
        if key is None:
            return _digest(_canon(dict(real)))
        return _canon(real[key]) if key in real else _MISSING


# -- the frame fingerprint ---------------------------------------------------------------------------

@functools.cache
def _code_digest() -> str:
    """mulu's own source: a new version of a rule invalidates every cached result."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def frame_fingerprint(schema_files: Mapping[str, Any], tree: LoadedTree, as_of: date | None) -> str:
    """One name for everything every record's check depends on besides other records."""
    day = as_of.isoformat() if as_of is not None else as_of_date()
    frame = {"version": CACHE_VERSION, "code": _code_digest(), "schemas": schema_files, "day": day,
             "as_of": as_of is not None, "config": tree.config.data if tree.config is not None else None,
             "reference": {name: doc.data for name, doc in sorted(tree.reference.items())}}
    return _digest(_canon(frame))


# -- the cache -------------------------------------------------------------------------------------

def blob_id(content: bytes) -> str:
    """The id git gives ``content`` as a blob (SHA-1 object format)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


# One cached file, as stored (JSON lists, turned into values only when used):
# [problems, deps] for a record; frame kinds (notices, specs, shortages) add [data, load problems]
# so that an unchanged notice need not be parsed again to build the context.
RawEntry = list[Any]


def _raw_problems(problems: list[Problem]) -> list[list[Any]]:
    return [[p.file, p.line, p.column, p.field, p.message, p.rule, p.severity] for p in problems]


def _problems(raw: list[list[Any]]) -> list[Problem]:
    return [Problem(*p) for p in raw]


@dataclass
class ProblemCache:
    """Per-file validation results under ``root/.mulu-cache/validation/<fingerprint>.json``
    (``root`` None: in memory only). Keys are ``path\\0blob``; JSON only, never code."""

    root: Path | None
    entries: dict[str, dict[str, RawEntry]] = field(default_factory=dict)   # fingerprint -> key -> entry
    dirty: set[str] = field(default_factory=set)

    @staticmethod
    def key(path: str, blob: str) -> str:
        """The cache key of one file version."""
        return f"{path}\0{blob}"

    def _file(self, fingerprint: str) -> Path | None:
        return self.root / CACHE_DIR / f"{fingerprint}.json" if self.root is not None else None

    def of(self, fingerprint: str) -> dict[str, RawEntry]:
        """The entries of one frame fingerprint (read from disk on first use; a damaged file is ignored)."""
        if fingerprint in self.entries:
            return self.entries[fingerprint]
        found: dict[str, RawEntry] = {}
        path = self._file(fingerprint)
        try:
            data = json.loads(path.read_text(encoding="utf-8")) if path is not None and path.is_file() else {}
            if isinstance(data, dict) and data.get("version") == CACHE_VERSION and isinstance(data.get("entries"), dict):
                found = {k: e for k, e in data["entries"].items() if isinstance(e, list) and len(e) in (2, 4)}
        except (OSError, ValueError):
            found = {}
        self.entries[fingerprint] = found
        return found

    def put(self, fingerprint: str, key: str, entry: RawEntry) -> None:
        """Remember one file's result."""
        self.of(fingerprint)[key] = entry
        self.dirty.add(fingerprint)

    def save(self, keep: Mapping[str, set[str]] | None = None) -> None:
        """Write changed fingerprints atomically, keeping only the keys in ``keep[fingerprint]``
        when given (the files of the revisions just checked), and the newest files only."""
        if self.root is None:
            return
        folder = self.root / CACHE_DIR
        for fingerprint in sorted(self.dirty):
            entries = self.entries[fingerprint]
            if keep is not None and fingerprint in keep:
                entries = {k: e for k, e in entries.items() if k in keep[fingerprint]}
            try:
                folder.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    # dumps (C encoder) rather than dump (pure-Python chunks): several times faster.
                    out.write(json.dumps({"version": CACHE_VERSION, "entries": entries},
                                         ensure_ascii=False, separators=(",", ":")))
                os.replace(tmp, folder / f"{fingerprint}.json")
            except (OSError, TypeError, ValueError):
                continue   # a read-only checkout just recomputes next time
        self.dirty.clear()
        try:
            files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in files[KEEP_FILES:]:
                old.unlink()
        except OSError:
            pass


# -- checking a tree -----------------------------------------------------------------------------

@dataclass
class Stats:
    """How a check was done: files checked in full and files taken from the cache."""

    checked: int = 0
    cached: int = 0


Load = Callable[[str, str], tuple[Document | None, list[Problem]]]   # (kind, path) -> document, load problems

# The files checked in parallel are handed to forked workers through this global (forking
# copies it; pickling compiled schemas and the context per shard would cost more than it saves).
_JOB: tuple[dict[str, Schema], Context, Load] | None = None


def _check_one(kind: str, doc: Document | None, found: list[Problem],
               schemas: dict[str, Schema], ctx: Context) -> tuple[list[Problem], list[Dep]]:
    seen: set[Dep] = set()
    problems = list(found)
    if doc is not None:
        problems += record_problems(kind, doc, schemas[KIND_BY_NAME[kind].schema], watched_context(ctx, seen))
    return problems, sorted(seen, key=lambda d: (d[0], d[1] or ""))


def _check_shard(shard: list[tuple[str, str]]) -> list[tuple[list[Problem], list[Dep]]]:
    assert _JOB is not None
    schemas, ctx, load = _JOB
    out = []
    for kind, rel in shard:
        doc, found = load(kind, rel)
        out.append(_check_one(kind, doc, found, schemas, ctx))
    return out


@dataclass
class Files:
    """Where the record files of a tree come from: their blob ids and how to load one."""

    blobs: dict[str, str]   # path -> blob id, every record file
    load: Load
    # Called with the paths about to be loaded (git reads them in one process, not one each).
    prefetch: Callable[[list[str]], None] = lambda paths: None


def record_path(kind: str, path: Path) -> str:
    """The project path of a listed record file (they sit directly in ``registry/<kind>/``)."""
    return f"registry/{kind}/{path.name}"


def _load_frame_kinds(tree: LoadedTree, files: Files, known: dict[str, RawEntry]) -> set[str]:
    """Fill ``tree.records`` for the frame kinds, as ``load_tree`` would (load problems appended
    to ``tree.problems`` in the same order). Files whose blob is cached are not parsed: their
    document carries the cached data without positions, enough for the context; the paths of
    those "light" documents are returned (they are parsed for real if they must be re-checked)."""
    light: set[str] = set()
    files.prefetch([rel for kind in FRAME_KINDS for rel in (record_path(kind, p) for p in tree.files.get(kind, []))
                    if len(known.get(ProblemCache.key(rel, files.blobs[rel])) or []) != 4])
    for kind in FRAME_KINDS:
        docs = []
        for path in tree.files.get(kind, []):
            rel = record_path(kind, path)
            entry = known.get(ProblemCache.key(rel, files.blobs[rel]))
            if entry is not None and len(entry) == 4:
                data, load_problems = entry[2], _problems(entry[3])
                doc = Document(rel, data, {}) if data is not None else None
                light.add(rel)
            else:
                doc, load_problems = files.load(kind, rel)
            tree.problems.extend(load_problems)
            if doc is not None:
                docs.append(doc)
        tree.records[kind] = docs
    return light


def check_tree(tree: LoadedTree, schema_files: Mapping[str, Any], files: Files, *, cache: ProblemCache,
               as_of: date | None = None, force: AbstractSet[str] = frozenset(), jobs: int | None = None,
               stats: Stats | None = None, keep: dict[str, set[str]] | None = None) -> list[Problem]:
    """Every problem of ``tree`` (loaded with ``parse=[]``: records listed, none parsed), as
    :func:`mulu.project.check_project` reports them, taking unchanged files from ``cache``.
    Paths in ``force`` are checked in full whatever the cache holds. ``keep`` collects the
    cache keys used, per fingerprint, for :meth:`ProblemCache.save`."""
    global _JOB
    stats = stats if stats is not None else Stats()
    fingerprint = frame_fingerprint(schema_files, tree, as_of)
    known = cache.of(fingerprint)
    light = _load_frame_kinds(tree, files, known)
    schemas = compile_schemas(dict(schema_files))
    _, ctx, problems = validate_frame(tree, schemas, as_of)
    current = _Current(ctx)
    used = keep.setdefault(fingerprint, set()) if keep is not None else set()

    def reusable(rel: str) -> list[Problem] | None:
        key = ProblemCache.key(rel, files.blobs[rel])
        used.add(key)
        entry = known.get(key)
        if entry is None or rel in force or any(current.value((d[0], d[1])) != d[2] for d in entry[1]):
            return None
        stats.cached += 1
        return _problems(entry[0])

    def store(rel: str, result: tuple[list[Problem], list[Dep]], extra: list[Any]) -> list[Problem]:
        found, deps = result
        cache.put(fingerprint, ProblemCache.key(rel, files.blobs[rel]),
                  [_raw_problems(found), [[part, k, current.value((part, k))] for part, k in deps], *extra])
        return found

    results: dict[str, list[Problem]] = {}
    frame_hits = {doc.file: reusable(doc.file) for kind in FRAME_KINDS for doc in tree.records[kind]}
    files.prefetch([rel for rel, hit in frame_hits.items() if hit is None and rel in light])
    for kind in FRAME_KINDS:
        for doc in tree.records[kind]:
            hit = frame_hits[doc.file]
            if hit is None:
                stats.checked += 1
                real, found = files.load(kind, doc.file) if doc.file in light else (doc, [])
                hit = store(doc.file, _check_one(kind, real, [], schemas, ctx), [doc.data, _raw_problems(found)])
            results[doc.file] = hit
    work: list[tuple[str, str]] = []
    for kind in KIND_NAMES:
        if kind in FRAME_KINDS:
            continue
        for path in tree.files[kind]:
            rel = record_path(kind, path)
            hit = reusable(rel)
            if hit is None:
                work.append((kind, rel))
            else:
                results[rel] = hit
    stats.checked += len(work)
    files.prefetch([rel for _, rel in work])
    jobs = jobs or os.cpu_count() or 1
    _JOB = (schemas, ctx, files.load)
    try:
        if jobs < 2 or len(work) < PARALLEL_FROM:
            done = _check_shard(work)
            order = work
        else:
            shards = [work[i::jobs * 4] for i in range(jobs * 4)]
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                outcome = list(pool.map(_check_shard, shards))
            order = [item for shard in shards for item in shard]
            done = [r for shard_result in outcome for r in shard_result]
    finally:
        _JOB = None
    for (_, rel), result in zip(order, done):
        results[rel] = store(rel, result, [])
    # The order of a serial full run: frame problems, frame kinds' records, then the rest by kind and file.
    for kind in FRAME_KINDS:
        for doc in tree.records[kind]:
            problems += results[doc.file]
    for kind in KIND_NAMES:
        if kind not in FRAME_KINDS:
            for path in tree.files[kind]:
                problems += results[record_path(kind, path)]
    return sort_problems(problems)


@dataclass
class Source:
    """One version of a project ready for :func:`check_tree`: its schema files, its tree
    (loaded with ``parse=[]``) and its record files."""

    schema_files: dict[str, Any]
    tree: LoadedTree
    files: Files


def working_tree(root: Path, name_blob: Callable[[bytes], str] = blob_id) -> Source:
    """The project on disk (record files are read once here to name their blobs, by
    ``name_blob``: a SHA-256 repository names them differently)."""
    schema_files = load_schema_files(root / "schemas")
    tree = load_tree(root, KIND_NAMES, parse=[])
    blobs: dict[str, str] = {}
    for kind, paths in tree.files.items():
        for path in paths:
            rel = record_path(kind, path)
            try:
                blobs[rel] = name_blob(path.read_bytes())
            except OSError:
                blobs[rel] = "unreadable"   # load_file says why; an unreadable file is never a cache hit
    return Source(schema_files, tree, Files(blobs, lambda kind, rel: load_file(root / rel, rel)))


def check_source(source: Source, *, cache: ProblemCache, as_of: date | None = None,
                 force: AbstractSet[str] = frozenset(), jobs: int | None = None, stats: Stats | None = None,
                 keep: dict[str, set[str]] | None = None) -> list[Problem]:
    """:func:`check_tree` on a :class:`Source`."""
    return check_tree(source.tree, source.schema_files, source.files, cache=cache, as_of=as_of, force=force,
                      jobs=jobs, stats=stats, keep=keep)


def check_changed(root: Path, *, cache: ProblemCache | None = None, force: AbstractSet[str] = frozenset(),
                  as_of: date | None = None, jobs: int | None = None, stats: Stats | None = None) -> list[Problem]:
    """Every problem of the project at ``root``, exactly as :func:`mulu.project.check_project`
    gives them, checking in full only files whose content (or whatever they read of other
    records) changed since the cache was written, and the paths in ``force``. ``cache``
    defaults to the project's ``.mulu-cache/validation/``, which is updated."""
    cache = cache if cache is not None else ProblemCache(root)
    keep: dict[str, set[str]] = {}
    problems = check_source(working_tree(root), cache=cache, as_of=as_of, force=force, jobs=jobs, stats=stats, keep=keep)
    cache.save(keep)
    return problems


def check_parsed(root: Path, *, cache: ProblemCache, name_blob: Callable[[bytes], str] = blob_id,
                 jobs: int | None = None, stats: Stats | None = None) -> tuple[LoadedTree, dict[str, Any], list[Problem]]:
    """Every record of ``root`` parsed (the tree :func:`~mulu.core.loading.load_tree` gives),
    its schema files, and the problems of a full validation without an as-of date
    (:func:`~mulu.core.validation.validate_tree`), taken from ``cache`` for the files whose
    blob and whatever they read of other records are unchanged; the cache is updated.

    For ``mulu build``, which parses every record for the registry anyway: each file is read
    once, named by ``name_blob`` and parsed, and checked from that parse when it must be."""
    schema_files = load_schema_files(root / "schemas")
    tree = load_tree(root, KIND_NAMES, parse=[])
    listed = [(path, record_path(kind, path)) for kind in KIND_NAMES for path in tree.files[kind]]

    def read(part: Sequence[tuple[Path, str]]) -> list[tuple[str, tuple[Document | None, list[Problem]]]]:
        out = []
        for path, rel in part:
            raw, found = read_regular(path, rel)
            # A file that cannot be read is never taken from the cache (its problem may differ).
            blob = name_blob(raw) if raw is not None else "unreadable-" + os.urandom(8).hex()
            out.append((blob, parse_bytes(raw, rel) if raw is not None else (None, found)))
        return out

    # Parsing is most of the work: half of it in a second process (mulu.core.parallel).
    done = map_halves(listed, read, PARALLEL_FROM)
    blobs = {rel: blob for (_, rel), (blob, _) in zip(listed, done)}
    parsed = {rel: result for (_, rel), (_, result) in zip(listed, done)}
    keep: dict[str, set[str]] = {}
    problems = check_tree(tree, schema_files, Files(blobs, lambda kind, rel: parsed[rel]), cache=cache,
                          jobs=jobs, stats=stats, keep=keep)
    cache.save(keep)
    # check_tree put documents without positions for cached notices, specs and shortage
    # lists into the tree: the registry gets the parsed ones, in load_tree's order.
    records = {kind: [doc for doc, _ in (parsed[record_path(kind, p)] for p in tree.files[kind]) if doc is not None]
               for kind in KIND_NAMES}
    return replace(tree, records=records), schema_files, problems


def bytes_loader(contents: Callable[[str], bytes | None]) -> Callable[[str, str], tuple[Document | None, list[Problem]]]:
    """A ``Files.load`` for files read as bytes (e.g. from git): the same problems as from disk."""
    def load(kind: str, rel: str) -> tuple[Document | None, list[Problem]]:
        raw = contents(rel)
        if raw is None:
            return None, [Problem(rel, None, None, "", "无法读取文件。", "file.read")]
        return parse_bytes(raw, rel)
    return load


