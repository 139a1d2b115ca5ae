"""`mulu stats` in the terminal: the numbers a reviewer reads, checked against the files."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest

from helpers.scripted import make_history_project
from mulu.core.loading import load_file


@pytest.fixture(scope="module")
def history_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_history_project(tmp_path_factory.mktemp("stats-history") / "project")

PREFIXES = {"黑龙江省": "23", "吉林省": "22", "辽宁省": "21", "河北省": "13", "淄博市": "3703"}


def _records(project: Path, kind: str) -> list[dict]:
    out = []
    for path in sorted((project / "registry" / kind).glob("*.yml")):
        doc, _ = load_file(path, path.name)
        assert doc is not None
        out.append(doc.data)
    return out


def _row(out: str, first: str) -> list[str]:
    line = next((ln for ln in out.splitlines() if ln.strip().startswith(first + " ")), None)
    assert line is not None, f"没有以“{first}”开头的行：\n{out}"
    return line.split()


def test_counts_per_jurisdiction_and_kind(mulu, project: Path) -> None:
    result = mulu("stats", cwd=project)
    assert result.code == 0, result.err
    kinds = ["programmes", "institutions", "assessors", "bases", "studios", "specs", "shortages", "qualifications",
             "demands", "trainers"]
    header = _row(result.out, "辖区")
    assert header[1:] == ["培训项目", "培训机构", "认定机构", "实训基地", "技能大师工作室", "考核规范", "紧缺职业目录",
                          "职业资格", "培训需求", "培训师资", "合计"]
    for name, prefix in PREFIXES.items():
        expected = [sum(r["region"].startswith(prefix) for r in _records(project, k)) for k in kinds]
        assert _row(result.out, name)[1:] == [str(n) for n in expected + [sum(expected)]], name
    statuses = Counter(r["status"] for r in _records(project, "institutions"))
    assert _row(result.out, "培训机构")[1:] == [str(statuses[s]) for s in ("在册", "暂停", "已移出")]


def test_subsidy_by_level_and_top_occupations(mulu, project: Path) -> None:
    programmes = [r for r in _records(project, "programmes") if r["status"] == "在册"]
    fifth = [lv["subsidy"] for r in programmes for lv in r["levels"] if lv.get("level") == "五级"]
    result = mulu("stats", cwd=project)
    assert _row(result.out, "五级")[1:] == [str(len(fifth)), str(min(fifth)), str(round(statistics.median(fifth))),
                                           str(max(fifth))]
    codes = Counter(r["occupation"]["code"] for r in programmes if "occupation" in r)
    top_count = max(codes.values())
    top_lines = [ln.split() for ln in result.out.split("四、")[1].splitlines()[3:]]
    assert top_lines[0][1] in {c for c, n in codes.items() if n == top_count} and top_lines[0][2] == str(top_count)


def test_a_new_programme_moves_the_numbers(mulu, project: Path) -> None:
    text = (project / "registry/programmes/hlj-6-31-01-03.yml").read_text(encoding="utf-8")
    text = text.replace("id: hlj-6-31-01-03", "id: hlj-6-31-01-03-b").replace("subsidy: 700", "subsidy: 1990")
    (project / "registry/programmes/hlj-6-31-01-03-b.yml").write_text(text, encoding="utf-8")
    before = _row(mulu("stats", cwd=project).out, "黑龙江省")
    assert before[1] == str(sum(r["region"].startswith("23") for r in _records(project, "programmes")))
    assert _row(mulu("stats", cwd=project).out, "五级")[-1] == "1990"


def test_without_git_history_says_so(mulu, project: Path) -> None:
    result = mulu("stats", cwd=project)
    assert "五、各次调整的新增与移出" in result.out
    assert "历史记录不可用" in result.out.split("五、")[1]


def test_adjustments_from_history(mulu, history_project: Path) -> None:
    assert mulu("validate", cwd=history_project).code == 0
    result = mulu("stats", cwd=history_project)
    assert result.code == 0, result.err
    section = result.out.split("五、")[1]
    assert _row(section, "2024-12-01")[1:] == ["黑人社统测〔2024〕1号", "2", "1", "0", "0"]
    assert _row(section, "2025-01-15")[1:] == ["黑人社统测〔2025〕2号", "0", "0", "1", "0"]
    assert re.search(r"^  2022-04-15 ", section, re.M)  # the sample's own notices are there too


def test_json_output(mulu, project: Path) -> None:
    result = mulu("stats", "--format", "json", "--no-history", cwd=project)
    data = json.loads(result.out)
    assert data["totals"]["programmes"] == len(_records(project, "programmes"))
    assert data["adjustments"] is None and "历史记录不可用" in data["history_note"]
    assert [row["level"] for row in data["subsidy_by_level"]][:2] == ["五级", "四级"]
