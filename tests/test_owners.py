"""``mulu check-owners``: pull requests simulated in a throw-away git repository."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers.git import git, init_repo
from helpers.owners import change_address, edit, reviewers, two_institutions


@pytest.fixture
def repo(project: Path) -> Path:
    return init_repo(project)


def test_maintainer_may_change_own_record(repo: Path, mulu) -> None:
    mine, _ = two_institutions(repo)
    change_address(repo, mine.path)
    result = mulu("check-owners", "--author", mine.maintainers[0], "main", cwd=repo)
    assert result.code == 0, result.out + result.err
    assert "修改权限检查通过" in result.out
    assert mine.path in result.out and "维护账号" in result.out


def test_same_account_may_not_change_another_institution(repo: Path, mulu) -> None:
    mine, theirs = two_institutions(repo)
    change_address(repo, mine.path)
    change_address(repo, theirs.path)
    result = mulu("check-owners", "--author", mine.maintainers[0], "main", cwd=repo)
    assert result.code == 1
    refused = [line for line in result.out.splitlines() if line.startswith(theirs.path + ":")]
    assert len(refused) == 1, result.out
    assert f"账号 {mine.maintainers[0]} 不在这条记录的维护账号" in refused[0]
    assert not any(line.startswith(mine.path) for line in result.out.splitlines())  # own record is fine
    assert "不能修改上面 1 个文件" in result.out


def test_adding_oneself_to_maintainers_does_not_count(repo: Path, mulu) -> None:
    mine, theirs = two_institutions(repo)
    text = (repo / theirs.path).read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    account = mine.maintainers[0]
    flow = f"maintainers: [{', '.join(doc['maintainers'])}]"
    if flow in text:
        edit(repo, theirs.path, flow, f"maintainers: [{', '.join(doc['maintainers'] + [account])}]")
    else:
        edit(repo, theirs.path, "maintainers:\n", f"maintainers:\n  - {account}\n")
    assert account in yaml.safe_load((repo / theirs.path).read_text(encoding="utf-8"))["maintainers"]
    result = mulu("check-owners", "--author", account, "main", cwd=repo)
    assert result.code == 1
    assert theirs.path in result.out and "自己加进 maintainers 不算数" in result.out


def test_new_record_needs_a_reviewer(repo: Path, mulu) -> None:
    mine, _ = two_institutions(repo)
    created = mulu("new", "institutions", "52230103MJY123456J", "--maintainer", mine.maintainers[0], cwd=repo)
    assert created.code == 0, created.err
    result = mulu("check-owners", "--author", mine.maintainers[0], "main", cwd=repo)
    assert result.code == 1
    assert "registry/institutions/52230103MJY123456J.yml: 这是新增的记录" in result.out
    assert all(r in result.out for r in reviewers(repo))  # says who can approve


def test_reviewer_may_change_any_record_and_code_reviewer_the_code(repo: Path, mulu) -> None:
    mine, theirs = two_institutions(repo)
    change_address(repo, mine.path)
    change_address(repo, theirs.path)
    assert mulu("new", "institutions", "52230103MJY123456J", cwd=repo).code == 0
    edit(repo, "schemas/defs.schema.json", "共用定义", "共用定义（修订）")
    config = yaml.safe_load((repo / "registry" / "config.yml").read_text(encoding="utf-8"))
    both = next(a for a in config["reviewers"] if a in config["code_reviewers"])
    result = mulu("check-owners", "--author", both.upper(), "main", cwd=repo)  # accounts ignore case
    assert result.code == 0, result.out
    assert "可以修改本次改动的全部 4 个文件" in result.out
    records_only = next(a for a in config["reviewers"] if a not in config["code_reviewers"])
    refused = mulu("check-owners", "--author", records_only, "main", cwd=repo)
    assert refused.code == 1 and "schemas/defs.schema.json: 这不是机构记录文件" in refused.out
    assert "记录审核人的批准不算" in refused.out and "不能修改上面 1 个文件" in refused.out


def test_schema_change_by_non_reviewer_fails(repo: Path, mulu) -> None:
    mine, _ = two_institutions(repo)
    edit(repo, "schemas/defs.schema.json", "共用定义", "共用定义（修订）")
    result = mulu("check-owners", "--author", mine.maintainers[0], "main", cwd=repo)
    assert result.code == 1
    assert "schemas/defs.schema.json: 这不是机构记录文件" in result.out


def test_reviewers_are_read_from_base_not_from_the_change(repo: Path, mulu) -> None:
    mine, theirs = two_institutions(repo)
    account = mine.maintainers[0]
    edit(repo, "registry/config.yml", "reviewers: [", f"reviewers: [{account}, ")
    change_address(repo, theirs.path)
    result = mulu("check-owners", "--author", account, "main", cwd=repo)
    assert result.code == 1
    assert "registry/config.yml: 这不是机构记录文件" in result.out
    assert theirs.path in result.out


def test_deleting_a_record_is_refused_even_for_its_maintainer(repo: Path, mulu) -> None:
    mine, _ = two_institutions(repo)
    (repo / mine.path).unlink()
    result = mulu("check-owners", "--author", mine.maintainers[0], "main", cwd=repo)
    assert result.code == 1
    assert f"{mine.path}: 记录不能删除" in result.out and "已移出" in result.out


def test_revisions_and_merge_base(repo: Path, mulu) -> None:
    """BASE/HEAD as commits: only the branch's own changes count, even after main moved on."""
    mine, theirs = two_institutions(repo)
    git(repo, "checkout", "-q", "-b", "update")
    change_address(repo, mine.path)
    git(repo, "commit", "-q", "-am", "更新地址")
    git(repo, "checkout", "-q", "main")
    change_address(repo, theirs.path)  # someone else's change lands on main meanwhile
    git(repo, "commit", "-q", "-am", "另一机构更新地址")
    result = mulu("check-owners", "--author", mine.maintainers[0], "main", "update", cwd=repo)
    assert result.code == 0, result.out
    assert "全部 1 个文件" in result.out


def test_reviewer_approval_lets_a_new_record_pass(repo: Path, mulu) -> None:
    mine, _ = two_institutions(repo)
    assert mulu("new", "institutions", "52230103MJY123456J", cwd=repo).code == 0
    author = mine.maintainers[0]
    not_reviewer = mulu("check-owners", "--author", author, "--approved-by", author, "main", cwd=repo)
    assert not_reviewer.code == 1
    approved = mulu("check-owners", "--author", author, "--approved-by", reviewers(repo)[0], "main", cwd=repo)
    assert approved.code == 0, approved.out
    assert "已批准" in approved.out


def test_github_annotations_name_the_file(repo: Path, mulu) -> None:
    mine, theirs = two_institutions(repo)
    change_address(repo, theirs.path)
    result = mulu("check-owners", "--format", "github", "--author", mine.maintainers[0], "main", cwd=repo)
    assert result.code == 1
    assert f"::error file={theirs.path},title=没有修改权限::" in result.out


def test_unknown_revision_and_missing_git_are_usage_errors(repo: Path, project: Path, tmp_path: Path, mulu) -> None:
    result = mulu("check-owners", "--author", "someone", "no-such-branch", cwd=repo)
    assert result.code == 2
    assert "找不到版本“no-such-branch”" in result.err and "Traceback" not in result.err
    plain = tmp_path / "plain"
    (plain / "registry").mkdir(parents=True)
    (plain / "registry" / "config.yml").write_text("title: x\n", encoding="utf-8")
    outside = mulu("check-owners", "--author", "someone", "main", cwd=plain)
    assert outside.code == 2 and "git" in outside.err and "Traceback" not in outside.err
