"""The scripted repository of the history tests (``helpers.scripted``) does what it says,
so a failure elsewhere is not a broken set-up in disguise."""

from __future__ import annotations

from helpers.git import git
from helpers.scripted import Scripted


def test_script_commits_each_step(scripted_repo: Scripted) -> None:
    log = git(scripted_repo.root, "log", "--format=%s").splitlines()
    assert len(log) == 7
    assert len(set(scripted_repo.commits.values())) == 7


def test_script_ends_in_a_valid_registry(scripted_repo: Scripted, mulu) -> None:
    result = mulu("validate", cwd=scripted_repo.root)
    assert result.code == 0, result.out
