"""Shared fixtures: temporary copies of the sample project, a way to run the CLI, the sample
site built once, a static HTTP server and one headless Chromium per test process."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from helpers.dates import AS_OF

ENV_AS_OF = "MULU_AS_OF"

REPO = Path(__file__).resolve().parent.parent
# Effective statuses are computed for a fixed day in every test (subprocesses inherit it);
# the one real-time test removes it.
os.environ[ENV_AS_OF] = AS_OF


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


CHROMIUM = "/usr/bin/chromium"   # Debian's chromium; a browser is never downloaded
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"   # from `npm ci` (make install-test)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP on a free loopback port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


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
