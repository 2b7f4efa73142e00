"""A tiny server-side SVG bar chart: horizontal bars, each with its label and value as text,
so a chart reads without colour (and without JavaScript)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

LABEL_WIDTH = 220  # the least room for labels
VALUE_WIDTH = 150
ROW = 26
BAR = 18
# Text is 12px (charts.css): a Latin character is about 7px wide, a Korean one about 12px.
NARROW, WIDE = 7.0, 12.5
GAP = 8  # between a label's end and its bar
MARGIN = 4  # left of the longest label


def text_width(text: str) -> float:
    """The width of ``text`` at 12px, estimated (wide East Asian characters count double)."""
    return sum(WIDE if unicodedata.east_asian_width(c) in "WF" else NARROW for c in text)


def fit_label(text: str, room: float) -> str:
    """``text`` shortened with an ellipsis so that it fits ``room`` pixels."""
    if text_width(text) <= room:
        return text
    while text and text_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as people read it, e.g. "£1,200,000 GBP" or "12"
    kind: str = ""  # a CSS class for a second series (e.g. "awards")


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 640) -> SafeString:
    """An accessible SVG: ``<title>`` names the chart; every bar carries its label and value.

    The label column is as wide as the longest label (at least ``LABEL_WIDTH``, at most half the
    chart), so labels are never cut off at the left edge; a label longer than half the chart is
    shortened with an ellipsis and keeps its full text in a ``<title>`` (read out, and shown on
    hover).
    """
    longest = max((text_width(b.label) for b in bars), default=0.0)
    label_width = int(min(max(LABEL_WIDTH, longest + GAP + MARGIN), width / 2))
    plot = max(40, width - label_width - VALUE_WIDTH)
    top = max((b.value for b in bars), default=0) or 1
    height = ROW * max(1, len(bars)) + 8
    rows = []
    for index, bar in enumerate(bars):
        y = 4 + index * ROW
        length = max(0.0, bar.value) / top * plot
        rows.append(
            (
                y,
                y + BAR / 2 + 4,
                label_width - GAP,
                fit_label(bar.label, label_width - GAP - MARGIN),
                bar.label,
                label_width,
                y,
                f"{length:.1f}",
                BAR,
                f"bar {bar.kind}".strip(),
                label_width + length + 6,
                y + BAR / 2 + 4,
                bar.text,
            )
        )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        "<title>{title}</title>{rows}</svg>",
        w=width,
        h=height,
        title=title,
        rows=format_html_join(
            "",
            '<g data-y="{}"><text x="{}" y="{}" text-anchor="end" class="label">{}<title>{}</title></text>'
            '<rect x="{}" y="{}" width="{}" height="{}" class="{}"></rect>'
            '<text x="{}" y="{}" class="value">{}</text></g>',
            (
                (r[0], r[2], r[1], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12])
                for r in rows
            ),
        ),
    )
