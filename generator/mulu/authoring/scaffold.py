"""New record files (``mulu new``): every field explained in Chinese, from the schema.

Values the tool knows (id, status, maintainers when given) are filled in; everything the
institution must supply is left empty (``''``) on purpose, so that ``mulu validate`` lists
exactly what is still to fill instead of letting a made-up placeholder be published.
Optional fields are written as comments: removing the leading ``# `` turns them on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mulu.authoring.formatting import format_record
from mulu.core import creditcode
from mulu.core.kinds import KIND_BY_NAME, KINDS, Kind
from mulu.core.loading import load_file
from mulu.core.schemas import Field, SchemaTree, load_tree_for
from mulu.core.vocabularies import VOCABULARY_KEYWORD, build_vocabularies
from mulu.errors import MuluError, SchemaFileError

# Fields a reviewer sets (suspension, credit-code exceptions): not offered in a template.
REVIEWER_FIELDS = frozenset({"status_change", "credit_code_exception"})
# Fields the schema leaves optional but a domain rule asks for, per kind.
RULE_REQUIRED: dict[str, frozenset[tuple[str, ...]]] = {
    "programmes": frozenset({("occupation",), ("levels", "level")}),
    "institutions": frozenset({("address",)}),   # except online platforms (rules.online_rule)
}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


@dataclass(frozen=True)
class Known:
    """Values the person creating the record already gave on the command line."""

    id: str
    name: str | None = None
    region: str | None = None
    maintainers: tuple[str, ...] = ()
    # The project's vocabularies (registry/reference/vocabularies.yml): list name -> allowed values.
    vocabularies: tuple[tuple[str, tuple[str, ...]], ...] = ()


def find_kind(name: str) -> Kind | None:
    """A kind by folder name (``institutions``) or singular (``institution``)."""
    if name in KIND_BY_NAME:
        return KIND_BY_NAME[name]
    return next((k for k in KINDS if k.schema == f"{name}.schema.json"), None)


def check_id(kind: Kind, record_id: str) -> str | None:
    """Why ``record_id`` cannot name a record of ``kind`` (None when it can)."""
    if kind.keyed_by_credit_code:
        if len(record_id) != 18 or any(c not in creditcode.ALPHABET for c in record_id):
            return (f"{kind.noun}以 18 位统一社会信用代码为编号（数字和大写字母，不含 I、O、Z、S、V），"
                    f"“{record_id}”不是。请照营业执照或登记证书填写。")
        return None
    if not _ID.match(record_id):
        return f"编号“{record_id}”只能用英文字母、数字、短横线、下划线和点，且以字母或数字开头。"
    return None


def default_id(kind: Kind, folder: Path) -> str:
    """A free placeholder id (``new-studio``, ``new-studio-2`` …) for kinds not keyed by code."""
    stem = "new-" + kind.schema.split(".")[0]
    taken = {p.stem.casefold() for p in folder.glob("*.yml")} if folder.is_dir() else set()
    candidate, n = stem, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)


def _comment(field: Field, required: bool, vocabularies: dict[str, tuple[str, ...]]) -> list[str]:
    words = field.title or ""
    words += "（必填）" if required else "（选填，需要时删掉下面各行开头的“# ”）"
    text = field.description
    enum = field.node.get("enum") or vocabularies.get(str(field.node.get(VOCABULARY_KEYWORD)))
    if field.type == "array" and not enum:
        items = field.node.get("items") or {}
        enum = vocabularies.get(str(items.get(VOCABULARY_KEYWORD)))
    if enum and field.type in ("string", "array"):
        text += ("" if not text or text.endswith("。") else "。") + f"可选：{'、'.join(map(str, enum))}。"
    elif field.type == "boolean":
        text += ("" if not text or text.endswith("。") else "。") + "填 true（是）或 false（否）。"
    elif field.type == "integer" and not text:
        text = "只写整数，不带单位。"
    return [words + ("：" + text if text else "")]


class _Writer:
    def __init__(self, tree: SchemaTree, kind: Kind, known: Known) -> None:
        self.tree = tree
        self.kind = kind
        self.known = known
        self.lines: list[str] = []

    def emit(self, indent: int, text: str, commented: bool) -> None:
        self.lines.append(" " * indent + ("# " if commented else "") + text)

    def required(self, parent: Field, key: str, path: tuple[str, ...]) -> bool:
        return key in parent.required() or path in RULE_REQUIRED.get(self.kind.name, frozenset())

    def mapping(self, field: Field, indent: int, path: tuple[str, ...], commented: bool,
                first_prefix: str = "") -> None:
        """The fields of object ``field``; ``first_prefix`` is a list dash for the first line."""
        first = True
        for key in field.properties():
            child = self.tree.child(field, key)
            sub = path + (key,)
            if child is None or (not path and key in REVIEWER_FIELDS):
                continue
            needed = self.required(field, key, sub)
            off = commented or not needed
            pad = indent + (len(first_prefix) if first_prefix and not first else 0)
            if not commented:
                for line in _comment(child, needed, dict(self.known.vocabularies)):
                    self.emit(pad, line, True)
            prefix = first_prefix if first else ""
            self.value(child, key, pad, sub, off, prefix)
            first = False

    def value(self, field: Field, key: str, indent: int, path: tuple[str, ...], commented: bool,
              prefix: str) -> None:
        head = f"{prefix}{key}:"
        inner = indent + len(prefix) + 2
        if field.type == "object":
            self.emit(indent, head, commented)
            self.mapping(field, inner, path, commented)
        elif field.type == "array":
            items = self.tree.items(field) or Field({}, ())
            self.emit(indent, head, commented)
            if items.type == "object":
                self.mapping(items, inner, path, commented, first_prefix="- ")
            else:
                for value in self.known_list(path) or [""]:
                    self.emit(inner, "- " + _scalar(value), commented)
        else:
            self.emit(indent, f"{head} {_scalar(self.placeholder(field, path))}".rstrip(), commented)

    def known_list(self, path: tuple[str, ...]) -> list[str]:
        return list(self.known.maintainers) if path == ("maintainers",) else []

    def placeholder(self, field: Field, path: tuple[str, ...]) -> Any:
        given: dict[tuple[str, ...], str | None] = {("id",): self.known.id, ("name",): self.known.name,
                                                    ("region",): self.known.region}
        if given.get(path):
            return given[path]
        if path == ("status",):
            return "在册"
        if field.type in ("integer", "number", "boolean"):
            return None  # left empty: validation asks for the real number / true or false
        return ""


def template(tree: SchemaTree, kind: Kind, known: Known, schema_name: str) -> str:
    """The text of a new record file of ``kind`` in canonical form."""
    writer = _Writer(tree, kind, known)
    writer.lines += [
        f"# yaml-language-server: $schema=../../schemas/{schema_name}",
        "",
        f"# {kind.noun}（{kind.title}）：{tree.root.description}",
        "# 填写说明：标“必填”的字段都要填写；标“选填”的字段需要时删掉该行开头的“# ”再填写。",
        "# 文字直接写，不用加引号；代码和编号（如行政区划代码）保留英文双引号；日期写成 2024-03-01。",
        "# 填好后运行 mulu validate 检查、mulu fmt 整理格式；详细步骤见《如何修改记录》（docs/contributing.md）。",
        "",
    ]
    writer.mapping(tree.root, 0, (), False)
    text = "\n".join(writer.lines) + "\n"
    formatted = format_record(text, f"registry/{kind.name}/{known.id}.yml", tree)
    return formatted.text if formatted.text is not None else text


def project_vocabularies(root: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The allowed values of each vocabulary of the project (none when the file is unreadable:
    the template then just leaves the choices out)."""
    doc, _ = load_file(root / "registry" / "reference" / "vocabularies.yml", "vocabularies.yml")
    if doc is None:
        return ()
    found, _ = build_vocabularies(doc)
    return tuple((name, tuple(v.terms)) for name, v in found.items())


def create(root: Path, kind: Kind, known: Known) -> Path:
    """Write ``registry/<kind>/<id>.yml`` from the template; never overwrites anything."""
    # Exit code 1: the request was understood but this record cannot be created.
    problem = check_id(kind, known.id)
    if problem:
        raise MuluError(problem, 1)
    folder = root / "registry" / kind.name
    path = folder / f"{known.id}.yml"
    rel = path.relative_to(root).as_posix()
    clash = next((p for p in folder.glob("*.yml") if p.stem.casefold() == known.id.casefold()), None) \
        if folder.is_dir() else None
    if clash is not None:
        raise MuluError(f"{clash.relative_to(root).as_posix()} 已经存在，没有覆盖它：要修改这条记录，请直接编辑该文件；"
                        "要新增记录，请换一个编号。", 1)
    try:
        tree = load_tree_for(root / "schemas", kind.schema)
    except SchemaFileError as err:
        raise MuluError(str(err), 1) from None
    text = template(tree, kind, replace(known, vocabularies=known.vocabularies or project_vocabularies(root)), kind.schema)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as out:  # "x": fail rather than overwrite
            out.write(text)
    except FileExistsError:
        raise MuluError(f"{rel} 已经存在，没有覆盖它。", 1) from None
    return path
