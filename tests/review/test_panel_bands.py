"""Merit bands on the panel's ranking: bands from the core, "tied" only for equal scores."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from django.urls import reverse

from accord.core.calibration import rank_in_bands
from accord.review.selectors.panel import call_ranking
from accord.review.services.panel import record_panel_note
from tests.review.test_panel import apps, call, officer, reviewed  # noqa: F401 -- fixtures

pytestmark = pytest.mark.django_db


def test_rows_carry_the_cores_bands(call, reviewed):  # noqa: F811
    rows = call_ranking(call)
    final = np.array([r.final for r in rows])
    low = np.array([r.low for r in rows], dtype=float)
    high = np.array([r.high for r in rows], dtype=float)
    expected = {p.index: p.band for p in rank_in_bands(final, low, high)}
    assert [r.band for r in rows] == [expected[i] for i in range(len(rows))]
    assert [r.tied for r in rows] == [False, False, False]


def test_equal_moderated_scores_are_tied_and_the_page_shows_bands(
    client,
    call,  # noqa: F811
    reviewed,  # noqa: F811
    apps,  # noqa: F811
    officer,  # noqa: F811
):
    for ref in ("X", "Y", "Z"):
        score = Decimal("5.00") if ref != "Z" else Decimal("3.00")
        record_panel_note(application=apps[ref], user=officer, moderated_score=score, notes="")
    rows = call_ranking(call)
    assert [(r.application.reference, r.band, r.tied) for r in rows] == [
        ("X", 1, True),
        ("Y", 1, True),
        ("Z", 2, False),
    ]
    client.force_login(officer)
    html = client.get(reverse("review:ranking", args=[call.slug])).content.decode()
    assert html.count('<td class="band">Band 1</td>') == 2
    assert html.count('<td class="band">Band 2</td>') == 1
    assert html.count('<span class="tag">tied</span>') == 2
