"""The ``mulu`` command line. Each subcommand lives in ``mulu.commands.<name>``.

A command module provides ``HELP`` (one line, Chinese), ``add_arguments(parser)`` and
``run(args) -> int`` (0 success, 1 problems found, 2 usage error).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from mulu.errors import MuluError

# Subcommand name -> module under mulu.commands (imported only when used, so
# `mulu validate` does not pay for pandas or mkdocs).
COMMANDS: dict[str, str] = {
    "validate": "validate",
    "build": "build",
    "serve": "serve",
    "diff": "diff",
    "new": "new",
    "fmt": "fmt",
    "check-owners": "check_owners",
    "import": "import_",
    "export": "export",
    "stats": "stats",
    "synth": "synth",
    "due": "due",
    "verify": "verify",
}


def _command_modules() -> dict[str, ModuleType]:
    return {name: importlib.import_module(f"mulu.commands.{module}") for name, module in COMMANDS.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mulu`` console script."""
    parser = argparse.ArgumentParser(prog="mulu", description="mulu（目录）：职业技能培训目录清单的校验、构建与发布工具。")
    parser.add_argument("--root", help="项目目录（含 registry/ 和 schemas/）；默认从当前目录向上查找。")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name, module in _command_modules().items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args))
    except MuluError as err:
        print(f"错误：{err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
