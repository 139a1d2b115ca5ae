"""Benchmark: `mulu validate` on N synthetic records vs check-jsonschema on the same files.

Usage: python benchmarks/bench_validate.py [N]   (default 10000; needs `pip install -e '.[bench]'`)
Prints wall time and peak memory of each, and the ratio. Target: < 3 s for 10,000 records on a
2-core machine, and at least 5x faster than check-jsonschema (which checks the schema only,
while mulu also checks the domain rules).
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "generator"))

from mulu.core.kinds import KINDS  # noqa: E402


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak RSS (MiB, largest child process so far) of ``cmd``."""
    start = time.perf_counter()
    code = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return wall, code, peak


def main(n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="mulu-bench-"))
    project = work / "project"
    subprocess.run([sys.executable, "-m", "mulu", "synth", str(project), "-n", str(n)], cwd=REPO, check=True)
    files = sum(len(list((project / "registry" / k.name).glob("*.yml"))) for k in KINDS)
    subprocess.run([sys.executable, "-m", "mulu", "validate"], cwd=project, stdout=subprocess.DEVNULL)  # warm cache
    mulu_wall, code, mulu_peak = timed([sys.executable, "-m", "mulu", "validate"], project)
    assert code == 0, "synthetic registry should validate cleanly"
    cj = shutil.which("check-jsonschema")
    if cj is None:
        print("check-jsonschema not installed: pip install -e '.[bench]'")
        return
    cj_wall = 0.0
    for kind in KINDS:
        paths = sorted(str(p) for p in (project / "registry" / kind.name).glob("*.yml"))
        wall, code, cj_peak = timed([cj, "--schemafile", str(project / "schemas" / kind.schema), *paths], project)
        assert code == 0, f"check-jsonschema rejected {kind.name}"
        cj_wall += wall
    print(f"records (incl. notices): {files}")
    print(f"mulu validate:     {mulu_wall:6.2f} s  peak RSS {mulu_peak} MiB (largest process)")
    print(f"check-jsonschema:  {cj_wall:6.2f} s  peak RSS {cj_peak} MiB (largest process, 7 runs)")
    print(f"ratio: mulu is {cj_wall / mulu_wall:.1f}x faster")
    shutil.rmtree(work)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
