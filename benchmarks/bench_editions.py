"""Benchmark: edition pages on a large synthetic registry with several editions per scope.

Usage: python benchmarks/bench_editions.py [RECORDS [EDITIONS]]   (default 10000 records, 5 editions)

`mulu synth --editions E` makes a registry whose programme catalogue is published E times in
each of the five sample jurisdictions (one commit per edition). Prints the time of the
edition provider (index, 历年版本 lists, each edition's page and CSV/XLSX, comparisons) with
no snapshot cache (every edition read from git) and with the cache, and the wall time of a
whole `mulu build --no-search` (history computed fresh) for context.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "generator"))

from mulu.history.editions import CACHE_DIR  # noqa: E402
from mulu.project import open_project  # noqa: E402
from mulu.site.context import build_context  # noqa: E402
from mulu.site.editions import edition_pages  # noqa: E402


def main(records: int, editions: int) -> None:
    with tempfile.TemporaryDirectory(prefix="mulu-bench-editions-") as tmp:
        project = Path(tmp) / "synth"
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "mulu", "synth", str(project), "-n", str(records),
                        "--editions", str(editions)], cwd=REPO, check=True, capture_output=True)
        print(f"synth {records} records, {editions} editions per scope: {time.monotonic() - started:.1f} s")
        shutil.copy2(REPO / "mkdocs.yml", project / "mkdocs.yml")
        for name in ("site_overrides", "docs"):
            shutil.copytree(REPO / name, project / name)
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "mulu", "build", "--no-search"], cwd=project,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        print(f"mulu build --no-search (first build, history and snapshots computed): {time.monotonic() - started:.1f} s")
        opened = open_project(project)
        assert opened.registry is not None
        ctx = build_context(opened.registry, project)
        for label in ("edition pages, no snapshot cache", "edition pages, cached snapshots"):
            if "no snapshot" in label:
                shutil.rmtree(project / CACHE_DIR, ignore_errors=True)
            started = time.monotonic()
            outputs = list(edition_pages(opened.registry, ctx))
            pages = sum(1 for o in outputs if hasattr(o, "html"))
            print(f"{label}: {time.monotonic() - started:.1f} s ({pages} pages, {len(outputs) - pages} files)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 10000, args[1] if len(args) > 1 else 5)
