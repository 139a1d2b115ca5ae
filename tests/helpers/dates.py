"""The day every test computes effective statuses for (``MULU_AS_OF``, set in conftest.py),
so that no test changes with the calendar. The sample registry has a licence that ends on
this very day (12230000414002874A) and others that ended before it."""

from __future__ import annotations

AS_OF = "2026-11-30"
ENV_AS_OF = "MULU_AS_OF"
