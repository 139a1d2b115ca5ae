"""Problems are values: every check returns them instead of raising."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, in words an editor can act on."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str
    rule: str = ""

    def location(self) -> str:
        """``file:line:column`` as far as it is known."""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Stable order for output: by file, then position."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.field, p.message))


def format_text(problems: list[Problem]) -> str:
    """Human-readable report, one problem per line plus a summary."""
    lines = []
    for p in problems:
        field = f" [{p.field}]" if p.field else ""
        lines.append(f"{p.location()}:{field} {p.message}")
    files = len({p.file for p in problems})
    lines.append(f"共发现 {len(problems)} 个问题，涉及 {files} 个文件。" if problems else "校验通过：没有发现问题。")
    return "\n".join(lines)


def format_json(problems: list[Problem]) -> str:
    """Machine-readable report."""
    return json.dumps({"ok": not problems, "count": len(problems), "problems": [asdict(p) for p in problems]},
                      ensure_ascii=False, indent=2)


def _escape_gh(value: str, prop: bool = False) -> str:
    # GitHub workflow-command escaping rules.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(problems: list[Problem]) -> str:
    """GitHub Actions annotations: ``::error file=F,line=L,col=C::message``."""
    out = []
    for p in problems:
        props = [f"file={_escape_gh(p.file, True)}"]
        if p.line is not None:
            props.append(f"line={p.line}")
        if p.column is not None:
            props.append(f"col={p.column}")
        field = f"[{p.field}] " if p.field else ""
        out.append(f"::error {','.join(props)}::{_escape_gh(field + p.message)}")
    return "\n".join(out)


def format_codequality(problems: list[Problem]) -> str:
    """GitLab code-quality report (CodeClimate JSON), shown inline on merge requests."""
    import hashlib

    issues = []
    for p in problems:
        field = f"[{p.field}] " if p.field else ""
        key = f"{p.file}:{p.line}:{p.field}:{p.rule}:{p.message}".encode("utf-8")
        issues.append({"description": field + p.message, "check_name": p.rule or "mulu", "severity": "major",
                       "fingerprint": hashlib.sha1(key).hexdigest(),
                       "location": {"path": p.file, "lines": {"begin": p.line or 1}}})
    return json.dumps(issues, ensure_ascii=False, indent=2)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github, "codequality": format_codequality}
