"""Merit for the portfolio: the panel's ranking score of each application.

``call_merits`` is the one switch: it uses the review app's ranking
(``accord.review.selectors.panel.call_ranking``: the panel's moderated score when set, else the
calibrated score) when that service is installed, and otherwise computes the same thing here from
the submitted reviews (weighted mean per review, ``core.calibration.calibrate``, moderated scores
win).
"""

from __future__ import annotations

from decimal import Decimal

from accord.core.calibration import calibrate
from accord.programmes.models import Call
from accord.review.enums import ReviewState
from accord.review.models import PanelNote, Review

# Same shrinkage as the panel's ranking: a reviewer with few reviews is corrected little.
SHRINKAGE = 1.0


def call_merits(call: Call) -> dict[int, float]:
    """Application id -> merit (higher is better) for every application with a score."""
    try:
        from accord.review.selectors.panel import call_ranking
    except ImportError:  # the review app's ranking is not installed: compute it here
        return merits_from_reviews(call)
    return {row.application.pk: row.final for row in call_ranking(call) if row.final is not None}


def _weighted(scores: dict[str, object], weights: dict[str, Decimal]) -> float | None:
    if not weights:
        values = [float(str(v)) for v in scores.values() if v not in (None, "")]
        return sum(values) / len(values) if values else None
    if any(scores.get(key) in (None, "") for key in weights):
        return None
    if sum(weights.values()) == 0:  # all weights zero: every criterion counts the same
        weights = dict.fromkeys(weights, Decimal(1))
    total = sum(w * Decimal(str(scores[key])) for key, w in weights.items())
    return float(total / sum(weights.values()))


def merits_from_reviews(call: Call) -> dict[int, float]:
    """Calibrated score from the call's submitted reviews; the panel's moderated score wins."""
    weights = {c.key: Decimal(c.weight) for c in call.criteria.all()}
    reviews = Review.objects.filter(assignment__call=call, state=ReviewState.SUBMITTED).values_list(
        "assignment__application_id", "assignment__reviewer_id", "scores"
    )
    apps: dict[int, int] = {}
    reviewers: dict[int, int] = {}
    triples = []
    for application_id, reviewer_id, scores in reviews:
        total = _weighted(scores or {}, weights)
        if total is None:
            continue
        a = apps.setdefault(application_id, len(apps))
        r = reviewers.setdefault(reviewer_id, len(reviewers))
        triples.append((a, r, total))
    merits: dict[int, float] = {}
    if triples:
        fit = calibrate(triples, len(apps), len(reviewers), lam=SHRINKAGE)
        merits = {pk: float(fit.calibrated[i]) for pk, i in apps.items()}
    moderated = PanelNote.objects.filter(
        application__call=call, moderated_score__isnull=False
    ).values_list("application_id", "moderated_score")
    merits.update({pk: float(score) for pk, score in moderated})
    return merits
