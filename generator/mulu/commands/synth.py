"""``mulu synth``: write a synthetic registry of N valid records (for scale tests)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mulu.authoring.synthetic import generate
from mulu.errors import MuluError
from mulu.project import resolve_root

HELP = "生成合成目录数据（N 条合法记录，同一种子结果相同），用于规模测试和基准测试。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dest", help="输出的项目目录（不存在则创建）。")
    parser.add_argument("-n", "--records", type=int, default=1000, help="记录条数（不含公告），默认 1000。")
    parser.add_argument("--seed", type=int, default=0, help="随机种子，默认 0。")
    parser.add_argument("--editions", type=int, default=0, metavar="E",
                        help="每个辖区的政府补贴培训目录整版发布 E 次（每版调整部分补贴、移出和新增部分项目）；"
                             "输出目录成为 git 仓库，每版一个提交，用于测试历年版本页面。默认 0。")


def run(args: argparse.Namespace) -> int:
    dest = Path(args.dest)
    if dest.exists() and any(dest.iterdir()):
        raise MuluError(f"{dest} 已存在且不为空；为避免覆盖数据，请指定一个新目录。")
    if args.editions < 0:
        raise MuluError("--editions 不能是负数。")
    counts = generate(resolve_root(args.root), dest, args.records, args.seed, args.editions)
    print("已生成：" + "，".join(f"{k} {v} 条" for k, v in counts.items()) + f" -> {dest}")
    return 0
