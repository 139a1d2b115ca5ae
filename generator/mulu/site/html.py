"""Small HTML helpers: every registry string reaches a page through :func:`esc`.

Pages are built as strings (not through Markdown, not through a template engine with
auto-escaping switched off), so the one rule is: anything that did not come from this
code is passed through ``esc`` (text and attribute values alike).
"""

from __future__ import annotations

from html import escape
from typing import Any

from mulu.core.registry import Record

STATUS_CLASS = {"在册": "listed", "暂停": "suspended", "已移出": "withdrawn"}


def esc(value: Any) -> str:
    """``value`` as text that is inert in HTML element content and in quoted attributes."""
    return escape(str(value), quote=True)


def link(href: str, text: str, **attrs: str) -> str:
    """``<a href=...>text</a>`` with ``href``, ``text`` and attributes escaped."""
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{esc(href)}"{extra}>{esc(text)}</a>'


def external_link(url: str, text: str | None = None) -> str:
    """A link to an outside page, only for http(s) URLs; anything else is shown as text."""
    if not url.lower().startswith(("http://", "https://")):
        return esc(url)
    return link(url, text or url, rel="noopener noreferrer nofollow external")


def status_badge(status: str) -> str:
    """The status word in a coloured badge (colour is never the only signal: the word is shown)."""
    return f'<span class="mulu-status mulu-status--{STATUS_CLASS.get(status, "other")}">{esc(status)}</span>'


def record_link(href: str, record: Record) -> str:
    """Link to a record page showing its name, followed by its status when not 在册."""
    badge = "" if record.status == "在册" else " " + status_badge(record.status)
    return link(href, record.name) + badge


def table(head: list[str], rows: list[list[str]], caption: str = "", cls: str = "mulu-table") -> str:
    """A table whose cells are already HTML (the caller escaped them); head cells are text."""
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    th = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f'<td data-label="{esc(h)}">{c}</td>\n' for h, c in zip(head, row)) + "</tr>\n"
                   for row in rows)
    return f'<div class="mulu-table-wrap"><table class="{cls}">{cap}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>'
