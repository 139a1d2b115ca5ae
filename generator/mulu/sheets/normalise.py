"""Cell values from department spreadsheets, normalised with cerberus before they become records.

Departments write the same thing many ways: "1,200元" and 1200.0, "2024年3月1日", "2024/3/1"
and a date cell, 初级工 and 五级, （） and (). Each column type has a coercer that turns a
cell into the value a record holds, or raises ``ValueError`` with a Chinese sentence saying
what is wrong; cerberus runs the coercers over a row and collects those sentences.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import cerberus
from cerberus import errors as cerberus_errors

from mulu.core import creditcode
from mulu.core.reference import Reference
from mulu.sheets import columns as C
from mulu.sheets.columns import Column, normal_key

Coercer = Callable[[Any], Any]

# Markers seen in published catalogues (docs/dev/domain.md).
NO_SUCH_LEVEL = "——"      # the occupation has no such level
NOT_SUBSIDISED = "/"      # listed but not subsidised
PACKAGE = "*"             # a training-package project
SHORTAGE = "▲"            # a shortage occupation
_DASHES = re.compile(r"^[-—–―─－_~～]+$")
_SLASHES = {"/", "／", "\\", "＼"}
_PACKAGE_CHARS = "*＊※"
_SHORTAGE_CHARS = "▲△"
_UNQUOTE = re.compile(r"^'+[=+\-@\t\r]")
_LIST_SPLIT = re.compile(r"[、,，;；\n]+")
_LEVELS_SPLIT = re.compile(r"[、,，;；\s]+")
_OCC_CODE = re.compile(r"^([1-8])-?(\d{2})-?(\d{2})-?(\d{2})$")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(万)?(元|元/人|学时|课时|小时|平方米|㎡|m2|m²|个|人|分钟|%|年度|年)?$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_BRACKETED = re.compile(r"^(.+?)\((.+)\)$")
_TRUE = {"是", "true", "√", "✓", "✔", "▲", "y", "yes", "1", "有", "紧缺", "承担"}
_FALSE = {"否", "false", "×", "✗", "n", "no", "0", "无", "不承担"}


def marker(value: Any) -> str | None:
    """``NO_SUCH_LEVEL`` or ``NOT_SUBSIDISED`` when a cell holds only that marker."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text and _DASHES.match(text):
        return NO_SUCH_LEVEL
    if text in _SLASHES:
        return NOT_SUBSIDISED
    return None


def strip_flags(value: Any) -> tuple[Any, set[str]]:
    """Remove ▲ and * written before or after a cell's text; return the text and which
    markers were found."""
    if not isinstance(value, str):
        return value, set()
    found: set[str] = set()
    text = value.strip()
    while text and (text[0] in _SHORTAGE_CHARS + _PACKAGE_CHARS or text[-1] in _SHORTAGE_CHARS + _PACKAGE_CHARS):
        for ch in (text[0], text[-1]):
            if ch in _SHORTAGE_CHARS:
                found.add(SHORTAGE)
            elif ch in _PACKAGE_CHARS:
                found.add(PACKAGE)
        text = text.strip(_SHORTAGE_CHARS + _PACKAGE_CHARS).strip()
    return text, found


def short_hash(text: str, length: int = 6) -> str:
    """A stable short ASCII tag for a Chinese name (for generated ids)."""
    return hashlib.sha1(normal_key(text).encode("utf-8")).hexdigest()[:length]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value)


def _display_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    # The export puts an apostrophe before text a spreadsheet would run as a formula.
    return text[1:] if _UNQUOTE.match(text) else text


def _plain(value: Any) -> str:
    """Text folded for parsing numbers and dates: full-width digits and signs to ASCII."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _display_text(value)))


def coerce_text(value: Any) -> str | None:
    """Free text, kept as written (trimmed)."""
    return None if _blank(value) else _display_text(value)


def coerce_integer(value: Any, label: str = "数值", money: bool = False) -> int | None:
    """Whole numbers, also written as "1,200元", "10万元", "1200.00", "360学时"."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{label}应为整数，现在是 {_display_text(value)}。")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"{label}应为整数，现在是 {value:g}。")
    text = _plain(value).replace(",", "")
    match = _NUMBER.match(text)
    if not match:
        unit = "，例如 1200 或 1,200元" if money else "，例如 120"
        raise ValueError(f"{label}“{_display_text(value)}”不是数字：请只写数字{unit}。")
    number = float(match.group(1)) * (10000 if match.group(2) else 1)
    if not number.is_integer():
        raise ValueError(f"{label}“{_display_text(value)}”不是整数：请写整数。")
    return int(number)


def coerce_year(value: Any) -> int | None:
    """A year: 2023, "2023年", or a date cell."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    year = coerce_integer(value, "年份")
    if year is not None and not 1949 <= year <= 2100:
        raise ValueError(f"年份 {year} 不合理：请写四位年份，例如 2023。")
    return year


def coerce_date(value: Any) -> str | None:
    """YYYY-MM-DD from date cells, "2024年3月1日", "2024/3/1", "2024.3.1", "20240301" or an
    Excel day number."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # Excel's day count (1954-2119): a date cell read as a number
            return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
        value = str(int(value))
    text = _plain(value)
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise ValueError(f"日期“{_display_text(value)}”看不懂：请写成 2024-03-01、2024/3/1 或 2024年3月1日。")
    try:
        return dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        raise ValueError(f"日期“{_display_text(value)}”不存在：请核对年、月、日。") from None


def coerce_boolean(value: Any) -> bool | None:
    """是/否 and the usual ticks and crosses."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    key = normal_key(_display_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"“{_display_text(value)}”应为“是”或“否”。")


def coerce_credit_code(value: Any) -> str | None:
    """A credit code upper-cased, with spaces and full-width letters removed. The check
    character is tested per row (a documented exception may excuse it)."""
    if _blank(value):
        return None
    if isinstance(value, float):
        raise ValueError("统一社会信用代码被 Excel 存成了数字，后几位已经丢失：请把这一列设置为“文本”格式后重新填写。")
    text = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", _display_text(value))).upper()
    if len(text) != 18 or any(ch not in creditcode.ALPHABET for ch in text):
        bad = "".join(sorted({ch for ch in text if ch not in creditcode.ALPHABET}))
        extra = f"；其中“{bad}”不能出现（代码不含 I、O、Z、S、V）" if bad else ""
        raise ValueError(f"统一社会信用代码“{_display_text(value)}”应为 18 位数字和大写字母，现在是 {len(text)} 位{extra}。")
    return text


def coerce_marks(value: Any) -> list[str] | None:
    """S（数字职业）and L（绿色职业） marks, written as "S", "L/S", "S、L"."""
    if _blank(value):
        return None
    text = unicodedata.normalize("NFKC", _display_text(value)).upper()
    letters = re.findall(r"[A-Z]", text)
    if not letters or any(ch not in "SL" for ch in letters):
        raise ValueError(f"标记“{_display_text(value)}”只能含 S（数字职业）和 L（绿色职业）。")
    return list(dict.fromkeys(letters))


def coerce_list(value: Any) -> list[str] | None:
    """Several texts in one cell, separated by 、 , ; or line breaks."""
    if _blank(value):
        return None
    items = [part.strip() for part in _LIST_SPLIT.split(_display_text(value))]
    return list(dict.fromkeys(p for p in items if p)) or None


@dataclass
class Lookups:
    """Code lists and allowed values a kind's cells are matched against."""

    reference: Reference
    jurisdictions: tuple[str, ...] = ()
    enums: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    _regions: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)
    _occupations: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)
    _work_types: dict[str, set[tuple[str, str]]] = field(default_factory=dict, init=False, repr=False)
    _levels: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        ref = self.reference
        for code in ref.regions:
            names = ref.region_path(code)
            forms = {names[-1], "".join(names), "".join(names[-2:])}
            if code.endswith("00") and len(names[-1]) > 2 and names[-1][-1] in "省市":
                forms.add(names[-1][:-1])  # 黑龙江 for 黑龙江省, 哈尔滨 for 哈尔滨市
            for form in forms:
                self._regions.setdefault(normal_key(form), set()).add(code)
        for occ in ref.occupations.values():
            self._occupations.setdefault(normal_key(occ.name), set()).add(occ.code)
            for work_type in occ.work_types:
                self._work_types.setdefault(normal_key(work_type), set()).add((occ.code, work_type))
        for name in ref.levels:
            self._levels[normal_key(name)] = name
        for alias, name in ref.level_aliases.items():
            self._levels.setdefault(normal_key(alias), name)

    # -- regions ------------------------------------------------------------------------
    def _in_jurisdiction(self, code: str) -> bool:
        return any(self.reference.in_region(code, j) for j in self.jurisdictions)

    def region(self, value: Any) -> str | None:
        """A six-digit region code from a code or a name (黑龙江省哈尔滨市南岗区, 南岗区)."""
        if _blank(value):
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(int(value))
        text = _display_text(value)
        plain = _plain(text)
        if plain.isdigit():
            if len(plain) != 6:
                raise ValueError(f"行政区划代码“{text}”应为六位数字，例如 230100。")
            return plain
        codes = self._regions.get(normal_key(text), set())
        if len(codes) > 1:
            codes = {c for c in codes if self._in_jurisdiction(c)} or codes
        if not codes:
            raise ValueError(f"找不到地区“{text}”：请写六位行政区划代码，或写完整名称，例如 黑龙江省哈尔滨市南岗区。")
        if len(codes) > 1:
            options = "、".join(f"{''.join(self.reference.region_path(c))}（{c}）" for c in sorted(codes)[:5])
            raise ValueError(f"地区“{text}”有多个同名：{options}；请写完整名称或六位代码。")
        return next(iter(codes))

    # -- occupations ----------------------------------------------------------------------
    def occupation_code(self, value: Any) -> str | None:
        """An occupation code such as 6-31-01-03 (full-width dashes accepted), or the code
        of an occupation written by name."""
        if _blank(value):
            return None
        text = _display_text(value)
        match = _OCC_CODE.match(re.sub(r"[—–－‐―]", "-", _plain(text)))
        if match:
            return "-".join(match.groups())
        found = self.find_occupation(text)
        if found is None:
            raise ValueError(f"职业编码“{text}”格式不对：应写成 6-31-01-03 这样的大典编码，或写代码表中的职业名称。")
        return found[0]

    def find_occupation(self, text: str) -> tuple[str, str | None] | None:
        """(code, work type) for an occupation written by name: 电工, 电焊工 (a work type),
        焊工（电焊工）; None when the name is unknown or ambiguous."""
        key = normal_key(text)
        codes = self._occupations.get(key, set())
        if len(codes) == 1:
            return next(iter(codes)), None
        work = self._work_types.get(key, set())
        if len(work) == 1:
            code, work_type = next(iter(work))
            return code, work_type
        match = _BRACKETED.match(key)
        if match:
            codes = self._occupations.get(match.group(1), set())
            if len(codes) == 1:
                code = next(iter(codes))
                inner = re.search(r"[（(](.+)[）)]\s*$", text)
                written = inner.group(1).strip() if inner else match.group(2)
                known = next((w for w in self.reference.occupations[code].work_types
                              if normal_key(w) in (key, normal_key(written))), None)
                return code, known or written
        return None

    def occupation_name(self, value: Any) -> dict[str, Any] | None:
        """An occupation written by name: ``{"code": ..., "work_type": ...}``."""
        if _blank(value):
            return None
        text, _ = strip_flags(_display_text(value))
        found = self.find_occupation(text)
        if found is None:
            raise ValueError(f"职业“{text}”不在职业代码表中：请写职业编码，或核对名称（registry/reference/occupations.yml）。")
        return {"code": found[0], "work_type": found[1]}

    def occupation_names(self, value: Any) -> list[str] | None:
        """Several occupations by name (or code) in one cell -> their codes."""
        items = coerce_list(value)
        return None if items is None else list(dict.fromkeys(self.occupation_code(v) or "" for v in items))

    def occupation_codes(self, value: Any) -> list[str] | None:
        """Several occupation codes in one cell."""
        return self.occupation_names(value)

    # -- levels ---------------------------------------------------------------------------
    def find_level(self, text: str) -> str | None:
        """The level a text names (五级, 初级工, 五级（初级工）, 五级/初级工), or None."""
        key = normal_key(text)
        if key in self._levels:
            return self._levels[key]
        match = _BRACKETED.match(key)
        if match:
            return self._levels.get(match.group(1)) or self._levels.get(match.group(2))
        return None

    def level(self, value: Any) -> str | None:
        """One level, from its name or an alias in levels.yml."""
        if _blank(value):
            return None
        text = _display_text(value)
        found = self.find_level(text)
        if found is None:
            raise ValueError(f"不认识的等级“{text}”：请写 {'、'.join(self.reference.levels[:5])}，"
                             f"或 初级工、中级工、高级工、技师、高级技师。")
        return found

    def levels(self, value: Any) -> list[str] | None:
        """Several levels in one cell: 五级、四级 or 初级工,中级工."""
        if _blank(value):
            return None
        text = _display_text(value)
        whole = self.find_level(text)
        parts = [whole] if whole else [self.level(p) for p in _LEVELS_SPLIT.split(text) if p.strip()]
        return list(dict.fromkeys(p for p in parts if p)) or None

    # -- enums ----------------------------------------------------------------------------
    def enum(self, path: tuple[str, ...], label: str) -> Coercer:
        """A coercer to one of the schema's values for ``path`` (brackets and spaces ignored)."""
        allowed = self.enums.get(path, [])
        index = {normal_key(v): v for v in allowed}

        def coerce(value: Any) -> str | None:
            if _blank(value):
                return None
            text = _display_text(value)
            if normal_key(text) in index:
                return index[normal_key(text)]
            raise ValueError(f"{label}“{text}”不是可选值：只能是 {'、'.join(allowed)}。")
        return coerce


def coercer(col: Column, lookups: Lookups) -> Coercer:
    """The function turning a cell of ``col`` into the value a record holds."""
    label = col.header
    simple: dict[str, Coercer] = {
        C.TEXT: coerce_text, C.DATE: coerce_date, C.BOOLEAN: coerce_boolean, C.YEAR: coerce_year,
        C.CREDIT_CODE: coerce_credit_code, C.MARKS: coerce_marks, C.LIST: coerce_list,
        C.INTEGER: lambda v: coerce_integer(v, label), C.MONEY: lambda v: coerce_integer(v, label, money=True),
        C.REGION: lookups.region, C.REGION_NAME: lookups.region, C.OCCUPATION: lookups.occupation_code,
        C.OCCUPATIONS: lookups.occupation_codes, C.OCCUPATION_NAME: lookups.occupation_name,
        C.OCCUPATION_NAMES: lookups.occupation_names, C.LEVEL: lookups.level, C.LEVELS: lookups.levels,
    }
    if col.type == C.ENUM:
        return lookups.enum(col.path, label)
    return simple[col.type]


class _ChineseErrors(cerberus_errors.BasicErrorHandler):
    """Cerberus reports in English; our coercers already say what is wrong in Chinese."""

    messages = dict(cerberus_errors.BasicErrorHandler.messages)
    messages[cerberus_errors.COERCION_FAILED.code] = "{0}"


class RowNormaliser:
    """Normalises rows keyed by column names, with cerberus, one column at a time.

    A sheet repeats the same cells over and over (category, level, occupation), and cerberus
    re-checks its schema on every document, so each distinct value of a column is
    normalised once and remembered: 11,000 rows went from 12 s to about 2 s."""

    def __init__(self, cols: list[tuple[str, Column]], lookups: Lookups) -> None:
        self._validators = {name: cerberus.Validator({"v": {"coerce": coercer(col, lookups), "nullable": True}},
                                                     error_handler=_ChineseErrors) for name, col in cols}
        self._memo: dict[tuple[str, Any], tuple[Any, str | None]] = {}

    def _one(self, name: str, value: Any) -> tuple[Any, str | None]:
        try:
            key: tuple[str, Any] = (name, (type(value).__name__, value))
            hash(key)
        except TypeError:  # a list or mapping from a mapping file's defaults
            key = (name, ("repr", repr(value)))
        if key not in self._memo:
            validator = self._validators[name]
            validator.validate({"v": value})
            errors = validator.errors.get("v")
            self._memo[key] = (None, str(errors[0])) if errors else (validator.document.get("v"), None)
        value, error = self._memo[key]
        return copy.deepcopy(value) if isinstance(value, (list, dict)) else value, error

    def normalise(self, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Normalised values and, per key, the reason a value could not be normalised."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for name, value in raw.items():
            result, error = self._one(name, value)
            if error is not None:
                problems[name] = error
            else:
                values[name] = result
        return values, problems
