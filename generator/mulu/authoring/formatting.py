"""Canonical form of registry YAML files (``mulu fmt``).

Canonical means: fields in schema order (nested objects too), 2-space indentation, codes
(region, occupation) as double-quoted text, dates plain, other text plain unless YAML
needs quotes (then double quotes), booleans as true/false; comments kept.

Why two libraries: PyYAML (through :mod:`mulu.core.loading`) is what the registry is read with,
so it decides what a file *means*; ruamel.yaml is the only well-kept library that writes
YAML back with its comments. Every result is parsed again with the registry's own loader
and compared with the original data, so formatting can never change what a file says
(apart from the code fixes it reports, e.g. ``region: 230100`` -> ``region: "230100"``).

Fields are moved as blocks of lines, with the comment lines written above them, before
ruamel.yaml sees the file: ruamel attaches a comment to the field *before* it, so moving
fields inside ruamel would separate them from their comments.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.emitter
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.nodes import ScalarNode as RuamelScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

from mulu.core.loading import FieldPath, field_name, parse_text
from mulu.core.problems import Problem
from mulu.core.schemas import Field, SchemaTree

# Shared definitions whose values are codes: always written as quoted text, so that a
# code never turns into a number (230100) or loses a leading zero.
CODE_DEFS = frozenset({"region", "occupation_code"})
MODELINE = "# yaml-language-server:"
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_BLOCK_SCALARS = (LiteralScalarString, FoldedScalarString)


@dataclass(frozen=True)
class Finding:
    """One way a file differs from its canonical form (line in the file as it is now)."""

    line: int | None
    field: str
    message: str


@dataclass
class Formatted:
    """The canonical text of a file and how the original differs from it, or, when the
    file cannot be formatted, the problems that stop it (``text`` is then None)."""

    text: str | None
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.findings)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never fold long lines: a folded line is a change nobody asked for
    y.indent(mapping=2, sequence=4, offset=2)
    return y


# ----------------------------------------------------------------------------- ordering

def canonical_order(keys: list[str], known: list[str]) -> list[str]:
    """Schema order first; fields the schema does not know keep their order, at the end."""
    rank = {k: i for i, k in enumerate(known)}
    return sorted(keys, key=lambda k: (rank.get(k, len(known)), keys.index(k) if k not in rank else 0))


def _is_filler(line: str) -> bool:
    text = line.strip()
    return not text or text.startswith("#")


def _is_block_map(node: Any) -> bool:
    if not isinstance(node, CommentedMap) or not node or node.fa.flow_style():
        return False
    rows = [node.lc.key(k)[0] for k in node]
    cols = {node.lc.key(k)[1] for k in node}
    return len(cols) == 1 and len(set(rows)) == len(rows) and rows == sorted(rows)


class _LineSorter:
    """Reorders the fields of block mappings by moving their lines."""

    def __init__(self, lines: list[str], tree: SchemaTree, findings: list[Finding]) -> None:
        self.lines = lines
        self.tree = tree
        self.findings = findings

    def document(self, root: CommentedMap) -> list[int]:
        n = len(self.lines)
        if not _is_block_map(root):
            return list(range(n))  # a one-line {…} file: its fields are ordered by _ScalarFixer
        end = n
        while end > 0 and _is_filler(self.lines[end - 1]):
            end -= 1  # comments after the last field stay at the end of the file
        first = root.lc.key(next(iter(root)))[0]
        start = first
        # Comment lines directly above the first field travel with it; anything separated
        # by a blank line (and the editor's schema line) is the file's header.
        while start > 0 and self.lines[start - 1].strip().startswith("#") \
                and not self.lines[start - 1].startswith(MODELINE):
            start -= 1
        body = self.mapping(root, self.tree.root, start, end, ())
        return list(range(start)) + body + list(range(end, n))

    def mapping(self, node: CommentedMap, schema: Field | None, start: int, end: int, path: FieldPath) -> list[int]:
        """Line indices of ``[start, end)`` (which holds ``node``) in canonical order."""
        keys = list(node)
        rows = [node.lc.key(k)[0] for k in keys]
        bounds = [start]
        for i in range(1, len(keys)):
            b = rows[i]
            if not isinstance(node[keys[i - 1]], _BLOCK_SCALARS):  # a block scalar's lines are text, not comments
                while b - 1 > rows[i - 1] and _is_filler(self.lines[b - 1]):
                    b -= 1
            bounds.append(b)
        bounds.append(end)
        blocks: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            head = list(range(bounds[i], rows[i] + 1))
            value_start, value_end = rows[i] + 1, bounds[i + 1]
            value = node[key]
            child = self.tree.child(schema, key) if schema else None
            if _is_block_map(value) and value.lc.key(next(iter(value)))[0] >= value_start:
                inner = self.mapping(value, child, value_start, value_end, path + (key,))
            else:
                inner = list(range(value_start, value_end))
            blocks[key] = head + inner
        order = canonical_order(keys, schema.properties() if schema else [])
        if order != keys:
            self.findings.append(_order_finding(rows[0] + 1, path, keys, order))
        return [i for key in order for i in blocks[key]]


def _order_finding(line: int, path: FieldPath, keys: list[str], order: list[str]) -> Finding:
    where = f"“{field_name(path)}”中" if path else ""
    return Finding(line, field_name(path), f"{where}字段顺序应为：{'、'.join(order)}（现在是：{'、'.join(keys)}）。")


# ----------------------------------------------------------------------------- scalars

_EMITTER = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
_RESOLVER = yaml.resolver.Resolver()
_RUAMEL_RESOLVER = VersionedResolver(version=(1, 2))
_STR = "tag:yaml.org,2002:str"


def _plain_ok(text: str, in_flow: bool) -> bool:
    """Can ``text`` be written without quotes (inside ``[...]``/``{...}`` when ``in_flow``)
    and still be read back as this very text?"""
    if not text or text != text.strip():
        return False
    analysis = _EMITTER.analyze_scalar(text)
    if analysis.multiline or not (analysis.allow_flow_plain if in_flow else analysis.allow_block_plain):
        return False
    # YAML 1.1 (the registry's loader) reads yes/no/on/off, numbers and dates as non-text;
    # ruamel.yaml writes YAML 1.2 and quotes what 1.2 would misread (e.g. 0o17).
    return bool(_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR
                and _RUAMEL_RESOLVER.resolve(RuamelScalarNode, text, (True, False)) == _STR)


def _as_date(text: str) -> dt.date | None:
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _accepts_text(schema: Field | None, text: str) -> bool:
    """Would ``schema`` (a text field) accept ``text``? Used before turning a number into text."""
    if schema is None or schema.type != "string":
        return False
    if "enum" in schema.node:
        return text in schema.node["enum"]
    pattern = schema.node.get("pattern")
    return bool(pattern and re.search(pattern, text))


class _ScalarFixer:
    """Brings every value to its canonical style, recording what changed and where."""

    def __init__(self, tree: SchemaTree, positions: Any, expected: Any, findings: list[Finding]) -> None:
        self.tree = tree
        self.position = positions
        self.expected = expected
        self.findings = findings

    def _note(self, path: FieldPath, message: str) -> None:
        self.findings.append(Finding(self.position(path)[0], field_name(path), message))

    def walk(self, node: Any, data: Any, schema: Field | None, path: FieldPath) -> None:
        if isinstance(node, CommentedMap) and isinstance(data, dict):
            keys = list(node)
            order = canonical_order(keys, schema.properties() if schema else [])
            if order != keys:  # flow mappings and mappings inside lists: moved here
                for key in order:
                    node.move_to_end(key)
                self.findings.append(_order_finding(self.position(path)[0], path, keys, order))
            for key in order:
                child = self.tree.child(schema, key) if schema else None
                if key in data:
                    self.visit(node, key, data[key], child, path + (key,))
        elif isinstance(node, CommentedSeq) and isinstance(data, list):
            item = self.tree.items(schema) if schema else None
            for i in range(min(len(node), len(data))):
                self.visit(node, i, data[i], item, path + (i,))

    def visit(self, parent: Any, key: Any, data: Any, schema: Field | None, path: FieldPath) -> None:
        node = parent[key]
        if isinstance(node, (CommentedMap, CommentedSeq)):
            self.walk(node, data, schema, path)
            return
        in_flow = bool(parent.fa.flow_style())
        new = self.canonical(node, data, schema, path, in_flow)
        if new is not node:
            # ruamel.yaml's own __setitem__ keeps the old quoting style on purpose; bypass it.
            base = OrderedDict if isinstance(parent, CommentedMap) else list
            base.__setitem__(parent, key, new)

    def canonical(self, node: Any, data: Any, schema: Field | None, path: FieldPath, in_flow: bool) -> Any:
        """The canonical form of one scalar (``data`` is what the registry loader read)."""
        is_date = bool(schema and schema.node.get("format") == "date")
        is_code = bool(schema and CODE_DEFS.intersection(schema.defs))
        if isinstance(data, bool):
            if schema is not None and schema.type not in (None, "boolean"):
                return node  # yes/on where text is wanted: validate says what to write; never guess here
            if not isinstance(node, bool):
                self._note(path, f"是/否请写 {'true' if data else 'false'}。")
                return data
            return node
        if isinstance(data, int) and is_code and _accepts_text(schema, str(data)):
            self._set_expected(path, str(data))
            self._note(path, f"代码要写成带英文双引号的文本：\"{data}\"。")
            return DoubleQuotedScalarString(str(data))
        if not isinstance(data, str):
            return node
        if is_date and (day := _as_date(data)) is not None:
            if not isinstance(node, dt.date):
                self._note(path, f"日期不加引号：{data}。")
            return day
        if isinstance(node, _BLOCK_SCALARS):
            return node  # long text written as a block (| or >) stays a block
        if is_code or not _plain_ok(data, in_flow):
            if type(node) is not DoubleQuotedScalarString:
                why = "代码要加英文双引号" if is_code else "这个值需要加英文双引号（否则会被读成别的意思）"
                self._note(path, f"{why}：{_dq(data)}。")
            return DoubleQuotedScalarString(data)
        if type(node) is not str:
            self._note(path, f"不需要引号：{data}。")
        return str(data)

    def _set_expected(self, path: FieldPath, value: Any) -> None:
        target = self.expected
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value


def _dq(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ----------------------------------------------------------------------------- whitespace

def _layout_findings(original: str, result: str, explained: set[int]) -> list[Finding]:
    """Lines whose indentation or spacing differs, not already explained by another finding."""
    out_lines = set(result.splitlines())
    out_stripped = {line.strip() for line in out_lines}
    rows = []
    for number, line in enumerate(original.splitlines(), 1):
        if number in explained or line in out_lines:
            continue
        if line.strip() in out_stripped or line != line.rstrip():
            rows.append(number)
    if rows:
        shown = "、".join(map(str, rows[:8])) + ("等" if len(rows) > 8 else "")
        return [Finding(rows[0], "", f"第 {shown} 行的缩进或空格与规范格式不同（每层缩进 2 个空格，列表项“- ”比上级字段多缩进 2 格，行尾不留空格）。")]
    if original != result and not explained:
        first = next((i for i, (a, b) in enumerate(zip(original.splitlines(), result.splitlines()), 1) if a != b),
                     min(len(original.splitlines()), len(result.splitlines())) + 1)
        return [Finding(first, "", "空行、换行或文件结尾与规范格式不同。")]
    return []


# ----------------------------------------------------------------------------- entry point

def format_record(text: str, file: str, tree: SchemaTree) -> Formatted:
    """Canonical form of ``text`` (the file ``file``, governed by ``tree``)."""
    doc, problems = parse_text(text, file)
    if doc is None:
        return Formatted(None, problems=problems)
    if not isinstance(doc.data, dict):  # pragma: no cover - parse_text only returns mappings
        return Formatted(None, problems=[Problem(file, 1, 1, "", "文件的最外层必须是键值对。", "fmt.top_level")])
    source = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not source.endswith("\n"):
        source += "\n"
    y = _yaml()
    findings: list[Finding] = []
    try:
        root = y.load(source)
        lines = source.splitlines(keepends=True)
        order = _LineSorter(lines, tree, findings).document(root)
        moved = "".join(lines[i] for i in order)
        root = y.load(moved)
    except (RuamelError, ValueError, TypeError, KeyError, IndexError) as err:
        return Formatted(None, problems=[Problem(file, None, None, "", f"无法自动整理这个文件的格式（{err}）：请手工检查缩进和引号。",
                                                 "fmt.unsupported")])
    expected = copy.deepcopy(doc.data)
    _ScalarFixer(tree, doc.position, expected, findings).walk(root, doc.data, tree.root, ())
    out = io.StringIO()
    y.dump(root, out)
    result = out.getvalue()
    check, _ = parse_text(result, file)
    if check is None or check.data != expected:
        return Formatted(None, problems=[Problem(file, None, None, "", "自动整理会改变这个文件的内容，已放弃：请手工整理格式，"
                                                 "并把这个文件报告给维护人员。", "fmt.unsafe")])
    explained = {f.line or 0 for f in findings}
    findings += _layout_findings(text, result, explained)
    findings.sort(key=lambda f: (f.line or 0, f.field))
    return Formatted(result, findings)


def unified_diff(before: str, after: str, file: str) -> str:
    """A unified diff, for people who want to see exactly what fmt would change."""
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"{file}（现在）", f"{file}（规范格式）"))
