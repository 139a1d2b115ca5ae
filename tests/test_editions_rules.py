"""Fast in-process checks of the edition rules (core/rules.py) and the edition comparison
(history/editions.py), on the shipped sample registry's rule context."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from helpers.project import REPO
from mulu.core.kinds import KINDS
from mulu.core.loading import load_tree
from mulu.core.rules import Context, edition_notice_rule, edition_record_rule
from mulu.core.schemas import compile_schemas, load_schema_files
from mulu.core.validation import validate_frame
from mulu.history.editions import Edition, Snapshot, compare_snapshots


@pytest.fixture(scope="module")
def ctx() -> Context:
    schemas = compile_schemas(load_schema_files(REPO / "schemas"))
    _, context, problems = validate_frame(load_tree(REPO, [k.name for k in KINDS]), schemas)
    assert not problems
    return context


def edition(name: str, effective: str, replaces: str = "", region: str = "130000") -> dict[str, Any]:
    out = {"kind": "programmes", "region": region, "name": name, "effective": effective}
    return {**out, "replaces": replaces} if replaces else out


def with_editions(ctx: Context, **editions: dict[str, Any]) -> Context:
    dates = {**ctx.notice_dates, **{nid: "2023-12-01" for nid in editions}}
    return dataclasses.replace(ctx, editions={**ctx.editions, **editions}, notice_dates=dates)


def notice_messages(ctx: Context, nid: str) -> list[str]:
    data = {"id": nid, "date": "2023-12-01", "edition": ctx.editions[nid]}
    return [m for _, m in edition_notice_rule("notices", data, ctx)]


def test_sample_editions_pass(ctx: Context) -> None:
    assert set(ctx.editions) >= {"hlj-2024-01", "hlj-2025-01", "jl-2024-01", "jl-2025-01"}
    assert all(notice_messages(ctx, nid) == [] for nid in ctx.editions)


def test_names_are_unique_per_kind_and_region(ctx: Context) -> None:
    c = with_editions(ctx, a=edition("2024年版", "2024-01-01"), b=edition("2024年版", "2025-01-01", "a"),
                      other=edition("2024年版", "2024-01-01", region="210000"))
    assert any("已有名为“2024年版”的版本（公告 a）" in m for m in notice_messages(c, "b"))
    assert notice_messages(c, "other") == []   # another jurisdiction may use the same name


def test_replaces_must_resolve_to_an_earlier_edition_of_the_same_scope(ctx: Context) -> None:
    c = with_editions(ctx, a=edition("2024年版", "2024-01-01"), b=edition("2025年版", "2023-06-01", "a"),
                      c=edition("2026年版", "2026-01-01", "hb-2022-40"),
                      d=edition("另一辖区", "2026-01-01", "jl-2024-01"))
    assert any("不晚于所取代版本“2024年版”的生效日期" in m for m in notice_messages(c, "b"))
    assert any("没有发布目录版本" in m for m in notice_messages(c, "c"))
    assert any("另一目录或另一辖区" in m for m in notice_messages(c, "d"))


def test_a_later_edition_must_say_what_it_replaces_and_be_replaced_once(ctx: Context) -> None:
    c = with_editions(ctx, a=edition("2024年版", "2024-01-01"), b=edition("2025年版", "2025-01-01"),
                      x=edition("2025年版甲", "2025-02-01", "a"), y=edition("2025年版乙", "2025-03-01", "a"))
    assert any("请用 replaces 写明" in m for m in notice_messages(c, "b"))
    assert any("已经取代“a”" in m for m in notice_messages(c, "y"))
    assert not any("已经取代" in m for m in notice_messages(c, "x"))


def test_a_record_in_force_may_not_stay_in_a_replaced_edition_without_a_reason(ctx: Context) -> None:
    record = {"id": "hlj-5-01-02-01", "region": "230100", "status": "在册", "edition": "hlj-2024-01"}
    messages = [m for _, m in edition_record_rule("programmes", record, ctx)]
    assert len(messages) == 1 and "已被“2025年版”（公告 hlj-2025-01）取代" in messages[0]
    assert list(edition_record_rule("programmes", {**record, "status": "已移出"}, ctx)) == []
    assert list(edition_record_rule("programmes", {**record, "edition_note": "过渡期至3月底。"}, ctx)) == []
    wrong = [m for _, m in edition_record_rule("programmes", {**record, "region": "220000", "edition": "hlj-2025-01"}, ctx)]
    assert wrong and "适用于辖区 230000" in wrong[0]
    assert [m for _, m in edition_record_rule("programmes", {**record, "edition": "hlj-2022-08"}, ctx)] == \
        ["公告“hlj-2022-08”没有发布目录版本（没有 edition）：请填写整版目录所依据的公告编号。"]


def snap(ed: Edition, records: dict[str, dict[str, Any]], scope: dict[str, dict[str, Any]] | None = None) -> Snapshot:
    return Snapshot(ed, "", records, scope or records)


def programme(name: str, **subsidies: int) -> dict[str, Any]:
    return {"name": name, "status": "在册", "levels": [{"level": lv, "hours": 100, "subsidy": s} for lv, s in subsidies.items()]}


def test_comparison_counts_levels_raised_and_lowered() -> None:
    old_ed, new_ed = Edition("a", "programmes", "130000", "2024年版", "2024-01-01"), \
        Edition("b", "programmes", "130000", "2025年版", "2025-01-01", "a")
    old = snap(old_ed, {"p1": programme("电工", 五级=700, 四级=1000), "p2": programme("焊工", 五级=700)})
    gone = {**programme("焊工", 五级=700), "status": "已移出", "status_change": {"reason": "未列入2025年版"}}
    new = snap(new_ed, {"p1": programme("电工", 五级=650, 四级=1200, 三级=1500), "p3": programme("育婴员", 五级=800)},
               {"p1": programme("电工"), "p2": gone, "p3": programme("育婴员")})
    result = compare_snapshots(old, new)
    assert result.added == [("p3", "育婴员")]
    assert [(r.id, r.status, r.reason) for r in result.removed] == [("p2", "已移出", "未列入2025年版")]
    assert [(a.level, a.old, a.new) for a in result.amounts] == [("五级", 700, 650), ("四级", 1000, 1200), ("三级", None, 1500)]
    assert (result.raised, result.lowered) == (1, 1)
    assert result.summary() == "新增 1 项，移出 1 项，修改 1 项；补贴标准上调 1 项、下调 1 项"
