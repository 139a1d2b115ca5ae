"""The personal-data guard: everything in a registry is published, so no record may carry a
resident ID number (GB 11643), nor a mobile number outside a field its schema declares a
public contact (``"x-public-contact": true``, e.g. a unit's contact phone)."""

from __future__ import annotations

import re
from datetime import date

from mulu.core.loading import Document, field_name, string_values
from mulu.core.problems import Problem
from mulu.core.schemas import Schema

PUBLIC_CONTACT_KEYWORD = "x-public-contact"
# 18 characters standing alone: 6-digit region, birth date, sequence, check character.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3})([0-9Xx])(?![0-9A-Za-z])")
# A mainland mobile number, also written 138-1234-5678 or 138 1234 5678.
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def is_resident_id(text: str) -> bool:
    """Whether ``text`` (18 characters) is a well-formed resident ID number: a real birth date
    and the GB 11643 check character."""
    if len(text) != 18 or not text[:17].isdigit():
        return False
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    check = "10X98765432"[sum(int(c) * w for c, w in zip(text[:17], _WEIGHTS, strict=True)) % 11]
    return text[17].upper() == check


def find_resident_ids(text: str) -> list[str]:
    """The resident ID numbers written in ``text``."""
    return [m.group(0) for m in _ID_NUMBER.finditer(text) if is_resident_id(m.group(0))]


def find_mobiles(text: str) -> list[str]:
    """The mobile numbers written in ``text``."""
    return [m.group(0) for m in _MOBILE.finditer(text)]


def _mask(text: str) -> str:
    compact = re.sub(r"[^0-9Xx]", "", text.removeprefix("+86"))
    return compact[:3] + "*" * (len(compact) - 7) + compact[-4:]


def personal_data_problems(schema: Schema, doc: Document) -> list[Problem]:
    """Every resident ID number, and every mobile number outside a public contact field."""
    problems = []
    for path, text in string_values(doc.data):
        if not any(ch.isdigit() for ch in text):
            continue
        found = [(f"身份证号 {_mask(n)}", "身份证号不得公开") for n in find_resident_ids(text)]
        mobiles = find_mobiles(text)
        if mobiles:
            field = schema.tree.at(path)
            if field is None or not field.node.get(PUBLIC_CONTACT_KEYWORD):
                found += [(f"手机号 {_mask(n)}", "个人手机号只能写在公开的联系电话字段（如 contact.phone）中")
                          for n in mobiles]
        line, col = doc.position(path)
        for what, why in found:
            problems.append(Problem(doc.file, line, col, field_name(path),
                                    f"“{schema.label(path)}”中有疑似{what}：{why}，目录会全部公开发布。"
                                    "请删除它（需要联系方式的，填写单位的公开电话）。", "rule.personal_data"))
    return problems
