"""GitHub Actions workflow commands (``::error file=…::message``) for our own reports."""

from __future__ import annotations


def _escape(value: str, prop: bool = False) -> str:
    # The escaping GitHub's runner expects for workflow-command data and properties.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def annotation(level: str, file: str, message: str, line: int | None = None, title: str = "") -> str:
    """One annotation line; ``level`` is ``error``, ``warning`` or ``notice``."""
    props = [f"file={_escape(file, True)}"]
    if line:
        props.append(f"line={line}")
    if title:
        props.append(f"title={_escape(title, True)}")
    return f"::{level} {','.join(props)}::{_escape(message)}"
