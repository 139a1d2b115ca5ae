"""``mulu fmt [--check] [PATH...]``: bring record files to their canonical form."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from mulu.authoring.formatting import Finding, format_record, unified_diff
from mulu.core.kinds import KINDS
from mulu.core.loading import decode, read_regular
from mulu.core.problems import Problem, Summary, add_format_argument, report
from mulu.core.schemas import SchemaTree, load_tree_for, schema_for
from mulu.errors import MuluError
from mulu.project import resolve_root

HELP = "整理记录文件的格式（字段顺序、引号、缩进），保留注释；--check 只检查、不修改。"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="要整理的记录文件或目录；默认整理 registry/ 下的全部记录和 registry/config.yml。")
    parser.add_argument("--check", action="store_true", help="只检查：列出不符合规范格式之处，不修改文件（有则退出码 1）。")
    parser.add_argument("--diff", action="store_true", help="与 --check 同用时，另外显示规范格式与现在的差异。")
    add_format_argument(parser)


def _collect(root: Path, raw_paths: list[str]) -> tuple[list[Path], list[str]]:
    """The files to format, and error messages for paths that are not record files."""
    if not raw_paths:
        files = [root / "registry" / "config.yml"]
        for kind in KINDS:
            folder = root / "registry" / kind.name
            files += sorted(folder.glob("*.yml")) if folder.is_dir() else []
        return [f for f in files if f.is_file()], []
    files, errors = [], []
    for raw in raw_paths:
        # Resolve the folders but not the file itself: a symlinked record is reported as one,
        # never read through.
        given = Path(raw).absolute()
        path = given.parent.resolve() / given.name
        if not path.exists() and not path.is_symlink():
            errors.append(f"路径不存在：{raw}")
            continue
        candidates = sorted(path.rglob("*.yml")) if path.is_dir() else [path]
        for candidate in candidates:
            try:
                rel = candidate.relative_to(root).as_posix()
            except ValueError:
                errors.append(f"{raw} 不在项目目录 {root} 之内。")
                break
            if schema_for(rel) is not None:
                files.append(candidate)
            elif not path.is_dir():
                errors.append(f"{rel} 不是目录记录文件：mulu fmt 只整理 registry/<类型>/ 下的 .yml 记录和 registry/config.yml。")
    return files, errors


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically: an interrupted run never leaves half a record."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".mulu-fmt-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _problems(rel: str, findings: list[Finding]) -> list[Problem]:
    # Warnings: the record means the same, it is only written differently.
    return [Problem(rel, f.line, None, f.field, f.message, "fmt", "warning") for f in findings]


def run(args: argparse.Namespace) -> int:
    root = resolve_root(args.root)
    files, errors = _collect(root, args.paths)
    if errors:
        for message in errors:
            raise MuluError(f"{message}")
    trees: dict[str, SchemaTree] = {}
    unformattable: list[Problem] = []
    findings: list[Problem] = []
    diffs: list[str] = []
    pending = 0
    for path in files:
        rel = path.relative_to(root).as_posix()
        schema = schema_for(rel)
        assert schema is not None
        if schema not in trees:
            trees[schema] = load_tree_for(root / "schemas", schema)
        raw, refused = read_regular(path, rel)  # never through a symlink; size checked
        if raw is None:
            unformattable += refused
            continue
        text, problems = decode(raw, rel)
        result = format_record(text, rel, trees[schema]) if text is not None else None
        if result is None or result.text is None:
            unformattable += problems if result is None else result.problems
            continue
        if not result.changed:
            continue
        pending += 1
        if args.check:
            findings += _problems(rel, result.findings)
            if args.diff and text is not None:
                diffs.append(unified_diff(text, result.text, rel))
        else:
            _write(path, result.text)
            print(f"已整理 {rel}（{len(result.findings)} 处）")
    if unformattable:
        print(report(unformattable, args.format,
                     Summary(failed="有 {files} 个文件无法解析，没有修改它们：请先按上面的提示改正。")), file=sys.stderr)
    if args.check and (findings or not unformattable):
        print(report(findings, args.format,
                     Summary(passed=f"格式检查通过：{len(files)} 个文件都符合规范格式。",
                             failed="共 {files} 个文件不符合规范格式：运行 mulu fmt（可带文件名）即可自动整理。",
                             warnings_note="")))
        print("\n".join(diffs), end="\n" if diffs else "")
    # Not canonical fails ``--check`` although each finding is only a warning about form.
    return 1 if (unformattable or (args.check and pending)) else 0
