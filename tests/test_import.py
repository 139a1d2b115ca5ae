"""`mulu import` with spreadsheets written the way departments write them.

The sheets are built here, cell by cell, with the quirks of published catalogues: a title
row merged across the top, category and occupation cells merged down over their levels,
初级工 next to 五级, "1,200元", （） next to (), the markers —— / * ▲, footnotes, a row
repeated, a credit code with a wrong check character. Figures follow docs/dev/domain.md
(Jiujiang 2023: 1200 / 1500 / 2000 / 4000 / 5000 元; Qinghai: 焊工 360 课时 1000 元).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from mulu.core.creditcode import check_character
from mulu.core.loading import parse_text

OPTIONS = ["--region", "230000", "--notice", "hlj-2024-12", "--maintainer", "hlj-hrss"]


def write_xlsx(path: Path, rows: list[list[Any]], merges: list[str] = ()) -> Path:
    """A one-sheet workbook; merged ranges keep their value in the top-left cell only, as Excel does."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目录"
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows([["" if c is None else c for c in row] for row in rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def record(project: Path, kind: str, record_id: str) -> dict[str, Any]:
    """A written record, read the way the registry reads it (dates stay text)."""
    doc, problems = parse_text((project / "registry" / kind / f"{record_id}.yml").read_text(encoding="utf-8"), "x.yml")
    assert doc is not None, problems
    return doc.data


def snapshot(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes() for p in sorted((project / "registry").rglob("*.yml"))}


def line_for(out: str, row: int) -> str:
    """The report line naming spreadsheet row ``row``."""
    found = [lv for lv in out.splitlines() if re.search(rf"第 (\d+、)*{row}(、\d+)* 行", lv)]
    assert found, f"第 {row} 行不在报告中：\n{out}"
    return "\n".join(found)


def new_ids(before: dict[str, bytes], project: Path, kind: str) -> set[str]:
    after = snapshot(project)
    return {Path(p).stem for p in set(after) - set(before) if f"/{kind}/" in p}


# ---- a long subsidy sheet: one row per level, merged cells, markers -------------------------

HEADER = ["序号", "类别", "职业编码", "职业(工种)名称", "等级", "培训课时", "补贴标准(元/人)", "其中:鉴定费", "紧缺标记",
          "L/S 标记", "备注"]


def long_sheet(path: Path) -> Path:
    rows = [
        ["黑龙江省2024年职业技能培训补贴目录"] + [None] * 10,                                      # 1 title
        HEADER,                                                                                # 2
        [1, "就业技能培训", "4-10-01-01", "婴幼儿发展引导员▲", "初级工", 120, "1,200元", "150", None, None, None],  # 3
        [2, None, None, None, "中级工", 160, "1,500元", "200", None, None, None],                  # 4
        [3, None, None, None, "高级工", 200, "2,000元", "/", None, None, None],                    # 5
        [4, None, None, None, "二级/技师", "——", "——", "——", None, None, "婴幼儿发展引导员不设二级"],         # 6
        [5, None, "6-18-02-04", "焊工(气焊工)", "五级", 360, 1000, None, None, None, None],            # 7
        [6, None, None, None, "四级", 400, 1500, None, None, None, None],                           # 8
        [7, None, None, None, "三级", 440, 2000, None, None, None, None],                           # 9
        [8, None, "6-18-02-04", "焊工（气焊工）", "三级", 440, 2000, None, None, None, None],        # 10 repeated
        [9, "岗位技能提升培训", "4-03-02-01", "中式烹调师（药膳制作师）*", "五级", 150, 1000, None, None, None, None],  # 11
        [10, None, "4-10-01-03", "保育师", "五级", 2400, 1000, None, None, None, None],             # 12 too many hours
        [11, None, None, "飞行员", "五级", 100, 1000, None, None, None, None],                       # 13 unknown
        [12, None, "6-31-01-03", "电工", "五级", 120, 800, 150, "▲", None, "列入急需紧缺职业（工种）目录，补贴标准在上表基础上上浮20%。"],  # 14 existing
        ["注：带▲的为紧缺职业（工种），带*的为培训包项目。"] + [None] * 10,                          # 15 footnote
    ]
    merges = ["A1:K1", "B3:B10", "C3:C6", "D3:D6", "C7:C9", "D7:D9", "B11:B14", "A15:K15"]
    return write_xlsx(path, rows, merges)


def test_long_sheet_dry_run_writes_nothing(mulu, project: Path, tmp_path: Path) -> None:
    sheet = long_sheet(tmp_path / "目录.xlsx")
    before = snapshot(project)
    result = mulu("import", "programmes", str(sheet), "--dry-run", *OPTIONS, cwd=project)
    assert "Traceback" not in result.err
    assert snapshot(project) == before
    assert "表头在第 2 行" in result.out
    assert "将新建 3 条记录" in result.out
    assert "试运行：没有写入任何文件" in result.out
    assert result.code == 1  # rows could not be imported


def test_long_sheet_creates_records_and_reports_rows(mulu, project: Path, tmp_path: Path) -> None:
    sheet = long_sheet(tmp_path / "目录.xlsx")
    before = snapshot(project)
    existing = before["registry/programmes/hlj-6-31-01-03.yml"]
    result = mulu("import", "programmes", str(sheet), *OPTIONS, cwd=project)
    out = result.out
    assert result.code == 1, out
    assert "Traceback" not in result.err

    created = new_ids(before, project, "programmes")
    assert len(created) == 3, out
    # Merged occupation cells over four level rows make one record; 初级工 is 五级; ▲ is shortage;
    # "1,200元" is 1200; "/" in the assessment fee means none; the —— row (no 二级) is skipped.
    baby = record(project, "programmes", "hlj-4-10-01-01")
    assert baby["name"] == "婴幼儿发展引导员" and baby["shortage"] is True
    assert baby["occupation"] == {"code": "4-10-01-01", "edition": "2022"}
    assert baby["category"] == "就业技能培训"
    assert [(lv["level"], lv["hours"], lv["subsidy"], lv.get("assessment_fee")) for lv in baby["levels"]] == [
        ("五级", 120, 1200, 150), ("四级", 160, 1500, 200), ("三级", 200, 2000, None)]
    assert {lv["certificate"] for lv in baby["levels"]} == {"职业技能等级证书"}
    assert baby["listed"] == {"date": "2024-06-28", "notice": "hlj-2024-12"}
    assert baby["effective"] == "2024-07-01" and baby["maintainers"] == ["hlj-hrss"] and baby["status"] == "在册"
    # Half-width brackets name the work type; the row repeated with full-width brackets is a duplicate.
    gas = next(record(project, "programmes", i) for i in created if i.startswith("hlj-6-18-02-04-"))
    assert gas["occupation"]["work_type"] == "气焊工"
    assert [lv["level"] for lv in gas["levels"]] == ["五级", "四级", "三级"]
    assert "与第 9 行重复" in line_for(out, 10)
    # * marks a training-package project; the category merged over rows 11-14 carries down.
    cook = next(record(project, "programmes", i) for i in created if i.startswith("hlj-4-03-02-01"))
    assert cook["occupation"]["work_type"] == "中式烹调师（药膳制作师）"
    assert "培训包项目" in cook["notes"] and cook["category"] == "岗位技能提升培训"
    assert "name" in cook and "*" not in cook["name"]
    # Rows that could not be imported are named with their row number and the reason.
    assert "培训课时" in line_for(out, 12) and "不能大于 2000" in line_for(out, 12)
    assert "飞行员" in line_for(out, 13) and "职业代码表" in line_for(out, 13)
    assert not (project / "registry/programmes/hlj-4-10-01-03.yml").exists()
    # The existing 电工 record differs (subsidy 800 instead of 700): shown, not overwritten.
    assert "没有覆盖（确认要更新，请加 --update）" in out
    assert "registry/programmes/hlj-6-31-01-03.yml" in out and "700 -> 800" in out
    assert (project / "registry/programmes/hlj-6-31-01-03.yml").read_bytes() == existing
    # The footnote row is not data; what was written passes validation.
    assert "第 15 行" not in out
    assert "写入后校验：3 个文件全部通过" in out
    assert mulu("validate", cwd=project).code == 0


def test_update_flag_changes_existing_record_only_in_sheet_columns(mulu, project: Path, tmp_path: Path) -> None:
    rows = [HEADER, [1, "岗位技能提升培训", "6-31-01-03", "电工", "五级", 120, 800, 150, "▲", None,
                     "列入急需紧缺职业（工种）目录，补贴标准在上表基础上上浮20%。"]]
    sheet = write_xlsx(tmp_path / "电工.xlsx", rows)
    result = mulu("import", "programmes", str(sheet), "--update", *OPTIONS, cwd=project)
    assert result.code == 0, result.out
    assert "已更新 1 条已有记录" in result.out
    updated = record(project, "programmes", "hlj-6-31-01-03")
    # The sheet lists only 五级: the record now has that level, with the sheet's subsidy;
    # fields the sheet has no column for (listed, maintainers, source) are kept. The ▲ mark is a
    # shortage claim, which the list in force (黑龙江省2024年度目录: 电工 +20%) backs.
    assert [(lv["level"], lv["subsidy"]) for lv in updated["levels"]] == [("五级", 800)]
    assert updated["listed"] == {"date": "2022-05-01", "notice": "hlj-2022-08"}
    assert updated["maintainers"] == ["hlj-hrss"] and updated["shortage"] is True


# ---- wide sheets: one column group per level -----------------------------------------------

def test_wide_sheet_with_two_header_rows(mulu, project: Path, tmp_path: Path) -> None:
    levels = ["五级（初级工）", "四级（中级工）", "三级（高级工）", "二级（技师）", "一级（高级技师）"]
    top = ["序号", "类别", "职业名称"] + [x for lv in levels for x in (lv, None)] + ["备注"]
    sub = [None, None, None] + ["课时", "补贴"] * 5 + [None]
    rows = [
        ["九江市2023年职业技能培训补贴标准（示例）"] + [None] * 13,
        top, sub,
        [1, "就业技能培训", "家政服务员", 100, "1200元", 120, "1500元", 160, "2000元", 200, "/", "——", "——", None],
        [2, None, "电子商务师", 120, 1200, 160, 1500, 200, 2000, 240, 4000, 280, 5000, None],
        [3, None, "电子商务师", 120, 1200, 160, 1500, 200, 2000, 240, 4000, 280, 5000, None],
    ]
    merges = ["A1:N1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2", "H2:I2", "J2:K2", "L2:M2", "N2:N3", "B4:B6"]
    sheet = write_xlsx(tmp_path / "宽表.xlsx", rows, merges)
    before = snapshot(project)
    result = mulu("import", "programmes", str(sheet), "--region", "360400", "--id-prefix", "jj",
                  "--notice", "hlj-2024-12", "--maintainer", "jj-hrss", cwd=project)
    out = result.out
    assert "宽表：每个等级一组列（五级、四级、三级、二级、一级）" in out, out
    assert new_ids(before, project, "programmes") == {"jj-4-10-01-06", "jj-4-01-06-01"}, out
    house = record(project, "programmes", "jj-4-10-01-06")
    assert [(lv["level"], lv["hours"], lv["subsidy"]) for lv in house["levels"]] == [
        ("五级", 100, 1200), ("四级", 120, 1500), ("三级", 160, 2000), ("二级", 200, 0)]
    assert "二级补贴标准为“/”（不予补贴），按 0 元导入" in line_for(out, 4)
    assert "标为“——”（无此等级）或整组空白的 1 个等级已跳过" in out
    shop = record(project, "programmes", "jj-4-01-06-01")
    assert [lv["subsidy"] for lv in shop["levels"]] == [1200, 1500, 2000, 4000, 5000]
    assert shop["region"] == "360400"
    assert "与第 5 行重复" in line_for(out, 6)


def test_wide_csv_with_level_prefixed_headers_and_category_written_once(mulu, project: Path, tmp_path: Path) -> None:
    rows = [
        ["类别", "职业编码", "职业名称", "五级课时", "五级补贴", "四级课时", "四级补贴", "三级课时", "三级补贴"],
        ["就业技能培训", "4-10-01-01", "婴幼儿发展引导员", 120, "1,200", 160, "1,500", 200, "2,000"],
        [None, "6-20-03-03", "焊接材料制造工", 200, 1000, 240, 1500, "——", "——"],
    ]
    sheet = write_csv(tmp_path / "宽表.csv", rows, encoding="gb18030")  # Excel on Chinese Windows saves GBK
    result = mulu("import", "programmes", str(sheet), *OPTIONS, cwd=project)
    assert result.code == 0, result.out
    welding = record(project, "programmes", "hlj-6-20-03-03")
    assert welding["category"] == "就业技能培训"  # carried down from the row above
    assert [(lv["level"], lv["subsidy"]) for lv in welding["levels"]] == [("五级", 1000), ("四级", 1500)]
    assert record(project, "programmes", "hlj-4-10-01-01")["levels"][2]["subsidy"] == 2000


# ---- institutions: credit codes, region names, dates, continuation rows ---------------------

def code(region: str, body: str) -> str:
    first17 = "52" + region + body
    return first17 + check_character(first17)


def test_institution_sheet(mulu, project: Path, tmp_path: Path) -> None:
    good = code("230102", "MJ0001012")
    other = code("230103", "MJ0002024")
    wrong = code("230104", "MJ0003036")
    wrong = wrong[:-1] + ("0" if wrong[-1] != "0" else "1")
    header = ["序号", "机构名称", "统一社会信用代码", "所在地区", "机构类型", "培训职业", "等级", "办学许可证号", "发证机关",
              "许可证有效期起", "许可证有效期止", "联系电话", "承担补贴性培训", "地址"]
    issuer = "哈尔滨市人力资源和社会保障局"
    rows = [
        header,
        [1, "哈尔滨市道里区启航职业培训学校", " " + good.lower()[:9] + " " + good.lower()[9:], "哈尔滨市道里区",
         "民办职业培训机构", "婴幼儿发展引导员", "初级工、中级工", "人社民2301020001号", issuer, "2024年3月1日", "2029/2/28",
         "0451-84600001", "是", "哈尔滨市道里区安静街 1 号"],
        [None, None, None, None, None, "焊工（电焊工）", "五级/初级工、四级/中级工", None, None, None, None, None, None, None],
        [2, "哈尔滨市南岗区匠心职业技能培训学校", other, "南岗区", "民办职业培训机构", "电工，婴幼儿发展引导员", "五级、四级、三级",
         "人社民2301030002号", issuer, "2023.1.1", "2027-12-31", "0451-86200002", "是", "哈尔滨市南岗区学府路 2 号"],
        [3, "哈尔滨市香坊区错码职业培训学校", wrong, "香坊区", "民办职业培训机构", "电工", "五级", None, None, None, None,
         "0451-55600003", "是", "哈尔滨市香坊区 3 号"],
        [2, "哈尔滨市南岗区匠心职业技能培训学校", other, "南岗区", "民办职业培训机构", "电工，婴幼儿发展引导员", "五级、四级、三级",
         "人社民2301030002号", issuer, "2023.1.1", "2027-12-31", "0451-86200002", "是", "哈尔滨市南岗区学府路 2 号"],
    ]
    sheet = write_csv(tmp_path / "机构.csv", rows)
    before = snapshot(project)
    result = mulu("import", "institutions", str(sheet), "--notice", "hlj-2024-12", "--maintainer", "hlj-hrss",
                  cwd=project)
    out = result.out
    assert new_ids(before, project, "institutions") == {good, other}, out
    school = record(project, "institutions", good)
    assert school["region"] == "230102"
    assert school["offerings"] == [{"occupation": "4-10-01-01", "levels": ["五级", "四级"]},
                                   {"occupation": "6-18-02-04", "work_type": "电焊工", "levels": ["五级", "四级"]}]
    assert school["licence"] == {"number": "人社民2301020001号", "issuer": issuer, "valid_from": "2024-03-01",
                                 "valid_to": "2029-02-28"}
    assert school["subsidised"] is True and school["type"] == "民办职业培训机构"
    second = record(project, "institutions", other)
    assert second["licence"]["valid_from"] == "2023-01-01"
    # Two occupations in one cell sharing their levels: one offering each.
    assert second["offerings"] == [{"occupation": "6-31-01-03", "levels": ["五级", "四级", "三级"]},
                                   {"occupation": "4-10-01-01", "levels": ["五级", "四级", "三级"]}]
    assert "校验位不对" in line_for(out, 5) and wrong.upper() in line_for(out, 5)
    assert "与第 4 行重复" in line_for(out, 6)
    assert not any(wrong in p for p in snapshot(project))


def test_credit_code_typed_as_number_is_explained(mulu, project: Path, tmp_path: Path) -> None:
    rows = [["机构名称", "统一社会信用代码", "地区代码", "机构类型", "职业编码", "等级", "联系电话", "承担补贴性培训", "地址"],
            ["数字代码培训学校", 1.21200004013590816e17, "230102", "其他", "6-31-01-03", "五级", "0451-1234567", "是", "某路"]]
    sheet = write_xlsx(tmp_path / "数字.xlsx", rows)
    result = mulu("import", "institutions", str(sheet), "--notice", "hlj-2024-12", "--maintainer", "x", cwd=project)
    assert result.code == 1
    assert "被 Excel 存成了数字" in line_for(result.out, 2) and "文本" in line_for(result.out, 2)


# ---- mapping files and usage errors ------------------------------------------------------

def test_mapping_file_for_unusual_headers(mulu, project: Path, tmp_path: Path) -> None:
    rows = [["工种名称", "学时数", "补助金额（元）", "技能等级", "内部编号"],
            ["婴幼儿发展引导员", 120, 1200, "初级", "A-17"],
            ["婴幼儿发展引导员", 160, 1500, "中级", "A-18"]]
    sheet = write_xlsx(tmp_path / "自定义.xlsx", rows)
    mapping = tmp_path / "映射.yml"
    mapping.write_text("columns:\n  工种名称: 名称\n  学时数: 培训课时\n  补助金额（元）: 补贴标准（元/人）\n  内部编号: null\n"
                       "defaults:\n  培训类别: 就业技能培训\n  证书类型: 职业资格证书\n", encoding="utf-8")
    result = mulu("import", "programmes", str(sheet), "--mapping", str(mapping), *OPTIONS, cwd=project)
    assert result.code == 0, result.out
    assert "未识别的列" not in result.out
    baby = record(project, "programmes", "hlj-4-10-01-01")
    assert [(lv["level"], lv["hours"], lv["subsidy"], lv["certificate"]) for lv in baby["levels"]] == [
        ("五级", 120, 1200, "职业资格证书"), ("四级", 160, 1500, "职业资格证书")]


def test_unknown_columns_are_named(mulu, project: Path, tmp_path: Path) -> None:
    rows = [["类别", "职业编码", "等级", "培训课时", "补贴标准", "经办人"],
            ["就业技能培训", "4-10-01-01", "五级", 120, 1200, "张三"]]
    result = mulu("import", "programmes", str(write_xlsx(tmp_path / "a.xlsx", rows)), "--dry-run", *OPTIONS,
                  cwd=project)
    assert "未识别的列“经办人”（第 F 列）已忽略" in result.out


@pytest.mark.parametrize("args, message", [
    (["programmes", "missing.xlsx"], "找不到文件"),
    (["programmes", "old.xls"], "另存为” .xlsx"),
    (["programmes", "a.xlsx", "--notice", "no-such-notice"], "找不到调整公告“no-such-notice”"),
    (["programmes", "a.xlsx", "--region", "火星"], "找不到地区“火星”"),
    (["trainees", "a.xlsx"], "没有“trainees”这类目录"),
    (["programmes", "nohead.xlsx"], "找不到表头"),
])
def test_usage_errors(mulu, project: Path, tmp_path: Path, args: list[str], message: str) -> None:
    write_xlsx(tmp_path / "a.xlsx", [["职业编码", "等级"], ["6-31-01-03", "五级"]])
    write_xlsx(tmp_path / "nohead.xlsx", [["甲", "乙"], [1, 2]])
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    result = mulu("import", *[str(tmp_path / a) if a.endswith((".xlsx", ".xls")) else a for a in args], cwd=project)
    assert result.code == 2, result.out + result.err
    assert message in result.err and "Traceback" not in result.err


def test_studio_sheet_with_date_cells_and_wan_yuan(mulu, project: Path, tmp_path: Path) -> None:
    import datetime as dt

    host = "91230100" + "MA1B2C3D4"
    host += check_character(host)
    rows = [["序号", "工作室名称", "领办人", "荣誉称号", "职业（工种）", "依托单位", "依托单位统一社会信用代码", "级别", "批次",
             "资助资金", "有效期起", "有效期止", "地区"],
            [1, "哈尔滨电机厂王建国技能大师工作室", "王建国", "全国技术能手，龙江工匠", "电工", "哈尔滨电机厂有限责任公司",
             host.lower(), "省级", "2023年", "10万元", dt.datetime(2023, 6, 1), "2026/5/31", "哈尔滨市"],
            [2, "哈尔滨电机厂王建国技能大师工作室", "王建国", "全国技术能手，龙江工匠", "电工", "哈尔滨电机厂有限责任公司",
             host.lower(), "省级", "2023年", "10万元", dt.datetime(2023, 6, 1), "2026/5/31", "哈尔滨市"]]
    sheet = write_xlsx(tmp_path / "工作室.xlsx", rows)
    before = snapshot(project)
    result = mulu("import", "studios", str(sheet), "--notice", "hlj-2024-12", "--maintainer", "hlj-hrss", cwd=project)
    assert result.code == 1, result.out  # the second row repeats the first
    assert "与第 2 行重复" in line_for(result.out, 3)
    (studio_id,) = new_ids(before, project, "studios")
    assert studio_id.startswith("hlj-studio-")
    studio = record(project, "studios", studio_id)
    assert studio["master"] == {"name": "王建国", "honours": ["全国技术能手", "龙江工匠"], "occupation": "6-31-01-03"}
    assert studio["host"] == {"name": "哈尔滨电机厂有限责任公司", "credit_code": host}
    assert (studio["region"], studio["batch_year"], studio["subsidy"]) == ("230100", 2023, 100000)
    assert (studio["valid_from"], studio["valid_to"]) == ("2023-06-01", "2026-05-31")
    # Importing the same sheet again finds the record by its name: nothing new, nothing changed.
    again = mulu("import", "studios", str(sheet), "--dry-run", "--notice", "hlj-2024-12", "--maintainer", "hlj-hrss",
                 cwd=project)
    assert "与已有记录相同、无需改动 1 条" in again.out and "新建" not in again.out


def test_a_record_missing_a_required_column_names_every_row(mulu, project: Path, tmp_path: Path) -> None:
    rows = [["职业编码", "职业名称", "等级", "培训课时", "补贴标准"],
            ["4-10-01-01", "婴幼儿发展引导员", "五级", 120, 1200],
            ["4-10-01-01", "婴幼儿发展引导员", "四级", 160, 1500]]
    before = snapshot(project)
    result = mulu("import", "programmes", str(write_xlsx(tmp_path / "无类别.xlsx", rows)), *OPTIONS, cwd=project)
    assert result.code == 1
    assert "缺少“培训类别”" in line_for(result.out, 2) and "映射文件的 defaults" in line_for(result.out, 2)
    assert "与第 2 行同属一条记录" in line_for(result.out, 3)
    assert snapshot(project) == before
