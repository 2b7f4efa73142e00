"""The panel's ranking: calibrated scores of a call's applications, and who may moderate them.

The ranking is the encoder around ``accord.core.calibration``: every submitted review of the call
becomes one (application, reviewer, score) triple, where the score is the review's weighted total
on the call's own scale; ``calibrate`` corrects each reviewer's leniency or severity and gives
each application a calibrated score with a 95 % interval; ``rank_in_bands`` orders them and
groups them into merit bands (applications the reviews cannot tell apart from the band's top);
"tied" marks only exactly equal scores. Where the panel has recorded a moderated score, that
score decides the application's place (a panel decision carries no interval)."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Exists, OuterRef, QuerySet

from accord.applications.models import Application
from accord.core import csvsafe
from accord.core.calibration import calibrate, rank_in_bands
from accord.programmes.models import Call
from accord.review.enums import AssignmentState, ReviewState
from accord.review.models import Assignment, Review
from accord.review.selectors import panel_applications
from accord.review.selectors.reviews import weighted_total

# How strongly a reviewer's offset is pulled towards zero (core.calibration ``lam``): with one
# review a reviewer's leniency is corrected by half of what it seems to be, with nine by 90 %.
SHRINKAGE = 1.0


@dataclass(frozen=True)
class Row:
    """One application's place in the ranking. Scores are on the call's scale; None = no reviews."""

    application: Application
    rank: int
    tied: bool
    raw: float | None
    calibrated: float | None
    low: float | None
    high: float | None
    n_reviews: int
    moderated: Decimal | None
    notes: str
    band: int = 1  # merit band (core.calibration.rank_in_bands): 1 = the top band

    @property
    def final(self) -> float | None:
        """What the place is decided by: the panel's moderated score, else the calibrated one."""
        return float(self.moderated) if self.moderated is not None else self.calibrated


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 2)


def ranked_applications(call: Call) -> QuerySet[Application]:
    """The call's applications that are out for review (at least one published assignment)."""
    published = Assignment.objects.filter(
        application_id=OuterRef("pk"), state=AssignmentState.PUBLISHED
    )
    return (
        Application.objects.filter(call=call)
        .filter(Exists(published))
        .select_related("panel_note")
        .order_by("reference")
    )


def call_ranking(call: Call, *, visible: QuerySet[Application] | None = None) -> list[Row]:
    """The ranking of ``call``, best first; restricted to ``visible`` when given.

    Calibration always uses every submitted review of the call (a reviewer's leniency shows across
    all their reviews); a restricted ranking is then numbered among the visible rows only, so a
    hidden application leaves no gap in the ranks.
    """
    criteria = list(call.criteria.all())
    applications = list(ranked_applications(call))
    index = {a.pk: i for i, a in enumerate(applications)}
    reviews = Review.objects.filter(
        assignment__call=call,
        assignment__state=AssignmentState.PUBLISHED,
        state=ReviewState.SUBMITTED,
    ).select_related("assignment")
    reviewers: dict[int, int] = {}
    triples = []
    for review in reviews:
        a = index.get(review.assignment.application_id)
        total = weighted_total(review.scores, criteria)
        if a is None or total is None:
            continue
        r = reviewers.setdefault(review.assignment.reviewer_id, len(reviewers))
        triples.append((a, r, float(total)))
    n = len(applications)
    nan = np.full(n, np.nan)
    if triples:
        fit = calibrate(triples, n, len(reviewers), lam=SHRINKAGE)
        raw, mu, low, high = fit.raw, fit.calibrated, fit.low, fit.high
        counts = [int(c) for c in fit.n_reviews]
    else:
        raw, mu, low, high, counts = nan, nan, nan, nan, [0] * n
    moderated = [
        a.panel_note.moderated_score if hasattr(a, "panel_note") else None for a in applications
    ]
    final = np.array(
        [float(m) if m is not None else mu[i] for i, m in enumerate(moderated)], dtype=float
    )
    final_low = np.array(
        [float(m) if m is not None else low[i] for i, m in enumerate(moderated)], dtype=float
    )
    final_high = np.array(
        [float(m) if m is not None else high[i] for i, m in enumerate(moderated)], dtype=float
    )
    keep = list(range(n))
    if visible is not None:
        allowed = set(visible.filter(call=call).values_list("pk", flat=True))
        keep = [i for i in keep if applications[i].pk in allowed]
    order = rank_in_bands(final[keep], final_low[keep], final_high[keep]) if keep else []
    rows = []
    for place in order:
        i = keep[place.index]
        application = applications[i]
        note = application.panel_note if hasattr(application, "panel_note") else None
        rows.append(
            Row(
                application=application,
                rank=place.rank,
                band=place.band,
                tied=place.tied,
                raw=_number(raw[i]),
                calibrated=_number(mu[i]),
                low=_number(low[i]),
                high=_number(high[i]),
                n_reviews=counts[i],
                moderated=moderated[i],
                notes=note.notes if note is not None else "",
            )
        )
    return rows


CSV_HEADER = [
    "reference",
    "rank",
    "band",
    "tied",
    "raw",
    "calibrated",
    "low",
    "high",
    "moderated",
    "n_reviews",
]


def ranking_csv(rows: Iterable[Row]) -> str:
    """The final rank order for the decision step: one line per application, best first."""

    def fmt(value: float | Decimal | None) -> str:
        return "" if value is None else f"{Decimal(str(value)).quantize(Decimal('0.01')):f}"

    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.application.reference,
                row.rank,
                row.band,
                "yes" if row.tied else "no",
                fmt(row.raw),
                fmt(row.calibrated),
                fmt(row.low),
                fmt(row.high),
                fmt(row.moderated),
                row.n_reviews,
            ]
        )
    return buffer.getvalue()


def may_moderate(user: Any, application: Application) -> bool:
    """Panel members who may see the application, and the call's officers."""
    call = application.call
    if user.has_perm("review.manage_call", call):
        return True
    return panel_applications(user, call).filter(pk=application.pk).exists()
