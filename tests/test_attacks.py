"""The pull-request flow attacked by an institution that wants to cheat, hole by hole.

Each test scripts the attack on a throw-away git repository holding the sample project (or
feeds ``check-owners`` a recorded GitHub review payload) and shows what the user now sees.

 1. Planted history: commit 1 withdraws another institution "for fraud", commit 2 reverts it,
    so the net diff is clean; also hidden in a branch merged into the pull request.
    Stopped by: ``check-owners`` judges every commit of BASE..HEAD (merged branches too) and
    names the commit (short sha + subject); the merge policy (squash / merge commit) is documented.
 2. The GitLab owners job installs and runs the merge request's own code, which can approve itself.
    Stopped by: the job installs mulu from the target branch (``git archive`` of it) and never
    the merge request; ``generator/`` and ``.gitlab-ci.yml`` need a code reviewer.
 3. Stale approvals: an approval of an earlier push, or one taken back by "request changes",
    still counted; a record reviewer's approval covered code and CI.
    Stopped by: ``--reviews`` counts only an approval on the head commit that is the reviewer's
    latest state; non-record files need ``code_reviewers``.
 4. Field rules: a suspended institution's maintainer lifts the suspension (暂停 → 在册, deletes
    ``status_change``), changes a subsidy, pushes its own licence end date forward (it would
    stay 在册 past expiry), drops the department's co-maintainer account.
    Stopped by: ``reviewer_only_fields`` and ``department_accounts`` in config.yml; ``diff``
    labels a status change without a notice as needing review, not as a 更正.
 5. Silent deletion: a record replaced by a symlink or a gitlink (type change ``T``).
    Stopped by: a type change is a deletion plus an addition; links under registry/ are refused.
 6. Symlinks followed: a record linking to a file outside the repository is read and echoed.
    Stopped by: the loader refuses symlinks and non-regular files without reading through them.
 7. YAML 1.1 number traps: ``hours: 0120`` read as 80, ``subsidy: 1_500`` as 1500, ``yes`` as true.
    Stopped by: strict scalars in the loader, with the value to write; ``fmt`` leaves the file alone.
 8. Invisible characters: right-to-left overrides, zero-width spaces, a URL or account ending in
    a newline (``$`` in Python's ``re`` matches before a final newline).
    Stopped by: the clean-text domain rule.
 9. Workflow and build hygiene: Pages rights for every job, actions pinned by tag, dispatch from
    any branch, ``mkdocs build`` offered, build leftovers not ignored, one pip cache for all.
    Stopped by: job-level permissions, full-SHA pins, a main-only guard, README recommending
    ``mulu build`` only, ``.site.building-*`` in .gitignore, split GitLab caches.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers.git import commit, git, init_repo
from mulu.core.rules import PROSE_FIELDS
from mulu.history.git import Repo

REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ helpers

def records(root: Path, kind: str = "institutions") -> list[tuple[str, dict[str, Any]]]:
    """``(path, data)`` of every record of ``kind`` in the project."""
    out = []
    for path in sorted((root / "registry" / kind).glob("*.yml")):
        out.append((path.relative_to(root).as_posix(), yaml.safe_load(path.read_text(encoding="utf-8"))))
    return out


def listed_pair(root: Path) -> tuple[str, str, str]:
    """(attacker's record, attacker's account, victim's record): two 在册 institutions with
    maintainers that do not overlap."""
    active = [(p, d) for p, d in records(root) if d["status"] == "在册"]
    mine, data = active[0]
    victim = next(p for p, d in active[1:] if not set(d["maintainers"]) & set(data["maintainers"]))
    return mine, data["maintainers"][0], victim


def config(root: Path) -> dict[str, Any]:
    return dict(yaml.safe_load((root / "registry" / "config.yml").read_text(encoding="utf-8")))


def record_reviewer(root: Path) -> str:
    cfg = config(root)
    return str(next(a for a in cfg["reviewers"] if a not in cfg["code_reviewers"]))


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_line(root: Path, rel: str, key: str, line: str) -> None:
    """Replace the top-level line ``key: ...`` of a record."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf"^{key}:.*$", lambda _: line, text, count=1, flags=re.M)
    assert count == 1, f"{key} not in {rel}"
    path.write_text(new, encoding="utf-8")


def withdraw(root: Path, rel: str, notice: str) -> None:
    """What the attacker writes into a record: 已移出 "for fraud"."""
    set_line(root, rel, "status", f"status: 已移出\nstatus_change:\n  date: 2024-08-01\n  notice: {notice}\n"
                                  "  reason: 经查存在套取补贴的欺诈行为，移出目录。")


def any_notice(root: Path) -> str:
    return records(root, "notices")[-1][1]["id"]


def refusal_lines(out: str, path: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(path + ":")]


@pytest.fixture
def repo(project: Path) -> Path:
    init_repo(project)
    git(project, "checkout", "-q", "-b", "pr")
    return project


# ------------------------------------------------------------------ 1. planted history

def test_planted_and_reverted_withdrawal_is_refused_per_commit(repo: Path, mulu) -> None:
    mine, account, victim = listed_pair(repo)
    original = (repo / victim).read_text(encoding="utf-8")
    withdraw(repo, victim, any_notice(repo))
    planted = commit(repo, "移出欺诈机构")
    (repo / victim).write_text(original, encoding="utf-8")
    set_line(repo, mine, "address", "address: 新校区 8 号楼")
    commit(repo, "更新地址")
    assert git(repo, "diff", "--name-only", "main", "pr").split() == [mine]  # the net diff hides it

    result = mulu("check-owners", "--author", account, "main", "pr", cwd=repo)
    assert result.code == 1, result.out
    lines = refusal_lines(result.out, victim)
    assert any(f"提交 {planted[:10]}（移出欺诈机构）：账号 {account} 不在这条记录的维护账号" in line for line in lines), result.out
    assert any("（更新地址）" in line for line in lines)  # the revert touches the victim too
    assert not refusal_lines(result.out, mine)
    assert "每个提交都单独检查" in result.out


def test_planted_status_in_a_merged_branch_names_commit_and_field(repo: Path, mulu) -> None:
    mine, account, _ = listed_pair(repo)
    git(repo, "checkout", "-q", "-b", "side", "main")
    original = (repo / mine).read_text(encoding="utf-8")
    set_line(repo, mine, "status", f"status: 暂停\nstatus_change:\n  date: 2024-08-01\n  notice: {any_notice(repo)}\n"
                                   "  reason: 临时。")
    planted = commit(repo, "草稿")
    (repo / mine).write_text(original, encoding="utf-8")
    commit(repo, "撤回草稿")
    git(repo, "checkout", "-q", "pr")
    set_line(repo, mine, "address", "address: 新校区 8 号楼")
    commit(repo, "更新地址")
    git(repo, "merge", "-q", "--no-ff", "-m", "合并 side", "side")

    result = mulu("check-owners", "--author", account, "main", "pr", cwd=repo)
    assert result.code == 1, result.out
    line = next(x for x in refusal_lines(result.out, mine) if planted[:10] in x)
    assert f"{mine}: [status] 提交 {planted[:10]}（草稿）：字段 status 只有审核人" in line

    approved = mulu("check-owners", "--author", account, "--approved-by", record_reviewer(repo), "main", "pr", cwd=repo)
    assert approved.code == 0, approved.out


def test_merge_policy_is_documented() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    guide = (REPO / "docs" / "contributing.md").read_text(encoding="utf-8")
    assert "Allow rebase merging" in readme and "squash" in readme
    assert "变基合并" in guide and "每个提交都单独检查" in guide


# ------------------------------------------------------------------ 2. trusted check code on GitLab

def _owners_job() -> list[str]:
    job = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))["owners"]
    assert job.get("before_script") == [], "owners 任务不能继承 default 的 pip install -e ."
    return list(job["script"])


def test_gitlab_owners_job_runs_the_target_branch_code(tmp_path: Path, project: Path) -> None:
    # The "server": the target branch holds the project, its code and its CI configuration.
    server = project
    shutil.copytree(REPO / "generator" / "mulu", server / "generator" / "mulu",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / ".gitlab-ci.yml", server / ".gitlab-ci.yml")
    shutil.copy2(REPO / "pyproject.toml", server / "pyproject.toml")
    init_repo(server)
    base = git(server, "rev-parse", "HEAD").strip()
    mine, account, victim = listed_pair(server)

    # The merge request: code that lets everything through, a CI file without the job, another's record.
    mr = tmp_path / "mr"
    git(tmp_path, "clone", "-q", str(server), str(mr))
    git(mr, "checkout", "-q", "-b", "cheat")
    owners = mr / "generator" / "mulu" / "authoring" / "owners.py"
    owners.write_text(owners.read_text(encoding="utf-8") + "\n\ndef check(*args, **kwargs):\n"
                      "    print('MR-CODE-RAN')\n    raise SystemExit(0)\n", encoding="utf-8")
    (mr / ".gitlab-ci.yml").write_text("pages:\n  script: [echo 已放行]\n", encoding="utf-8")
    set_line(mr, victim, "address", "address: 冒名地址")
    head = commit(mr, "顺便改一下")

    # Shims for the runner's pip and the installed console script: "pip install DIR" records
    # DIR; "mulu" runs the code in that DIR. Whatever the job installs is what runs.
    shims = tmp_path / "bin"
    shims.mkdir()
    installed = tmp_path / "installed"
    (shims / "pip").write_text(f'#!/bin/sh\nfor a; do last=$a; done\necho "$last" > {installed}\n', encoding="utf-8")
    # -P: like the installed console script, never import from the current directory.
    (shims / "mulu").write_text(f'#!/bin/sh\nexec env PYTHONPATH="$(cat {installed})/generator" '
                                f'{sys.executable} -P -m mulu "$@"\n', encoding="utf-8")
    for shim in shims.iterdir():
        shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env |= {"PATH": f"{shims}{os.pathsep}{env['PATH']}", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
            "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head, "CI_MERGE_REQUEST_AUTHOR": account,
            "GITLAB_USER_LOGIN": account, "CI_PROJECT_DIR": str(mr),
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    script = "set -e\n" + "\n".join(_owners_job())
    proc = subprocess.run(["bash", "-c", script], cwd=mr, capture_output=True, text=True, env=env, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "MR-CODE-RAN" not in out
    assert Path(installed.read_text().strip()) != mr  # the target's code, not the checkout
    assert "generator/mulu/authoring/owners.py: 这不是机构记录文件" in out and "代码审核人" in out
    assert ".gitlab-ci.yml: 这不是机构记录文件" in out
    assert f"{victim}: 账号 {account} 不在这条记录的维护账号" in out


def test_gitlab_settings_that_protect_the_pipeline_are_documented() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for setting in ("Protected branches", "Pipelines must succeed", "CI/CD configuration file", "必需流水线"):
        assert setting in readme, setting


# ------------------------------------------------------------------ 3. current approvals only

def _review(login: str, state: str, sha: str, at: str, number: int) -> dict[str, Any]:
    """One review as ``GET /repos/{owner}/{repo}/pulls/{n}/reviews`` returns it."""
    return {"id": 1000 + number, "node_id": f"PRR_{number}", "user": {"login": login, "type": "User"},
            "body": "", "state": state, "commit_id": sha, "submitted_at": at,
            "author_association": "MEMBER", "html_url": f"https://github.com/o/r/pull/7#pullrequestreview-{number}"}


def _check_with_reviews(repo: Path, mulu, author: str, reviews: list[dict[str, Any]], tmp: Path) -> Any:
    payload = tmp / "reviews.json"
    # gh api --paginate prints one array per page: write two pages back to back.
    payload.write_text(json.dumps(reviews[:1]) + json.dumps(reviews[1:]), encoding="utf-8")
    return mulu("check-owners", "--author", author, "--reviews", str(payload), "main", "pr", cwd=repo)


def test_only_a_current_approval_counts(repo: Path, mulu, tmp_path: Path) -> None:
    _, account, _ = listed_pair(repo)
    reviewer = record_reviewer(repo)
    assert mulu("new", "institutions", "52230103MJY123456J", "--maintainer", account, cwd=repo).code == 0
    first = commit(repo, "新增机构")
    set_line(repo, "registry/institutions/52230103MJY123456J.yml", "name", "name: 改过名字的学校")
    head = commit(repo, "批准后又改了")

    stale = _check_with_reviews(repo, mulu, account, [_review(reviewer, "APPROVED", first, "2024-08-01T10:00:00Z", 1)],
                                tmp_path)
    assert stale.code == 1 and "这是新增的记录" in stale.out

    taken_back = [_review(reviewer, "APPROVED", head, "2024-08-01T10:00:00Z", 1),
                  _review(reviewer, "CHANGES_REQUESTED", head, "2024-08-01T11:00:00Z", 2)]
    assert _check_with_reviews(repo, mulu, account, taken_back, tmp_path).code == 1

    current = [_review(reviewer, "CHANGES_REQUESTED", first, "2024-08-01T10:00:00Z", 1),
               _review(reviewer, "APPROVED", head, "2024-08-01T11:00:00Z", 2),
               _review(reviewer, "COMMENTED", head, "2024-08-01T12:00:00Z", 3)]  # a comment changes no state
    ok = _check_with_reviews(repo, mulu, account, current, tmp_path)
    assert ok.code == 0, ok.out
    assert f"审核人 {reviewer} 已批准本次修改" in ok.out


def test_record_reviewer_cannot_approve_code(repo: Path, mulu, tmp_path: Path) -> None:
    _, account, _ = listed_pair(repo)
    replace(repo, "schemas/defs.schema.json", "共用定义", "共用定义（放宽）")
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "owners.yml").write_text("on: push\n", encoding="utf-8")
    head = commit(repo, "放宽 schema")
    reviewer = record_reviewer(repo)
    refused = _check_with_reviews(repo, mulu, account, [_review(reviewer, "APPROVED", head, "2024-08-01T10:00:00Z", 1)],
                                  tmp_path)
    assert refused.code == 1
    assert "schemas/defs.schema.json: 这不是机构记录文件" in refused.out and "记录审核人的批准不算" in refused.out
    assert ".github/workflows/owners.yml: 这不是机构记录文件" in refused.out
    coder = config(repo)["code_reviewers"][0]
    ok = _check_with_reviews(repo, mulu, account, [_review(coder, "APPROVED", head, "2024-08-01T10:00:00Z", 1)], tmp_path)
    assert ok.code == 0, ok.out


def test_github_workflow_passes_the_reviews_not_every_approval_ever() -> None:
    owners = (REPO / ".github" / "workflows" / "owners.yml").read_text(encoding="utf-8")
    assert "--reviews" in owners and 'select(.state == "APPROVED")' not in owners
    assert "triggering_actor" not in owners


# ------------------------------------------------------------------ 4. field rules

def test_maintainer_cannot_lift_own_suspension(repo: Path, mulu) -> None:
    path, data = next((p, d) for p, d in records(repo) if d["status"] == "暂停")
    account = data["maintainers"][0]
    text = (repo / path).read_text(encoding="utf-8")
    text = re.sub(r"^status_change:\n(?:  .*\n)+", "", text.replace("status: 暂停", "status: 在册"), flags=re.M)
    (repo / path).write_text(text, encoding="utf-8")
    commit(repo, "恢复资格")
    assert mulu("validate", cwd=repo).code == 0  # valid data: only the ownership rules can stop it

    result = mulu("check-owners", "--author", account, "main", "pr", cwd=repo)
    assert result.code == 1
    assert f"{path}: [status] 字段 status 只有审核人" in result.out
    assert f"{path}: [status_change] 字段 status_change 只有审核人" in result.out

    diff = mulu("diff", "main", "pr", cwd=repo)
    line = next(x for x in diff.out.splitlines() if data["id"] in x)
    assert "需要审核人核实" in line and "更正" not in line.replace("不是更正", "")


def test_maintainer_cannot_extend_own_licence(repo: Path, mulu) -> None:
    """An institution pushing its licence's end date forward would stay 在册 past expiry."""
    path, data = next((p, d) for p, d in records(repo) if d["status"] == "在册" and "licence" in d)
    end = str(data["licence"]["valid_to"])
    replace(repo, path, f"valid_to: {end}", "valid_to: 2099-12-31")
    commit(repo, "许可证延期")
    assert mulu("validate", cwd=repo).code == 0  # valid data: only the ownership rules can stop it
    result = mulu("check-owners", "--author", data["maintainers"][0], "main", "pr", cwd=repo)
    assert result.code == 1
    assert f"{path}: [licence] 字段 licence 只有审核人" in result.out


def test_reviewer_may_change_status_with_its_notice(repo: Path, mulu) -> None:
    _, _, victim = listed_pair(repo)
    withdraw(repo, victim, any_notice(repo))
    commit(repo, "依据公告移出")
    reviewer = record_reviewer(repo)
    assert mulu("check-owners", "--author", reviewer, "main", "pr", cwd=repo).code == 0
    owner = records(repo)[[p for p, _ in records(repo)].index(victim)][1]["maintainers"][0]
    approved = mulu("check-owners", "--author", owner, "--approved-by", reviewer, "main", "pr", cwd=repo)
    assert approved.code == 0, approved.out
    diff = mulu("diff", "main", "pr", cwd=repo)
    assert "需要审核人核实" not in diff.out and "依据" in diff.out


def test_maintainer_cannot_change_a_programme_amount(repo: Path, mulu) -> None:
    path, data = records(repo, "programmes")[0]
    account = data["maintainers"][0]
    old = data["levels"][0]["subsidy"]
    replace(repo, path, f"subsidy: {old}", f"subsidy: {old + 500}")
    commit(repo, "提高补贴")
    result = mulu("check-owners", "--author", account, "main", "pr", cwd=repo)
    assert result.code == 1 and f"{path}: [levels[].subsidy] 字段 levels[].subsidy 只有审核人" in result.out

    git(repo, "reset", "-q", "--hard", "main")
    set_line(repo, path, "notes", "notes: 学员取得证书后 6 个月内申领补贴。")  # an own, unmarked field
    commit(repo, "更新说明")
    own = mulu("check-owners", "--author", account, "main", "pr", cwd=repo)
    assert own.code == 0, own.out


def test_department_account_cannot_be_removed(repo: Path, mulu) -> None:
    mine, account, _ = listed_pair(repo)
    department = config(repo)["department_accounts"][0]
    git(repo, "checkout", "-q", "main")
    set_line(repo, mine, "maintainers", f"maintainers: [{account}, {department}]")
    commit(repo, "部门共同维护")
    git(repo, "checkout", "-q", "-B", "pr")
    set_line(repo, mine, "maintainers", f"maintainers: [{account}]")
    set_line(repo, mine, "address", "address: 新校区 8 号楼")
    commit(repo, "去掉部门账号")
    result = mulu("check-owners", "--author", account, "main", "pr", cwd=repo)
    assert result.code == 1
    assert f"{mine}: [maintainers] 不能从 maintainers 中删除人社部门的账号 {department}" in result.out


# ------------------------------------------------------------------ 5. type changes

def test_record_replaced_by_symlink_or_gitlink_is_a_deletion(repo: Path, mulu) -> None:
    mine, account, victim = listed_pair(repo)
    (repo / mine).unlink()
    (repo / mine).symlink_to(Path(victim).name)
    commit(repo, "换成链接")
    assert git(repo, "diff", "--name-status", "main", "pr").split()[0] == "T"
    result = mulu("check-owners", "--author", account, "main", "pr", cwd=repo)
    assert result.code == 1
    assert f"{mine}: 记录不能删除" in result.out and f"{mine}: registry/ 下不能有符号链接" in result.out
    history = Repo.open(repo).diff_revisions(git(repo, "rev-parse", "main").strip(), git(repo, "rev-parse", "pr").strip())
    assert [(c.status, c.old_path) for c in history] == [("D", mine)]  # the site loses it: say so
    assert mulu("validate", cwd=repo).code == 1

    git(repo, "reset", "-q", "--hard", "main")
    git(repo, "rm", "-q", mine)
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{git(repo, 'rev-parse', 'main').strip()},{mine}")
    git(repo, "commit", "-q", "-m", "换成子模块")
    gitlink = mulu("check-owners", "--author", account, "main", "pr", cwd=repo)
    assert gitlink.code == 1
    assert f"{mine}: 记录不能删除" in gitlink.out and "子模块（gitlink）" in gitlink.out


# ------------------------------------------------------------------ 6. symlinks are not followed

def test_symlink_to_a_file_outside_is_refused_unread(project: Path, tmp_path: Path, mulu) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("id: x\nname: 机密-7731-不该出现在日志里\n", encoding="utf-8")
    path, _ = records(project)[0]
    (project / path).unlink()
    (project / path).symlink_to(secret)
    for args in (("validate",), ("fmt", "--check", path)):
        result = mulu(*args, cwd=project)
        assert result.code == 1
        assert "机密-7731" not in result.out + result.err
        assert f"{path}: 这是符号链接，不是普通文件" in result.out + result.err

    outside = tmp_path / "specs"
    shutil.copytree(project / "registry" / "specs", outside)
    shutil.rmtree(project / "registry" / "specs")
    (project / "registry" / "specs").symlink_to(outside)
    folder = mulu("validate", cwd=project)
    assert folder.code == 1 and "registry/specs: 这个文件夹是符号链接" in folder.out


# ------------------------------------------------------------------ 7. YAML 1.1 traps

def test_yaml_number_and_boolean_traps_are_refused_with_the_value_to_write(project: Path, mulu) -> None:
    path, data = records(project, "programmes")[0]
    level = data["levels"][0]
    replace(project, path, f"hours: {level['hours']}", f"hours: 0{level['hours']}")
    replace(project, path, f"subsidy: {level['subsidy']}", "subsidy: 1_500")
    inst, data = records(project)[0]
    set_line(project, inst, "address", "address: on")   # YAML 1.1 reads a boolean where text is expected
    before = {p: (project / p).read_bytes() for p in (path, inst)}

    result = mulu("validate", cwd=project)
    assert result.code == 1
    octal = int(str(level["hours"]), 8) if set(str(level["hours"])) <= set("01234567") else None
    if octal is not None:
        assert f"0{level['hours']} 以 0 开头，会被 YAML 当作八进制数读成 {octal}" in result.out
    assert f"数字请写成 {level['hours']}" in result.out
    assert "1_500 中的下划线会被 YAML 忽略，读成 1500：数字请写成 1500" in result.out
    assert f'{inst}:' in result.out and '[address] on 会被 YAML 读成布尔值 true，而这个字段不是“是/否”：请加英文引号，写成 "on"' in result.out

    for args in (("fmt", "--check", path), ("fmt", path)):
        fmt = mulu(*args, cwd=project)
        assert fmt.code == 1 and "无法解析" in fmt.out + fmt.err
    fmt = mulu("fmt", inst, cwd=project)
    assert 'address: on' in (project / inst).read_text(encoding="utf-8"), fmt.out  # not turned into true or "on"
    assert (project / path).read_bytes() == before[path]  # fmt changed nothing


def test_yes_where_true_or_false_is_wanted_still_means_true(project: Path, mulu) -> None:
    inst, _ = next((p, d) for p, d in records(project) if d.get("subsidised") is True)
    replace(project, inst, "subsidised: true", "subsidised: yes")
    assert mulu("validate", cwd=project).code == 0
    assert mulu("fmt", inst, cwd=project).code == 0
    assert "subsidised: true" in (project / inst).read_text(encoding="utf-8")  # the same value, written the 1.2 way


def test_sexagesimal_and_prefixed_numbers_are_refused(project: Path, mulu) -> None:
    path, data = records(project, "programmes")[0]
    level = data["levels"][0]
    replace(project, path, f"hours: {level['hours']}", "hours: 1:30")
    replace(project, path, f"subsidy: {level['subsidy']}", "subsidy: 0x1F4")
    result = mulu("validate", cwd=project)
    assert "1:30 会被 YAML 当作六十进制数读成 90" in result.out and '"1:30"' in result.out
    assert "0x1F4 会被 YAML 当作十六进制数读成 500：数字请写成 500" in result.out


# ------------------------------------------------------------------ 8. invisible characters

def test_invisible_characters_and_trailing_newlines_are_refused(project: Path, mulu) -> None:
    path, data = records(project)[0]
    set_line(project, path, "name", f"name: {data['name'][:2]}\u202e{data['name'][2:]}")
    set_line(project, path, "address", f"address: {data['address']}\u200b")
    set_line(project, path, "maintainers", f'maintainers: ["{data["maintainers"][0]}\\n"]')
    notice, _ = records(project, "notices")[0]
    with (project / notice).open("a", encoding="utf-8") as out:
        out.write('url: "https://hrss.example.gov.cn/tz/1\\n"\n')  # passes the schema's ^https?://[^\\s]+$
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert "[name] 第 3 个字符是双向文本控制字符 U+202E（RIGHT-TO-LEFT OVERRIDE）" in result.out
    assert "[address] 第" in result.out and "U+200B（ZERO WIDTH SPACE" in result.out
    assert f"{notice}:" in result.out and "[url] 这个字段只能写一行，现在末尾有换行" in result.out
    assert "[maintainers[0]] 这个字段只能写一行，现在末尾有换行" in result.out


def test_prose_fields_are_the_schemas_text_fields() -> None:
    """The one list of multi-line fields follows schemas/: every field using the shared "text"."""
    found: set[str] = set()

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            if node.get("$ref", "").endswith("/$defs/text") or node.get("$ref") == "#/$defs/text":
                found.add(key)
            for k, v in node.items():
                walk(v, k if isinstance(v, dict) and k not in ("properties", "items", "$defs") else key)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)

    for schema in (REPO / "schemas").glob("*.schema.json"):
        if schema.name != "config.schema.json":
            walk(json.loads(schema.read_text(encoding="utf-8")))
    assert found == PROSE_FIELDS


# ------------------------------------------------------------------ 9. workflow and build hygiene

def _workflow(name: str) -> dict[Any, Any]:
    return dict(yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8")))


def test_only_the_deploy_job_may_write_pages() -> None:
    publish = _workflow("publish.yml")
    assert not publish.get("permissions")
    assert publish["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    # workflow_dispatch cannot name branches: the build (and so the deploy) runs only for main.
    assert "workflow_dispatch" in publish[True]
    assert publish["jobs"]["build"]["if"] == "github.ref == 'refs/heads/main'"
    for name in ("owners.yml", "pr.yml"):
        doc = _workflow(name)
        granted = [doc.get("permissions") or {}] + [j.get("permissions") or {} for j in doc["jobs"].values()]
        assert not any(k in p for p in granted for k in ("pages", "id-token")), name


def test_actions_are_pinned_by_full_commit_with_the_version_noted() -> None:
    uses = [line.strip() for path in (REPO / ".github" / "workflows").glob("*.yml")
            for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert uses
    for line in uses:
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w.-]+(/[\w.-]+)*@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line


def test_build_leftovers_are_ignored_and_do_not_reach_the_owners_check(repo: Path, mulu) -> None:
    shutil.copy2(REPO / ".gitignore", repo / ".gitignore")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-q", "-m", "gitignore")
    git(repo, "branch", "-f", "main", "pr")
    mine, account, _ = listed_pair(repo)
    leftover = repo / ".site.building-abc123"
    (leftover / "records").mkdir(parents=True)
    (leftover / "records" / "index.html").write_text("<p>half</p>", encoding="utf-8")
    set_line(repo, mine, "address", "address: 新校区 8 号楼")
    result = mulu("check-owners", "--author", account, "main", cwd=repo)
    assert result.code == 0, result.out
    assert "全部 1 个文件" in result.out


def test_readme_recommends_the_atomic_build_only() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "mkdocs build" not in makefile and "mkdocs serve" not in makefile
    offered = [line for line in readme.splitlines() if "mkdocs build" in line]
    assert offered and all("不推荐" in line or "不先校验" in line for line in offered)


def test_gitlab_pip_cache_is_not_shared_with_pages() -> None:
    ci = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert ci["pages"]["cache"] == []
    assert "$CI_PIPELINE_SOURCE" in ci["default"]["cache"]["key"]
    assert ci["owners"]["cache"] == []


@pytest.mark.parametrize("written", ["r_370300", "R-370300", "k.programmes"])
def test_a_record_cannot_borrow_another_regions_search_filter(project: Path, mulu, written: str) -> None:
    """A 哈尔滨 institution writes 淄博's filter word into its address, so that the search
    results page filtered by 淄博市 (or by programmes) would list it: validation refuses it."""
    rel = "registry/institutions/12230000414002874A.yml"
    path = project / rel
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("address: "))
    lines[at] = lines[at].rstrip("\n") + f" {written}\n"
    path.write_text("".join(lines), encoding="utf-8")
    result = mulu("validate", cwd=project)
    assert result.code == 1, result.out
    found = [line for line in result.out.splitlines() if "保留写法" in line]
    assert len(found) == 1 and found[0].startswith(f"{rel}:{at + 1}:") and "[address]" in found[0] and written in found[0]
    # Ordinary text with letters and numbers is not caught: K-12, room r2-370300, a code in words.
    lines[at] = "address: 哈尔滨市香坊区公滨路 415 号（K-12 实训楼 r2-370300 室，邮编 150036）\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert "保留写法" not in mulu("validate", cwd=project).out
