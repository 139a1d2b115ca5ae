"""Git plumbing for history and diffs: a handful of processes, never one per commit.

Everything here returns plain values (commit lists, raw diff entries, blob bytes); the
meaning of a change is decided in :mod:`mulu.history.diff`. A missing ``git`` binary or a
directory outside any repository is reported as :class:`GitError`, never a traceback.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from mulu.errors import GitError

REGULAR_MODES = ("100644", "100755")
SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"


@dataclass(frozen=True)
class Commit:
    """One commit of the first-parent chain."""

    sha: str
    parent: str          # first parent, "" for a root commit
    date: str            # committer date, ISO 8601 with offset
    subject: str


@dataclass(frozen=True)
class RawChange:
    """One entry of ``git diff-tree --raw``: status letter, paths (top-level relative) and blob ids."""

    status: str          # A, D, M, R (C is read as A; a type change T as D plus A)
    old_path: str
    new_path: str
    old_blob: str
    new_blob: str
    old_mode: str = ""   # "100644", "100755", "120000" (symlink), "160000" (gitlink); "" when absent
    new_mode: str = ""

    @property
    def regular(self) -> bool:
        """Whether every side that exists is a regular file (not a symlink or a submodule)."""
        return all(mode in REGULAR_MODES for mode in (self.old_mode, self.new_mode) if mode)


@dataclass(frozen=True)
class BranchCommit:
    """One commit of a branch being checked, with all its parents."""

    sha: str
    parents: tuple[str, ...]
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]

    def describe(self) -> str:
        """``提交 1a2b3c4d5e（主题）`` as users see it in a check's message."""
        return f"提交 {self.short}（{self.subject}）"


def _run(top: Path, args: list[str], stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(top), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError as err:
        raise GitError("找不到 git 命令：请安装 git。") from err
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} 失败")
    return proc.stdout


@dataclass(frozen=True)
class TreeEntry:
    """One entry of ``git ls-tree -r -l``: mode, object type, object id, size (-1 if none), project path."""

    mode: str
    type: str
    blob: str
    size: int
    path: str


@dataclass(frozen=True)
class Repo:
    """The repository holding a project: its top level and where the project sits inside it."""

    top: Path
    prefix: str          # project root relative to ``top``, "" or ending in "/"
    object_format: str   # "sha1" or "sha256"

    @staticmethod
    def open(root: Path) -> Repo:
        """The repository containing ``root``; raises :class:`GitError` outside one."""
        try:
            out = _run(root, ["rev-parse", "--show-toplevel", "--show-prefix"]).decode("utf-8").splitlines()
        except GitError as err:
            raise GitError(f"{root} 不在 git 仓库中（{err}）。") from err
        top = Path(out[0])
        prefix = out[1] if len(out) > 1 else ""
        try:
            fmt = _run(top, ["rev-parse", "--show-object-format"]).decode().strip() or "sha1"
        except GitError:
            fmt = "sha1"
        return Repo(top, prefix, fmt)

    def git(self, *args: str, stdin: bytes | None = None) -> bytes:
        """Run a git command at the top level and return its standard output."""
        return _run(self.top, list(args), stdin)

    def resolve(self, rev: str) -> str:
        """The full commit id of ``rev``; raises :class:`GitError` with a Chinese message."""
        if rev.startswith("-"):
            raise GitError(f"无效的版本“{rev}”。")
        try:
            return self.git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}").decode().strip()
        except GitError as err:
            raise GitError(f"找不到版本“{rev}”：请检查分支名、标签或提交号是否正确"
                                 "（可用 git log --oneline 查看）。") from err

    def is_shallow(self) -> bool:
        """Whether the clone is shallow (CI often fetches one commit only)."""
        try:
            return self.git("rev-parse", "--is-shallow-repository").strip() == b"true"
        except GitError:
            return False

    def first_parent_log(self, rev: str) -> list[Commit]:
        """The first-parent chain ending at ``rev``, newest first."""
        out = self.git("log", "--first-parent", "-z", "--format=%H%x1f%P%x1f%cI%x1f%s", rev, "--")
        commits = []
        for entry in out.decode("utf-8", "replace").split("\0"):
            if not entry.strip():
                continue
            sha, parents, date, subject = (entry.strip("\n").split("\x1f") + ["", "", ""])[:4]
            commits.append(Commit(sha, parents.split()[0] if parents.split() else "", date, subject))
        return commits

    def registry_path(self) -> str:
        """The pathspec of the project's ``registry/`` folder, relative to the top level."""
        return f"{self.prefix}registry/"

    def diff_commits(self, pairs: list[tuple[str, str]]) -> dict[str, list[RawChange]]:
        """``{commit: raw changes}`` of ``registry/`` for each (commit, first parent) pair, in one
        ``git diff-tree --stdin`` process. A root commit (parent "") is compared with the empty tree."""
        if not pairs:
            return {}
        lines = "".join(f"{c} {p}\n" if p else f"{c}\n" for c, p in pairs).encode()
        out = self.git("diff-tree", "--stdin", "-r", "-M", "--raw", "--no-abbrev", "-z", "--root", "--always",
                       "--", self.registry_path(), stdin=lines)
        wanted = {c for c, _ in pairs}
        result: dict[str, list[RawChange]] = {c: [] for c in wanted}
        current: list[RawChange] | None = None
        tokens = out.split(b"\0")
        i = 0
        while i < len(tokens):
            token = tokens[i].decode("utf-8", "surrogateescape").strip("\n")
            i += 1
            if not token:
                continue
            if not token.startswith(":"):
                current = result.setdefault(token, [])
                continue
            changes, used = _raw_entry(token, tokens, i)
            i += used
            if current is not None:
                # A symlink or submodule is not a record: its side of a change is absent.
                current.extend(self._local(c) for c in changes if c.regular)
        return result

    def _local(self, change: RawChange) -> RawChange:
        """Paths relative to the project root instead of the repository's top level."""
        cut = len(self.prefix)
        return RawChange(change.status, change.old_path[cut:] if change.old_path else "",
                         change.new_path[cut:] if change.new_path else "", change.old_blob, change.new_blob,
                         change.old_mode, change.new_mode)

    def diff_revisions(self, base: str, head: str) -> list[RawChange]:
        """Raw changes of ``registry/`` between two commits (renames detected)."""
        return self.diff_commits([(head, base)]).get(head, [])

    def merge_base(self, a: str, b: str) -> str:
        """The best common ancestor of two commits."""
        try:
            return self.git("merge-base", a, b).decode().strip()
        except GitError as err:
            raise GitError(f"版本 {a[:10]} 和 {b[:10]} 没有共同的祖先：请确认合并请求的目标分支是否正确。") from err

    def branch_commits(self, base: str, head: str) -> list[BranchCommit]:
        """Every commit reachable from ``head`` but not from ``base``, oldest first: the
        first-parent chain and the commits of branches merged into it alike."""
        out = self.git("log", "--topo-order", "--reverse", "-z", "--format=%H%x1f%P%x1f%s", f"{base}..{head}", "--")
        commits = []
        for entry in out.decode("utf-8", "replace").split("\0"):
            if entry.strip():
                sha, parents, subject = (entry.strip("\n").split("\x1f") + ["", ""])[:3]
                commits.append(BranchCommit(sha, tuple(parents.split()), subject))
        return commits

    def project_path(self, top_path: str) -> str:
        """A path relative to the top level as a path relative to the project root; paths
        outside the project keep a ``../`` form (so that nothing outside is mistaken for a record)."""
        return top_path[len(self.prefix):] if top_path.startswith(self.prefix) else "../" + top_path

    def _projected(self, changes: list[RawChange]) -> list[RawChange]:
        return [RawChange(c.status, self.project_path(c.old_path) if c.old_path else "",
                          self.project_path(c.new_path) if c.new_path else "", c.old_blob, c.new_blob,
                          c.old_mode, c.new_mode) for c in changes]

    def changes(self, old: str, new: str | None) -> list[RawChange]:
        """Every file changed between two commits, or from ``old`` to the working tree
        (``new`` None, untracked files included), over the whole repository. Renames are a
        deletion plus an addition; type changes too (see :func:`_raw_entry`)."""
        if new is not None:
            out = self.git("diff-tree", "-r", "--no-renames", "--raw", "-z", "--no-abbrev", old, new)
            return self._projected(_parse_raw(out))
        out = self.git("diff", "--raw", "-z", "--no-renames", "--no-abbrev", old, "--", ":/")
        changes = _parse_raw(out)
        untracked = self.git("ls-files", "-z", "--others", "--exclude-standard", "--full-name", ":/")
        for path in filter(None, untracked.decode("utf-8", "surrogateescape").split("\0")):
            link = (self.top / path.rstrip("/")).is_symlink()
            mode = SYMLINK_MODE if link else GITLINK_MODE if path.endswith("/") else "100644"
            changes.append(RawChange("A", "", path.rstrip("/"), "", "", "", mode))
        return self._projected(changes)

    def merge_changes(self, commit: BranchCommit) -> list[RawChange]:
        """What a merge commit itself changes: the paths whose merged content differs from
        every parent (conflict resolutions and edits hidden in a merge), each against the first parent."""
        per_parent = [{c.new_path or c.old_path for c in self.changes(p, commit.sha)} for p in commit.parents]
        own = set.intersection(*per_parent) if per_parent else set()
        return [c for c in self.changes(commit.parents[0], commit.sha) if (c.new_path or c.old_path) in own]

    def read_path(self, rev: str | None, path: str) -> bytes | None:
        """The bytes of project path ``path`` at ``rev`` (None: the working tree), or None when it
        is absent there or is not a regular file (a symlink is never followed)."""
        if rev is None:
            target = self.top / self.prefix / path
            if target.is_symlink() or not target.is_file():
                return None
            return target.read_bytes()
        try:
            entry = self.git("ls-tree", "-z", "--full-tree", rev, "--", f"{self.prefix}{path}").decode()
        except GitError:
            return None
        parts = entry.split("\t", 1)[0].split()
        if len(parts) != 3 or parts[0] not in REGULAR_MODES:
            return None
        return self.read_blobs({parts[2]}).get(parts[2])

    def tree_blobs(self, rev: str) -> dict[str, str]:
        """``{path relative to the project root: blob id}`` of every file under ``registry/`` at ``rev``."""
        out = self.git("ls-tree", "-r", "-z", "--full-tree", rev, "--", self.registry_path())
        blobs = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.decode("utf-8", "surrogateescape").partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob" and parts[0] in REGULAR_MODES:
                blobs[path[len(self.prefix):]] = parts[2]
        return blobs

    def tree_entries(self, rev: str, folders: tuple[str, ...]) -> list[TreeEntry]:
        """Every entry (any mode) under the project's ``folders`` at ``rev``, paths relative to the project root."""
        out = self.git("ls-tree", "-r", "-l", "-z", "--full-tree", rev, "--", *(f"{self.prefix}{f}" for f in folders))
        entries = []
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.decode("utf-8", "surrogateescape").partition("\t")
            mode, kind, blob, size = (meta.split() + ["", "", "", ""])[:4]
            entries.append(TreeEntry(mode, kind, blob, int(size) if size.isdigit() else -1, path[len(self.prefix):]))
        return entries

    def read_blobs(self, blobs: set[str]) -> dict[str, bytes]:
        """The contents of many blobs through one ``git cat-file --batch``."""
        ids = sorted(b for b in blobs if b and set(b) != {"0"})
        if not ids:
            return {}
        out = self.git("cat-file", "--batch", stdin=("\n".join(ids) + "\n").encode())
        found: dict[str, bytes] = {}
        pos = 0
        while pos < len(out):
            end = out.index(b"\n", pos)
            header = out[pos:end].decode().split()
            pos = end + 1
            if len(header) < 3 or header[1] == "missing":
                continue
            size = int(header[2])
            found[header[0]] = out[pos:pos + size]
            pos += size + 1
        return found

    def blob_id(self, content: bytes) -> str:
        """The id git would give ``content`` as a blob (to compare working files without writing objects)."""
        algo = hashlib.sha256 if self.object_format == "sha256" else hashlib.sha1
        return algo(b"blob %d\0" % len(content) + content).hexdigest()

    def export(self, rev: str, dest: Path, folders: tuple[str, ...] = ("registry", "schemas")) -> None:
        """Write the project's ``registry/`` and ``schemas/`` (or ``folders``) at ``rev`` into ``dest`` (via ``git archive``)."""
        paths = [f"{self.prefix}{name}" for name in folders]
        present = [p for p in paths if self.git("ls-tree", "--name-only", rev, "--", p).strip()]
        dest.mkdir(parents=True, exist_ok=True)
        if not present:
            return
        data = self.git("archive", "--format=tar", rev, "--", *present)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            strip = len(self.prefix)
            members = []
            for member in tar.getmembers():
                member.name = member.name[strip:]
                if member.name:
                    members.append(member)
            tar.extractall(dest, members=members, filter="data")


def init_repository(root: Path) -> Repo:
    """Make ``root`` a new git repository (branch ``main``) and open it (``mulu synth --editions``)."""
    _run(root, ["init", "-q", "-b", "main"])
    return Repo.open(root)


def commit_all(repo: Repo, message: str) -> str:
    """Commit everything in the work tree under a fixed identity; returns the new commit id
    (for generated registries, never for a user's own repository)."""
    identity = ["-c", "user.name=mulu synth", "-c", "user.email=synth@mulu.invalid"]
    repo.git("add", "-A", ".")
    repo.git(*identity, "commit", "-q", "--allow-empty", "-m", message)
    return repo.resolve("HEAD")


def _raw_entry(meta: str, tokens: list[bytes], i: int) -> tuple[list[RawChange], int]:
    """Parse ``:oldmode newmode oldblob newblob STATUS`` and its one or two path tokens.

    A type change (``T``: a file replaced by a symlink or a submodule, or back) is a deletion
    plus an addition, never a modification: the record that was there is gone."""
    parts = meta[1:].split()
    status = parts[4][0] if len(parts) >= 5 else "M"
    npaths = 2 if status in ("R", "C") else 1
    paths = [tokens[i + k].decode("utf-8", "surrogateescape") for k in range(npaths) if i + k < len(tokens)]
    if len(paths) < npaths or len(parts) < 5:
        return [], npaths
    old_mode, new_mode, old_blob, new_blob = parts[:4]
    if status == "C":          # a copy is, for the registry, a new file
        return [RawChange("A", "", paths[1], "", new_blob, "", new_mode)], 2
    if status == "R":
        return [RawChange("R", paths[0], paths[1], old_blob, new_blob, old_mode, new_mode)], 2
    if status == "A":
        return [RawChange("A", "", paths[0], "", new_blob, "", new_mode)], 1
    if status == "D":
        return [RawChange("D", paths[0], "", old_blob, "", old_mode, "")], 1
    if status == "T" or (old_mode in REGULAR_MODES) != (new_mode in REGULAR_MODES):
        return [RawChange("D", paths[0], "", old_blob, "", old_mode, ""),
                RawChange("A", "", paths[0], "", new_blob, "", new_mode)], 1
    return [RawChange("M", paths[0], paths[0], old_blob, new_blob, old_mode, new_mode)], 1


def _parse_raw(out: bytes) -> list[RawChange]:
    """Every entry of one ``--raw -z`` diff (no commit headers)."""
    tokens = out.split(b"\0")
    changes: list[RawChange] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].decode("utf-8", "surrogateescape").strip("\n")
        i += 1
        if token.startswith(":"):
            found, used = _raw_entry(token, tokens, i)
            changes.extend(found)
            i += used
    return changes
