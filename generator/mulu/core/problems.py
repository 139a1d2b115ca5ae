"""Problems are values: every check returns them instead of raising, and every command
that finds problems reports them through :func:`report`.

One report path serves ``validate``, ``fmt --check``, ``check-owners`` and the rest, so
each gets the same four formats: ``text`` for people, ``json`` for programs, ``github``
for GitHub Actions annotations and ``codequality`` for GitLab merge-request widgets.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# Titles shown on GitHub annotations, by the first part of a problem's rule; validation
# rules have none (the field and message say it all).
TITLES = {"owners": "没有修改权限", "fmt": "格式不规范"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, in words an editor can act on."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str
    rule: str = ""
    severity: Severity = "error"

    def location(self) -> str:
        """``file:line:column`` as far as it is known."""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    @property
    def is_error(self) -> bool:
        """Errors fail a check; warnings fail it only under ``--strict``."""
        return self.severity == "error"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Stable order for output: by file, then position."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.field, p.message))


def failing(problems: Iterable[Problem], strict: bool = False) -> list[Problem]:
    """The problems that fail a check: errors, and warnings too when ``strict``."""
    return [p for p in problems if strict or p.is_error]


@dataclass(frozen=True)
class Summary:
    """The closing line of a text report; ``{errors}``, ``{warnings}`` and ``{files}`` are filled in."""

    passed: str = "校验通过：没有发现问题。"
    failed: str = "共发现 {count} 个问题，涉及 {files} 个文件。"
    # Said when there are warnings: whether they fail this check.
    warnings_note: str = "只有警告时检查仍算通过，加 --strict 则不通过。"


def _closing(problems: list[Problem], summary: Summary) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    counts = {"count": len(problems), "errors": errors, "warnings": warnings, "files": len({p.file for p in problems})}
    if not problems:
        return summary.passed.format(**counts)
    closing = summary.failed.format(**counts)
    if warnings and errors:
        closing += f"\n其中错误 {errors} 个，警告 {warnings} 个。"
    if warnings and summary.warnings_note:
        closing += "\n" + summary.warnings_note
    return closing


def format_text(problems: list[Problem], summary: Summary = Summary()) -> str:
    """Human-readable report, one problem per line plus a summary."""
    lines = []
    for p in problems:
        field = f" [{p.field}]" if p.field else ""
        warn = "（警告）" if not p.is_error else ""
        lines.append(f"{p.location()}:{field} {warn}{p.message}")
    lines.append(_closing(problems, summary))
    return "\n".join(lines)


def format_json(problems: list[Problem], summary: Summary = Summary()) -> str:
    """Machine-readable report."""
    return json.dumps({"ok": not failing(problems), "count": len(problems),
                       "errors": sum(p.is_error for p in problems),
                       "problems": [asdict(p) for p in problems]},
                      ensure_ascii=False, indent=2)


def _escape_gh(value: str, prop: bool = False) -> str:
    # GitHub workflow-command escaping rules.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(problems: list[Problem], summary: Summary = Summary()) -> str:
    """GitHub Actions annotations: ``::error file=F,line=L,col=C,title=T::message``."""
    out = []
    for p in problems:
        props = [f"file={_escape_gh(p.file, True)}"]
        if p.line is not None:
            props.append(f"line={p.line}")
        if p.column is not None:
            props.append(f"col={p.column}")
        title = TITLES.get(p.rule.split(".")[0], "")
        if title:
            props.append(f"title={_escape_gh(title, True)}")
        field = f"[{p.field}] " if p.field else ""
        out.append(f"::{p.severity} {','.join(props)}::{_escape_gh(field + p.message)}")
    # The closing line too: the job log then says in words whether the check passed.
    out.append(_closing(problems, summary))
    return "\n".join(out)


def format_codequality(problems: list[Problem], summary: Summary = Summary()) -> str:
    """GitLab code-quality report (CodeClimate JSON), shown inline on merge requests."""
    issues = []
    for p in problems:
        field = f"[{p.field}] " if p.field else ""
        key = f"{p.file}:{p.line}:{p.field}:{p.rule}:{p.message}".encode()
        issues.append({"description": field + p.message, "check_name": p.rule or "mulu",
                       "severity": "major" if p.is_error else "minor",
                       "fingerprint": hashlib.sha1(key).hexdigest(),
                       "location": {"path": p.file, "lines": {"begin": p.line or 1}}})
    return json.dumps(issues, ensure_ascii=False, indent=2)


FORMATTERS: dict[str, Callable[[list[Problem], Summary], str]] = {
    "text": format_text, "json": format_json, "github": format_github, "codequality": format_codequality}


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--format`` option every problem-finding command offers."""
    parser.add_argument("--format", choices=list(FORMATTERS), default="text",
                        help="输出格式：text（默认，给人看）、json（给程序读）、github（GitHub Actions 行内注释）"
                             "或 codequality（GitLab 合并请求的代码质量报告）。")


def report(problems: list[Problem], fmt: str = "text", summary: Summary = Summary()) -> str:
    """``problems`` in format ``fmt``; the text format ends with ``summary``."""
    return FORMATTERS[fmt](problems, summary)
