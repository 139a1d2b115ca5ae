"""Static SVG charts drawn at build time: no scripts, no fonts or files from anywhere.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says, in
words, every number the chart shows; each bar also carries its own ``<title>`` (a tooltip)
and its number written next to it, so the figures can be read, copied and found by the
site search without the picture. All text passes through :func:`html.escape`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from html import escape

PALETTE = ("#3f6fb5", "#e07b39", "#4e9a5f", "#b0457b", "#8a6d3b", "#5b8fa8", "#c44e52")
# Drawn for phones first: a 400-unit-wide chart keeps 13-unit text at 11 px on a 360 px phone.
WIDTH = 400
MAX_WIDTH = 520    # CSS pixels on wide screens
BAR = 14           # bar thickness
GAP = 3            # between bars of one group
GROUP_GAP = 12     # between groups
FONT = 13
VALUE_ROOM = 64    # room right of the longest bar for its number


@dataclass(frozen=True)
class Series:
    """One set of bars: its name (legend), its values (one per group) and its colour."""

    name: str
    values: list[int]
    color: str


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def text_width(text: str, size: int = FONT) -> float:
    """Approximate rendered width: CJK characters are square, others about half as wide."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def _fit(text: str, room: float) -> str:
    if text_width(text) <= room:
        return text
    while text and text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def _number(value: int, unit: str) -> str:
    return f"{value:,}{unit}"


def _frame(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="mulu-chart" id="{_e(chart_id)}" role="img" '
            f'aria-labelledby="{_e(chart_id)}-title {_e(chart_id)}-desc" viewBox="0 0 {WIDTH} {height:.0f}" '
            f'width="100%" style="max-width:{MAX_WIDTH}px;height:auto" font-size="{FONT}">'
            f'<title id="{_e(chart_id)}-title">{_e(title)}</title><desc id="{_e(chart_id)}-desc">{_e(desc)}</desc>'
            + "".join(body) + "</svg>")


def _legend(series: list[Series]) -> tuple[list[str], float]:
    """The legend's elements (wrapping onto more lines when needed) and the height it takes."""
    out, x, y = [], 0.0, float(FONT)
    for s in series:
        room = 16 + text_width(s.name) + 14
        if x and x + room > WIDTH:
            x, y = 0.0, y + FONT + 6
        out.append(f'<rect x="{x:.0f}" y="{y - 11:.0f}" width="12" height="12" fill="{_e(s.color)}"/>'
                   f'<text x="{x + 16:.0f}" y="{y:.0f}" fill="currentColor">{_e(s.name)}</text>')
        x += room
    return out, y + 10


def bar_chart(chart_id: str, title: str, labels: list[str], series: list[Series], unit: str = "",
              desc: str = "", label_above: bool = False) -> str:
    """Horizontal bars: one group per label, one bar per series, each with its number.

    ``label_above`` writes each group's label on its own line above the bars (for long
    labels such as a date and a 文号), so bars can use the whole width."""
    label_room = 0.0 if label_above else min(max((text_width(lb) for lb in labels), default=40) + 8, WIDTH * 0.4)
    plot = WIDTH - label_room - VALUE_ROOM
    peak = max((v for s in series for v in s.values), default=0) or 1
    body, y = _legend(series) if len(series) > 1 else ([], 4.0)
    said = []
    for i, label in enumerate(labels):
        group_h = len(series) * (BAR + GAP) - GAP
        if label_above:
            body.append(f'<text x="0" y="{y + FONT:.1f}" fill="currentColor">{_e(_fit(label, WIDTH))}</text>')
            y += FONT + 5
        else:
            shown_label = _fit(label, label_room - 8)
            full = f"<title>{_e(label)}</title>" if shown_label != label else ""  # the whole label as a tooltip
            body.append(f'<text x="{label_room - 8:.0f}" y="{y + group_h / 2 + FONT * 0.35:.1f}" text-anchor="end" '
                        f'fill="currentColor">{full}{_e(shown_label)}</text>')
        parts = []
        for j, s in enumerate(series):
            value = s.values[i]
            by = y + j * (BAR + GAP)
            length = plot * value / peak
            shown = _number(value, unit)
            name = f"{label}·{s.name}" if len(series) > 1 else label
            body.append(f'<rect x="{label_room:.0f}" y="{by:.1f}" width="{max(length, 0.5):.1f}" height="{BAR}" '
                        f'fill="{_e(s.color)}"><title>{_e(name)}：{_e(shown)}</title></rect>'
                        f'<text x="{label_room + length + 4:.1f}" y="{by + BAR - 2:.1f}" fill="currentColor">'
                        f'{_e(shown)}</text>')
            parts.append(f"{s.name} {shown}" if len(series) > 1 else shown)
        said.append(f"{label}：{'，'.join(parts)}")
        y += group_h + GROUP_GAP
    return _frame(chart_id, title, (desc + " " if desc else "") + "；".join(said) + "。", y - GROUP_GAP + 6, body)


@dataclass(frozen=True)
class Range:
    """A spread of values: lowest, median, highest, and how many values."""

    label: str
    low: int
    median: int
    high: int
    count: int


def range_chart(chart_id: str, title: str, rows: list[Range], unit: str = "", desc: str = "") -> str:
    """Per row: its label and numbers on one line, below it a bar up to the median and a
    line from the lowest to the highest value."""
    plot = WIDTH - 8
    peak = max((r.high for r in rows), default=0) or 1
    body, said, y = [], [], 4.0
    for r in rows:
        lo, mid, hi = (plot * v / peak for v in (r.low, r.median, r.high))
        note = f"中位数 {_number(r.median, unit)}（{_number(r.low, '')}–{_number(r.high, '')}），{r.count} 项"
        middle = y + FONT + 5 + BAR / 2
        body.append(f'<text x="0" y="{y + FONT:.1f}" fill="currentColor"><tspan font-weight="bold">{_e(r.label)}</tspan>'
                    f'　{_e(note)}</text>')
        y += FONT + 5
        body.append(f'<rect x="0" y="{y:.1f}" width="{max(mid, 0.5):.1f}" height="{BAR}" fill="{PALETTE[0]}">'
                    f'<title>{_e(r.label)}：{_e(note)}</title></rect>'
                    f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{middle:.1f}" y2="{middle:.1f}" stroke="currentColor" stroke-width="2"/>'
                    f'<line x1="{lo:.1f}" x2="{lo:.1f}" y1="{y + 1:.1f}" y2="{y + BAR - 1:.1f}" stroke="currentColor" stroke-width="2"/>'
                    f'<line x1="{hi:.1f}" x2="{hi:.1f}" y1="{y + 1:.1f}" y2="{y + BAR - 1:.1f}" stroke="currentColor" stroke-width="2"/>')
        said.append(f"{r.label}：{note}")
        y += BAR + GROUP_GAP
    return _frame(chart_id, title, (desc + " " if desc else "") + "；".join(said) + "。", y - GROUP_GAP + 6, body)
