"""The sample project in a temporary directory, and the ``mulu`` command run as a user runs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


@dataclass
class Result:
    """What a user sees after running ``mulu``: exit code and both output streams."""

    code: int
    out: str
    err: str


def copy_project(dest: Path) -> Path:
    """Copy the shipped sample project (registry + schemas + site config) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "registry", dest / "registry")
    shutil.copytree(REPO / "schemas", dest / "schemas")
    for extra in ("mkdocs.yml", "site_overrides", "docs"):
        src = REPO / extra
        if src.is_dir():
            shutil.copytree(src, dest / extra)
        elif src.is_file():
            shutil.copy2(src, dest / extra)
    return dest


def run_mulu(*args: str, cwd: Path, timeout: float = 600) -> Result:
    """Run the ``mulu`` command as a user would, in ``cwd``."""
    # stdin is never a terminal: commands that would ask for confirmation behave as in CI.
    proc = subprocess.run([sys.executable, "-m", "mulu", *args], cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL,
                          text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)
