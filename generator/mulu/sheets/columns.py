"""The one mapping between record fields and Chinese spreadsheet columns, per kind.

Export (``mulu export``), import (``mulu import``) and the site's downloads all use these
tables, so a sheet written by one is read back by the other without change.

A record becomes one row, except that a kind's one list of objects (a programme's levels,
an institution's offerings, an assessor's scope, a specification's competencies) is
written "long": one row per item, the record's own columns repeated on every row. Lists of
plain values (levels of an offering, maintainers, honours, occupation codes) share one cell,
joined with ``、``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Cell types. Each has a writer (tables.py) and a normaliser (normalise.py).
TEXT = "text"              # free text, kept as written
ENUM = "enum"              # one of the schema's enum values
REGION = "region"          # six-digit GB/T 2260 code (a region name is looked up)
CREDIT_CODE = "credit_code"
OCCUPATION = "occupation"  # 职业编码 such as 6-31-01-03 (a name is looked up)
OCCUPATIONS = "occupations"
LEVEL = "level"            # 五级 … (aliases such as 初级工 accepted)
LEVELS = "levels"
LIST = "list"              # several texts in one cell, joined with 、
MARKS = "marks"            # S / L
INTEGER = "integer"
MONEY = "money"            # yuan: "1,200元" and "10万元" accepted
YEAR = "year"
DATE = "date"              # YYYY-MM-DD
BOOLEAN = "boolean"        # 是 / 否
# Columns written for readers only; on import they serve to look a code up when the code
# column is missing or blank.
REGION_NAME = "region_name"
OCCUPATION_NAME = "occupation_name"
OCCUPATION_NAMES = "occupation_names"

LIST_SEPARATOR = "、"
TRUE_TEXT, FALSE_TEXT = "是", "否"
DERIVED = frozenset({REGION_NAME, OCCUPATION_NAME, OCCUPATION_NAMES})


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its Chinese header and the record field it holds.

    ``path`` is relative to the record, or to one item of the kind's list when ``item``.
    ``source`` (derived columns only) is the path of the code the column is derived from.
    ``aliases`` are other headers departments use for the same column.
    ``carry_down``: a blank cell takes the value above it (category cells written once
    per group, or merged over several rows).
    """

    header: str
    path: tuple[str, ...]
    type: str = TEXT
    item: bool = False
    aliases: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    carry_down: bool = False

    @property
    def derived(self) -> bool:
        """True for columns written for readers (names next to codes), not stored."""
        return self.type in DERIVED

    @property
    def key(self) -> str:
        """A stable ASCII name for the column (``levels.hours``, ``listed.date``)."""
        return ".".join(self.path) if not self.derived else "~" + ".".join(self.path)


@dataclass(frozen=True)
class Table:
    """How records of one kind are laid out in a sheet."""

    kind: str
    columns: tuple[Column, ...]
    items: str | None = None          # the record's list written one row per item
    id_header: str = "编号"

    def record_columns(self) -> list[Column]:
        """Columns holding the record's own fields."""
        return [c for c in self.columns if not c.item]

    def item_columns(self) -> list[Column]:
        """Columns holding fields of one item of ``items``."""
        return [c for c in self.columns if c.item]

    def headers(self) -> list[str]:
        """Every header, in sheet order."""
        return [c.header for c in self.columns]

    def by_path(self, path: tuple[str, ...], item: bool = False) -> Column | None:
        """The stored (non-derived) column holding ``path``."""
        return next((c for c in self.columns if c.path == path and c.item == item and not c.derived), None)


def _c(header: str, *path: str, type: str = TEXT, aliases: tuple[str, ...] = (), item: bool = False,
       source: tuple[str, ...] = (), carry_down: bool = False) -> Column:
    return Column(header, tuple(path), type, item, aliases, source, carry_down)


def _common_head(name_aliases: tuple[str, ...], region_header: str = "地区代码") -> tuple[Column, ...]:
    return (
        _c("编号", "id", aliases=("记录编号", "ID", "id")),
        _c("名称", "name", aliases=name_aliases),
        _c(region_header, "region", type=REGION, aliases=("行政区划代码", "区划代码")),
        _c("地区", "region", type=REGION_NAME, source=("region",),
           aliases=("所在地区", "所属地区", "地区名称", "所属行政区划", "适用地区", "行政区划", "市（地）", "县（市、区）")),
    )


def _common_tail() -> tuple[Column, ...]:
    return (
        _c("状态", "status", type=ENUM, aliases=("目录状态",)),
        _c("状态变更日期", "status_change", "date", type=DATE),
        _c("状态变更公告", "status_change", "notice"),
        _c("状态变更原因", "status_change", "reason", aliases=("移出原因", "暂停原因")),
        _c("暂停至", "status_change", "until", type=DATE, aliases=("暂停期限", "暂停截止日期")),
        _c("不得重新列入至", "status_change", "barred_until", type=DATE, aliases=("禁入期限",)),
        _c("列入日期", "listed", "date", type=DATE, aliases=("公布日期", "列入时间")),
        _c("列入公告", "listed", "notice", aliases=("列入公告编号",)),
        _c("维护账号", "maintainers", type=LIST),
        _c("信息来源", "source", aliases=("来源", "数据来源")),
    )


def _offerings(field: str) -> tuple[Column, ...]:
    return (
        _c("职业编码", field, "occupation", type=OCCUPATION, item=True, aliases=("职业代码", "职业（工种）编码")),
        _c("职业名称", field, "occupation", type=OCCUPATION_NAME, item=True, source=(field, "occupation"),
           aliases=("职业", "职业（工种）", "职业（工种）名称", "培训职业", "认定职业")),
        _c("工种", field, "work_type", item=True, aliases=("工种名称",)),
        _c("等级", field, "levels", type=LEVELS, item=True, aliases=("培训等级", "认定等级", "技能等级", "等级范围")),
    )


_CREDIT_ID = _c("统一社会信用代码", "id", type=CREDIT_CODE, aliases=("信用代码", "社会信用代码", "编号"))
_CONTACT = (
    _c("联系人", "contact", "person"),
    _c("联系电话", "contact", "phone", aliases=("电话", "联系方式")),
)
_EXCEPTION = _c("信用代码校验例外原因", "credit_code_exception", "reason")

PROGRAMMES = Table("programmes", (
    *_common_head(("项目名称", "职业（工种）名称", "职业（工种）", "培训项目", "专项职业能力名称", "项目")),
    _c("培训类别", "category", type=ENUM, aliases=("类别", "项目类别", "培训类型"), carry_down=True),
    _c("目录分区", "section", aliases=("目录类别", "所属目录")),
    _c("培训形式", "forms", type=LIST, aliases=("培训方式（形式）",)),
    _c("职业编码", "occupation", "code", type=OCCUPATION, aliases=("职业代码",)),
    _c("职业名称", "occupation", "code", type=OCCUPATION_NAME, source=("occupation", "code"), aliases=("职业",)),
    _c("工种", "occupation", "work_type", aliases=("工种名称",)),
    _c("大典版本", "occupation", "edition", type=ENUM, aliases=("职业分类大典版本",)),
    _c("专项职业能力考核规范编号", "spec", aliases=("考核规范编号",)),
    _c("等级", "levels", "level", type=LEVEL, item=True, aliases=("技能等级", "培训等级", "职业等级")),
    _c("培训课时", "levels", "hours", type=INTEGER, item=True, aliases=("课时", "培训学时", "学时", "课时（学时）")),
    _c("补贴标准（元/人）", "levels", "subsidy", type=MONEY, item=True,
       aliases=("补贴标准", "补贴", "补贴金额", "补贴标准（元）", "补贴金额（元/人）")),
    _c("其中：鉴定费（元/人）", "levels", "assessment_fee", type=MONEY, item=True,
       aliases=("其中：鉴定费", "鉴定费", "鉴定费（元/人）", "其中鉴定费", "评价费")),
    _c("证书类型", "levels", "certificate", type=ENUM, item=True, aliases=("证书", "取得证书")),
    _c("紧缺职业", "shortage", type=BOOLEAN, aliases=("紧缺标记", "急需紧缺", "是否紧缺", "紧缺")),
    _c("紧缺上浮比例（%）", "shortage_uplift_percent", type=INTEGER, aliases=("上浮比例", "上浮比例（%）")),
    _c("标记", "marks", type=MARKS, aliases=("L/S标记", "S/L标记", "数字职业/绿色职业")),
    _c("执行日期", "effective", type=DATE, aliases=("执行时间", "实施日期", "生效日期")),
    _c("有效期止", "valid_to", type=DATE, aliases=("执行截止日期",)),
    _c("所属版本", "edition", aliases=("目录版本",)),
    _c("跨版本说明", "edition_note"),
    *_common_tail(),
    _c("备注", "notes", aliases=("说明",)),
), items="levels")

INSTITUTIONS = Table("institutions", (
    _CREDIT_ID,
    *_common_head(("机构名称", "培训机构名称", "单位名称", "培训机构"))[1:],
    _c("机构类型", "type", type=ENUM, aliases=("类型", "办学类型", "机构性质"), carry_down=True),
    _c("地址", "address", aliases=("办学地址", "培训地址", "机构地址")),
    _c("培训方式", "delivery", type=ENUM, aliases=("线上线下",)),
    _c("平台网址", "online", "url", aliases=("线上平台网址",)),
    _c("平台运营单位", "online", "operator", aliases=("运营单位",)),
    _c("平台备案号", "online", "filing_number", aliases=("备案号",)),
    _c("平台审核状态", "online", "audit_status", type=ENUM, aliases=("审核状态",)),
    *_offerings("offerings"),
    _c("承担补贴性培训", "subsidised", type=BOOLEAN, aliases=("是否承担补贴性培训", "补贴性培训")),
    _c("办学许可证编号", "licence", "number", aliases=("办学许可证号", "许可证编号")),
    _c("发证机关", "licence", "issuer", aliases=("许可证发证机关",)),
    _c("许可证有效期起", "licence", "valid_from", type=DATE),
    _c("许可证有效期止", "licence", "valid_to", type=DATE, aliases=("许可证有效期",)),
    *_CONTACT,
    _c("网站", "contact", "website", aliases=("网址",)),
    _EXCEPTION,
    *_common_tail(),
), items="offerings", id_header="统一社会信用代码")

ASSESSORS = Table("assessors", (
    _CREDIT_ID,
    *_common_head(("机构名称", "认定机构名称", "单位名称", "评价机构名称"))[1:],
    _c("机构类型", "type", type=ENUM, aliases=("类型", "机构类别"), carry_down=True),
    _c("备案编号", "filing_number", aliases=("备案号", "备案证书编号")),
    _c("地址", "address", aliases=("机构地址",)),
    *_offerings("scope"),
    _c("有效期起", "valid_from", type=DATE, aliases=("备案日期",)),
    _c("有效期止", "valid_to", type=DATE),
    *_CONTACT,
    _EXCEPTION,
    *_common_tail(),
), items="scope", id_header="统一社会信用代码")

BASES = Table("bases", (
    *_common_head(("基地名称", "实训基地名称")),
    _c("基地类别", "category", type=ENUM, aliases=("类别", "基地类型"), carry_down=True),
    _c("级别", "level", type=ENUM, aliases=("基地级别", "层级")),
    _c("运营单位", "operator", "name", aliases=("运营单位名称", "建设单位", "依托单位")),
    _c("运营单位信用代码", "operator", "credit_code", type=CREDIT_CODE, aliases=("运营单位统一社会信用代码",)),
    _c("运营单位机构编号", "operator", "institution"),
    _c("建筑面积（平方米）", "floor_area_m2", type=INTEGER, aliases=("建筑面积", "面积（平方米）", "面积")),
    _c("实训工位数", "workstations", type=INTEGER, aliases=("工位数", "实训工位")),
    _c("实训职业编码", "occupations", type=OCCUPATIONS, aliases=("职业编码",)),
    _c("实训职业", "occupations", type=OCCUPATION_NAMES, source=("occupations",), aliases=("实训职业名称",)),
    _c("批准年份", "approval_year", type=YEAR, aliases=("批准时间", "认定年份", "批次")),
    _c("有效期起", "valid_from", type=DATE),
    _c("有效期止", "valid_to", type=DATE, aliases=("验收期止",)),
    _c("资助资金（元）", "funding", type=MONEY, aliases=("资助资金", "补助资金", "资助金额")),
    _c("地址", "address", aliases=("基地地址",)),
    *_common_tail(),
))

STUDIOS = Table("studios", (
    *_common_head(("工作室名称", "技能大师工作室名称")),
    _c("领办人", "master", "name", aliases=("技能大师", "领办人姓名", "大师姓名")),
    _c("荣誉称号", "master", "honours", type=LIST, aliases=("领办人荣誉", "荣誉")),
    _c("职业编码", "master", "occupation", type=OCCUPATION, aliases=("职业代码",)),
    _c("职业名称", "master", "occupation", type=OCCUPATION_NAME, source=("master", "occupation"),
       aliases=("职业（工种）", "职业")),
    _c("依托单位", "host", "name", aliases=("依托单位名称", "所在单位")),
    _c("依托单位信用代码", "host", "credit_code", type=CREDIT_CODE, aliases=("依托单位统一社会信用代码",)),
    _c("依托单位机构编号", "host", "institution"),
    _c("工作室类型", "type", type=ENUM, aliases=("类型",)),
    _c("级别", "level", type=ENUM, aliases=("工作室级别",), carry_down=True),
    _c("批次年份", "batch_year", type=YEAR, aliases=("批次", "年份", "认定年份")),
    _c("资助资金（元）", "subsidy", type=MONEY, aliases=("资助资金", "补助资金", "资助金额")),
    _c("有效期起", "valid_from", type=DATE),
    _c("有效期止", "valid_to", type=DATE),
    *_common_tail(),
))

SPECS = Table("specs", (
    *_common_head(("专项职业能力名称", "能力名称", "考核规范名称")),
    _c("规范编号", "number", aliases=("考核规范编号", "序号编号")),
    _c("相关职业编码", "occupation", type=OCCUPATION, aliases=("职业编码",)),
    _c("相关职业", "occupation", type=OCCUPATION_NAME, source=("occupation",), aliases=("职业名称",)),
    _c("职业领域", "field"),
    _c("定义", "definition"),
    _c("适用对象", "target"),
    _c("工作任务", "competencies", "task", item=True),
    _c("操作规范", "competencies", "norms", item=True),
    _c("相关知识", "competencies", "knowledge", item=True),
    _c("考核比重（%）", "competencies", "weight", type=INTEGER, item=True, aliases=("考核比重", "比重（%）", "比重")),
    _c("申报条件", "assessment", "requirements"),
    _c("鉴定方式", "assessment", "method"),
    _c("鉴定时间（分钟）", "assessment", "duration_minutes", type=INTEGER, aliases=("鉴定时间",)),
    _c("考评员人数", "assessment", "examiners", type=INTEGER, aliases=("考评员构成",)),
    _c("场地设备", "assessment", "venue", aliases=("场地设备要求",)),
    _c("版本", "version"),
    _c("施行日期", "effective", type=DATE, aliases=("执行日期", "实施日期")),
    _c("有效期止", "valid_to", type=DATE),
    _c("替代规范编号", "replaced_by", aliases=("替代规范",)),
    *_common_tail(),
), items="competencies")

NOTICES = Table("notices", (
    _c("编号", "id"),
    _c("标题", "name", aliases=("名称", "公告标题", "文件标题")),
    _c("发文地区代码", "region", type=REGION, aliases=("地区代码",)),
    _c("发文地区", "region", type=REGION_NAME, source=("region",), aliases=("地区",)),
    _c("文号", "number", aliases=("发文字号",)),
    _c("发文机关", "issuer", aliases=("发文单位",)),
    _c("发文日期", "date", type=DATE, aliases=("日期", "成文日期")),
    _c("生效日期", "effective", type=DATE, aliases=("施行日期",)),
    _c("摘要", "summary", aliases=("内容摘要",)),
    _c("原文链接", "url", aliases=("链接", "网址")),
    _c("版本目录类别", "edition", "kind", type=ENUM),
    _c("版本辖区代码", "edition", "region", type=REGION),
    _c("版本名称", "edition", "name"),
    _c("版本生效日期", "edition", "effective", type=DATE),
    _c("取代的版本", "edition", "replaces"),
    _c("维护账号", "maintainers", type=LIST),
    _c("信息来源", "source", aliases=("来源",)),
))

SHORTAGES = Table("shortages", (
    *_common_head(("目录名称", "紧缺职业目录名称")),
    _c("有效期起", "valid_from", type=DATE, aliases=("执行日期", "实施日期")),
    _c("有效期止", "valid_to", type=DATE),
    _c("职业编码", "entries", "occupation", type=OCCUPATION, item=True, aliases=("职业代码",)),
    _c("职业名称", "entries", "occupation", type=OCCUPATION_NAME, item=True, source=("entries", "occupation"),
       aliases=("职业", "职业（工种）", "紧缺职业（工种）")),
    _c("工种", "entries", "work_type", item=True, aliases=("工种名称",)),
    _c("适用等级", "entries", "levels", type=LEVELS, item=True, aliases=("等级",)),
    _c("上浮比例（%）", "entries", "uplift_percent", type=INTEGER, item=True, aliases=("上浮比例",)),
    _c("上浮金额（元/人）", "entries", "uplift_amount", type=MONEY, item=True, aliases=("上浮金额",)),
    *_common_tail(),
    _c("备注", "notes", aliases=("说明",)),
), items="entries")

QUALIFICATIONS = Table("qualifications", (
    *_common_head(("职业资格名称", "资格名称")),
    _c("类别", "category", type=ENUM, aliases=("资格类别",), carry_down=True),
    _c("资格类型", "type", type=ENUM, aliases=("类型",)),
    _c("实施部门", "department", aliases=("实施部门（单位）", "实施单位")),
    _c("设定依据", "basis", aliases=("资格设置依据",)),
    _c("相关职业编码", "occupations", type=OCCUPATIONS, aliases=("职业编码",)),
    _c("相关职业", "occupations", type=OCCUPATION_NAMES, source=("occupations",), aliases=("职业名称",)),
    _c("证书名称", "certificate"),
    _c("目录版本", "list_edition", aliases=("版本",)),
    *_common_tail(),
    _c("备注", "notes", aliases=("说明",)),
))

DEMANDS = Table("demands", (
    *_common_head(("需求名称", "培训需求")),
    _c("职业编码", "occupation", type=OCCUPATION, aliases=("职业代码",)),
    _c("职业名称", "occupation", type=OCCUPATION_NAME, source=("occupation",), aliases=("职业", "职业（工种）")),
    _c("工种", "work_type", aliases=("工种名称",)),
    _c("专项职业能力考核规范编号", "spec", aliases=("考核规范编号",)),
    _c("等级", "level", type=LEVEL, aliases=("培训等级",)),
    _c("预计培训人数", "expected_trainees", type=INTEGER, aliases=("需求人数", "预计人数")),
    _c("需求期起", "valid_from", type=DATE),
    _c("需求期止", "valid_to", type=DATE),
    _c("需求来源", "basis", type=ENUM, aliases=("来源方式",)),
    *_common_tail(),
    _c("备注", "notes", aliases=("说明",)),
))

TRAINERS = Table("trainers", (
    *_common_head(("姓名", "师资姓名", "教师姓名")),
    *_offerings("occupations"),
    _c("职称或证书等级", "qualification", aliases=("职称", "证书等级", "技能等级证书")),
    _c("所在单位", "unit", "name", aliases=("单位", "工作单位")),
    _c("所在单位信用代码", "unit", "credit_code", type=CREDIT_CODE, aliases=("单位信用代码",)),
    _c("所在单位机构编号", "unit", "institution"),
    _c("同意公开日期", "consent_date", type=DATE, aliases=("授权日期",)),
    *_common_tail(),
), items="occupations")

TABLES: dict[str, Table] = {t.kind: t for t in (PROGRAMMES, INSTITUTIONS, ASSESSORS, BASES, STUDIOS, SPECS, NOTICES,
                                                 SHORTAGES, QUALIFICATIONS, DEMANDS, TRAINERS)}

# Columns the site's downloads add for readers (mulu.site.downloads): the 文号 next to each
# notice id, and the record digest. Import skips them.
NOTICE_NUMBER_HEADERS = {"列入公告": "列入公告文号", "状态变更公告": "状态变更公告文号"}
DIGEST_HEADER = "记录摘要（SHA-256）"

# Headers that carry nothing to import (row numbers, the downloads' reader columns) and are
# skipped without a warning (compared after normal_key; the reader columns are added below it).
IGNORED_HEADERS = frozenset({"序号", "编号序号", "排序", "行号", "no", "no."})

_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "／": "/", "　": " ", "【": "[", "】": "]",
                        "〔": "[", "〕": "]", "［": "[", "］": "]"})
_SPACE = re.compile(r"\s+")


def normal_key(text: str) -> str:
    """A header or name reduced for comparison: full-width forms folded to half-width
    (brackets, colons, letters, digits), spaces and line breaks removed, lower case."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_WIDTH)
    return _SPACE.sub("", text).lower()


IGNORED_HEADERS |= {normal_key(h) for h in (*NOTICE_NUMBER_HEADERS.values(), DIGEST_HEADER)}


def header_index(table: Table) -> dict[str, Column]:
    """Every header and alias of ``table`` (normalised) -> its column. Headers win over
    aliases, earlier columns over later ones."""
    index: dict[str, Column] = {}
    for col in table.columns:
        index.setdefault(normal_key(col.header), col)
    for col in table.columns:
        for alias in col.aliases:
            index.setdefault(normal_key(alias), col)
    return index


def stored_columns(table: Table) -> Iterator[Column]:
    """Columns whose values are stored in records (everything but the derived names)."""
    return (c for c in table.columns if not c.derived)
