"""Benchmark: `mulu validate --changed` and `mulu diff` after a one-record change, beside a full
`mulu validate`, on N synthetic records (`mulu synth`), all in the same run.

Usage: python benchmarks/bench_changed.py [N] [--repeat R]   (default 10000 records, 3 repeats)

Prints wall and CPU seconds (the median of R runs) of each command as a user runs it, and
checks that `validate --changed` prints exactly what `validate` prints. Target: under 2 s for
a one-record change at 10,000 records with a warm cache; a cold cache (a fresh CI runner)
costs about one full validation. benchmarks/bench_scale.py may call `measure(project)`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO / "generator"), "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
       "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
AS_OF = "2026-11-30"


def run(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the process and its children) and stdout."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    if proc.returncode > 1:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr}")
    return wall, cpu, proc.stdout


def mulu(*args: str) -> list[str]:
    return [sys.executable, "-m", "mulu", *args]


def edit_one_record(project: Path, n: int) -> Path:
    """Change one programme's status (a new problem: 暂停 needs status_change)."""
    path = sorted((project / "registry" / "programmes").glob("*.yml"))[n]
    path.write_text(path.read_text(encoding="utf-8").replace("status: 在册", "status: 暂停", 1), encoding="utf-8")
    return path


def clear_cache(project: Path) -> None:
    shutil.rmtree(project / ".mulu-cache" / "validation", ignore_errors=True)


def measure(project: Path, repeat: int = 3) -> dict[str, tuple[float, float]]:
    """{label: (median wall s, median CPU s)} for a git repository ``project`` whose HEAD is
    clean; each run edits one more record, so every warm run sees a fresh one-record change."""
    results: dict[str, list[tuple[float, float]]] = {}

    def note(label: str, timing: tuple[float, float, str]) -> str:
        results.setdefault(label, []).append(timing[:2])
        return timing[2]

    validate = ["validate", "--as-of", AS_OF]
    for i in range(repeat):
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=project, env=ENV, check=True)
        edit_one_record(project, i)
        full = note("validate (full)", run(mulu(*validate), project))
        clear_cache(project)
        cold = note("validate --changed (cold cache)", run(mulu(*validate, "--changed", "HEAD"), project))
        assert cold == full, "validate --changed must print what validate prints"
        edit_one_record(project, i + repeat)   # a second record, changed after the cache was written
        full = note("validate (full)", run(mulu(*validate), project))
        warm = note("validate --changed (one record changed)", run(mulu(*validate, "--changed", "HEAD"), project))
        assert warm == full, "validate --changed must print what validate prints"
        clear_cache(project)
        note("diff (cold cache)", run(mulu("diff", "HEAD"), project))
        edit_one_record(project, i + 2 * repeat)
        note("diff (one record changed)", run(mulu("diff", "HEAD"), project))
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=project, env=ENV, check=True)
    return {label: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for label, t in results.items()}


def main(n: int, repeat: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="mulu-bench-changed-"))
    try:
        project = work / "project"
        subprocess.run(mulu("synth", str(project), "-n", str(n)), cwd=REPO, env=ENV, check=True, stdout=subprocess.DEVNULL)
        (project / ".gitignore").write_text("/.mulu-cache/\n", encoding="utf-8")
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "synthetic"]):
            subprocess.run(["git", *args], cwd=project, env=ENV, check=True)
        files = sum(1 for _ in (project / "registry").glob("*/*.yml")) - len(list((project / "registry" / "reference").glob("*.yml")))
        load = os.getloadavg()[0]
        print(f"{files} record files (N={n}), {os.cpu_count()} cores, load average {load:.1f}, median of {repeat}")
        for label, (wall, cpu) in measure(project, repeat).items():
            print(f"  {label:42s} {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    repeat = 3
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    main(int(args[0]) if args else 10_000, repeat)
