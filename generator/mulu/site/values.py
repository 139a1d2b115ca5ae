"""Showing a record's fields: Chinese labels from the schema and readable values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mulu.core.kinds import KINDS
from mulu.core.reference import Occupation
from mulu.core.registry import Record, Registry
from mulu.core.schemas import ITEMS, Schema
from mulu.site.html import esc, external_link, record_link, status_badge

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class FieldGuide:
    """What the schema says about each field path of one kind (list indices left out):
    the shared definition it uses (``region``, ``date``, ``money`` …) or its JSON type,
    and the order of an object's fields."""

    schema: Schema
    formats: dict[Path_, str]
    order: dict[Path_, list[str]]

    @classmethod
    def build(cls, schema: Schema) -> FieldGuide:
        """Walk ``schema`` once with its :class:`~mulu.core.schemas.SchemaTree`."""
        formats: dict[Path_, str] = {}
        order: dict[Path_, list[str]] = {}
        for path, field in schema.tree.walk():
            if field.format:
                formats[path] = field.format
            if "properties" in field.node:
                order[path] = field.properties()
        return cls(schema, formats, order)

    def fmt(self, path: tuple[Any, ...]) -> str:
        """The format name of a concrete path (list indices map to ``[]``)."""
        return self.formats.get(tuple(ITEMS if isinstance(p, int) else p for p in path), "")

    def keys(self, path: tuple[Any, ...], value: dict[str, Any]) -> list[str]:
        """An object's keys in schema order, then any others in their own order."""
        known = self.order.get(tuple(ITEMS if isinstance(p, int) else p for p in path), [])
        return [k for k in known if k in value] + [k for k in value if k not in known]

    def label(self, path: tuple[Any, ...]) -> str:
        """Chinese label of a field."""
        return self.schema.label(path)


def guides(registry: Registry) -> dict[str, FieldGuide]:
    """A :class:`FieldGuide` for every kind of the registry."""
    return {k.name: FieldGuide.build(registry.schema_for(k.name)) for k in KINDS if k.schema in registry.schemas}


def region_text(registry: Registry, code: str) -> str:
    """``哈尔滨市南岗区`` style name of a region (province left out below province level)."""
    names = registry.reference.region_path(code)
    return "".join(names[1:]) if len(names) > 1 else (names[0] if names else code)


def occupation_text(registry: Registry, code: str) -> str:
    """``电工（6-31-01-03）``, or the bare code when it is not in the code list."""
    occ = registry.reference.occupations.get(code)
    return f"{occ.name}（{code}）" if occ else code


def occupation_html(registry: Registry, code: str, href: str = "") -> str:
    """An occupation as HTML: its name and code (a link to its page when ``href`` is given), the
    classification above it as a tooltip, and a 等级设置未核实 mark when its levels were not
    checked against an official text."""
    occ = registry.reference.occupations.get(code)
    if occ is None:
        return esc(code)
    path = " / ".join(g.name for g in registry.reference.occupation_path(code))
    text = esc(occupation_text(registry, code))
    name = f'<a href="{esc(href)}" title="{esc(path)}">{text}</a>' if href else f'<span title="{esc(path)}">{text}</span>'
    return name + occupation_marks(occ)


def occupation_marks(occ: Occupation) -> str:
    """The S/L marks of an occupation and 等级设置未核实 when its levels were not checked."""
    marks = "".join(f' <span class="mulu-code" title="{esc(MARK_TITLES.get(m, m))}">{esc(m)}</span>' for m in occ.marks)
    unverified = ""
    if not (occ.verified and occ.levels_known):
        why = ("编码来自大典数据，等级设置已整理但未对照原文核实" if occ.levels_known
               else "大典数据不含等级设置，暂按五级至一级接受")
        unverified = f' <span class="mulu-unverified" title="{esc(why)}">等级设置未核实</span>'
    return marks + unverified


def occupation_path(code: str) -> str:
    """Site path of an occupation's page (``occupations/6-31-01-03/``); a 中类 is ``occupations/6-31/``."""
    return f"occupations/{code}/"


# The marks the 2022 classification puts on occupations.
MARK_TITLES = {"S": "数字职业", "L": "绿色职业"}


class FieldRenderer:
    """Renders the values of one record as HTML; ``href(record)`` makes links to records."""

    def __init__(self, registry: Registry, guide: FieldGuide, targets: dict[tuple[Any, ...], Record],
                 href: Callable[[Record], str], site_href: Callable[[str], str] | None = None) -> None:
        self.registry, self.guide, self.targets, self.href = registry, guide, targets, href
        # site path -> relative URL; with it, occupation codes link to their occupation pages.
        self.site_href = site_href

    def value(self, path: tuple[Any, ...], value: Any) -> str:
        """One value (any shape) as HTML."""
        target = self.targets.get(path)
        if target is not None:
            return record_link(self.href(target), target) + f' <span class="mulu-code">{esc(value)}</span>'
        if isinstance(value, dict):
            return self.fields(path, value, cls="mulu-sub")
        if isinstance(value, list):
            return self.sequence(path, value)
        return self.scalar(path, value)

    def scalar(self, path: tuple[Any, ...], value: Any) -> str:
        """A single value, formatted by what the schema says it is."""
        fmt = self.guide.fmt(path)
        if isinstance(value, bool):
            return "是" if value else "否"
        if value is None:
            return "—"
        text = str(value)
        if fmt == "region":
            return f'{esc(region_text(self.registry, text))} <span class="mulu-code">{esc(text)}</span>'
        if fmt == "occupation_code":
            page = self.site_href(occupation_path(text)) if self.site_href and text in self.registry.reference.occupations else ""
            return occupation_html(self.registry, text, page)
        if fmt == "money" and isinstance(value, int):
            return f"{value:,} 元"
        if fmt == "url":
            return external_link(text)
        if fmt == "status":
            return status_badge(text)
        if fmt == "text":
            return "<br>".join(esc(line) for line in text.splitlines()) or "—"
        return esc(text)

    def sequence(self, path: tuple[Any, ...], items: list[Any]) -> str:
        """A list: a table when its items are objects, else a list separated by 、."""
        if not items:
            return "—"
        if all(isinstance(x, dict) for x in items):
            cols: list[str] = []
            for i, item in enumerate(items):
                cols += [k for k in self.guide.keys(path + (i,), item) if k not in cols]
            head = "".join(f'<th scope="col">{esc(self.guide.label(path + (c,)))}</th>' for c in cols)
            rows = "".join(
                "<tr>" + "".join(f'<td data-label="{esc(self.guide.label(path + (c,)))}">'
                                 f'{self.value(path + (i, c), item[c]) if c in item else "—"}</td>\n' for c in cols)
                + "</tr>\n" for i, item in enumerate(items))
            return (f'<div class="mulu-table-wrap"><table class="mulu-table mulu-table--nested mulu-table--cards"><thead><tr>{head}'
                    f'</tr></thead><tbody>{rows}</tbody></table></div>')
        return "、".join(self.value(path + (i,), x) for i, x in enumerate(items))

    def fields(self, path: tuple[Any, ...], data: dict[str, Any], cls: str = "mulu-fields") -> str:
        """An object as a definition list: label, then value."""
        parts = []
        for key in self.guide.keys(path, data):
            sub = path + (key,)
            parts.append(f"<dt>{esc(self.guide.label(sub))}</dt>\n<dd>{self.value(sub, data[key])}</dd>")
        # Line breaks between items keep the search index's text (and its excerpts) readable.
        return f'<dl class="{cls}">\n{chr(10).join(parts)}\n</dl>'
