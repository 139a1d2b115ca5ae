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

    status: str          # A, D, M, R (T and C are folded into M and A)
    old_path: str
    new_path: str
    old_blob: str
    new_blob: str


def _run(top: Path, args: list[str], stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(top), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError as err:
        raise GitError("找不到 git 命令：请安装 git。") from err
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} 失败")
    return proc.stdout


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
            change, used = _raw_entry(token, tokens, i)
            i += used
            if current is not None and change is not None:
                current.append(self._local(change))
        return result

    def _local(self, change: RawChange) -> RawChange:
        """Paths relative to the project root instead of the repository's top level."""
        cut = len(self.prefix)
        return RawChange(change.status, change.old_path[cut:] if change.old_path else "",
                         change.new_path[cut:] if change.new_path else "", change.old_blob, change.new_blob)

    def diff_revisions(self, base: str, head: str) -> list[RawChange]:
        """Raw changes of ``registry/`` between two commits (renames detected)."""
        return self.diff_commits([(head, base)]).get(head, [])

    def tree_blobs(self, rev: str) -> dict[str, str]:
        """``{path relative to the project root: blob id}`` of every file under ``registry/`` at ``rev``."""
        out = self.git("ls-tree", "-r", "-z", "--full-tree", rev, "--", self.registry_path())
        blobs = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.decode("utf-8", "surrogateescape").partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob":
                blobs[path[len(self.prefix):]] = parts[2]
        return blobs

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

    def export(self, rev: str, dest: Path) -> None:
        """Write the project's ``registry/`` and ``schemas/`` at ``rev`` into ``dest`` (via ``git archive``)."""
        paths = [f"{self.prefix}{name}" for name in ("registry", "schemas")]
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


def _raw_entry(meta: str, tokens: list[bytes], i: int) -> tuple[RawChange | None, int]:
    """Parse ``:oldmode newmode oldblob newblob STATUS`` and its one or two path tokens."""
    parts = meta[1:].split()
    status = parts[4][0] if len(parts) >= 5 else "M"
    npaths = 2 if status in ("R", "C") else 1
    paths = [tokens[i + k].decode("utf-8", "surrogateescape") for k in range(npaths) if i + k < len(tokens)]
    if len(paths) < npaths or len(parts) < 5:
        return None, npaths
    old_blob, new_blob = parts[2], parts[3]
    if status == "C":          # a copy is, for the registry, a new file
        return RawChange("A", "", paths[1], "", new_blob), 2
    if status == "R":
        return RawChange("R", paths[0], paths[1], old_blob, new_blob), 2
    if status == "A":
        return RawChange("A", "", paths[0], "", new_blob), 1
    if status == "D":
        return RawChange("D", paths[0], "", old_blob, ""), 1
    return RawChange("M", paths[0], paths[0], old_blob, new_blob), 1
