"""A tiny server-side SVG bar chart: horizontal bars, each with its label and value as text,
so a chart reads without colour (and without JavaScript)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

LABEL_WIDTH = 220
VALUE_WIDTH = 150
ROW = 26
BAR = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as people read it, e.g. "£1,200,000 GBP" or "12"
    kind: str = ""  # a CSS class for a second series (e.g. "awards")


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 640) -> SafeString:
    """An accessible SVG: ``<title>`` names the chart; every bar carries its label and value."""
    plot = max(40, width - LABEL_WIDTH - VALUE_WIDTH)
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
                LABEL_WIDTH - 8,
                bar.label,
                LABEL_WIDTH,
                y,
                f"{length:.1f}",
                BAR,
                f"bar {bar.kind}".strip(),
                LABEL_WIDTH + length + 6,
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
            '<g data-y="{}"><text x="{}" y="{}" text-anchor="end" class="label">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" class="{}"></rect>'
            '<text x="{}" y="{}" class="value">{}</text></g>',
            (
                (r[0], r[2], r[1], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11])
                for r in rows
            ),
        ),
    )
