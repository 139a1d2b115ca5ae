"""Stamped pages kept on disk between rendering and stamping, not in memory.

Record, notice and jurisdiction pages are made while the providers run (before MkDocs renders
the shell they are stamped into) and written after the build. Held in memory, 100,000 record
pages take about 1 GB (docs/dev/scale.md); a spool writes each to a temporary file as it is
made and gives them back one at a time, keeping only their paths.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator

from mulu.site.model import Page


class PageSpool:
    """Pages without a navigation section, in a temporary file (removed on :meth:`close`)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="mulu-pages-")
        self.paths: list[str] = []
        self._ends: list[int] = []   # where each page's pickle ends in the file

    def add(self, page: Page) -> bool:
        """Take ``page`` if it is stamped (no ``nav``); True when taken."""
        if page.nav is not None:
            return False
        pickle.dump(page, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.paths.append(page.path)
        self._ends.append(self._file.tell())
        return True

    def flush(self) -> None:
        """Write what is buffered: before forking, so that only one process writes it."""
        self._file.flush()

    def pages(self, start: int, stop: int) -> Iterator[Page]:
        """Pages ``start`` to ``stop`` (exclusive) in the order they were taken. Reads at
        offsets without moving the file's position, so a forked process may read its own
        share at the same time (mulu.core.parallel.in_halves)."""
        self._file.flush()
        fd = self._file.fileno()
        begin = self._ends[start - 1] if start > 0 else 0
        for end in self._ends[start:stop]:
            page = pickle.loads(os.pread(fd, end - begin, begin))
            assert isinstance(page, Page)
            yield page
            begin = end

    def __iter__(self) -> Iterator[Page]:
        """The pages taken, in the order they were made."""
        self._file.flush()
        self._file.seek(0)
        for _ in self.paths:
            page = pickle.load(self._file)
            assert isinstance(page, Page)
            yield page
        self._file.seek(0, 2)

    def __len__(self) -> int:
        return len(self.paths)

    def close(self) -> None:
        """Remove the temporary file."""
        self._file.close()
