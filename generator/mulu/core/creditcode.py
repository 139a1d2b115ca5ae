"""Unified social credit code (统一社会信用代码, GB 32100-2015) check character."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_character(first17: str) -> str:
    """The 18th character that GB 32100-2015 computes from the first 17."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """True when ``code`` is 18 characters of the alphabet with a correct check character."""
    return (len(code) == 18 and all(c in _VALUE for c in code)
            and check_character(code[:17]) == code[17])
