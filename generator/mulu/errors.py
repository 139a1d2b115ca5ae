"""The one error spine: every expected failure is a :class:`MuluError`.

A ``MuluError`` carries a Chinese message a person can act on and the exit code the
command line ends with. ``mulu.cli.main`` catches it once, prints ``错误：<message>`` and
exits; no command prints its own error lines. Subclasses exist only where a caller must
tell one failure from another (history says 历史记录不可用 when git cannot answer).

Exit codes: 0 success, 1 problems found (validation, ownership, verification),
2 the command could not do its work (usage, missing project, unreadable input).
"""

from __future__ import annotations

USAGE = 2


class MuluError(Exception):
    """An expected failure with a Chinese message and an exit code."""

    def __init__(self, message: str, exit_code: int = USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class ProjectNotFound(MuluError):
    """No ``registry/config.yml`` at or above the starting directory."""


class SchemaFileError(MuluError):
    """A file in ``schemas/`` is missing, not JSON, or not a valid JSON Schema."""


class GitError(MuluError):
    """Git cannot answer: not installed, not a repository, unknown revision, or a failed command."""


class SiteError(MuluError):
    """The site cannot be built: providers disagree, or search indexing failed."""
