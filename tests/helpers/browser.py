"""A static HTTP server for built sites, and axe-core for accessibility checks."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from helpers.project import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"   # from `npm ci` (make install-test)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
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


def all_results(page) -> list[str]:
    """Paths of every result on the results page (clicking 显示更多结果 until none is left)."""
    page.locator("#mulu-search-page .mulu-search__summary").filter(has_text="个结果").wait_for(timeout=20000)
    more = page.locator("#mulu-search-page .mulu-search__more")
    while more.is_visible():
        count = page.locator("#mulu-search-page .mulu-search__hit").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('#mulu-search-page .mulu-search__hit').length > {count}")
    page.wait_for_timeout(200)
    hrefs = page.locator("#mulu-search-page .mulu-search__hit > a").evaluate_all("els => els.map(a => a.pathname)")
    return [h.lstrip("/") for h in hrefs]
