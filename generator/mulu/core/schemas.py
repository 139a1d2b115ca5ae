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

from mulu.core.loading import Document, FieldPath, field_name
from mulu.core.problems import Problem
from mulu.errors import SchemaFileError

DEFS = "defs.schema.json"
_TYPE_NAMES = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "true 或 false",
               "object": "“字段名: 值”形式的键值对", "array": "列表（每项以“- ”开头）", "null": "空值"}
_REQUIRED = re.compile(r"^'(.+)' is a required property$")


@dataclass(frozen=True)
class Schema:
    """One kind's schema: the validator, and a Chinese label for every field path."""

    name: str
    raw: dict[str, Any]
    validator: Draft202012Validator
    labels: dict[tuple[str, ...], str]
    descriptions: dict[tuple[str, ...], str]

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


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    return follow_refs(node, defs["$defs"])[0]


def _walk_labels(node: dict[str, Any], defs: dict[str, Any], path: tuple[str, ...],
                 labels: dict[tuple[str, ...], str], descriptions: dict[tuple[str, ...], str]) -> None:
    node = _resolve(node, defs)
    if "title" in node and path:
        labels.setdefault(path, node["title"])
    if "description" in node and path:
        descriptions.setdefault(path, node["description"])
    for key, sub in node.get("properties", {}).items():
        _walk_labels(sub, defs, path + (key,), labels, descriptions)
    if isinstance(node.get("items"), dict):
        _walk_labels(node["items"], defs, path, labels, descriptions)


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
    node = _resolve(node, defs) if "$ref" in node else node
    return {k: (v if k in ("$defs", "enum", "const", "required") else _inline(v, defs)) for k, v in node.items()}


def compile_schemas(raw: dict[str, dict[str, Any]]) -> dict[str, Schema]:
    """Compile every schema with its shared definitions inlined (the files keep their ``$ref``s)."""
    defs = raw[DEFS]
    registry: Registry = Registry().with_resources(
        (name, Resource.from_contents(s, default_specification=DRAFT202012)) for name, s in raw.items())
    out = {}
    for name, original in raw.items():
        schema = _inline(original, defs)
        labels: dict[tuple[str, ...], str] = {}
        descriptions: dict[tuple[str, ...], str] = {}
        _walk_labels(schema, defs, (), labels, descriptions)
        validator = Draft202012Validator(schema, registry=registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        out[name] = Schema(name, original, validator, labels, descriptions)
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
        return path, f"“{label}”应为{'或'.join(_TYPE_NAMES.get(n, n) for n in names)}，现在是 {_describe(value)}。{hint}"
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
