"""Tools for editors and reviewers: ``formatting`` (``mulu fmt``), ``scaffold``
(``mulu new``), ``owners`` (``mulu check-owners``) and ``synthetic`` (``mulu synth``).
Depends on ``core`` and ``history`` (for git).
"""
