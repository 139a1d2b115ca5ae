"""Which reviews of a pull request still count (``mulu check-owners --reviews FILE``).

The input is what ``gh api repos/OWNER/REPO/pulls/N/reviews --paginate`` prints: JSON arrays
(one per page, possibly concatenated) or one review object per line. A review approves only if

- it was given on the head commit being checked (``commit_id``): an approval of an earlier
  push says nothing about what was pushed after it; and
- it is the reviewer's latest review state: a later "request changes" or a dismissal takes
  the approval back. Plain comments (``COMMENTED``) and unsubmitted reviews (``PENDING``)
  change no state, as on GitHub itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mulu.errors import MuluError

STATES = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")


@dataclass(frozen=True)
class Review:
    """One submitted review: who, what state, on which commit, when (ISO 8601), in what order."""

    login: str
    state: str
    commit: str
    submitted_at: str
    order: int


def parse_reviews(text: str, source: str = "reviews") -> list[Review]:
    """Reviews from a GitHub API payload; raises :class:`MuluError` (Chinese) on malformed input."""
    decoder = json.JSONDecoder()
    items: list[Any] = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            raise MuluError(f"{source} 不是合并请求评审的 JSON（第 {err.lineno} 行第 {err.colno} 列：{err.msg}）："
                            "请用 gh api repos/OWNER/REPO/pulls/N/reviews --paginate 取得。") from err
        items.extend(value if isinstance(value, list) else [value])
    reviews = []
    for order, item in enumerate(items):
        if not isinstance(item, dict):
            raise MuluError(f"{source} 中第 {order + 1} 项不是评审对象（应有 user.login、state、commit_id）。")
        user = item.get("user")
        if not isinstance(user, dict):
            user = {}
        reviews.append(Review(str(user.get("login") or ""), str(item.get("state") or ""),
                              str(item.get("commit_id") or ""), str(item.get("submitted_at") or ""), order))
    return reviews


def current_approvers(reviews: list[Review], head: str) -> tuple[str, ...]:
    """Accounts whose latest review state is an approval given on commit ``head``."""
    latest: dict[str, Review] = {}
    for review in sorted(reviews, key=lambda r: (r.submitted_at, r.order)):
        if review.login and review.state in STATES:
            latest[review.login.casefold()] = review
    return tuple(sorted(r.login for r in latest.values() if r.state == "APPROVED" and r.commit == head))
