"""Reads for partnerships. Views, the API and exports all use these."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from accord.partnerships.models import Commitment, Instrument, Partnership, TechnologyArea
from accord.programmes.models import Programme


def partnerships() -> QuerySet[Partnership]:
    return Partnership.objects.annotate(instrument_count=Count("instruments")).order_by("name_en")


def partnership_with_instruments(slug: str) -> Partnership:
    """One partnership with its instruments, their parties and areas, and its signatories (5 queries)."""
    instruments = Instrument.objects.prefetch_related("parties", "areas").order_by(
        "-core", "number", "name_en"
    )
    return Partnership.objects.prefetch_related(
        Prefetch("instruments", queryset=instruments),
        "signatories__organisation",
    ).get(slug=slug)


def commitments(
    partnership: Partnership,
    *,
    area: str | None = None,
    instrument: str | None = None,
    status: str | None = None,
) -> QuerySet[Commitment]:
    """Commitments of a partnership, filtered; with instrument, owner, areas and programmes (4 queries)."""
    qs = (
        Commitment.objects.filter(instrument__partnership=partnership)
        .select_related("instrument", "owner")
        .prefetch_related(
            "areas", Prefetch("programmes", queryset=Programme.objects.order_by("name_en"))
        )
        .order_by("-instrument__core", "instrument__number", "instrument__name_en", "slug")
    )
    if area:
        qs = qs.filter(areas__slug=area)
    if instrument:
        qs = qs.filter(instrument__slug=instrument)
    if status:
        qs = qs.filter(status=status)
    return qs.distinct()


def areas() -> QuerySet[TechnologyArea]:
    return TechnologyArea.objects.order_by("order", "name_en")
