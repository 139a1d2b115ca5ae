"""Throw-away git repositories for tests: one identity, no user or system config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_ENV = {"GIT_AUTHOR_NAME": "审核员", "GIT_AUTHOR_EMAIL": "reviewer@example.invalid",
           "GIT_COMMITTER_NAME": "审核员", "GIT_COMMITTER_EMAIL": "reviewer@example.invalid",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with the test identity; fail the test (with git's message) on error."""
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def commit(root: Path, message: str, date: str | None = None) -> str:
    """Commit everything in ``root`` (optionally dated ``YYYY-MM-DD``, 10:00 Beijing time); the new sha."""
    env = {**os.environ, **GIT_ENV}
    if date:
        env |= {"GIT_AUTHOR_DATE": f"{date}T10:00:00+08:00", "GIT_COMMITTER_DATE": f"{date}T10:00:00+08:00"}
    for args in (["add", "-A", "."], ["commit", "-q", "--allow-empty", "-m", message]):
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
    return git(root, "rev-parse", "HEAD").strip()


def init_repo(root: Path, message: str = "基准", date: str | None = None) -> Path:
    """Make ``root`` a git repository whose ``main`` holds everything in it."""
    git(root, "init", "-q", "-b", "main")
    commit(root, message, date)
    return root
