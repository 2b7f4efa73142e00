"""The delivery charts' labels fit: the label column grows with the longest label (never cut
off at the left edge), and a label too long for half the chart is shortened, whole in <title>."""

from __future__ import annotations

import re

from accord.decisions.charts import LABEL_WIDTH, Bar, bar_chart, fit_label, text_width


def label_xs(svg: str) -> list[float]:
    return [float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end"', svg)]


def test_short_labels_keep_the_least_label_column():
    svg = str(bar_chart([Bar("AI", 3, "3"), Bar("Quantum", 1, "1")], title="t"))
    assert label_xs(svg) == [LABEL_WIDTH - 8, LABEL_WIDTH - 8]


def test_a_long_label_widens_the_column_so_it_starts_inside_the_chart():
    long = "Korea Institute of Science and Technology"  # 41 characters, 287px
    svg = str(bar_chart([Bar(long, 3, "3")], title="t"))
    [x] = label_xs(svg)
    assert x - text_width(long) >= 0  # the label's left end is inside the viewBox
    assert f">{long}<title>{long}</title>" in svg


def test_a_label_longer_than_half_the_chart_is_shortened_and_kept_whole_in_its_title():
    long = "한국과학기술원 " * 10
    svg = str(bar_chart([Bar(long, 3, "3")], title="t", width=640))
    [x] = label_xs(svg)
    assert x == 640 / 2 - 8
    shown = re.search(r'class="label">([^<]+)<title>', svg).group(1)
    assert shown.endswith("…")
    assert text_width(shown) <= x - 4
    assert f"<title>{long.strip()}" in svg or f"<title>{long}" in svg


def test_fit_label_leaves_what_fits_alone():
    assert fit_label("Quantum", 100) == "Quantum"
    assert fit_label("Quantum technologies", 50) == "Quantu…"  # 7 characters of 7px
