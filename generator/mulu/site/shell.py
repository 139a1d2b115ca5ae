"""Stamping pages out of one themed "shell" page.

Rendering ten thousand record pages through the theme one by one is what makes large MkDocs
sites slow (docs/dev/site.md). Every record page at the same directory depth has the same theme
chrome, so the theme renders one hidden shell page per depth, with placeholder tokens for
the title, description and body, and each page is the shell with its own values put in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from mulu.site.html import esc
from mulu.site.model import Page

TITLE = "mulu-shell-title-3f9c2a"
DESCRIPTION = "mulu-shell-description-3f9c2a"
BODY = "mulu-shell-body-3f9c2a"
SHELL_DIR = "_mulu_shell"
SEARCH_ATTR = "data-pagefind-body"


# Runs of white space that hold a line break: the theme's template indentation. Collapsed to
# one line break, which HTML and the theme's inline scripts read the same (the shell holds
# no <pre> or <textarea>: the body, which may, is put in after compacting).
_INDENT = re.compile(r"[ \t\r]*\n\s*")
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def compact(html: str) -> str:
    """The shell with the theme's indentation collapsed and its ``__config`` JSON written
    without ``\\u`` escapes: the same page, about 4 KB less on every stamped page."""

    def config(m: re.Match[str]) -> str:
        try:
            data = json.loads(m.group(2))
        except ValueError:
            return m.group(0)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        return m.group(1) + text + m.group(3)

    return _CONFIG.sub(config, _INDENT.sub("\n", html))


def depth(path: str) -> int:
    """Directory depth of a page path: ``""`` is 0, ``"a/"`` 1, ``"a/b/"`` 2."""
    return len([p for p in path.split("/") if p])


def shell_path(level: int) -> str:
    """Site path of the shell page used for pages at ``level`` (>= 1)."""
    return SHELL_DIR + "/" + "x/" * (level - 1)


@dataclass(frozen=True)
class Shell:
    """A themed page with placeholders, split once so that stamping is a join."""

    path: str
    html: str

    def stamp(self, page: Page, default_description: str = "") -> str:
        """The shell with ``page``'s title, description, body and path put in.

        The title and description are escaped here; the body is HTML already escaped by
        its provider. The shell's own path (in the canonical link) becomes the page's."""
        out = self.html.replace(self.path, page.path)
        out = out.replace(TITLE, esc(page.title)).replace(DESCRIPTION, esc(page.description or default_description))
        if not page.search:
            out = out.replace(SEARCH_ATTR, "data-pagefind-ignore", 1)
        head, sep, tail = out.partition(BODY)
        return head + page.html + tail if sep else out
