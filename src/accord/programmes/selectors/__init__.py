"""Reads for programmes."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.programmes.models import Call, Programme


def programmes() -> QuerySet[Programme]:
    return (
        Programme.objects.select_related("partnership")
        .prefetch_related("funders__organisation", "areas")
        .order_by("name_en")
    )


def programme_detail(slug: str) -> Programme:
    return (
        Programme.objects.select_related("partnership")
        .prefetch_related(
            "funders__organisation", "areas", "instruments", "commitments__instrument"
        )
        .get(slug=slug)
    )


def reviews_submitted(call: Call) -> bool:
    """Whether any review of ``call`` has been submitted: its criteria are then fixed, since the
    scores given are on them."""
    from accord.review.enums import ReviewState
    from accord.review.models import Review

    return Review.objects.filter(assignment__call=call, state=ReviewState.SUBMITTED).exists()
