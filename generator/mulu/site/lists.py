"""Lists of neighbours on a record page, bounded.

A record page lists the records around it (where a programme can be trained and certified,
the programmes an institution can deliver, related records, what a notice listed). In a dense
registry these lists grow with the registry, not with the record: a provincial programme can
have hundreds of institutions. A page shows at most :data:`LIST_LIMIT` entries, then says how
many there are and links to a page that shows them all (找培训, the search). The lists are
marked ``data-pagefind-ignore``: search indexes the record itself, not its neighbours
(docs/dev/scale.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from mulu.site.html import esc, link
from mulu.site.model import relative

LIST_LIMIT = 10
SEARCH_PATH = "search/"
IGNORE = "data-pagefind-ignore"


def search_url(here: str, query: str) -> str:
    """The full search results page (``search/?q=…``) from page ``here``."""
    return relative(here, SEARCH_PATH) + "?" + urlencode({"q": query})


def more_line(total: int, unit: str, href: str, label: str = "查看全部 →") -> str:
    """``共 M 家，查看全部 →``: the line after a cut list (``unit`` is 家, 项 or 条)."""
    return f'<p class="mulu-more" {IGNORE}>共 {total} {esc(unit)}，只列出前 {LIST_LIMIT} {esc(unit)}；{link(href, label)}</p>'


def bounded_list(items: Sequence[str], unit: str, more_href: str, cls: str = "mulu-related",
                 more_label: str = "查看全部 →") -> str:
    """``items`` (``<li>`` HTML each) as a list of at most :data:`LIST_LIMIT`, followed by a
    line saying how many there are and linking to ``more_href`` when some were left out."""
    shown = "".join(items[:LIST_LIMIT])
    out = f'<ul class="{esc(cls)}" {IGNORE}>{shown}</ul>'
    if len(items) > LIST_LIMIT:
        out += more_line(len(items), unit, more_href, more_label)
    return out
