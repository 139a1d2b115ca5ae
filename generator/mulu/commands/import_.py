"""``mulu import``: turn a department's spreadsheet into record files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.problems import format_text
from mulu.errors import MuluError
from mulu.project import resolve_root
from mulu.sheets.assemble import Options
from mulu.sheets.read import Mapping

HELP = "把部门现有的 Excel/CSV 目录表导入为记录文件（先用 --dry-run 看会新建和修改什么）。"

EPILOG = """\
表格约定：
  表头用中文列名（与 mulu export 导出的相同，也认得常见写法如“职业(工种)名称”“补贴标准(元/人)”）；
  列名不同的，用 --mapping 映射文件说明，例如：
      columns: {补助金额: 补贴标准（元/人）, 备用列: null}
      defaults: {培训类别: 就业技能培训}
      sheet: 2024年目录
      header_row: 3
  宽表（每个等级一组列，如“五级课时 | 五级补贴 | 四级课时 …”或两行表头）会按等级拆开；
  合并单元格和只在首行填写的“类别”会向下填充；
  “——”表示没有该等级（跳过），“/”表示不予补贴（按 0 元导入），名称前后的“▲”表示紧缺职业，“*”表示培训包项目。
  已有编号的记录不会被覆盖：有差异时会列出，确认后加 --update 才写入。
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("kind", metavar="KIND", help="目录类别：" + "、".join(f"{k.name}（{k.title}）" for k in KINDS))
    parser.add_argument("file", metavar="FILE", help="要导入的 .xlsx 或 .csv 文件。")
    parser.add_argument("--mapping", metavar="MAP.yml", help="映射文件：表头改名、默认值、工作表和表头行。")
    parser.add_argument("--sheet", help="要读取的工作表名称（默认第一个）。")
    parser.add_argument("--dry-run", action="store_true", help="试运行：只报告会新建和修改什么，不写文件。")
    parser.add_argument("--update", action="store_true", help="允许用表格内容更新已有记录（默认只新建，不覆盖）。")
    parser.add_argument("--region", help="表格没有地区列时使用的行政区划代码或名称，例如 230000。")
    parser.add_argument("--notice", help="列入公告的编号（registry/notices/ 下的文件名）；列入日期和执行日期默认取公告日期。")
    parser.add_argument("--maintainer", action="append", default=[], metavar="ACCOUNT",
                        help="新记录的维护账号（可重复）。")
    parser.add_argument("--id-prefix", help="生成编号时使用的前缀，例如 hlj；默认按同一辖区已有记录的编号推断。")


def run(args: argparse.Namespace) -> int:
    from mulu.sheets import plan as importing
    from mulu.sheets.read import load_mapping

    if args.kind not in KIND_BY_NAME:
        raise MuluError(f"没有“{args.kind}”这类目录。可选：{'、'.join(k.name for k in KINDS)}。")
    from mulu.sheets.tables import read_registry

    root = resolve_root(args.root)
    registry, unreadable = read_registry(root)
    if unreadable:
        print(f"注意：有 {unreadable} 个文件无法读取或有设置问题（运行 mulu validate 查看）；导入照常进行，"
              "无法读取的记录不会被覆盖。", file=sys.stderr)
    mapping = load_mapping(Path(args.mapping) if args.mapping else None)
    if args.sheet:
        mapping = Mapping(mapping.columns, mapping.defaults, args.sheet, mapping.header_row)
    options = Options(args.region, args.notice, tuple(args.maintainer), args.id_prefix)
    plan = importing.plan_import(registry, args.kind, Path(args.file), mapping, options)
    written = [] if args.dry_run else importing.write_plan(root, plan, args.update)
    print("\n".join(importing.report(plan, args.update, args.dry_run)))
    problems = importing.validate_written(root, written) if written else []
    if written:
        if problems:
            print(f"写入后校验：{len(written)} 个文件中发现问题，请按提示修改：")
            print(format_text(problems))
        else:
            print(f"写入后校验：{len(written)} 个文件全部通过。")
    pending = plan.changed and not args.update
    return 1 if plan.errors or problems or pending else 0
