"""Reads of reviews: due dates, weighted totals, reviews as each audience may see them
(anonymised for applicants and the panel: anonymising is a rule, not a query), the assignments
due for a reminder, and where a call's response window stands."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.programmes.models import Call, Criterion
from accord.review.enums import AssignmentState, ReviewState
from accord.review.models import (
    Assignment,
    Review,
    ReviewerInvitation,
)

# The moment a due *date* falls due: the end of that day in Seoul, the earlier of the two
# capitals' midnights, so at that moment it is still the due date in London and in Seoul.
DUE_ZONE = zoneinfo.ZoneInfo("Asia/Seoul")
TWO_PLACES = Decimal("0.01")


def due_moment(due: dt.date | None) -> dt.datetime | None:
    """The last second of ``due`` in Seoul (see ``DUE_ZONE``); None without a date."""
    if due is None:
        return None
    return dt.datetime.combine(due, dt.time(23, 59, 59), tzinfo=DUE_ZONE)


def overdue_before(now: dt.datetime | None = None) -> dt.date:
    """Reviews due before this date are overdue: today in Seoul (see ``DUE_ZONE``)."""
    return (now or timezone.now()).astimezone(DUE_ZONE).date()


def is_overdue(
    due: dt.date | None, *, submitted: bool, conflict: bool = False, now: dt.datetime | None = None
) -> bool:
    """A review is overdue once its due date has passed and it is neither submitted nor closed
    by a conflict of interest."""
    return due is not None and not submitted and not conflict and due < overdue_before(now)


def submitted_late(review: Review | None, due: dt.date | None) -> bool:
    """The review was submitted after the end of its due date."""
    moment = due_moment(due)
    return (
        review is not None
        and review.submitted_at is not None
        and moment is not None
        and review.submitted_at > moment
    )


def with_due(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Annotate ``due`` (a date): the reviewer's invitation to the assignment's call."""
    invitation = ReviewerInvitation.objects.filter(
        call_id=OuterRef("call_id"), person_id=OuterRef("reviewer_id")
    )
    return qs.annotate(due=Subquery(invitation.values("due")[:1]))


def weighted_total(scores: Mapping[str, Any], criteria: Iterable[Criterion]) -> Decimal | None:
    """The weighted mean of ``scores`` on the call's own scale; None until every criterion is scored.

    Weights are the criteria's; if they are all zero every criterion counts the same.
    """
    criteria = list(criteria)
    if not criteria or any(scores.get(c.key) in (None, "") for c in criteria):
        return None
    weights = [Decimal(c.weight) for c in criteria]
    if sum(weights) == 0:
        weights = [Decimal(1)] * len(criteria)
    total = sum(w * Decimal(str(scores[c.key])) for w, c in zip(weights, criteria, strict=True))
    return (total / sum(weights)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AnonymousReview:
    """A review as applicants and the panel see it: "Reviewer N", never who wrote it."""

    label: str
    number: int
    scores: list[tuple[Criterion, int | None]]
    total: Decimal | None
    confidence: int | None
    comments_applicant: str
    comments_panel: str  # empty unless the audience is the panel


def _anonymous_key(review: Review) -> str:
    """A stable order that says nothing about the reviewer (not their id, name or join order)."""
    text = f"{settings.SECRET_KEY}:review-order:{review.assignment.application_id}:{review.pk}"
    return hashlib.sha256(text.encode()).hexdigest()


def submitted_reviews(application_ids: Iterable[int]) -> QuerySet[Review]:
    return Review.objects.filter(
        assignment__application_id__in=list(application_ids),
        assignment__state=AssignmentState.PUBLISHED,
        state=ReviewState.SUBMITTED,
    ).select_related("assignment")


def anonymise(
    reviews: Iterable[Review], criteria: Iterable[Criterion], *, for_panel: bool
) -> list[AnonymousReview]:
    """The reviews of ONE application as "Reviewer 1", "Reviewer 2", ... in a stable order.

    Applicants get the scores and the comments meant for them; the panel also gets the comments
    for the panel. Nothing else of the review (nor the assignment) is carried over.
    """
    criteria = list(criteria)
    out = []
    for number, review in enumerate(sorted(reviews, key=_anonymous_key), start=1):
        out.append(
            AnonymousReview(
                label=_("Reviewer %(number)s") % {"number": number},
                number=number,
                scores=[(c, review.scores.get(c.key)) for c in criteria],
                total=weighted_total(review.scores, criteria),
                confidence=review.confidence,
                comments_applicant=review.comments_applicant,
                comments_panel=review.comments_panel if for_panel else "",
            )
        )
    return out


def reminder_assignments(*, days: int = 3, today: dt.date | None = None) -> QuerySet[Assignment]:
    """Published assignments without a submitted review, due within ``days`` days or overdue.

    A reviewer who declared a conflict has nothing to review and is not reminded.
    """
    today = today or timezone.localdate()
    return (
        with_due(Assignment.objects.filter(state=AssignmentState.PUBLISHED))
        .filter(due__isnull=False, due__lte=today + dt.timedelta(days=days))
        .exclude(review__state=ReviewState.SUBMITTED)
        .exclude(declaration__has_conflict=True)
        .select_related("reviewer__user", "call", "application")
        .order_by("reviewer_id", "due", "application__reference")
    )


def reviewer_email(person: Any) -> str:
    user = getattr(person, "user", None)
    return person.email or (user.email if user is not None else "")


def response_stage(call: Call, now: dt.datetime | None = None) -> str:
    """Where the call's response window stands: ``off`` (no response in this call), ``before``,
    ``open`` or ``after``. The window is opens ≤ now < closes."""
    if not call.applicant_response or call.response_opens_at is None:
        return "off"
    now = now or timezone.now()
    if now < call.response_opens_at:
        return "before"
    if call.response_closes_at is not None and now >= call.response_closes_at:
        return "after"
    return "open"
