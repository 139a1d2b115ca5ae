"""急需紧缺职业（工种）目录 (shortages): validation of the lists, the uplift a programme derives
from the list in force on the as-of date, the raised amount, and the site, history and feeds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers.git import commit, init_repo
from mulu.core.shortages import Uplift, as_of_date, programme_uplifts
from mulu.project import open_project
from mulu.site.model import SiteContext
from mulu.site.shortage_pages import registry_entries, shortage_section
from mulu.site.values import FieldRenderer, guides
from mulu.site.where_pages import standards_section

PROGRAMME = "registry/programmes/hlj-4-10-01-05.yml"     # 养老护理员, 黑龙江省, 五级 700 元
LIST = "registry/shortages/hlj-2024.yml"


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def uplifts(project: Path, data_change: dict[str, Any], day: str, rel: str = PROGRAMME) -> list[Uplift]:
    registry = open_project(project).registry
    record = registry.get("programmes", Path(rel).stem)
    assert record is not None
    return programme_uplifts({**record.data, **data_change}, registry_entries(registry), registry.reference, day)


def test_raised_amount_comes_from_the_list_in_force_and_changes_when_it_ends(project: Path) -> None:
    before = uplifts(project, {}, "2024-06-30")          # 黑龙江省2023年度目录: +20%, until 2024-06-30
    after = uplifts(project, {}, "2024-07-01")           # 黑龙江省2024年度目录: +30%
    assert [(u.level, u.subsidy, u.raised, u.entry.list_id) for u in before][:2] == \
        [("五级", 700, 840, "hlj-2023"), ("四级", 1000, 1200, "hlj-2023")]
    assert [(u.level, u.raised, u.entry.list_id) for u in after][:2] == [("五级", 910, "hlj-2024"), ("四级", 1300, "hlj-2024")]
    assert uplifts(project, {}, "2023-03-31") == []      # before any list


def test_the_smallest_region_wins_and_a_city_list_ends_on_its_last_day(project: Path) -> None:
    electrician = "registry/programmes/hlj-6-31-01-03.yml"
    daqing = {"region": "230600"}                         # 大庆市: its own list (+30%) until 2026-04-30
    assert {u.entry.list_id for u in uplifts(project, daqing, "2026-04-30", electrician)} == {"hlj-daqing-2025"}
    last = uplifts(project, daqing, "2026-05-01", electrician)
    assert {u.entry.list_id for u in last} == {"hlj-2024"} and last[0].text == "上浮 20%"
    harbin_housekeeping = {"region": "230100", "occupation": {"code": "4-10-01-06", "edition": "2022"}}
    fixed = uplifts(project, harbin_housekeeping, "2025-01-01")
    assert fixed and fixed[0].text == "上浮 300 元" and fixed[0].raised == (fixed[0].subsidy or 0) + 300
    assert as_of_date("2025-01-01") == "2025-01-01" and len(as_of_date()) == 10


def test_claims_no_list_gives_are_errors_at_file_and_line(project: Path, mulu) -> None:
    edit(project, PROGRAMME, "category: ", "shortage: true\nshortage_uplift_percent: 20\ncategory: ")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert "[shortage_uplift_percent] 紧缺上浮比例写的是 20%，但生效中的目录给出的是：黑龙江省2024年度急需紧缺职业（工种）目录（上浮 30%）" \
        in result.out, result.out
    edit(project, PROGRAMME, "shortage_uplift_percent: 20", "shortage_uplift_percent: 30")
    assert mulu("validate", cwd=project).code == 0
    edit(project, PROGRAMME, "shortage: true", "shortage: false")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and "shortage 为 false 的项目不能有紧缺上浮比例" in result.out
    other = "registry/programmes/hb-4-03-02-02.yml"           # 中式面点师: on no list
    edit(project, other, "category: ", "shortage: true\ncategory: ")
    result = mulu("validate", cwd=project)
    line = next(x for x in result.out.splitlines() if other in x)
    assert line.startswith(f"{other}:14:1: [shortage] 没有依据的紧缺上浮：") and "没有列入职业 4-03-02-02" in line


def test_list_entries_are_checked(project: Path, mulu) -> None:
    edit(project, LIST, "    uplift_percent: 30\n", "    uplift_percent: 30\n    uplift_amount: 200\n")
    edit(project, LIST, '  - occupation: "6-31-01-03"', '  - occupation: "6-31-01-99"')
    edit(project, LIST, '  - occupation: "4-04-05-05"', '  - occupation: "4-10-01-05"')
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert "[entries[0]] 每个紧缺职业的补贴上浮要写上浮比例（uplift_percent）或上浮金额（uplift_amount），且只写一个。" in result.out
    assert "职业编码 6-31-01-99 不是《国家职业分类大典》" in result.out
    assert "职业 4-10-01-05 在本目录中重复" in result.out
    errors = [x for x in result.out.splitlines() if ": [" in x and "（警告）" not in x]
    assert len(errors) == 3 and all(x.startswith(LIST) for x in errors), result.out


def test_site_sections_show_the_raised_subsidy(project: Path) -> None:
    registry = open_project(project).registry
    ctx = SiteContext(generated_at="2025-01-01T00:00:00Z", as_of="2025-01-01")
    programme = registry.get("programmes", "hlj-4-10-01-05")
    assert shortage_section(programme, registry, ctx) == ""   # the standards table shows it
    renderer = FieldRenderer(registry, guides(registry)["programmes"], {}, lambda r: "")
    html = standards_section(programme, registry, ctx, renderer)
    assert "紧缺上浮依据按 2025-01-01 生效的" in html and "急需紧缺职业（工种）目录</a>计算" in html
    assert "<td data-label=\"上浮后补贴标准（元/人）\"><strong>910 元</strong></td>" in html
    assert 'href="../../shortages/hlj-2024/"' in html
    listing = shortage_section(registry.get("shortages", "hlj-2024"), registry, ctx)
    assert "本目录在 2025-01-01 生效中" in listing and "养老护理员" in listing and "700 元 → 910 元" in listing
    expired = shortage_section(registry.get("shortages", "hlj-2023"), registry, ctx)
    assert "不在有效期内" in expired and "目前没有据本目录上浮补贴的培训项目" in expired


@pytest.fixture
def repo(project: Path) -> Path:
    return init_repo(project, "导入示例目录", "2025-01-02")


def test_history_and_diff_of_a_list(repo: Path, mulu) -> None:
    edit(repo, LIST, "    uplift_percent: 30\n", "    uplift_percent: 25\n")
    commit(repo, "调整养老护理员上浮比例", "2025-02-01")
    result = mulu("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo)
    assert result.code == 0, result.out + result.err
    changes = json.loads(result.out)
    text = json.dumps(changes, ensure_ascii=False)
    assert "hlj-2024" in text and "shortages" in text and "25" in text


def test_downloads_and_export(project: Path, mulu, tmp_path: Path) -> None:
    out = tmp_path / "shortages.csv"
    result = mulu("export", "shortages", "--format", "csv", "--output", str(out), cwd=project)
    assert result.code == 0, result.out + result.err
    text = out.read_text(encoding="utf-8-sig")
    assert "上浮比例（%）" in text and "黑龙江省2024年度急需紧缺职业（工种）目录" in text and "4-10-01-05" in text
