"""国家职业资格目录 (qualifications) and 劳动者培训需求目录 (demands): validation, the supply
against demand view, pages, export and mulu new."""

from __future__ import annotations

import json
from pathlib import Path

from helpers.git import commit, init_repo
from mulu.project import open_project
from mulu.site.demand_pages import demand_section, supply_for, supply_pages
from mulu.site.model import SiteContext
from mulu.site.providers import PROVIDERS, RECORD_SECTIONS

QUALIFICATION = "registry/qualifications/zg-welder.yml"
DEMAND = "registry/demands/zb-xq-2025-001.yml"       # 淄博市养老护理员四级: served by a programme and a school
CTX = SiteContext(generated_at="2026-04-01T00:00:00Z")


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_sample_counts(project: Path) -> None:
    registry = open_project(project).registry
    assert len(registry.records["qualifications"]) >= 20 and len(registry.records["demands"]) >= 20
    assert all("示例" in r.data["source"] for r in registry.records["qualifications"].values())
    assert {r.region[:4] for r in registry.records["demands"].values()} == {"3703"}


def test_qualification_errors_name_file_line_and_fix(project: Path, mulu) -> None:
    edit(project, QUALIFICATION, "type: 准入类", "type: 许可类")
    edit(project, QUALIFICATION, "list_edition: 2021年版", "list_edition: 二〇二一年版")
    edit(project, QUALIFICATION, 'occupations: ["6-18-02-04"]', 'occupations: ["6-18-02-99"]')
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert f"{QUALIFICATION}:12:1: [type] “类型”只能是以下之一：准入类、水平评价类；现在是 \"许可类\"。" in result.out, result.out
    assert "[list_edition] “目录版本”格式不对" in result.out and "例如 2021年版" in result.out
    assert "[occupations[0]] 职业编码 6-18-02-99 不是《国家职业分类大典》" in result.out


def test_national_records_and_notice_use_region_100000(project: Path, mulu) -> None:
    registry = open_project(project).registry
    assert registry.reference.region_name("100000") == "全国"
    assert registry.reference.in_region("230100", "100000")
    edit(project, QUALIFICATION, 'region: "100000"', 'region: "990000"')
    assert "行政区划代码 990000 不存在" in mulu("validate", cwd=project).out


def test_demand_needs_occupation_or_spec(project: Path, mulu) -> None:
    edit(project, DEMAND, 'occupation: "4-10-01-05"\n', 'occupation: "4-10-01-05"\nspec: zb-zx-2023-001\n')
    result = mulu("validate", cwd=project)
    assert result.code == 1 and f"{DEMAND}:11:1: [occupation] 职业（occupation）和专项职业能力考核规范（spec）必须且只能填一个。" \
        in result.out, result.out
    edit(project, DEMAND, 'occupation: "4-10-01-05"\n', "")
    result = mulu("validate", cwd=project)
    assert "[level] 专项职业能力不分等级：请删除 level。" in result.out
    edit(project, DEMAND, "spec: zb-zx-2023-001", "spec: zb-zx-9999-001")
    assert "找不到编号为“zb-zx-9999-001”的考核规范" in mulu("validate", cwd=project).out


def test_supply_against_demand_and_gaps(project: Path) -> None:
    registry = open_project(project).registry
    served = supply_for(registry.get("demands", "zb-xq-2025-001"), registry, CTX)
    assert [p.id for p in served.programmes] == ["zb-4-10-01-05"] and served.institutions and not served.gaps
    nursery = supply_for(registry.get("demands", "zb-xq-2025-003"), registry, CTX)      # 保育师: nothing in 淄博
    assert nursery.gaps == ["无补贴培训项目", "无培训机构"]
    assert supply_pages in PROVIDERS and demand_section in RECORD_SECTIONS
    page = next(supply_pages(registry, CTX))
    assert page.path == "demands/supply/" and "共 22 项需求，其中" in page.html
    assert '<strong class="mulu-gap">无补贴培训项目、无培训机构</strong>' in page.html
    section = demand_section(registry.get("demands", "zb-xq-2025-001"), registry, CTX)
    assert "养老护理员" in section and "<dt>缺口</dt><dd>无</dd>" in section


def test_withdrawn_programme_opens_a_gap(project: Path) -> None:
    edit(project, "registry/programmes/zb-4-10-01-05.yml", "status: 在册\n",
         "status: 已移出\nstatus_change:\n  date: 2026-03-20\n  notice: zb-2026-07\n  reason: 测试\n")
    registry = open_project(project).registry
    assert supply_for(registry.get("demands", "zb-xq-2025-001"), registry, CTX).gaps == ["无补贴培训项目"]


def test_export_and_history(project: Path, mulu, tmp_path: Path) -> None:
    for kind, needle in (("qualifications", "水平评价类"), ("demands", "预计培训人数")):
        out = tmp_path / f"{kind}.csv"
        result = mulu("export", kind, "--format", "csv", "--output", str(out), cwd=project)
        assert result.code == 0, result.err
        assert needle in out.read_text(encoding="utf-8-sig")
    init_repo(project, "导入示例目录", "2026-03-11")
    edit(project, DEMAND, "expected_trainees: 600", "expected_trainees: 650")
    commit(project, "调整需求人数", "2026-03-12")
    result = mulu("diff", "HEAD~1", "HEAD", "--format", "json", cwd=project)
    assert result.code == 0 and "zb-xq-2025-001" in result.out and "650" in json.dumps(json.loads(result.out))
