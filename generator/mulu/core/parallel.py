"""Both cores for a build: work run in a forked process, its result handed back in a file.

A build renders and stamps on one core unless part of the work runs elsewhere. A forked
child shares the registry, the context and the spooled pages with the build (copy-on-write:
nothing is copied or re-read until either process writes), runs one function and pickles
what it returns into a temporary file the parent reads when it needs it. ``MULU_JOBS=1``
keeps everything in one process (the output is byte-identical either way: tests/test_parallel.py).
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from mulu.errors import MuluError

JOBS_ENV = "MULU_JOBS"
T = TypeVar("T")
R = TypeVar("R")
_forks = [0]   # children forked by this process (printed with each build phase: mulu.site.phases)


def forks() -> int:
    """How many children this process has forked for a build so far."""
    return _forks[0]


def jobs() -> int:
    """Processes a build may use: ``MULU_JOBS`` when set to a whole number, else the cores."""
    value = os.environ.get(JOBS_ENV, "").strip()
    if value.isdigit() and int(value) >= 1:
        return int(value)
    return os.cpu_count() or 1


def can_fork() -> bool:
    """True when work may go to a forked child: more than one job allowed, and no other
    thread running (a thread holding a lock at the fork would leave the child stuck on it;
    ``mulu serve`` runs its web server in threads, so its builds stay in one process)."""
    return hasattr(os, "fork") and jobs() >= 2 and threading.active_count() == 1


def _portable(err: BaseException) -> BaseException:
    """``err`` as something the parent can unpickle and raise: MuluErrors as they are
    (their Chinese message is what the user sees), anything else with the child's traceback."""
    if isinstance(err, MuluError):
        try:
            back = pickle.loads(pickle.dumps(err))
            if isinstance(back, BaseException) and str(back) == str(err):
                return back
        except Exception:  # any failure to pickle falls back to the message
            pass
        return MuluError(str(err))
    text = "".join(traceback.format_exception(err))
    return RuntimeError(f"并行子进程出错：\n{text}")


class Forked(Generic[T]):
    """``fn()`` running in a forked child; :meth:`result` waits for it and returns its value
    (or raises its error), :meth:`cancel` stops it. One of the two must be called."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._file = tempfile.TemporaryFile(prefix="mulu-forked-")
        sys.stdout.flush()
        sys.stderr.flush()
        # Objects alive now are left out of the child's garbage collections, which would
        # otherwise touch (and so copy) every one of them.
        gc.freeze()
        try:
            self._pid = os.fork()
        except BaseException:
            gc.unfreeze()
            self._file.close()
            raise
        _forks[0] += 1
        if self._pid == 0:   # pragma: no cover - runs in the child, which never returns
            code = 0
            try:
                try:
                    outcome: tuple[bool, object] = (True, fn())
                except BaseException as err:  # every failure goes to the parent
                    outcome = (False, _portable(err))
                pickle.dump(outcome, self._file, protocol=pickle.HIGHEST_PROTOCOL)
                self._file.flush()
            except BaseException:  # the parent reports a child without a result
                code = 1
            finally:
                os._exit(code)
        gc.unfreeze()

    def result(self) -> T:
        """Wait for the child; its return value, or its error raised here."""
        _, status = os.waitpid(self._pid, 0)
        try:
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                raise MuluError(f"并行子进程意外退出（退出码 {code}，可能是内存不足）："
                                f"请设置环境变量 {JOBS_ENV}=1（只用一个进程）后重试。")
            self._file.seek(0)
            ok, value = pickle.load(self._file)
        finally:
            self._file.close()
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop the child (after a failure here, its work is not wanted)."""
        try:
            os.kill(self._pid, 9)
            os.waitpid(self._pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self._file.close()


def in_halves(count: int, work: Callable[[int, int], None]) -> None:
    """``work(start, stop)`` over ``range(count)``: the second half in a forked child at the
    same time as the first here, when allowed (else all of it here)."""
    if count < 2 or not can_fork():
        work(0, count)
        return
    middle = count // 2
    child = Forked(lambda: work(middle, count))
    try:
        work(0, middle)
    except BaseException:
        child.cancel()
        raise
    child.result()


def map_halves(items: Sequence[T], work: Callable[[Sequence[T]], list[R]], minimum: int = 2) -> list[R]:
    """``work(items)``, as ``work`` of the first half here and of the second half in a forked
    child at the same time when allowed and there are at least ``minimum`` items; the results
    are joined in order (the child's are pickled back: worth it when ``work`` costs more
    than moving its result)."""
    if len(items) < max(2, minimum) or not can_fork():
        return work(items)
    middle = len(items) // 2
    child = Forked(lambda: work(items[middle:]))
    try:
        first = work(items[:middle])
    except BaseException:
        child.cancel()
        raise
    return first + child.result()
