"""Timing the phases of a build: ``MULU_PHASES=1`` prints one ``mulu-phase {json}`` line per
phase to stdout (``benchmarks/bench_scale.py`` reads them); otherwise nothing is printed."""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the enclosed block; with ``MULU_PHASES`` set, print its seconds and the peak
    memory (MB) of this process and of its largest finished child so far."""
    started = time.monotonic()
    try:
        yield
    finally:
        if os.environ.get("MULU_PHASES"):
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
            print("mulu-phase " + json.dumps({"phase": name, "s": round(time.monotonic() - started, 2),
                                              "self_peak_mb": own, "children_peak_mb": child}), flush=True)
