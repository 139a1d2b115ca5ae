"""Benchmark: the site at national scale (issue 16) — time, memory of every process, bytes.

Usage: python benchmarks/bench_scale.py [--full] [--records N ...] [--keep DIR]

Default sizes are 10,000 and 40,000 synthetic records (``mulu synth``); ``--full`` adds 100,000
(minutes, several GB of disk). For each size the registry is made a one-commit git repository
(so history is read, as in production) and built twice with ``mulu build``: a cold build and a
rebuild with a warm history cache. Reported per size:

* validation (``mulu validate``) and build wall time;
* peak memory (VmHWM from /proc, sampled every 0.2 s) of EVERY process of the build: the
  Python build and the Pagefind indexer it starts, and the largest of all from ``wait4``;
* time per build phase (``MULU_PHASES=1`` makes the build print them; see mulu.site.phases);
* published bytes per record and file count, split by part (``mulu.site.sizes``, the counter
  the size test uses too): record pages (chrome and record body apart), occupation pages,
  other pages, per-record and per-kind API files, downloads, feeds, Pagefind index, theme
  assets; and per record without the theme assets (the figure of the 10 KB target);
* the incremental rebuild ``mulu serve`` does after one record is saved (``--serve-once``:
  ``mulu.commands.serve.Preview``, the same code path: a full build, then one edit of a
  programme's name and the update in place), with and without search, beside that process's
  own full build; and ``mulu validate --changed HEAD`` and ``mulu diff HEAD`` after a one-record
  change beside a full ``mulu validate`` (``bench_changed.measure``, one repeat);
  ``--no-incremental`` skips both.

Figures go to stdout (a Markdown table at the end) and to benchmarks/out/bench_scale.json.
The machine is shared: note its load (printed) beside any figure you quote.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
sys.path.insert(0, str(REPO / "generator"))   # this checkout's mulu, not an installed one

from bench_changed import measure as measure_changed  # noqa: E402  (validate --changed and diff, beside validate)

from mulu.site.sizes import site_bytes  # noqa: E402  (the one byte counter; the size test uses it too)


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    out: list[int] = []
    for task in tasks:
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return out


def _status(pid: int) -> tuple[str, int]:
    """(command name, VmHWM in kB) of a live process; ("", 0) when gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "", 0
    m = re.search(r"VmHWM:\s+(\d+)", text)
    return cmd, int(m.group(1)) if m else 0


class Sampler:
    """Peak RSS (VmHWM) of a process and all its descendants, by process."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            todo = [self.pid]
            while todo:
                pid = todo.pop()
                cmd, hwm = _status(pid)
                if cmd and hwm >= self.peaks.get(pid, ("", 0))[1]:
                    self.peaks[pid] = (cmd, hwm)
                todo += _children(pid)
            self._stop.wait(0.2)

    def stop(self) -> list[dict[str, object]]:
        self._stop.set()
        self._thread.join()
        rows = [{"process": _label(cmd), "peak_mb": round(hwm / 1024)} for cmd, hwm in self.peaks.values()]
        return sorted(rows, key=lambda r: -int(str(r["peak_mb"])))


def _label(cmd: str) -> str:
    if "pagefind" in cmd:
        return "pagefind"
    if "mulu" in cmd:
        return "python: " + " ".join(cmd.split()[2:5])
    return cmd[:60]


def measured(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``cmd``; wall seconds, peak memory per process and overall, output, phases."""
    started = time.monotonic()
    # The project is a temporary copy: the mulu of this checkout is found through PYTHONPATH.
    path = os.pathsep.join(p for p in (str(REPO / "generator"), os.environ.get("PYTHONPATH", "")) if p)
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": path, **(env or {})})
    sampler = Sampler(proc.pid)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    processes = sampler.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"命令失败：{' '.join(cmd)}\n{out[-3000:]}")
    phases = [json.loads(line[len("mulu-phase "):]) for line in out.splitlines() if line.startswith("mulu-phase ")]
    return {"s": round(seconds, 1), "peak_mb": usage.ru_maxrss // 1024, "processes": processes,
            "phases": phases, "out": out}


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
                        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
                        "GIT_AUTHOR_DATE": "2026-11-01T00:00:00+08:00",
                        "GIT_COMMITTER_DATE": "2026-11-01T00:00:00+08:00"})


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


INCREMENTAL = "mulu-incremental "


def serve_once(project: Path, search: bool) -> int:
    """What ``mulu serve`` does: a full build, then after saving one record the update in place;
    prints both times (and the phases with MULU_PHASES) as one ``mulu-incremental`` JSON line."""
    from mulu.commands.serve import Preview

    preview = Preview(project, project / "site-serve", search)
    started = time.monotonic()
    if not preview.rebuild():
        return 1
    full = time.monotonic() - started
    programmes = sorted((project / "registry" / "programmes").glob("*.yml"))
    path = programmes[len(programmes) // 2]   # any programme: one in the middle of the catalogue
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^name: (.*)$", r"name: \g<1>（改）", text, count=1, flags=re.M), encoding="utf-8")
    started = time.monotonic()
    ok = preview.rebuild({str(path)})
    incremental = time.monotonic() - started
    path.write_text(text, encoding="utf-8")
    print(INCREMENTAL + json.dumps({"full_s": round(full, 1), "incremental_s": round(incremental, 1), "ok": ok}), flush=True)
    return 0 if ok else 1


def incremental(project: Path, search: bool) -> dict[str, object]:
    """Figures of :func:`serve_once` run in its own process (its memory apart)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--serve-once", str(project)] + ([] if search else ["--no-search"])
    run = measured(cmd, project, {"MULU_PHASES": "1"})
    line = next(x for x in str(run["out"]).splitlines() if x.startswith(INCREMENTAL))
    figures = json.loads(line[len(INCREMENTAL):])
    shutil.rmtree(project / "site-serve", ignore_errors=True)
    phases: list[dict[str, object]] = run["phases"]  # type: ignore[assignment]
    # The update's phases are those after the full build's last one.
    cut = max((i for i, p in enumerate(phases) if p["phase"] == "mkdocs build (all)"), default=-1)
    phases = phases[cut + 1:]
    return {**figures, "peak_mb": run["peak_mb"], "incremental_phases": phases}


def bench(n: int, work: Path, per_kind_api: bool = False, once: bool = False,
          with_incremental: bool = True) -> dict[str, object]:
    project = work / f"synth-{n}"
    print(f"… {n} 条记录（{load()}）", flush=True)
    subprocess.run([sys.executable, "-m", "mulu", "synth", str(project), "-n", str(n)], cwd=REPO / "generator",
                   check=True, capture_output=True)
    shutil.copy2(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("site_overrides", "docs"):
        shutil.copytree(REPO / name, project / name, ignore=shutil.ignore_patterns("dev"))
    if per_kind_api:
        with open(project / "registry" / "config.yml", "a", encoding="utf-8") as config:
            config.write("api:\n  per_record: false\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "synth")
    result: dict[str, object] = {"records": n, "machine": load(), "api_per_record": not per_kind_api}
    validate = measured([sys.executable, "-m", "mulu", "validate"], project)
    result["validate_s"] = validate["s"]
    env = {"MULU_PHASES": "1"}
    warm = measured([sys.executable, "-m", "mulu", "build"], project, env)
    if not once:
        result["build_cold_s"] = warm["s"]
        warm = measured([sys.executable, "-m", "mulu", "build"], project, env)
    result |= {"build_warm_s": warm["s"], "build_peak_mb": warm["peak_mb"], "processes": warm["processes"],
               "phases": warm["phases"], "load_after": load()}
    result |= site_bytes(project / "site", n)
    if with_incremental:
        result["serve_search"] = incremental(project, True)
        result["serve_no_search"] = incremental(project, False)
        (project / ".gitignore").write_text("/.mulu-cache/\n/site/\n", encoding="utf-8")   # as a checkout has it
        result["changed"] = {label: round(wall, 2) for label, (wall, _) in measure_changed(project, 1).items()}
    return result


def table(rows: list[dict[str, object]]) -> str:
    keys = [("records", "records"), ("validate_s", "validate (s)"), ("build_cold_s", "build, cold cache (s)"),
            ("build_warm_s", "build, warm cache (s; the only one with --once)"), ("build_peak_mb", "peak memory, largest process (MB)"),
            ("kb_per_record", "published KB per record"),
            ("counted_kb_per_record", "KB per record without theme assets"), ("site_mb", "site (MB)"), ("files", "files"),
            ("serve_search", "serve: full build / one-record update, with search (s)"),
            ("serve_no_search", "serve --no-search: full / update (s)"),
            ("changed", "validate full / --changed, diff, one record changed (s)")]

    def cell(row: dict[str, object], key: str) -> str:
        value = row.get(key, "—")
        if isinstance(value, dict) and "full_s" in value:
            return f"{value['full_s']} / {value['incremental_s']}"
        if isinstance(value, dict):   # bench_changed.measure
            return (f"{value['validate (full)']} / {value['validate --changed (one record changed)']}, "
                    f"{value['diff (one record changed)']}")
        return str(value)

    lines = ["| " + " | ".join(k[1] for k in keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(cell(r, k) for k, _ in keys) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="also 100,000 records (minutes; several GB of disk)")
    parser.add_argument("--records", type=int, nargs="*", help="sizes to build instead of 10,000 and 40,000")
    parser.add_argument("--per-kind-api", action="store_true", help="build with api.per_record: false (config.yml)")
    parser.add_argument("--once", action="store_true", help="one build per size (no second, warm-cache build)")
    parser.add_argument("--no-incremental", action="store_true", help="skip the mulu serve update measurement")
    parser.add_argument("--serve-once", metavar="PROJECT", help=argparse.SUPPRESS)   # run by incremental()
    parser.add_argument("--no-search", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep the projects (default: a temporary dir)")
    args = parser.parse_args(argv)
    if args.serve_once:
        return serve_once(Path(args.serve_once), not args.no_search)
    sizes = args.records or [10_000, 40_000]
    if args.full:
        sizes.append(100_000)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            rows.append(bench(n, work, args.per_kind_api, args.once, not args.no_incremental))
            print(json.dumps(rows[-1], ensure_ascii=False, indent=1), flush=True)
            if not args.keep:
                shutil.rmtree(work / f"synth-{n}", ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_scale.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
