"""Shared fixtures: temporary copies of the sample project and a way to run the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    """What a user sees after running ``mulu``: exit code and both output streams."""

    code: int
    out: str
    err: str


def copy_project(dest: Path) -> Path:
    """Copy the shipped sample project (registry + schemas + site config) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "registry", dest / "registry")
    shutil.copytree(REPO / "schemas", dest / "schemas")
    for extra in ("mkdocs.yml", "site_overrides", "docs"):
        src = REPO / extra
        if src.is_dir():
            shutil.copytree(src, dest / extra)
        elif src.is_file():
            shutil.copy2(src, dest / extra)
    return dest


def run_mulu(*args: str, cwd: Path, timeout: float = 600) -> Result:
    """Run the ``mulu`` command as a user would, in ``cwd``."""
    proc = subprocess.run([sys.executable, "-m", "mulu", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh, writable copy of the sample project."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def mulu():
    """``mulu(*args, cwd=...)`` runs the CLI and returns a :class:`Result`."""
    return run_mulu


SITE_RECORDS = REPO / "tests" / "browser" / "records"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project plus the site test records (``tests/browser/records``), built ONCE
    per session with ``mulu build``; returns the project directory (the site is its ``site/``)."""
    project = copy_project(tmp_path_factory.mktemp("sample-site") / "project")
    for path in SITE_RECORDS.rglob("*.yml"):
        shutil.copy2(path, project / "registry" / path.relative_to(SITE_RECORDS))
    result = run_mulu("build", cwd=project)
    assert result.code == 0, result.out + result.err
    return project
