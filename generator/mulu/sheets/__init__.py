"""Spreadsheets <-> records: ``columns`` (the Chinese column layout per kind), ``tables``
(records as DataFrames and CSV/XLSX/JSON bytes), ``normalise`` (cell values), ``read``
(grid and layout of a sheet), ``rows``, ``assemble`` and ``plan`` (``mulu import``).
Depends on ``core`` only.
"""
