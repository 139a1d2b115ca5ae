"""Validation: the only gate between files and everything that is published."""

from __future__ import annotations

from pathlib import Path

from .kinds import KIND_BY_NAME
from .loading import Document, LoadedTree
from .problems import Problem
from .reference import Reference, build_reference
from .rules import Context, rule_problems
from .schemas import Schema, schema_problems


def _id_problems(kind: str, doc: Document, seen: dict[str, str]) -> list[Problem]:
    problems = []
    expected = Path(doc.file).name[: -len(".yml")]
    actual = doc.data.get("id")
    line, col = doc.position(("id",))
    if isinstance(actual, str) and actual != expected:
        problems.append(Problem(doc.file, line, col, "id", f"编号“{actual}”与文件名“{expected}.yml”不一致："
                                "请把编号改成与文件名相同，或把文件改名为“编号.yml”。", "rule.id"))
    folded = expected.casefold()
    if folded in seen:
        problems.append(Problem(doc.file, line, col, "id", f"编号与 {seen[folded]} 重复（不区分大小写）："
                                "每条记录的编号必须唯一。", "rule.id_unique"))
    seen[folded] = doc.file
    return problems


def _context(tree: LoadedTree, reference: Reference) -> Context:
    ids = {kind: {Path(d.file).name[:-4] for d in docs} for kind, docs in tree.records.items()}
    notice_dates = {Path(d.file).name[:-4]: d.data.get("date") for d in tree.records.get("notices", [])
                    if isinstance(d.data.get("date"), str)}
    return Context(reference, ids, notice_dates)


def _config_problems(tree: LoadedTree, schemas: dict[str, Schema], reference: Reference) -> list[Problem]:
    if tree.config is None:
        return []
    problems = schema_problems(schemas["config.schema.json"], tree.config)
    for i, code in enumerate(tree.config.data.get("jurisdictions") or []):
        if isinstance(code, str) and reference.regions and code not in reference.regions:
            line, col = tree.config.position(("jurisdictions", i))
            problems.append(Problem(tree.config.file, line, col, f"jurisdictions[{i}]",
                                    f"辖区代码 {code} 不在 regions.yml 中。", "rule.region"))
    return problems


def validate_tree(tree: LoadedTree, schemas: dict[str, Schema]) -> tuple[Reference, list[Problem]]:
    """Every problem in a loaded tree: load errors, schema errors and domain rules."""
    reference, problems = build_reference(tree.reference)
    problems = tree.problems + problems + _config_problems(tree, schemas, reference)
    ctx = _context(tree, reference)
    for kind, docs in tree.records.items():
        schema = schemas[KIND_BY_NAME[kind].schema]
        seen: dict[str, str] = {}
        for doc in docs:
            problems += schema_problems(schema, doc)
            problems += _id_problems(kind, doc, seen)
            problems += rule_problems(kind, doc, ctx)
    return reference, problems
