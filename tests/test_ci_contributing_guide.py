"""docs/contributing.md quotes real messages: break a record the documented ways and check
that what ``mulu validate``, ``mulu fmt --check`` and ``mulu new`` say is what the guide says."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "contributing.md"
REL = "registry/institutions/12210100417552193L.yml"
# The record the guide's examples were made from (kept here so that the test does not
# depend on the sample data staying the same; only its notice and occupation codes must exist).
RECORD = """\
# yaml-language-server: $schema=../../schemas/institution.schema.json
id: 12210100417552193L
name: 沈阳市残疾人职业技能培训中心
region: "210105"
status: 在册
listed:
  date: 2022-09-01
  notice: ln-2022-56
maintainers: [sy-canlian]
type: 其他
address: 沈阳市皇姑区黄河南大街 98 号
offerings:
  - occupation: "4-10-03-02"
    levels: [五级, 四级, 三级]
  - occupation: "4-01-06-01"
    levels: [五级, 四级, 三级]
  - occupation: "4-03-02-02"
    levels: [五级, 四级, 三级]
subsidised: true
contact:
  person: 白雪
  phone: 024-86849317
"""


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)
    return edit


BREAKS: dict[str, Callable[[str], str]] = {
    "code without quotes": replace('region: "210105"', "region: 210105"),
    "colon in value": replace("address: 沈阳", "address: 地址: 沈阳"),
    "tab": replace("  person: 白雪", "\tperson: 白雪"),
    "unclosed quote": replace("name: 沈阳", 'name: "沈阳'),
    "date": replace("  date: 2022-09-01", "  date: 2022/9/1"),
    "typo": replace("address:", "adress:"),
    "enum": replace("type: 其他", "type: 培训学校"),
    "level": replace('  - occupation: "4-03-02-02"\n    levels: [五级, 四级, 三级]',
                     '  - occupation: "4-10-01-06"\n    levels: [五级, 四级, 三级, 一级]'),
    "phone": replace("  phone: 024-86849317", "  phone: 024-86849317（办公室）"),
    "notice": replace("  notice: ln-2022-56", "  notice: ln-2022-99"),
    "withdrawn": replace("status: 在册", "status: 已移出"),
}


@pytest.fixture
def record(project: Path, mulu) -> Path:
    path = project / REL
    path.write_text(RECORD, encoding="utf-8")
    if mulu("validate", REL, cwd=project).code != 0:
        pytest.skip("样例目录中没有这条记录引用的公告或职业编码")
    return path


def guide_blocks() -> str:
    return "\n".join(re.findall(r"```text\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S))


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_documented_validation_messages_are_real(record: Path, project: Path, mulu, name: str) -> None:
    record.write_text(BREAKS[name](RECORD), encoding="utf-8")
    result = mulu("validate", REL, cwd=project)
    assert result.code == 1
    problems = [line for line in result.out.splitlines() if line.startswith(REL)]
    assert problems
    quoted = guide_blocks()
    for line in problems:
        assert line in quoted, f"指南中没有这条真实提示（请更新 docs/contributing.md）：\n{line}"


def test_documented_encoding_message_is_real(record: Path, project: Path, mulu) -> None:
    record.write_bytes(RECORD.encode("gb18030"))
    result = mulu("validate", REL, cwd=project)
    line = next(x for x in result.out.splitlines() if x.startswith(REL))
    assert line in guide_blocks()


def test_documented_fmt_message_is_real(record: Path, project: Path, mulu) -> None:
    record.write_text(RECORD.replace('region: "210105"', "region: 210105").replace("person: 白雪", 'person: "白雪"'),
                      encoding="utf-8")
    result = mulu("fmt", "--check", REL, cwd=project)
    assert result.code == 1
    assert result.out.strip() in guide_blocks()


def test_documented_new_command_works(project: Path, mulu) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    command = re.search(r"^mulu new institutions (\S+) --maintainer", text, flags=re.M)
    assert command is not None
    result = mulu("new", "institutions", command.group(1), "--maintainer", "sy-canlian", cwd=project)
    assert result.code == 0 and "校验位" not in result.out  # the guide's example code is a valid one
