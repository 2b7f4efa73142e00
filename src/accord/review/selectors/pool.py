"""Reads for a call's reviewer pool: who is invited, a person's invitations, who may still be invited,
and how to reach a person (their language and address)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Count, F, Max, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from accord.accounts.models import User
from accord.directory.models import Person
from accord.matching.models import AffinityScore
from accord.programmes.models import Call
from accord.review.enums import AssignmentState, ReviewState
from accord.review.models import Assignment, ReviewerInvitation
from accord.review.selectors.reviews import overdue_before


def language_of(person: Person) -> str:
    """The language we write to a person in: Korean for people in Korea, English otherwise."""
    return "ko" if person.country == "KR" else "en"


def addresses_of(people: Iterable[Person]) -> dict[int, str]:
    """Person id → e-mail address: the directory's address, else their account's (one query)."""
    people = list(people)
    found = {p.pk: p.email for p in people if p.email}
    missing = [p.pk for p in people if not p.email]
    if missing:
        for person_id, email in User.objects.filter(person_id__in=missing).values_list(
            "person_id", "email"
        ):
            if email:
                found[person_id] = email
    return found


def call_pool(call: Call, now: dt.datetime | None = None) -> QuerySet[ReviewerInvitation]:
    """Everyone invited to the call, with what the pool page shows (one query): ``overdue`` is
    how many of the person's published reviews are past the invitation's due date and neither
    submitted nor closed by a declared conflict."""
    pending = (
        Assignment.objects.filter(
            call_id=OuterRef("call_id"),
            reviewer_id=OuterRef("person_id"),
            state=AssignmentState.PUBLISHED,
        )
        .exclude(review__state=ReviewState.SUBMITTED)
        .exclude(declaration__has_conflict=True)
        .order_by()
        .values("reviewer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ReviewerInvitation.objects.filter(call=call)
        .annotate(
            overdue=Case(
                When(due__lt=overdue_before(now), then=Coalesce(Subquery(pending), 0)),
                default=Value(0),
            )
        )
        .select_related("person__organisation")
        .order_by("person__country", "person__name_en")
    )


def my_invitations(user: Any) -> QuerySet[ReviewerInvitation]:
    """The signed-in person's invitations (newest call first)."""
    person_id = (
        getattr(user, "person_id", None) if getattr(user, "is_authenticated", False) else None
    )
    if person_id is None:
        return ReviewerInvitation.objects.none()
    return (
        ReviewerInvitation.objects.filter(person_id=person_id)
        .select_related("call__programme")
        .order_by("-call__closes_at", "pk")
    )


def directory_for(call: Call, *, country: str = "", area: str = "") -> QuerySet[Person]:
    """People who may still be invited: from the call's countries, not yet invited, filtered by
    country and technology area, each annotated with ``top_affinity`` (their best score for an
    application of the call, None when matching has not run)."""
    countries = [side.country for side in call.sides.all()]
    qs = (
        Person.objects.filter(country__in=countries)
        .exclude(review_invitations__call=call)
        .select_related("organisation")
        .annotate(
            top_affinity=Subquery(
                AffinityScore.objects.filter(call=call, reviewer_id=OuterRef("pk"))
                .values("reviewer_id")
                .annotate(best=Max("score"))
                .values("best")[:1]
            )
        )
        # The most expert first: the best affinity for an application of the call, then names.
        .order_by("country", F("top_affinity").desc(nulls_last=True), "name_en")
    )
    if country:
        qs = qs.filter(country=country)
    if area:
        qs = qs.filter(areas__slug=area)
    return qs.distinct()
