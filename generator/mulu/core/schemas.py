"""The JSON Schemas in ``schemas/``: compiled validators, field labels and Chinese errors."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from mulu.core.kinds import KIND_BY_NAME
from mulu.core.loading import Document, FieldPath, field_name
from mulu.core.problems import Problem
from mulu.errors import SchemaFileError

DEFS = "defs.schema.json"
CONFIG_SCHEMA = "config.schema.json"
ITEMS = "[]"  # the path step for "each item of a list" in SchemaTree.walk
_TYPE_NAMES = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "true 或 false",
               "object": "“字段名: 值”形式的键值对", "array": "列表（每项以“- ”开头）", "null": "空值"}
_REQUIRED = re.compile(r"^'(.+)' is a required property$")


@dataclass(frozen=True)
class Field:
    """One schema node with its ``$ref`` chain followed: the merged keywords and the names
    of the shared definitions it went through (e.g. ``("region",)``)."""

    node: dict[str, Any]
    defs: tuple[str, ...]

    @property
    def type(self) -> str | None:
        value = self.node.get("type")
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        return str(self.node.get("title", ""))

    @property
    def description(self) -> str:
        return str(self.node.get("description", ""))

    def properties(self) -> list[str]:
        """Field names of an object, in schema order (the canonical order)."""
        return list(self.node.get("properties", {}))

    def required(self) -> list[str]:
        """Names of the required fields of an object."""
        return list(self.node.get("required", []))

    @property
    def format(self) -> str:
        """The shared definition the field uses (``region``, ``date``, ``money`` …), else its JSON type."""
        return self.defs[0] if self.defs else (self.type or "")


class SchemaTree:
    """The one schema walker: fields of one schema file *as written* (property order,
    titles, descriptions, which shared definition a field uses), with ``$ref`` followed
    into the shared definitions. The validator works on compiled schemas instead."""

    def __init__(self, schema: dict[str, Any], defs: dict[str, Any]) -> None:
        self._defs = defs.get("$defs", {})
        self.root = self.resolve(schema)

    def resolve(self, node: dict[str, Any] | None) -> Field:
        """Follow ``$ref``s into the shared definitions; keywords written locally win."""
        return Field(*follow_refs(dict(node or {}), self._defs))

    def child(self, field: Field, key: str) -> Field | None:
        """The field ``key`` of object ``field``, or None when the schema does not know it."""
        sub = field.node.get("properties", {}).get(key)
        return self.resolve(sub) if isinstance(sub, dict) else None

    def items(self, field: Field) -> Field | None:
        """The schema of the items of array ``field``."""
        sub = field.node.get("items")
        return self.resolve(sub) if isinstance(sub, dict) else None

    def walk(self) -> Iterator[tuple[tuple[str, ...], Field]]:
        """Every field, parents first, in schema order; list items add an :data:`ITEMS` step."""
        stack: list[tuple[tuple[str, ...], Field]] = [((), self.root)]
        while stack:
            path, field = stack.pop()
            yield path, field
            children = [(path + (key,), self.child(field, key)) for key in field.properties()]
            items = self.items(field)
            if items is not None:
                children.append((path + (ITEMS,), items))
            stack += [(p, f) for p, f in reversed(children) if f is not None]

    def at(self, path: FieldPath) -> Field | None:
        """The field at a concrete ``path``; list indices (and a name under a list) look into its items."""
        field: Field | None = self.root
        for step in path:
            if field is None:
                return None
            if isinstance(step, int) or step == ITEMS:
                field = self.items(field)
                continue
            if field.type == "array":
                field = self.items(field)
            field = self.child(field, step) if field is not None else None
        return field


@dataclass(frozen=True)
class Schema:
    """One kind's schema: the validator, and a Chinese label for every field path."""

    name: str
    raw: dict[str, Any]
    validator: Draft202012Validator
    labels: dict[tuple[str, ...], str]
    descriptions: dict[tuple[str, ...], str]
    tree: SchemaTree

    def label(self, path: FieldPath) -> str:
        """Chinese title of the field at ``path`` (list indices ignored)."""
        key = tuple(p for p in path if isinstance(p, str))
        return self.labels.get(key) or (key[-1] if key else "记录")

    def properties(self) -> list[str]:
        """Top-level field names in schema order (the canonical field order)."""
        return list(self.raw.get("properties", {}))


def follow_refs(node: dict[str, Any], definitions: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Follow ``$ref`` into the shared definitions (the ``$defs`` of defs.schema.json), keeping
    keywords written locally on top; also returns the names of the definitions gone through."""
    names: list[str] = []
    for _ in range(10):  # our definitions are not recursive; the bound only guards typos
        ref = node.get("$ref")
        if not isinstance(ref, str) or "/$defs/" not in ref:
            break
        names.append(ref.rsplit("/", 1)[-1])
        node = {**definitions.get(names[-1], {}), **{k: v for k, v in node.items() if k != "$ref"}}
    return node, tuple(names)


def load_schema_files(schema_dir: Path) -> dict[str, dict[str, Any]]:
    """Every ``*.schema.json`` in ``schema_dir`` by file name, each checked against the metaschema."""
    out = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        try:
            out[path.name] = json.loads(path.read_text(encoding="utf-8"))
            Draft202012Validator.check_schema(out[path.name])
        except (OSError, UnicodeDecodeError) as err:
            raise SchemaFileError(f"{path}：无法读取（{err}）。") from None
        except json.JSONDecodeError as err:
            raise SchemaFileError(f"{path}:{err.lineno}:{err.colno}: 不是合法的 JSON（{err.msg}）：请修正后再运行。") from None
        except SchemaError as err:
            where = "/".join(map(str, err.absolute_path))
            raise SchemaFileError(f"{path}: 不是合法的 JSON Schema（位置 {where or '顶层'}：{err.message}）。") from None
    if DEFS not in out:
        raise SchemaFileError(f"{schema_dir} 中找不到 {DEFS}：请确认 schemas/ 目录完整。")
    return out


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Replace every ``$ref`` into the shared definitions by its content.

    Our definitions are not recursive, and following ``$ref`` through ``referencing`` on
    every value was most of validation time (10,000 records: 4.5 s -> see benchmarks/)."""
    if isinstance(node, list):
        return [_inline(x, defs) for x in node]
    if not isinstance(node, dict):
        return node
    node = follow_refs(node, defs["$defs"])[0] if "$ref" in node else node
    return {k: (v if k in ("$defs", "enum", "const", "required") else _inline(v, defs)) for k, v in node.items()}


def compile_schemas(raw: dict[str, dict[str, Any]]) -> dict[str, Schema]:
    """Compile every schema with its shared definitions inlined (the files keep their ``$ref``s)."""
    defs = raw[DEFS]
    registry: Registry = Registry().with_resources(
        (name, Resource.from_contents(s, default_specification=DRAFT202012)) for name, s in raw.items())
    out = {}
    for name, original in raw.items():
        tree = SchemaTree(original, defs)
        labels: dict[tuple[str, ...], str] = {}
        descriptions: dict[tuple[str, ...], str] = {}
        for path, field in tree.walk():
            key = tuple(p for p in path if p != ITEMS)  # an item shares its list's label
            if key and field.title:
                labels.setdefault(key, field.title)
            if key and field.description:
                descriptions.setdefault(key, field.description)
        validator = Draft202012Validator(_inline(original, defs), registry=registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        out[name] = Schema(name, original, validator, labels, descriptions, tree)
    return out


def _describe(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def _message(schema: Schema, err: ValidationError, path: FieldPath) -> tuple[FieldPath, str]:
    """Turn one jsonschema error into (field path, Chinese message saying what to fix)."""
    label = schema.label(path)
    v, expected, value = err.validator, err.validator_value, err.instance
    if v == "required":
        match = _REQUIRED.match(err.message)
        missing = match.group(1) if match else "?"
        child = path + (missing,)
        return child, f"缺少必填字段“{missing}”（{schema.label(child)}）：请在{label if path else '记录'}中添加。"
    if v == "type":
        names = expected if isinstance(expected, list) else [expected]
        hint = ""
        if "string" in names and isinstance(value, (int, float)) and not isinstance(value, bool):
            hint = "代码、编号等数字形式的文本请加英文引号，例如 \"230100\"。"
        elif "integer" in names and isinstance(value, str):
            hint = "只写数字，不要带单位、逗号或引号，例如 1200。"
        return path, f"“{label}”应为{'或'.join(_TYPE_NAMES.get(str(n), str(n)) for n in names)}，现在是 {_describe(value)}。{hint}"
    if v == "enum":
        return path, f"“{label}”只能是以下之一：{'、'.join(map(str, expected))}；现在是 {_describe(value)}。"
    if v in ("pattern", "format"):
        desc = schema.descriptions.get(tuple(p for p in path if isinstance(p, str)), "")
        if v == "format" and expected == "date" and not desc:
            desc = "日期格式为 YYYY-MM-DD。"
        what = "不是有效的日期" if v == "format" else "格式不对"
        return path, f"“{label}”{what}：{_describe(value)}。{desc}"
    if v == "minimum":
        return path, f"“{label}”不能小于 {expected}，现在是 {value}。"
    if v == "maximum":
        return path, f"“{label}”不能大于 {expected}，现在是 {value}。"
    if v == "minLength":
        return path, f"“{label}”不能为空。"
    if v == "maxLength":
        return path, f"“{label}”太长：最多 {expected} 个字符，现在是 {len(value)} 个。"
    if v == "minItems":
        return path, f"“{label}”至少要有 {expected} 项。"
    if v == "uniqueItems":
        return path, f"“{label}”中有重复的项：请删除重复项。"
    return path, f"“{label}”不符合要求：{err.message}"


def _extra_fields(schema: Schema, err: ValidationError, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    allowed = list(err.schema.get("properties", {}))
    for key in err.instance:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"是不是想写“{close[0]}”（{schema.label(path + (close[0],))}）？" if close else \
            f"允许的字段有：{'、'.join(allowed)}。"
        yield path + (key,), f"不认识的字段“{key}”：请检查拼写或删除它。{hint}"


def schema_problems(schema: Schema, doc: Document) -> list[Problem]:
    """Every way ``doc`` breaks ``schema``, located at the offending field."""
    problems = []
    errors = list(schema.validator.iter_errors(doc.data))
    # A value that fails its pattern (e.g. "2024/3/1") also fails its format: say it once.
    patterned = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    for err in errors:
        path: FieldPath = tuple(err.absolute_path)
        if err.validator == "format" and path in patterned:
            continue
        found = (_extra_fields(schema, err, path) if err.validator == "additionalProperties"
                 else [_message(schema, err, path)])
        for field, message in found:
            line, col = doc.position(field)
            problems.append(Problem(doc.file, line, col, field_name(field), message, f"schema.{err.validator}"))
    return problems


def load_tree_for(schema_dir: Path, schema_name: str) -> SchemaTree:
    """The :class:`SchemaTree` of ``schemas/<schema_name>``; raises :class:`SchemaFileError`."""
    raw = load_schema_files(schema_dir)
    if schema_name not in raw:
        raise SchemaFileError(f"找不到 schema 文件 {schema_dir / schema_name}：请在项目目录中运行，或用 --root 指定项目目录。")
    return SchemaTree(raw[schema_name], raw[DEFS])


def schema_for(rel_path: str) -> str | None:
    """Which schema governs the project file ``rel_path`` (posix, relative to the root):
    records under ``registry/<kind>/`` and ``registry/config.yml``; None for anything else."""
    parts = rel_path.split("/")
    if parts == ["registry", "config.yml"]:
        return CONFIG_SCHEMA
    if len(parts) == 3 and parts[0] == "registry" and parts[1] in KIND_BY_NAME and parts[2].endswith(".yml"):
        return KIND_BY_NAME[parts[1]].schema
    return None
