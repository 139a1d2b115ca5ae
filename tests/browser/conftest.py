"""Browser fixtures: the sample site (plus the test records in ``records/``) built ONCE per
session (``sample_site`` in tests/conftest.py), served over HTTP from a thread, and headless
Debian Chromium driven by Playwright."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def built_site(sample_site: Path) -> Path:
    """The site directory of the sample project built once per session (tests/conftest.py)."""
    return sample_site / "site"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """Base URL of the built site served by ``http.server`` in a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("需要 Debian 的 chromium（/usr/bin/chromium）")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Watched:
    """A page plus everything it did: requested URLs, dialogs, script errors."""

    page: object
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def hosts(self) -> set[str]:
        """Hosts of every request (data: and blob: URLs have none)."""
        return {urlparse(u).hostname or "" for u in self.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}


@pytest.fixture
def watched(browser):
    """A fresh page (desktop size) whose requests, dialogs and errors are recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    w = Watched(page)
    page.on("request", lambda r: w.requests.append(r.url))
    page.on("pageerror", lambda e: w.errors.append(str(e)))

    def on_dialog(dialog) -> None:
        w.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield w
    context.close()


@pytest.fixture
def phone(browser):
    """A page the size of a small phone (375 px wide)."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()
