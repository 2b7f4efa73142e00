"""API: partnerships and their instruments (public reads)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from accord.api.schemas import Page, responses, slug_path
from accord.partnerships.selectors import partnership_with_instruments, partnerships

router = Router(tags=["partnerships"])


class AreaOut(Schema):
    slug: str
    name_en: str
    name_ko: str


class InstrumentOut(Schema):
    slug: str
    number: int | None
    core: bool
    kind: str
    name_en: str
    name_ko: str
    summary_en: str
    summary_ko: str
    signed_on: dt.date | None
    parties: list[str]
    areas: list[AreaOut]

    @staticmethod
    def resolve_parties(obj) -> list[str]:  # type: ignore[no-untyped-def]
        return [organisation.slug for organisation in obj.parties.all()]


class PartnershipOut(Schema):
    slug: str
    name_en: str
    name_ko: str
    country_a: str
    country_b: str
    signed_on: dt.date | None


class PartnershipDetailOut(PartnershipOut):
    instruments: list[InstrumentOut]


@router.get(
    "/partnerships",
    response=responses(list[PartnershipOut], 422),
    summary="Partnerships (public)",
)
@paginate(Page)
def list_partnerships(request):  # type: ignore[no-untyped-def]
    return partnerships()


@router.get(
    "/partnerships/{slug}",
    response=responses(PartnershipDetailOut, 404, 422),
    summary="A partnership with its instruments (public)",
)
def get_partnership(request, slug: str = slug_path()):  # type: ignore[no-untyped-def]
    get_object_or_404(partnerships(), slug=slug)
    return partnership_with_instruments(slug)
