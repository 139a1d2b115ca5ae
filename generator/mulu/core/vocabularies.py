"""Controlled vocabularies as data: ``registry/reference/vocabularies.yml``.

Types and categories (institution and assessor types, base categories, studio types, training
categories, certificates, delivery modes, training forms) are lists a department extends by
pull request, not enums fixed in the schemas. A schema field names its list with the keyword
``"x-vocabulary": "<name>"``; :func:`vocabulary_problems` checks records against the lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mulu.core.loading import Document, FieldPath, field_name
from mulu.core.problems import Problem
from mulu.core.schemas import ITEMS, Schema

VOCABULARY_KEYWORD = "x-vocabulary"
VOCABULARY_FILE = "registry/reference/vocabularies.yml"


@dataclass(frozen=True)
class Vocabulary:
    """One list of allowed values, each with its Chinese description."""

    name: str
    title: str
    fields: str
    terms: dict[str, str] = field(default_factory=dict)   # value -> description


def build_vocabularies(doc: Document) -> tuple[dict[str, Vocabulary], list[Problem]]:
    """Read vocabularies.yml, reporting every malformed entry with its position."""
    problems: list[Problem] = []
    out: dict[str, Vocabulary] = {}

    def bad(path: FieldPath, message: str) -> None:
        line, col = doc.position(path)
        problems.append(Problem(doc.file, line, col, field_name(path), message, "reference.format"))

    raw = doc.data.get("vocabularies")
    if not isinstance(raw, dict):
        bad(("vocabularies",), "vocabularies 应为“词表名: {title, terms}”的键值对。")
        return out, problems
    for name, body in raw.items():
        if not isinstance(body, dict) or not isinstance(body.get("terms"), list):
            bad(("vocabularies", name), f"词表 {name} 需要 title 和 terms（取值列表）。")
            continue
        terms: dict[str, str] = {}
        for i, term in enumerate(body["terms"]):
            path: FieldPath = ("vocabularies", name, "terms", i)
            if not isinstance(term, dict) or not isinstance(term.get("name"), str) or not term["name"].strip():
                bad(path, "每个取值需要 name（取值）和 description（中文说明）。")
            elif not isinstance(term.get("description"), str) or not term["description"].strip():
                bad(path, f"取值“{term['name']}”缺少 description：请用一句中文说明它的含义。")
            elif term["name"] in terms:
                bad(path, f"取值“{term['name']}”在词表 {name} 中重复。")
            else:
                terms[term["name"]] = term["description"].strip()
        out[name] = Vocabulary(name, str(body.get("title") or name), str(body.get("fields") or ""), terms)
    return out, problems


def allowed_values(node: dict[str, Any], vocabularies: dict[str, Vocabulary]) -> list[str]:
    """The values a schema field allows: its vocabulary's terms, else its ``enum`` (else none)."""
    vocabulary = vocabularies.get(str(node.get(VOCABULARY_KEYWORD)))
    return list(vocabulary.terms) if vocabulary else [str(v) for v in node.get("enum", [])]


# Per schema (by name and identity): the field paths that use a vocabulary, with its name.
_PATHS: dict[tuple[str, int], list[tuple[tuple[str, ...], str]]] = {}


def vocabulary_fields(schema: Schema) -> list[tuple[tuple[str, ...], str]]:
    """``(schema path, vocabulary name)`` of every field of ``schema`` that uses a vocabulary;
    list items appear as an :data:`ITEMS` step."""
    key = (schema.name, id(schema))
    if key not in _PATHS:
        _PATHS[key] = [(path, str(f.node[VOCABULARY_KEYWORD])) for path, f in schema.tree.walk()
                       if VOCABULARY_KEYWORD in f.node]
    return _PATHS[key]


def _values(data: Any, path: tuple[str, ...], at: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    """The values at a schema path in a record, with their concrete positions."""
    if not path:
        yield at, data
        return
    step, rest = path[0], path[1:]
    if step == ITEMS:
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from _values(item, rest, (*at, i))
    elif isinstance(data, dict) and step in data:
        yield from _values(data[step], rest, (*at, step))


def vocabulary_problems(schema: Schema, doc: Document, vocabularies: dict[str, Vocabulary]) -> list[Problem]:
    """Values of vocabulary fields that their list does not have (with the list to choose from)."""
    problems = []
    for path, name in vocabulary_fields(schema):
        vocabulary = vocabularies.get(name)
        for where, value in _values(doc.data, path):
            if not isinstance(value, str) or not value:
                continue   # the schema's type and minLength say what is wrong
            line, col = doc.position(where)
            if vocabulary is None:
                problems.append(Problem(doc.file, line, col, field_name(where), f"词表 {name} 不在 {VOCABULARY_FILE} 中："
                                        "请审核人补上这个词表。", "rule.vocabulary"))
            elif value not in vocabulary.terms:
                problems.append(Problem(
                    doc.file, line, col, field_name(where),
                    f"“{schema.label(where)}”只能是以下之一：{'、'.join(vocabulary.terms)}；现在是“{value}”。"
                    f"如需新增取值，请审核人在 {VOCABULARY_FILE} 的 {name} 中添加并写明说明。", "rule.vocabulary"))
    return problems
