"""Screenshots of a search in a built site, at 1280 px and 375 px (docs/dev/screenshots/).

Usage: python scripts/search_screenshots.py SITE_DIR PREFIX [QUERY]

Types QUERY (default 淄博) into the header search box of the home page and saves
PREFIX-1280.png and PREFIX-375.png; where the site has a results page (/search/), also
PREFIX-page-1280.png and PREFIX-page-375.png of /search/?q=QUERY.
"""

from __future__ import annotations

import functools
import sys
import threading
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    site, prefix = Path(argv[0]), Path(argv[1])
    query = argv[2] if len(argv) > 2 else "淄博"
    prefix.parent.mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for width, height in ((1280, 900), (375, 812)):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(base)
                toggle = page.locator(".mulu-search-toggle")
                if toggle.is_visible():
                    toggle.click()
                page.fill("#mulu-q-header", query)
                page.locator("#mulu-header-search .mulu-search__list a").first.wait_for(timeout=30000)
                page.wait_for_timeout(800)
                page.screenshot(path=f"{prefix}-{width}.png")
                if (site / "search" / "index.html").is_file():
                    page.goto(base + "search/?q=" + urllib.parse.quote(query))
                    page.locator("#mulu-search-page .mulu-search__list a").first.wait_for(timeout=30000)
                    page.wait_for_timeout(800)
                    page.screenshot(path=f"{prefix}-page-{width}.png")
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
