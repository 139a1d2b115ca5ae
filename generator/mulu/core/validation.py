"""Validation: the only gate between files and everything that is published."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from mulu.core.config import parse_config
from mulu.core.kinds import KIND_BY_NAME
from mulu.core.loading import Document, LoadedTree, field_name, get_path, yaml11_boolean_message
from mulu.core.privacy import personal_data_problems
from mulu.core.problems import Problem
from mulu.core.reference import Reference, build_reference
from mulu.core.rules import Context, rule_problems
from mulu.core.schemas import Schema, schema_problems
from mulu.core.shortages import shortage_entries
from mulu.core.vocabularies import vocabulary_problems


def record_id(path: str | Path) -> str:
    """A record's id is its file name without ``.yml``."""
    return (path if isinstance(path, Path) else Path(path)).name[: -len(".yml")]


def _id_problem(doc: Document) -> list[Problem]:
    expected, actual = record_id(doc.file), doc.data.get("id")
    if not isinstance(actual, str) or actual == expected:
        return []
    line, col = doc.position(("id",))
    return [Problem(doc.file, line, col, "id", f"编号“{actual}”与文件名“{expected}.yml”不一致："
                    "请把编号改成与文件名相同，或把文件改名为“编号.yml”。", "rule.id")]


def yaml11_boolean_problems(doc: Document, found: list[Problem]) -> list[Problem]:
    """A schema type error on a value written ``yes``/``no``/``on``/``off`` says what was
    written and what to write instead, not "should be text, is true"."""
    if not doc.yaml11_booleans:
        return found
    spelled = {field_name(path): (text, get_path(doc.data, path)) for path, text in doc.yaml11_booleans.items()}
    out = []
    for problem in found:
        text, value = spelled.get(problem.field, ("", None))
        if text and problem.rule in ("schema.type", "schema.enum") and isinstance(value, bool):
            problem = replace(problem, message=yaml11_boolean_message(text, value), rule="yaml.strict_scalar")
        out.append(problem)
    return out


def record_problems(kind: str, doc: Document, schema: Schema, ctx: Context) -> list[Problem]:
    """Every problem of one record: its schema, its id, and the domain rules."""
    found = (yaml11_boolean_problems(doc, schema_problems(schema, doc))
             + vocabulary_problems(schema, doc, ctx.reference.vocabularies))
    # A value the schema already rejects (e.g. an empty notice id) needs no second message from a rule.
    flagged = {p.field for p in found}
    return (found + _id_problem(doc) + [p for p in rule_problems(kind, doc, ctx) if p.field not in flagged]
            + personal_data_problems(schema, doc))


def duplicate_id_problems(tree: LoadedTree) -> list[Problem]:
    """Ids that differ only in letter case (they collide on Windows and macOS checkouts)."""
    problems = []
    for paths in tree.files.values():
        seen: dict[str, Path] = {}
        for path in paths:
            folded = record_id(path).casefold()
            if folded in seen:
                rel = path.relative_to(tree.root).as_posix()
                problems.append(Problem(rel, None, None, "id", f"编号与 {seen[folded].relative_to(tree.root).as_posix()} "
                                        "只有大小写不同：每条记录的编号必须唯一。", "rule.id_unique"))
            seen[folded] = path
    return problems


def make_context(tree: LoadedTree, reference: Reference, as_of: date | None = None) -> Context:
    """What rules may consult: code lists, which ids exist (from file names), notice dates,
    spec statuses (for ``replaced_by``) and, for time warnings, the as-of date."""
    ids = {kind: {record_id(p) for p in paths} for kind, paths in tree.files.items()}
    notice_dates = {record_id(d.file): d.data["date"] for d in tree.records.get("notices", [])
                    if isinstance(d.data.get("date"), str)}
    editions = {record_id(d.file): d.data["edition"] for d in tree.records.get("notices", [])
                if isinstance(d.data.get("edition"), dict)}
    config = parse_config(tree.config.data if tree.config is not None else None)
    spec_status = {record_id(d.file): str(d.data.get("status", "")) for d in tree.records.get("specs", [])}
    shortages = shortage_entries((record_id(d.file), d.data) for d in tree.records.get("shortages", []))
    return Context(reference, ids, notice_dates, editions=editions, jurisdictions=config.jurisdictions,
                   spec_status=spec_status, as_of=as_of, expiring_days=config.expiring_days, shortages=shortages,
                   sections=config.programme_sections)


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


def validate_frame(tree: LoadedTree, schemas: dict[str, Schema],
                   as_of: date | None = None) -> tuple[Reference, Context, list[Problem]]:
    """Check everything except the records' own contents: files, config, code lists."""
    reference, problems = build_reference(tree.reference)
    problems = tree.problems + problems + _config_problems(tree, schemas, reference) + duplicate_id_problems(tree)
    return reference, make_context(tree, reference, as_of), problems


def validate_tree(tree: LoadedTree, schemas: dict[str, Schema],
                  as_of: date | None = None) -> tuple[Reference, list[Problem]]:
    """Every problem in a loaded tree: load errors, schema errors and domain rules (with time
    warnings for ``as_of`` when it is given)."""
    reference, ctx, problems = validate_frame(tree, schemas, as_of)
    for kind, docs in tree.records.items():
        schema = schemas[KIND_BY_NAME[kind].schema]
        for doc in docs:
            problems += record_problems(kind, doc, schema, ctx)
    return reference, problems
