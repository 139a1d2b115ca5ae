"""Where one can train and be certified (mulu.site.where), the programme page's layout
(mulu.site.where_pages), the occupation pages (mulu.site.occupations) and the 找培训 data
(mulu.site.find), in process on copies of the sample registry."""

from __future__ import annotations

from pathlib import Path

from mulu.core.registry import Registry
from mulu.project import open_project
from mulu.site.find import find_data
from mulu.site.model import SiteContext
from mulu.site.occupations import occupation_pages, used_occupations
from mulu.site.where import where

PROGRAMME = "registry/programmes/hlj-6-31-01-03.yml"      # 电工, 黑龙江省
PLATFORM = "registry/institutions/91230100MA1CQW3R8J.yml"  # 龙江技能云课堂: 线上培训平台, 哈尔滨市, 电工 五级/四级
SCHOOL = "12230000414002874A"                              # 黑龙江省龙兴技师学院, 香坊区: trains and certifies 电工


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def opened(project: Path) -> tuple[Registry, SiteContext]:
    registry = open_project(project, lenient=True).registry
    assert registry is not None
    return registry, SiteContext(generated_at="2026-11-30T00:00:00+08:00", as_of="2026-11-30")


def names(project: Path, kind: str = "institutions", programme: str = "hlj-6-31-01-03") -> set[str]:
    registry, ctx = opened(project)
    record = registry.get("programmes", programme)
    assert record is not None
    return {o.unit.id for o in where(registry, ctx).units_for(record, kind)}


def test_relations_hold_both_ways_on_the_sample(project: Path) -> None:
    registry, ctx = opened(project)
    index = where(registry, ctx)
    pairs = 0
    for programme in index.programmes:
        for kind in ("institutions", "assessors"):
            for offer in index.units_for(programme, kind):
                assert programme in index.programmes_for(offer.unit), (programme.id, offer.unit.id)
                pairs += 1
    for kind in ("institutions", "assessors"):
        for unit in registry.records[kind].values():
            for programme in index.programmes_for(unit):
                assert unit.id in {o.unit.id for o in index.units_for(programme, kind)}
    assert pairs > 10


def test_institution_must_be_subsidised_current_and_cover_the_level(project: Path) -> None:
    assert SCHOOL in names(project) and SCHOOL in names(project, "assessors")
    school = f"registry/institutions/{SCHOOL}.yml"
    edit(project, school, "subsidised: true", "subsidised: false")
    assert SCHOOL not in names(project)
    edit(project, school, "subsidised: false", "subsidised: true\nstatus_change: {date: 2026-01-01, reason: 测试}")
    edit(project, school, "status: 在册", "status: 暂停")
    assert SCHOOL not in names(project)
    # A level the programme does not have: no overlap, no relation.
    assert "91230100MA1CQW3R8J" in names(project)
    edit(project, PLATFORM, "    levels: [五级, 四级]\n  - occupation: \"4-10-01-06\"",
         "    levels: [特级技师]\n  - occupation: \"4-10-01-06\"")
    assert "91230100MA1CQW3R8J" not in names(project)


def test_online_platforms_serve_the_regions_below_them_classrooms_do_not(project: Path) -> None:
    # The programme moves down to 南岗区 (in 哈尔滨市): the platform of 哈尔滨市 still serves it
    # online; the classroom school in 香坊区 (not inside 南岗区) does not.
    edit(project, PROGRAMME, 'region: "230000"', 'region: "230103"')
    found = names(project)
    assert "91230100MA1CQW3R8J" in found and SCHOOL not in found
    edit(project, PLATFORM, "type: 线上培训平台\ndelivery: 线上线下", "type: 民办职业培训机构\ndelivery: 线下")
    assert "91230100MA1CQW3R8J" not in names(project)


def test_find_data_carries_raised_amounts_and_only_what_is_in_force(project: Path) -> None:
    registry, ctx = opened(project)
    data = find_data(registry, ctx)
    row = next(p for p in data["programmes"] if p[0] == "hlj-6-31-01-03")
    record = registry.get("programmes", "hlj-6-31-01-03")
    assert record is not None
    subsidies = [lv["subsidy"] for lv in record.data["levels"]]
    assert [lv[2] for lv in row[7]] == subsidies
    assert all(lv[3] is not None and lv[3] > lv[2] and lv[4].startswith("上浮") for lv in row[7])
    index = where(registry, ctx)
    assert {i[0] for i in data["institutions"]} == {o.unit.id for offers in index.offers["institutions"].values()
                                                     for o in offers}
    not_subsidised = [r.id for r in registry.records["institutions"].values() if r.data.get("subsidised") is not True]
    assert not_subsidised and not set(not_subsidised) & {i[0] for i in data["institutions"]}
    # Every region of a record is there with its parents, so any level can be chosen.
    for item in data["programmes"] + data["institutions"] + data["assessors"]:
        code = item[2]
        while code:
            assert code in data["regions"]
            code = data["regions"][code][1]


def test_occupation_pages_follow_the_hierarchy(project: Path) -> None:
    registry, ctx = opened(project)
    ref = registry.reference
    pages = {p.path: p for p in occupation_pages(registry, ctx)}
    used = used_occupations(registry)
    middles = [g for g in ref.groups.values() if g.level == 2]
    assert len(pages) == 1 + len(middles) + len(used)
    page = pages["occupations/6-31/"]
    under = [o for o in ref.occupations.values() if o.code.startswith("6-31-")]
    assert page.title == "6-31 " + ref.groups["6-31-00-00"].name
    assert all(o.code in page.html and o.name in page.html for o in under)
    for code in used:
        html = pages[f"occupations/{code}/"].html
        assert all(g.name in html for g in ref.occupation_path(code)) and code in html
    electric = pages["occupations/6-28/"]
    assert "电力" in electric.title
