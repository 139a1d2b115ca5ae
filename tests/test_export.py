"""`mulu export` and the site downloads, as a department or a data user opens them."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from mulu.core.kinds import KINDS
from mulu.project import open_project
from mulu.sheets import columns, tables
from mulu.site.api import api_files
from mulu.site.downloads import EFFECTIVE_COLUMNS, download_files
from mulu.site.model import SiteContext

CTX = SiteContext(generated_at="2024-05-01T10:00:00+08:00", revision="abc123")


@pytest.fixture(scope="module")
def registry():
    opened = open_project(Path(__file__).resolve().parent.parent)
    assert opened.registry is not None, opened.problems[:3]
    return opened.registry


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV 必须带 BOM，Excel 才能正确显示中文"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_downloads_cover_every_kind_as_spreadsheets_and_json_through_the_api(registry) -> None:
    files = {f.path: f.content for f in download_files(registry, CTX)}
    api = {f.path: f.content for f in api_files(registry, CTX)}
    for kind in KINDS:
        for fmt in ("csv", "xlsx"):
            assert f"downloads/{kind.name}.{fmt}" in files
        # JSON is published once, as the API file: not a second copy under downloads/.
        assert f"downloads/{kind.name}.json" not in files
        rows = _csv_rows(files[f"downloads/{kind.name}.csv"])
        # The export's columns, each notice id followed by its 文号, the effective status, and the record digest last.
        expected = []
        for header in columns.TABLES[kind.name].headers():
            expected += [header, columns.NOTICE_NUMBER_HEADERS[header]] if header in columns.NOTICE_NUMBER_HEADERS else [header]
        effective = [] if kind.name == "notices" else [name for name, _ in EFFECTIVE_COLUMNS]
        assert rows[0] == expected + effective + [columns.DIGEST_HEADER]
        ids_in_csv = {r[0] for r in rows[1:]}
        assert ids_in_csv == set(registry.records[kind.name]), kind.name
        records = json.loads(api[f"api/v1/{kind.name}.json"])["records"]
        assert [r["id"] for r in records] == list(registry.records[kind.name])
    assert "downloads/datapackage.json" in files


def test_programmes_are_written_one_row_per_level(registry) -> None:
    rows = _csv_rows(tables.export_bytes("programmes", list(registry.records["programmes"].values()),
                                         registry.reference, "csv"))
    header = rows[0]
    col = {h: i for i, h in enumerate(header)}
    rec = registry.records["programmes"]["hb-4-03-02-02"]
    mine = [r for r in rows[1:] if r[col["编号"]] == rec.id]
    assert [r[col["等级"]] for r in mine] == [lv["level"] for lv in rec.data["levels"]]
    assert [int(r[col["补贴标准（元/人）"]]) for r in mine] == [lv["subsidy"] for lv in rec.data["levels"]]
    assert {r[col["职业名称"]] for r in mine} == {registry.reference.occupations[rec.data["occupation"]["code"]].name}
    assert {r[col["地区"]] for r in mine} == {"河北省"}


def test_institution_offering_levels_share_one_cell(registry) -> None:
    frame = tables.records_frame("institutions", [registry.records["institutions"]["12210000417003442U"]],
                                 registry.reference)
    assert list(frame["等级"]) == ["五级、四级、三级、二级", "五级、四级、三级、二级", "五级、四级、三级", "五级、四级、三级"]
    assert set(frame["承担补贴性培训"]) == {"是"}


def test_downloads_are_byte_identical_across_builds(registry) -> None:
    first = {f.path: f.content for f in download_files(registry, CTX)}
    time.sleep(2.1)  # ZIP times have a 2-second resolution: a clock-stamped XLSX would differ now
    second = {f.path: f.content for f in download_files(registry, CTX)}
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first["downloads/programmes.xlsx"])) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2024-05-01T10:00:00Z" in z.read("docProps/core.xml")


def test_xlsx_keeps_codes_as_text(registry) -> None:
    content = tables.export_bytes("institutions", list(registry.records["institutions"].values()),
                                  registry.reference, "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in ws[1]]
    assert header == columns.TABLES["institutions"].headers()
    assert ws.freeze_panes == "A2"
    codes = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    # An all-digit credit code must not become a number (1.21E+17 in Excel).
    assert "121304004021035719" in codes and all(isinstance(c, str) for c in codes)
    regions = {row[header.index("地区代码")] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert all(isinstance(r, str) and len(r) == 6 for r in regions)


def test_formula_like_text_is_neutralised(registry) -> None:
    record = dict(registry.records["notices"]["hb-2022-40"].data, name='=HYPERLINK("http://evil.example","点我")',
                  summary="@SUM(1+1)")
    rows = _csv_rows(tables.export_bytes("notices", [record], registry.reference, "csv"))
    assert rows[1][1].startswith("'=HYPERLINK") and rows[1][rows[0].index("摘要")] == "'@SUM(1+1)"
    ws = openpyxl.load_workbook(io.BytesIO(tables.export_bytes("notices", [record], registry.reference, "xlsx"))).active
    cell = ws.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")  # text, never a formula


def test_datapackage_describes_every_csv(registry) -> None:
    files = {f.path: f.content for f in download_files(registry, CTX)}
    package = json.loads(files["downloads/datapackage.json"])
    assert package["profile"] == "tabular-data-package"
    assert package["title"] == registry.config.title
    assert package["created"] == CTX.generated_at
    names = [r["name"] for r in package["resources"]]
    assert names == [k.name for k in KINDS]
    for resource in package["resources"]:
        rows = _csv_rows(files[f"downloads/{resource['path']}"])
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == rows[0]
        assert all(f["description"] for f in fields)
        # Every value of a typed column parses as that type, every enum value is allowed.
        for i, field in enumerate(fields):
            values = [r[i] for r in rows[1:] if r[i]]
            if field["type"] == "integer":
                assert all(v.isdigit() for v in values), (resource["name"], field["name"])
            if field["type"] == "boolean":
                assert set(values) <= {"是", "否"}
            if field["type"] == "date":
                assert all(len(v) == 10 and v[4] == "-" for v in values)
            for allowed in [field.get("constraints", {}).get("enum")]:
                if allowed:
                    assert set(values) <= set(allowed), (resource["name"], field["name"])
    programmes = next(r for r in package["resources"] if r["name"] == "programmes")
    by_name = {f["name"]: f for f in programmes["schema"]["fields"]}
    assert by_name["补贴标准（元/人）"]["type"] == "integer"
    assert "五级" in by_name["等级"]["constraints"]["enum"]
    assert by_name["证书类型"]["constraints"]["enum"][0] == "职业技能等级证书"
    assert by_name["地区"]["description"].startswith("由“地区代码”换算")


def test_columns_cover_every_schema_field(registry) -> None:
    """A field added to a schema without a column would be lost by export -> import."""
    def leaves(node: dict, path: tuple[str, ...] = ()):
        if node.get("type") == "array" and isinstance(node.get("items"), dict) and "properties" in node["items"]:
            node = node["items"]
        props = node.get("properties")
        if not props:
            yield path
            return
        for key, sub in props.items():
            yield from leaves(sub, path + (key,))

    for kind in KINDS:
        table = columns.TABLES[kind.name]
        stored = {c.path for c in columns.stored_columns(table)}
        schema_leaves = set(leaves(registry.schema_for(kind.name).validator.schema))
        assert schema_leaves == stored, (kind.name, schema_leaves ^ stored)
        headers = table.headers()
        assert len(headers) == len(set(headers)), kind.name


def test_export_command(mulu, project: Path, tmp_path: Path) -> None:
    result = mulu("export", "studios", cwd=project)
    assert result.code == 0
    assert result.out.lstrip("\ufeff").startswith("编号,名称,地区代码,地区,领办人")
    out = tmp_path / "工作室.xlsx"
    result = mulu("export", "studios", "-o", str(out), cwd=project)
    assert result.code == 0 and "已导出 22 条技能大师工作室记录" in result.err
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row == 1 + 22
    result = mulu("export", "studios", "--format", "xlsx", cwd=project)
    assert result.code == 2 and "请用 -o 指定文件" in result.err
    result = mulu("export", "students", cwd=project)
    assert result.code == 2 and "没有“students”这类目录" in result.err
