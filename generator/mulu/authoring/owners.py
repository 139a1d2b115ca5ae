"""Who may change what (``mulu check-owners``).

Rules, all read from the BASE revision so that a change cannot grant itself rights:
- a reviewer (``reviewers`` in registry/config.yml) may change any record; anyone else may
  change an existing record only if its ``maintainers`` include them, and never a field that
  ``reviewer_only_fields`` marks (status, listing, amounts...) nor remove a department account
  (``department_accounts``) from ``maintainers``;
- new records and deleted records need a reviewer; a symlink or submodule under ``registry/``
  is refused outright (a type change is a deletion plus an addition);
- every file that is not a record (schemas, code lists, configuration, code, CI) needs a code
  reviewer (``code_reviewers``); record reviewers cannot approve those.

The rules apply to the net change (merge base of BASE and HEAD -> HEAD or the working tree)
and to every commit in BASE..HEAD, merged branches included: a commit that lands on the
target branch is published, even when a later commit reverts it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mulu.core.config import parse_config
from mulu.core.kinds import KIND_BY_NAME
from mulu.history.diff import parse_record
from mulu.history.git import GITLINK_MODE, REGULAR_MODES, BranchCommit, RawChange, Repo

CONFIG = "registry/config.yml"
ALL_KINDS = "all"   # the key of reviewer_only_fields that applies to every kind


@dataclass(frozen=True)
class Change:
    """One changed file: ``A`` added, ``M`` modified, ``D`` deleted (paths relative to the project)."""

    status: str
    path: str
    mode: str = ""          # the new mode of an addition: 120000 symlink, 160000 submodule


@dataclass(frozen=True)
class Verdict:
    """Whether the author may make one change, and why (Chinese)."""

    change: Change
    allowed: bool
    reason: str
    field: str = ""                        # the field a field rule refused
    commit: BranchCommit | None = None     # the commit that made the change; None for the net change


@dataclass(frozen=True)
class Policy:
    """Who may approve what, read from registry/config.yml at BASE."""

    reviewers: tuple[str, ...] = ()
    code_reviewers: tuple[str, ...] = ()
    department_accounts: tuple[str, ...] = ()
    reviewer_only: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def marked_fields(self, kind: str) -> tuple[str, ...]:
        """The field specs (``status``, ``levels[].subsidy``) only a reviewer may change in ``kind``."""
        return self.reviewer_only.get(ALL_KINDS, ()) + self.reviewer_only.get(kind, ())


@dataclass(frozen=True)
class Outcome:
    """The decision for a whole change set: one verdict per file of the net change, and the
    refusals found in single commits that the net change does not show."""

    author: str
    reviewers: tuple[str, ...]
    verdicts: list[Verdict]
    commit_refusals: list[Verdict] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return all(v.allowed for v in self.verdicts) and not self.commit_refusals


def _accounts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool))


def _same(a: str, b: str) -> bool:
    # GitHub and GitLab account names are case-insensitive; "@name" is how people write them.
    return a.lstrip("@").casefold() == b.lstrip("@").casefold()


def _listed(account: str, accounts: tuple[str, ...]) -> bool:
    return any(_same(account, a) for a in accounts)


def policy_from(config: dict[str, Any] | None) -> Policy:
    """The :class:`Policy` of a parsed registry/config.yml (empty when unreadable)."""
    if config is None:
        return Policy()
    typed = parse_config(config)
    return Policy(typed.reviewers, typed.code_reviewers, typed.department_accounts, dict(typed.reviewer_only_fields))


def is_record(path: str) -> bool:
    """Is ``path`` (relative to the project) a record file ``registry/<kind>/<id>.yml``?"""
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "registry" and parts[1] in KIND_BY_NAME and parts[2].endswith(".yml")


def spec_values(data: Any, spec: str) -> list[Any]:
    """Every value a field spec selects: ``status`` -> [status]; ``levels[].subsidy`` -> the
    subsidy of each level, in order (a missing field selects nothing)."""
    values = [data]
    for part in spec.split("."):
        each = part.endswith("[]")
        key = part[:-2] if each else part
        step: list[Any] = []
        for value in values:
            if isinstance(value, dict) and key in value:
                inner = value[key]
                if each:
                    step.extend(inner if isinstance(inner, list) else [inner])
                else:
                    step.append(inner)
        values = step
    return values


def _who(accounts: tuple[str, ...], setting: str) -> str:
    return "、".join(accounts) or f"（{CONFIG} 中没有设置 {setting}）"


def field_verdicts(change: Change, kind: str, old: dict[str, Any], new: dict[str, Any], policy: Policy,
                   author: str) -> list[Verdict]:
    """Refusals of a maintainer's edit to their own record: each reviewer-only field changed,
    and each department account removed from ``maintainers``."""
    who = _who(policy.reviewers, "reviewers")
    out = []
    for spec in policy.marked_fields(kind):
        if spec_values(old, spec) != spec_values(new, spec):
            out.append(Verdict(change, False, f"字段 {spec} 只有审核人（{who}）可以修改（{CONFIG} 的 reviewer_only_fields）："
                                              "状态、列入、补贴等事项以调整公告为准。请撤回对这个字段的修改，"
                                              "或在合并请求中附上依据，由审核人批准。", spec))
    kept = _accounts(new.get("maintainers"))
    for account in _accounts(old.get("maintainers")):
        if _listed(account, policy.department_accounts) and not _listed(account, kept):
            out.append(Verdict(change, False, f"不能从 maintainers 中删除人社部门的账号 {account}"
                                              f"（{CONFIG} 的 department_accounts）：请把它加回去；"
                                              f"确需调整请由审核人（{who}）处理。", "maintainers"))
    return out


def _reviewed(change: Change, author: str, approvers: tuple[str, ...], accounts: tuple[str, ...], role: str,
              may: str) -> Verdict | None:
    """An allowing verdict when the author is one of ``accounts`` or one of them approved."""
    if _listed(author, accounts):
        return Verdict(change, True, f"{author} 是{role}，{may}。")
    approved = next((a for a in approvers if _listed(a, accounts)), None)
    return Verdict(change, True, f"{role} {approved} 已批准本次修改。") if approved else None


Reader = Callable[[str], "dict[str, Any] | None"]


def judge(change: Change, author: str, policy: Policy, maintainers: tuple[str, ...] | None,
          approvers: tuple[str, ...] = (), old: Reader | None = None, new: Reader | None = None) -> list[Verdict]:
    """May ``author`` make ``change``? ``maintainers`` are the record's at BASE (None: new).
    ``old``/``new`` read the record before and after the change (for the field rules).
    Returns one allowing verdict, or every reason to refuse."""
    path = change.path
    if path.startswith("registry/") and change.status == "A" and change.mode and change.mode not in REGULAR_MODES:
        what = "子模块（gitlink）" if change.mode == GITLINK_MODE else "符号链接"
        return [Verdict(change, False, f"registry/ 下不能有{what}：记录必须是普通文件，链接会让记录从网站上消失，"
                                       "或读到仓库以外的文件。请改回普通的 .yml 文件。")]
    if not is_record(path):
        passed = _reviewed(change, author, approvers, policy.code_reviewers, "代码审核人",
                           "可以修改代码、CI、schemas 和设置")
        return [passed] if passed else [Verdict(
            change, False, "这不是机构记录文件（代码、CI 配置、schemas、registry/config.yml、代码表等）："
                           f"只有代码审核人（{_who(policy.code_reviewers, 'code_reviewers')}）可以修改或批准，"
                           "记录审核人的批准不算。如确需修改，请在合并请求中说明理由，由代码审核人处理。")]
    who = _who(policy.reviewers, "reviewers")
    passed = _reviewed(change, author, approvers, policy.reviewers, "审核人", "可以修改任何记录")
    if passed:
        return [passed]
    if change.status == "A" or maintainers is None:
        return [Verdict(change, False, f"这是新增的记录：新记录要由审核人（{who}）核实后才能列入目录。"
                                       "请在合并请求中附上证明材料（如营业执照、办学许可证），等待审核人批准。")]
    if change.status == "D":
        return [Verdict(change, False, "记录不能删除（把文件换成符号链接或子模块也算删除）：要移出目录，请把 status 改为“已移出”"
                                       f"（由审核人填写 status_change），历史会保留在网站上。删除文件只能由审核人（{who}）进行。")]
    if not _listed(author, maintainers):
        owners = "、".join(maintainers) or "（无）"
        return [Verdict(change, False, f"账号 {author} 不在这条记录的维护账号（maintainers：{owners}）中，不能修改。"
                                       f"请由维护账号提交，或请审核人（{who}）处理；维护账号以目标分支上的记录为准，"
                                       "在本次修改中把自己加进 maintainers 不算数。")]
    if old is not None and new is not None:
        before, after = old(path), new(path)
        if before is None or after is None:
            # The file is there on both sides (a modification) but does not parse on one:
            # nothing can show that no reviewer-only field changed in between.
            return [Verdict(change, False, "这次改动中记录文件有一个版本无法解析，无法确认没有改动只有审核人能改的字段："
                                           "请修正 YAML 后把修改合并成一个能通过校验的提交（例如 git rebase -i 压缩提交）。")]
        refused = field_verdicts(change, path.split("/")[1], before, after, policy, author)
        if refused:
            return refused
    return [Verdict(change, True, f"{author} 是这条记录的维护账号。")]


def _as_changes(raw: list[RawChange]) -> list[Change]:
    """File-level changes; a type change already arrives as a deletion plus an addition."""
    out = []
    for c in raw:
        if c.status == "D":
            out.append(Change("D", c.old_path))
        else:
            out.append(Change(c.status if c.status == "A" else "M", c.new_path, c.new_mode))
    return out


def _reader(repo: Repo, rev: str | None) -> Reader:
    cache: dict[str, dict[str, Any] | None] = {}

    def read(path: str) -> dict[str, Any] | None:
        if path not in cache:
            cache[path] = parse_record(repo.read_path(rev, path), path)
        return cache[path]
    return read


def check(root: Path, author: str, base: str, head: str | None, approvers: tuple[str, ...] = ()) -> Outcome:
    """Judge every file changed between ``base`` and ``head`` (None: working tree), and every
    commit of the branch on its own."""
    repo = Repo.open(root)
    base_commit = repo.resolve(base)
    head_commit = repo.resolve(head) if head is not None else repo.resolve("HEAD")
    since = repo.merge_base(base_commit, head_commit)
    policy = policy_from(parse_record(repo.read_path(base_commit, CONFIG), CONFIG))
    at_base = _reader(repo, base_commit)

    def maintainers(path: str) -> tuple[str, ...] | None:
        data = at_base(path)
        return _accounts(data.get("maintainers")) if data is not None else None

    def judge_all(raw: list[RawChange], old_rev: str, new_rev: str | None,
                  commit: BranchCommit | None) -> list[Verdict]:
        old, new = _reader(repo, old_rev), _reader(repo, new_rev)
        out = []
        for change in _as_changes(raw):
            owners = maintainers(change.path) if is_record(change.path) else ()
            for v in judge(change, author, policy, owners, approvers, old, new):
                out.append(Verdict(v.change, v.allowed, v.reason, v.field, commit))
        return out

    head_rev = head_commit if head is not None else None
    verdicts = judge_all(repo.changes(since, head_rev), since, head_rev, None)
    seen = {(v.change.path, v.field, v.reason) for v in verdicts if not v.allowed}
    refusals = []
    for commit in repo.branch_commits(base_commit, head_commit):
        if not commit.parents:
            continue   # a root commit cannot be in BASE..HEAD of a branch made from BASE
        raw = repo.merge_changes(commit) if len(commit.parents) > 1 else repo.changes(commit.parents[0], commit.sha)
        for v in judge_all(raw, commit.parents[0], commit.sha, commit):
            if not v.allowed and (v.change.path, v.field, v.reason) not in seen:
                refusals.append(v)
    return Outcome(author, policy.reviewers, verdicts, refusals)
