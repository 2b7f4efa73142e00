"""The JSON API (django-ninja): OpenAPI schema at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema

from accord import __version__
from accord.partnerships.selectors import partnership_with_instruments, partnerships
from accord.programmes.selectors import programmes

api = NinjaAPI(
    urls_namespace="api",
    title="Accord API",
    version=__version__,
    description="Public reads are open; writes need a signed-in user with the right role.",
)


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


class PartnershipOut(Schema):
    slug: str
    name_en: str
    name_ko: str
    country_a: str
    country_b: str
    signed_on: dt.date | None


class PartnershipDetailOut(PartnershipOut):
    instruments: list[InstrumentOut]


class FunderOut(Schema):
    organisation: str
    ror_id: str
    funder_id: str
    country: str
    currency: str
    budget: Decimal | None


class ProgrammeOut(Schema):
    slug: str
    name_en: str
    name_ko: str
    partnership: str
    funders: list[FunderOut]


@api.get(
    "/partnerships",
    response=list[PartnershipOut],
    tags=["partnerships"],
    summary="Partnerships (public)",
)
def list_partnerships(request):  # type: ignore[no-untyped-def]
    return list(partnerships())


@api.get(
    "/partnerships/{slug}",
    response=PartnershipDetailOut,
    tags=["partnerships"],
    summary="A partnership with its instruments (public)",
)
def get_partnership(request, slug: str):  # type: ignore[no-untyped-def]
    get_object_or_404(partnerships(), slug=slug)
    p = partnership_with_instruments(slug)
    return {
        **{
            f: getattr(p, f)
            for f in ("slug", "name_en", "name_ko", "country_a", "country_b", "signed_on")
        },
        "instruments": [
            {
                **{
                    f: getattr(i, f)
                    for f in (
                        "slug",
                        "number",
                        "core",
                        "kind",
                        "name_en",
                        "name_ko",
                        "summary_en",
                        "summary_ko",
                        "signed_on",
                    )
                },
                "parties": [o.slug for o in i.parties.all()],
                "areas": list(i.areas.all()),
            }
            for i in p.instruments.all()
        ],
    }


@api.get(
    "/programmes",
    response=list[ProgrammeOut],
    tags=["programmes"],
    summary="Programmes and their funders (public)",
)
def list_programmes(request):  # type: ignore[no-untyped-def]
    return [
        {
            "slug": p.slug,
            "name_en": p.name_en,
            "name_ko": p.name_ko,
            "partnership": p.partnership.slug,
            "funders": [
                {
                    "organisation": f.organisation.slug,
                    "ror_id": f.organisation.ror_id,
                    "funder_id": f.organisation.funder_id,
                    "country": f.country,
                    "currency": f.currency,
                    "budget": f.budget,
                }
                for f in p.funders.all()
            ],
        }
        for p in programmes()
    ]
