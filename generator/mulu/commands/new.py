"""``mulu new KIND [ID]``: start a record from a commented template."""

from __future__ import annotations

import argparse

from mulu.authoring.scaffold import (
    Known,
    check_id,
    create,
    default_id,
    find_kind,
)
from mulu.core import creditcode
from mulu.core.kinds import KINDS
from mulu.errors import MuluError
from mulu.project import resolve_root

HELP = "新建一条记录：生成带中文说明的模板文件 registry/<类型>/<编号>.yml（不会覆盖已有文件）。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    kinds = "、".join(f"{k.name}（{k.noun}）" for k in KINDS)
    parser.add_argument("kind", metavar="KIND", help=f"记录类型：{kinds}。")
    parser.add_argument("id", metavar="ID", nargs="?",
                        help="记录编号（也是文件名）。培训机构和认定机构填 18 位统一社会信用代码；其他类型可省略，先用占位编号。")
    parser.add_argument("--name", help="名称，例如 哈尔滨市金桥职业技能培训学校。")
    parser.add_argument("--region", help="六位行政区划代码，例如 230103。")
    parser.add_argument("--maintainer", action="append", default=[], metavar="ACCOUNT",
                        help="可以修改这条记录的代码托管平台账号（可重复）。")


def run(args: argparse.Namespace) -> int:
    kind = find_kind(args.kind)
    if kind is None:
        names = "、".join(k.name for k in KINDS)
        raise MuluError(f"不认识的记录类型“{args.kind}”。可用的类型：{names}。")
    root = resolve_root(args.root)
    record_id = args.id
    if record_id is None:
        if kind.keyed_by_credit_code:
            raise MuluError(f"{kind.noun}以统一社会信用代码为编号，请写在类型后面，例如：mulu new {kind.name} 52230103MJY123456J")
        record_id = default_id(kind, root / "registry" / kind.name)
    elif (problem := check_id(kind, record_id)) is not None:
        raise MuluError(problem)
    path = create(root, kind, Known(record_id, args.name, args.region, tuple(args.maintainer)))
    rel = path.relative_to(root).as_posix()
    print(f"已创建 {rel}。")
    if kind.keyed_by_credit_code and not creditcode.is_valid(record_id):
        print(f"注意：{record_id} 没有通过统一社会信用代码校验位检查，请核对营业执照；mulu validate 会报告这个问题。")
    print("下一步：按文件中的注释填写标“必填”的字段，然后运行 mulu validate 检查（它会列出还没填的字段）。")
    if args.id is None:
        print(f"提示：编号“{record_id}”是占位编号，请同时修改文件名和 id 字段为正式编号。")
    return 0
