"""Export then import gives back the very records of the sample registry, for every kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mulu.core.kinds import KINDS
from mulu.core.loading import load_file
from mulu.project import open_project
from mulu.sheets import plan as importing
from mulu.sheets import tables


def _records(folder: Path) -> dict[str, object]:
    out = {}
    for path in sorted(folder.glob("*.yml")):
        doc, problems = load_file(path, path.name)
        assert doc is not None, problems
        out[path.stem] = doc.data
    return out


@pytest.mark.parametrize("kind", [k.name for k in KINDS])
def test_export_then_import_gives_identical_records(mulu, project: Path, tmp_path: Path, kind: str) -> None:
    original = _records(project / "registry" / kind)
    assert original, f"示例目录中没有 {kind} 记录"
    sheet = tmp_path / f"{kind}.xlsx"
    assert mulu("export", kind, "-o", str(sheet), cwd=project).code == 0
    # Importing into the same registry: every record is recognised as unchanged.
    same = mulu("import", kind, str(sheet), "--dry-run", cwd=project)
    assert same.code == 0, same.out
    assert f"与已有记录相同、无需改动 {len(original)} 条" in same.out and "新建" not in same.out
    # Importing into a registry without them: the files written hold the same records.
    shutil.rmtree(project / "registry" / kind)
    (project / "registry" / kind).mkdir()
    result = mulu("import", kind, str(sheet), cwd=project)
    assert result.code == 0, result.out + result.err
    assert f"已新建 {len(original)} 条记录" in result.out
    assert _records(project / "registry" / kind) == original


@pytest.mark.parametrize("kind", [k.name for k in KINDS])
def test_csv_round_trip(project: Path, tmp_path: Path, kind: str) -> None:
    registry = open_project(project).registry
    assert registry is not None
    records = list(registry.records[kind].values())
    sheet = tmp_path / f"{kind}.csv"
    sheet.write_bytes(tables.export_bytes(kind, records, registry.reference, "csv"))
    shutil.rmtree(project / "registry" / kind)
    (project / "registry" / kind).mkdir()
    emptied = open_project(project, lenient=True).registry
    assert emptied is not None
    plan = importing.plan_import(emptied, kind, sheet, importing.Mapping(), importing.Options())
    assert plan.errors == [] and not plan.changed
    assert {c.id: c.data for c in plan.created} == {r.id: r.data for r in records}


def test_formula_like_text_survives_csv(project: Path, tmp_path: Path) -> None:
    """The apostrophe the CSV puts before =, +, - and @ (against formula injection) is removed
    again on import, also for text that itself starts with an apostrophe."""
    import json
    import re

    path = project / "registry/notices/hb-2022-40.yml"
    text = path.read_text(encoding="utf-8")
    values = {"name": '=HYPERLINK("http://example.invalid")', "summary": "'=已经带引号", "source": "-5% 的补贴调整"}
    for key, value in values.items():
        text = re.sub(rf"(?m)^{key}: .*$", f"{key}: {json.dumps(value, ensure_ascii=False)}", text)
    path.write_text(text, encoding="utf-8")
    registry = open_project(project).registry
    assert registry is not None
    record = registry.records["notices"]["hb-2022-40"]
    assert {k: record.data[k] for k in values} == values
    sheet = tmp_path / "notices.csv"
    sheet.write_bytes(tables.export_bytes("notices", [record], registry.reference, "csv"))
    assert "'=HYPERLINK" in sheet.read_text(encoding="utf-8-sig")
    path.unlink()
    emptied = open_project(project, lenient=True).registry
    plan = importing.plan_import(emptied, "notices", sheet, importing.Mapping(), importing.Options())
    assert [c.data for c in plan.created] == [record.data]
