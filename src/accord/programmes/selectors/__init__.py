"""Reads for programmes."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.programmes.models import Programme


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
