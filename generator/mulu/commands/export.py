"""``mulu export``: write one catalogue as CSV, XLSX or JSON with the import's Chinese headers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.errors import MuluError
from mulu.project import resolve_root

HELP = "导出一类目录为 CSV、XLSX 或 JSON（中文表头与 mulu import 相同，导出后可原样导入）。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", metavar="KIND", help="目录类别：" + "、".join(f"{k.name}（{k.title}）" for k in KINDS))
    parser.add_argument("--format", choices=("csv", "xlsx", "json"), default=None,
                        help="输出格式；默认按 -o 文件的扩展名，否则为 csv。csv 和 xlsx 用中文表头（培训项目每个等级一行），"
                             "json 是记录原样（字段名与 schemas/ 中的 JSON Schema 相同）。")
    parser.add_argument("-o", "--output", metavar="FILE", help="输出文件；不写则输出到屏幕（xlsx 必须指定文件）。")


def _format(args: argparse.Namespace) -> str | None:
    if args.format:
        return str(args.format)
    if args.output:
        suffix = Path(args.output).suffix.lower().lstrip(".")
        return suffix if suffix in ("csv", "xlsx", "json") else None
    return "csv"


def run(args: argparse.Namespace) -> int:
    from mulu.sheets import tables  # pandas and openpyxl load only when exporting

    if args.kind not in KIND_BY_NAME:
        raise MuluError(f"没有“{args.kind}”这类目录。可选：{'、'.join(k.name for k in KINDS)}。")
    fmt = _format(args)
    if fmt is None:
        raise MuluError(f"无法从文件名 {args.output} 判断格式：请用 --format csv|xlsx|json 指定。")
    if fmt == "xlsx" and not args.output:
        raise MuluError("xlsx 是二进制文件，不能输出到屏幕：请用 -o 指定文件，例如 -o 目录.xlsx。")
    registry, unreadable = tables.read_registry(resolve_root(args.root))
    if unreadable:
        print(f"注意：有 {unreadable} 个文件无法读取或有设置问题（运行 mulu validate 查看）；导出的是能读取的记录。",
              file=sys.stderr)
    records = list(registry.records.get(args.kind, {}).values())
    content = tables.export_bytes(args.kind, records, registry.reference, fmt)
    if args.output:
        try:
            Path(args.output).write_bytes(content)
        except OSError as err:
            raise MuluError(f"无法写入 {args.output}：{err.strerror}。") from None
        print(f"已导出 {len(records)} 条{KIND_BY_NAME[args.kind].noun}记录 -> {args.output}", file=sys.stderr)
    else:
        # The CSV keeps its byte-order mark, so `mulu export KIND > 目录.csv` opens in Excel.
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
    return 0
