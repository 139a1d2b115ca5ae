"""The fast layer: loading, rules, history diffs and formatting called in-process on small
inputs (the CLI tests show the same behaviour as the user sees it, more slowly)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.project import REPO
from helpers.records import GOOD_CODE, INSTITUTION, NOTICE, SPEC
from mulu.authoring.formatting import format_record
from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.loading import load_tree, parse_text
from mulu.core.problems import Problem
from mulu.core.rules import Context
from mulu.core.schemas import Schema, compile_schemas, load_schema_files, load_tree_for
from mulu.core.validation import record_problems, validate_frame
from mulu.history.diff import FileChange, semantic_diff


@pytest.fixture(scope="module")
def schemas() -> dict[str, Schema]:
    return compile_schemas(load_schema_files(REPO / "schemas"))


@pytest.fixture(scope="module")
def ctx(schemas: dict[str, Schema]) -> Context:
    """The rule context of the shipped sample registry, plus the test notice."""
    tree = load_tree(REPO, [k.name for k in KINDS])
    _, context, problems = validate_frame(tree, schemas)
    assert not problems
    context.ids.setdefault("notices", set()).add("t-notice-1")
    context.notice_dates["t-notice-1"] = parse_text(NOTICE, "n.yml")[0].data["date"]  # type: ignore[union-attr]
    return context


def check(kind: str, text: str, schemas: dict[str, Schema], ctx: Context, name: str) -> list[Problem]:
    doc, problems = parse_text(text, f"registry/{kind}/{name}.yml")
    assert doc is not None, problems
    return problems + record_problems(kind, doc, schemas[KIND_BY_NAME[kind].schema], ctx)


# -- loading ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "words"), [
    ("id: a\nname: b\nname: c\n", 3, "重复"),
    ("id: a\n\tname: b\n", 2, "Tab"),
    ("base: &x {a: 1}\nother: *x\n", 2, "锚点和别名"),
    ("id: !!python/object x\n", 1, "标签"),
])
def test_loading_refuses_with_the_line_and_a_chinese_reason(text: str, line: int, words: str) -> None:
    doc, problems = parse_text(text, "x.yml")
    assert doc is None or problems
    assert any(p.line == line and words in p.message for p in problems), problems


def test_loading_records_the_position_of_every_field() -> None:
    doc, problems = parse_text(SPEC, "x.yml")
    assert doc is not None and not problems
    assert doc.position(("competencies", 1, "weight")) == (SPEC.splitlines().index("    weight: 50") + 1, 5)


# -- rules -----------------------------------------------------------------------------------

def test_a_good_institution_has_no_problems(schemas: dict[str, Schema], ctx: Context) -> None:
    assert check("institutions", INSTITUTION.format(code=GOOD_CODE), schemas, ctx, GOOD_CODE) == []


def test_a_wrong_check_character_is_named_with_its_fix(schemas: dict[str, Schema], ctx: Context) -> None:
    bad = GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1")
    problems = check("institutions", INSTITUTION.format(code=bad), schemas, ctx, bad)
    assert [p.rule for p in problems] == ["rule.credit_code"]
    assert problems[0].line == 1 and "校验" in problems[0].message


def test_weights_must_add_up_to_100(schemas: dict[str, Schema], ctx: Context) -> None:
    problems = check("specs", SPEC, schemas, ctx, "t-spec-1")
    assert [(p.line, p.field) for p in problems] == [(SPEC.splitlines().index("competencies:") + 1, "competencies")]
    assert "90%" in problems[0].message


def test_an_unknown_notice_is_a_broken_reference(schemas: dict[str, Schema], ctx: Context) -> None:
    text = SPEC.replace("weight: 50", "weight: 60").replace("notice: t-notice-1", "notice: no-such-notice")
    problems = check("specs", text, schemas, ctx, "t-spec-1")
    assert [p.field for p in problems] == ["listed.notice"] and "no-such-notice" in problems[0].message


# -- history diff ----------------------------------------------------------------------------

def test_an_address_change_without_notice_is_a_correction() -> None:
    old = INSTITUTION.format(code=GOOD_CODE)
    new = old.replace("address: 哈尔滨市南岗区测试路 1 号", "address: 新校区")
    path = f"registry/institutions/{GOOD_CODE}.yml"
    changes = semantic_diff([FileChange("M", path, path, old.encode(), new.encode())])
    assert [(c.action, [(f.field, f.old, f.new) for f in c.fields]) for c in changes] == [
        ("changed", [("address", "哈尔滨市南岗区测试路 1 号", "新校区")])]
    assert changes[0].notice == ""  # no notice: an editorial correction


def test_a_suspension_carries_its_reason_and_date() -> None:
    old = INSTITUTION.format(code=GOOD_CODE)
    new = old.replace("status: 在册\n", "status: 暂停\nstatus_change:\n  date: 2024-08-05\n  notice: t-notice-1\n"
                                       "  reason: 实训设备检修\n")
    path = f"registry/institutions/{GOOD_CODE}.yml"
    (change,) = semantic_diff([FileChange("M", path, path, old.encode(), new.encode())])
    assert (change.action, change.reason, change.date) == ("suspended", "实训设备检修", "2024-08-05")


# -- formatting ------------------------------------------------------------------------------

def test_formatting_orders_fields_and_quotes_codes() -> None:
    tree = load_tree_for(REPO / "schemas", "institution.schema.json")
    messy = INSTITUTION.format(code=GOOD_CODE).replace('region: "230103"', "region: 230103")
    messy = messy.replace("name: 哈尔滨市南岗区测试职业技能培训学校\n", "").replace(
        "status: 在册\n", "status: 在册\nname: 哈尔滨市南岗区测试职业技能培训学校\n")
    result = format_record(messy, "x.yml", tree)
    assert result.text == INSTITUTION.format(code=GOOD_CODE)
    assert {f.field for f in result.findings} >= {"region"}
    assert format_record(result.text, "x.yml", tree).changed is False  # idempotent


def test_the_sample_registry_is_already_canonical() -> None:
    for kind in KINDS:
        tree = load_tree_for(REPO / "schemas", kind.schema)
        for path in sorted((REPO / "registry" / kind.name).glob("*.yml"))[:5]:
            text = path.read_text(encoding="utf-8")
            assert not format_record(text, path.name, tree).changed, Path(path).name
