"""``mulu fmt``: canonical form, comments kept, meaning never changed, --check changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.records import NOTICE
from mulu.core.kinds import KINDS
from mulu.core.loading import parse_text

CODE = "121200004013590816"  # passes the GB 32100-2015 check (docs/dev/domain.md test vector)

# An institution record written the way people write when nobody checks: fields out of
# order (top level and nested), needless quotes, a code as a number, a quoted date,
# "yes" for true, a 4-space list, and comments that must survive next to their fields.
MESSY = f"""\
# yaml-language-server: $schema=../../schemas/institution.schema.json
name: '哈尔滨市南岗区测试职业技能培训学校'   # 全称，与营业执照一致
id: "{CODE}"
region: 230103
maintainers:
    - test-school
listed:
  notice: t-notice-1
  date: "2024-03-05"
status: 在册

# 联系方式：电话变了请及时更新
contact:
  phone: "0451-86201234"
  person: 张老师
type: 民办职业培训机构
address: 哈尔滨市南岗区测试路 1 号
offerings:
  - levels: [五级, 四级]
    occupation: 4-10-01-06
subsidised: yes
"""

def write_messy(project: Path) -> tuple[Path, str]:
    (project / "registry" / "notices" / "t-notice-1.yml").write_text(NOTICE, encoding="utf-8")
    path = project / "registry" / "institutions" / f"{CODE}.yml"
    path.write_text(MESSY, encoding="utf-8")
    return path, path.relative_to(project).as_posix()


def data_of(text: str) -> dict:
    doc, problems = parse_text(text, "x.yml")
    assert doc is not None, problems
    return doc.data


def test_check_lists_what_is_not_canonical_and_changes_nothing(project: Path, mulu) -> None:
    path, rel = write_messy(project)
    result = mulu("fmt", "--check", rel, cwd=project)
    assert result.code == 1
    assert path.read_text(encoding="utf-8") == MESSY
    out = result.out
    assert f"{rel}:2: （警告）字段顺序应为" in out
    assert ":2: （警告）字段顺序应为：id、name、region、status、listed、maintainers" in out
    assert ":4: [region] （警告）代码要写成带英文双引号的文本：\"230103\"" in out
    assert ":6: （警告）第 6 行的缩进或空格与规范格式不同" in out
    assert ":9: [listed.date] （警告）日期不加引号：2024-03-05" in out
    assert "“listed”中字段顺序应为：date、notice" in out
    assert ":20: [offerings[0].occupation] （警告）代码要加英文双引号" in out
    assert ":21: [subsidised] （警告）是/否请写 true" in out
    assert "运行 mulu fmt" in out


def test_fmt_writes_canonical_form_keeping_comments(project: Path, mulu) -> None:
    path, rel = write_messy(project)
    result = mulu("fmt", rel, cwd=project)
    assert result.code == 0, result.err
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    schema = json.loads((project / "schemas" / "institution.schema.json").read_text(encoding="utf-8"))
    top = [line.split(":")[0] for line in lines if line and line[0].isalpha()]
    assert top == [k for k in schema["properties"] if k in top]  # schema order
    assert lines[0].startswith("# yaml-language-server:")  # the editor line stays first
    assert "name: 哈尔滨市南岗区测试职业技能培训学校" in text and "# 全称，与营业执照一致" in text
    contact = lines.index("contact:")
    assert lines[contact - 1] == "# 联系方式：电话变了请及时更新"  # the comment moved with its field
    assert lines[contact + 1:contact + 3] == ["  person: 张老师", "  phone: 0451-86201234"]
    assert 'region: "230103"' in text and "  date: 2024-03-05" in text and "subsidised: true" in text
    assert '  - occupation: "4-10-01-06"' in text and "maintainers:\n  - test-school" in text
    expected = data_of(MESSY)
    expected["region"] = "230103"  # the only change of meaning: the code becomes text, as the schema asks
    assert data_of(text) == expected
    assert mulu("validate", rel, cwd=project).code == 0
    again = mulu("fmt", "--check", rel, cwd=project)
    assert again.code == 0, again.out  # idempotent
    assert "格式检查通过" in again.out


def test_sample_registry_formats_without_changing_meaning(project: Path, mulu) -> None:
    files = [project / "registry" / "config.yml"]
    files += [p for k in KINDS for p in sorted((project / "registry" / k.name).glob("*.yml"))]
    before = {p: data_of(p.read_text(encoding="utf-8")) for p in files}
    assert mulu("fmt", cwd=project).code == 0
    for path, data in before.items():
        assert data_of(path.read_text(encoding="utf-8")) == data, path
    check = mulu("fmt", "--check", cwd=project)
    assert check.code == 0, check.out
    assert mulu("validate", cwd=project).code == 0


def test_file_that_does_not_parse_is_refused(project: Path, mulu) -> None:
    path, rel = write_messy(project)
    broken = MESSY.replace("type: 民办职业培训机构", "type: 民办职业培训机构: 其他")
    path.write_text(broken, encoding="utf-8")
    for args in (("fmt", rel), ("fmt", "--check", rel)):
        result = mulu(*args, cwd=project)
        assert result.code == 1
        assert f"{rel}:16:" in result.err and "YAML 语法错误" in result.err
        assert "无法解析，没有修改" in result.err and "Traceback" not in result.err
        assert path.read_text(encoding="utf-8") == broken


def test_duplicate_keys_are_refused_not_merged(project: Path, mulu) -> None:
    path, rel = write_messy(project)
    path.write_text(MESSY + "name: 另一个名字\n", encoding="utf-8")
    result = mulu("fmt", rel, cwd=project)
    assert result.code == 1 and "重复出现" in result.err
    assert path.read_text(encoding="utf-8").endswith("name: 另一个名字\n")


def test_only_record_files_are_formatted(project: Path, mulu) -> None:
    result = mulu("fmt", "registry/reference/levels.yml", cwd=project)
    assert result.code == 2 and "不是目录记录文件" in result.err
    missing = mulu("fmt", "registry/institutions/nope.yml", cwd=project)
    assert missing.code == 2 and "路径不存在" in missing.err


def test_github_format_gives_warnings_with_file_and_line(project: Path, mulu) -> None:
    _, rel = write_messy(project)
    result = mulu("fmt", "--check", "--format", "github", rel, cwd=project)
    assert result.code == 1
    assert f"::warning file={rel},line=4,title=格式不规范::[region]" in result.out


def test_crlf_and_bom_are_normalised(project: Path, mulu) -> None:
    path, rel = write_messy(project)
    assert mulu("fmt", rel, cwd=project).code == 0
    clean = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + clean.replace(b"\n", b"\r\n"))
    check = mulu("fmt", "--check", rel, cwd=project)
    assert check.code == 1 and "换行" in check.out
    assert mulu("fmt", rel, cwd=project).code == 0
    assert path.read_bytes() == clean


def _top_level_blocks(text: str) -> tuple[list[str], list[list[str]]]:
    """The editor line, and each top-level field with the lines that belong to it."""
    lines = text.splitlines(keepends=True)
    head = lines[:1] if lines and lines[0].startswith("# yaml-language-server:") else []
    blocks: list[list[str]] = []
    for line in lines[len(head):]:
        if not blocks or line[:1] not in (" ", "#", "\n", "-"):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return head, blocks


def test_shuffled_sample_records_come_back_with_their_comments(project: Path, mulu) -> None:
    """Every sample record, its fields shuffled and each given a comment, formats back to
    the original order with each comment still directly above its field."""
    import random

    rng = random.Random(7)
    files = [p for k in KINDS for p in sorted((project / "registry" / k.name).glob("*.yml"))]
    if not files:
        pytest.skip("样例目录中还没有记录")
    expected = {}
    for path in files:
        head, blocks = _top_level_blocks(path.read_text(encoding="utf-8"))
        commented = [[f"# 关于 {b[0].split(':')[0]} 的说明\n", *b] for b in blocks]
        expected[path] = "".join(head) + "".join(line for b in commented for line in b)
        rng.shuffle(commented)
        path.write_text("".join(head) + "".join(line for b in commented for line in b), encoding="utf-8")
    assert mulu("fmt", cwd=project).code == 0
    for path, text in expected.items():
        assert path.read_text(encoding="utf-8") == text, path


def test_broken_schema_is_reported_not_a_traceback(project: Path, mulu) -> None:
    schema = project / "schemas" / "defs.schema.json"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text + "}", encoding="utf-8")
    fmt = mulu("fmt", "--check", cwd=project)
    stray = f"defs.schema.json:{text.count(chr(10)) + 1}:1: 不是合法的 JSON"  # where the stray brace is
    assert fmt.code == 2 and stray in fmt.err and "Traceback" not in fmt.err
    new = mulu("new", "studios", cwd=project)
    assert new.code == 1 and "defs.schema.json" in new.err and "Traceback" not in new.err
    assert not list((project / "registry" / "studios").glob("new-*.yml"))
