"""``mulu import``: turn a department's spreadsheet into record files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mulu.core.kinds import KIND_BY_NAME, KINDS
from mulu.core.problems import format_text
from mulu.core.registry import Registry
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
    parser.add_argument("--edition", metavar="NOTICE",
                        help="整版导入：表格是公告 NOTICE（其 edition 写明目录类别、辖区、版本名称和生效日期）发布的"
                             "完整目录。表格中的行更新或新增记录，本辖区目录中有而表格中没有的记录依据该公告移出"
                             "（原因“未列入<版本>”），执行日期取版本生效日期，已移出的记录不改动。"
                             "先列出全部四组改动；非交互运行时须加 --yes 才写入。")
    parser.add_argument("--yes", action="store_true", help="与 --edition 一起使用：不再询问，直接写入。")


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
    if args.edition:
        return _run_edition(root, registry, args, mapping, options)
    if args.yes:
        raise MuluError("--yes 只与 --edition（整版导入）一起使用；逐条导入请用 --dry-run 预览、--update 覆盖已有记录。")
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


def _confirmed(args: argparse.Namespace) -> bool:
    """Whether to write: --yes, or a "y" typed at the terminal; never in a dry run or without a terminal."""
    if args.dry_run:
        return False
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return False
    try:
        answer = input("确认按以上四组改动写入记录文件？输入 y 确认，其他任意键取消：")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", "是")


def _run_edition(root: Path, registry: Registry, args: argparse.Namespace, mapping: Mapping, options: Options) -> int:
    """``mulu import KIND FILE --edition NOTICE``: plan all four groups, write all or nothing."""
    from mulu.sheets import plan as importing

    edition = importing.edition_for_import(registry, args.kind, args.edition)
    result = importing.plan_edition(registry, args.kind, Path(args.file), mapping, options, edition)
    print("\n".join(importing.edition_report(result, written=False)))
    if result.errors:
        return 1
    if not result.to_write():
        print("没有需要写入的改动。")
        return 0
    if not _confirmed(args):
        print("（试运行：没有写入任何文件。确认无误后加 --yes 写入。）")
        return 0
    written = importing.write_edition(root, result)
    problems = importing.validate_written(root, written)
    if problems:
        print(f"写入后校验：{len(written)} 个文件中发现问题，请按提示修改：")
        print(format_text(problems))
        return 1
    print(f"已写入 {len(written)} 个文件（更新 {len(result.updated)}、新增 {len(result.added)}、"
          f"移出 {len(result.withdrawn)}），写入后校验全部通过。请把公告和这些文件作为一次提交，"
          f"mulu diff 会把它们汇总为“{edition.name}”。")
    return 0
