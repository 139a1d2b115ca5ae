"""Shared fixtures: temporary copies of the sample project, a way to run the CLI, the sample
site built once, a static HTTP server and one headless Chromium per test process."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.browser import AXE, serve  # noqa: F401  (re-exported for browser tests)
from helpers.dates import AS_OF, ENV_AS_OF
from helpers.project import REPO, Result, copy_project, run_mulu  # noqa: F401
from helpers.scripted import Scripted, build_scripted

# Effective statuses are computed for a fixed day in every test (subprocesses inherit it);
# the one real-time test removes it.
os.environ[ENV_AS_OF] = AS_OF


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


CHROMIUM = "/usr/bin/chromium"   # Debian's chromium; a browser is never downloaded
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium shared by every browser test of this process: Playwright's sync API
    allows one running instance per process, so no test module may start its own."""
    if not Path(CHROMIUM).exists():
        pytest.skip("需要 Debian 的 chromium（/usr/bin/chromium）：运行 make install-test")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def scripted_repo(tmp_path_factory: pytest.TempPathFactory) -> Scripted:
    """One scripted repository shared by the history tests (they only read it)."""
    return build_scripted(tmp_path_factory.mktemp("history") / "project")
