"""Timing the phases of a build: ``MULU_PHASES=1`` prints one ``mulu-phase {json}`` line per
phase to stdout (``benchmarks/bench_scale.py`` reads them); otherwise nothing is printed."""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager

from mulu.core.parallel import forks


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the enclosed block; with ``MULU_PHASES`` set, print its seconds and the peak
    memory (MB) of this process and of its largest finished child so far, the CPU seconds
    of this process and of its finished children (on a loaded machine wall time says little),
    and how many children it has forked for the build so far (mulu.core.parallel)."""
    started = time.monotonic()
    try:
        yield
    finally:
        if os.environ.get("MULU_PHASES"):
            own = resource.getrusage(resource.RUSAGE_SELF)
            child = resource.getrusage(resource.RUSAGE_CHILDREN)
            print("mulu-phase " + json.dumps({"phase": name, "s": round(time.monotonic() - started, 2),
                                              "self_peak_mb": own.ru_maxrss // 1024,
                                              "children_peak_mb": child.ru_maxrss // 1024,
                                              "self_cpu_s": round(own.ru_utime + own.ru_stime, 1),
                                              "children_cpu_s": round(child.ru_utime + child.ru_stime, 1),
                                              "forks": forks()}), flush=True)
