"""Who may change what (``mulu check-owners``).

Rules, all read from the BASE revision so that a change cannot grant itself rights:
- a reviewer (``reviewers`` in registry/config.yml) may change anything;
- anyone else may change an existing record only if its ``maintainers`` include them;
- new records, deleted records and every file that is not a record (schemas, code lists,
  configuration, code, CI) need a reviewer.

The changed files are those between the merge base of BASE and HEAD and HEAD (or the
working tree), so work that landed on BASE after the branch was made is not counted.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.loading import parse_text
from mulu.errors import GitError


@dataclass(frozen=True)
class Change:
    """One changed file: ``A`` added, ``M`` modified, ``D`` deleted (paths relative to the project)."""

    status: str
    path: str


@dataclass(frozen=True)
class Verdict:
    """Whether the author may make one change, and why (Chinese)."""

    change: Change
    allowed: bool
    reason: str


@dataclass(frozen=True)
class Outcome:
    """The decision for a whole change set."""

    author: str
    reviewers: tuple[str, ...]
    verdicts: list[Verdict]

    @property
    def allowed(self) -> bool:
        return all(v.allowed for v in self.verdicts)


class Repo:
    """The git repository holding a project at ``root`` (which may be a sub-folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        top = self._git("rev-parse", "--show-toplevel", what="找不到 git 仓库").strip()
        self.top = Path(top)
        self.prefix = self._git("rev-parse", "--show-prefix").strip()

    def _git(self, *args: str, what: str = "git 命令失败") -> str:
        try:
            proc = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                                  encoding="utf-8", errors="replace")
        except FileNotFoundError:
            raise GitError("找不到 git 命令：请先安装 git。") from None
        if proc.returncode != 0:
            detail = proc.stderr.strip()
            raise GitError(f"{what}（git 的提示：{detail}）。" if detail else f"{what}。")
        return proc.stdout

    def commit(self, rev: str) -> str:
        """The commit id of revision ``rev``."""
        if rev.startswith("-"):
            raise GitError(f"“{rev}”不是有效的版本。")
        return self._git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}",
                         what=f"找不到版本“{rev}”（请确认分支名或提交号，并已 git fetch）").strip()

    def merge_base(self, base: str, head: str) -> str:
        return self._git("merge-base", base, head, what=f"版本 {base} 和 {head} 没有共同的祖先").strip()

    def _project_path(self, top_path: str) -> str:
        """A path relative to the repository top as a path relative to the project root
        (paths outside the project keep a ``../`` form so that they still need a reviewer)."""
        if top_path.startswith(self.prefix):
            return top_path[len(self.prefix):]
        return "../" + top_path

    def changes(self, base: str, head: str | None) -> list[Change]:
        """Files changed from ``base`` to ``head`` (None: the working tree and untracked files)."""
        args = ["diff", "--name-status", "-z", "--no-renames", base]
        if head is not None:
            args.append(head)
        fields = self._git(*args, "--", ":/", what="无法比较版本").split("\0")
        found: dict[str, str] = {}
        for status, path in zip(fields[0::2], fields[1::2]):
            if path:
                found[path] = status[:1]
        if head is None:
            untracked = self._git("ls-files", "-z", "--others", "--exclude-standard", "--full-name", ":/")
            for path in filter(None, untracked.split("\0")):
                found.setdefault(path, "A")
        out = []
        for path, status in sorted(found.items()):
            out.append(Change({"M": "M", "A": "A", "D": "D"}.get(status, "M"), self._project_path(path)))
        return out

    def show(self, rev: str, project_path: str) -> str | None:
        """The text of ``project_path`` at ``rev``, or None when it does not exist there."""
        proc = subprocess.run(["git", "-C", str(self.root), "show", f"{rev}:{self.prefix}{project_path}"],
                              capture_output=True)
        if proc.returncode != 0:
            return None
        return proc.stdout.decode("utf-8-sig", errors="replace")


def _accounts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool))


def _same(a: str, b: str) -> bool:
    # GitHub and GitLab account names are case-insensitive; "@name" is how people write them.
    return a.lstrip("@").casefold() == b.lstrip("@").casefold()


def _listed(account: str, accounts: tuple[str, ...]) -> bool:
    return any(_same(account, a) for a in accounts)


def reviewers_at(repo: Repo, rev: str) -> tuple[str, ...]:
    """The ``reviewers`` of registry/config.yml at ``rev`` (empty when unreadable)."""
    text = repo.show(rev, "registry/config.yml")
    if text is None:
        return ()
    doc, _ = parse_text(text, "registry/config.yml")
    return _accounts(doc.data.get("reviewers")) if doc is not None else ()


def maintainers_at(repo: Repo, rev: str, path: str) -> tuple[str, ...] | None:
    """The ``maintainers`` of record ``path`` at ``rev``; None when the record did not exist."""
    text = repo.show(rev, path)
    if text is None:
        return None
    doc, _ = parse_text(text, path)
    return _accounts(doc.data.get("maintainers")) if doc is not None else ()


def is_record(path: str) -> bool:
    """Is ``path`` (relative to the project) a record file ``registry/<kind>/<id>.yml``?"""
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "registry" and parts[1] in KIND_BY_NAME and parts[2].endswith(".yml")


def judge(change: Change, author: str, reviewers: tuple[str, ...], maintainers: tuple[str, ...] | None,
          approvers: tuple[str, ...] = ()) -> Verdict:
    """May ``author`` make ``change``? ``maintainers`` are the record's at BASE (None: new)."""
    who = "、".join(reviewers) or "（registry/config.yml 中没有设置 reviewers）"
    if _listed(author, reviewers):
        return Verdict(change, True, f"{author} 是审核人，可以修改任何文件。")
    approved = next((a for a in approvers if _listed(a, reviewers)), None)
    if approved:
        return Verdict(change, True, f"审核人 {approved} 已批准本次修改。")
    if not is_record(change.path):
        return Verdict(change, False, f"这不是机构记录文件（schemas、代码表、设置、代码和 CI 配置等）：只有审核人（{who}）可以修改。"
                                      "如确需修改，请在合并请求中说明理由，由审核人处理。")
    if change.status == "A" or maintainers is None:
        return Verdict(change, False, f"这是新增的记录：新记录要由审核人（{who}）核实后才能列入目录。"
                                      "请在合并请求中附上证明材料（如营业执照、办学许可证），等待审核人批准。")
    if change.status == "D":
        return Verdict(change, False, "记录不能删除：要移出目录，请把 status 改为“已移出”（由审核人填写 status_change），"
                                      f"历史会保留在网站上。删除文件只能由审核人（{who}）进行。")
    if _listed(author, maintainers):
        return Verdict(change, True, f"{author} 是这条记录的维护账号。")
    owners = "、".join(maintainers) or "（无）"
    return Verdict(change, False, f"账号 {author} 不在这条记录的维护账号（maintainers：{owners}）中，不能修改。"
                                  f"请由维护账号提交，或请审核人（{who}）处理；维护账号以目标分支上的记录为准，"
                                  "在本次修改中把自己加进 maintainers 不算数。")


def check(root: Path, author: str, base: str, head: str | None, approvers: tuple[str, ...] = ()) -> Outcome:
    """Judge every file changed between ``base`` and ``head`` (None: working tree)."""
    repo = Repo(root)
    base_commit = repo.commit(base)
    head_commit = repo.commit(head) if head is not None else repo.commit("HEAD")
    since = repo.merge_base(base_commit, head_commit)
    reviewers = reviewers_at(repo, base_commit)
    verdicts = []
    for change in repo.changes(since, head_commit if head is not None else None):
        maintainers = maintainers_at(repo, base_commit, change.path) if is_record(change.path) else ()
        verdicts.append(judge(change, author, reviewers, maintainers, approvers))
    return Outcome(author, reviewers, verdicts)
