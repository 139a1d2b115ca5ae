"""Atom (RFC 4287) feeds: plain entries in, a valid feed document out.

ElementTree does the XML escaping; characters XML 1.0 cannot carry at all (control
characters) are dropped first, so no registry string can make a feed unreadable.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """One feed entry; ``content_html`` is HTML already escaped by its producer."""

    id: str
    title: str
    updated: str             # RFC 3339, e.g. 2024-06-02T10:00:00+08:00
    link: str
    content_html: str
    published: str = ""
    author: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    """Feed-level facts: its id, title, where it lives and what it is the feed of."""

    id: str
    title: str
    updated: str
    self_link: str
    alternate_link: str
    author: str
    subtitle: str = ""


def tag_uri(site_url: str, specific: str) -> str:
    """A stable ``tag:`` URI (RFC 4151) for ``specific``, under the site's host name.

    The date part is fixed: entry ids must never change once published."""
    host = urlsplit(site_url).hostname if site_url else None
    return f"tag:{host or 'mulu.invalid'},2024:{specific}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _add(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _clean(v) for k, v in attrs.items()})
    if text:
        el.text = _clean(text)
    return el


def _person(parent: ET.Element, name: str) -> None:
    author = _add(parent, "author")
    _add(author, "name", name or "mulu")


def atom(feed: Feed, entries: list[Entry]) -> bytes:
    """The Atom document for ``feed`` with ``entries`` (in the order given)."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    if feed.subtitle:
        _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", feed.updated)
    _add(root, "link", rel="self", type="application/atom+xml", href=feed.self_link)
    _add(root, "link", rel="alternate", type="text/html", href=feed.alternate_link)
    _person(root, feed.author)
    _add(root, "generator", "mulu")
    for entry in entries:
        el = _add(root, "entry")
        _add(el, "id", entry.id)
        _add(el, "title", entry.title)
        _add(el, "updated", entry.updated)
        if entry.published:
            _add(el, "published", entry.published)
        if entry.author:
            _person(el, entry.author)
        _add(el, "link", rel="alternate", type="text/html", href=entry.link)
        for term in entry.categories:
            _add(el, "category", term=term)
        _add(el, "content", entry.content_html, type="html")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"
