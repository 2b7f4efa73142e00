"""API: programmes with their funders, and published calls (public reads)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from accord.api.schemas import Page, responses, slug_path
from accord.applications.selectors import public_calls
from accord.programmes.selectors import programmes

router = Router()


class FunderOut(Schema):
    organisation: str
    ror_id: str
    funder_id: str
    country: str
    currency: str
    budget: Decimal | None

    @staticmethod
    def resolve_organisation(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.organisation.slug)

    @staticmethod
    def resolve_ror_id(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.organisation.ror_id)

    @staticmethod
    def resolve_funder_id(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.organisation.funder_id)


class ProgrammeOut(Schema):
    slug: str
    name_en: str
    name_ko: str
    partnership: str
    funders: list[FunderOut]

    @staticmethod
    def resolve_partnership(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.partnership.slug)


class CallSideOut(Schema):
    country: str
    currency: str
    funder: str
    funder_name_en: str
    funder_name_ko: str
    funding_rates: dict[str, str]

    @staticmethod
    def resolve_funder(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.funder.slug)

    @staticmethod
    def resolve_funder_name_en(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.funder.name_en)

    @staticmethod
    def resolve_funder_name_ko(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.funder.name_ko)

    @staticmethod
    def resolve_funding_rates(obj) -> dict[str, str]:  # type: ignore[no-untyped-def]
        return {key: str(value) for key, value in (obj.funding_rates or {}).items()}


class RuleOut(Schema):
    key: str
    kind: str
    params: dict[str, Any]


class CriterionOut(Schema):
    key: str
    name_en: str
    name_ko: str
    weight: Decimal


class CallOut(Schema):
    slug: str
    programme: str
    name_en: str
    name_ko: str
    summary_en: str
    summary_ko: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    areas: list[str]
    sides: list[CallSideOut]
    rules: list[RuleOut]
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_programme(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.programme.slug)

    @staticmethod
    def resolve_opens_at(obj) -> dt.datetime:  # type: ignore[no-untyped-def]
        return obj.opens_at.astimezone(dt.UTC)  # type: ignore[no-any-return]

    @staticmethod
    def resolve_closes_at(obj) -> dt.datetime:  # type: ignore[no-untyped-def]
        return obj.closes_at.astimezone(dt.UTC)  # type: ignore[no-any-return]

    @staticmethod
    def resolve_areas(obj) -> list[str]:  # type: ignore[no-untyped-def]
        return [area.slug for area in obj.areas.all()]


def published_calls() -> Any:
    return public_calls().prefetch_related("rules", "criteria")


@router.get(
    "/programmes",
    response=responses(list[ProgrammeOut], 422),
    tags=["programmes"],
    summary="Programmes and their funders (public)",
)
@paginate(Page)
def list_programmes(request):  # type: ignore[no-untyped-def]
    return programmes()


@router.get(
    "/calls",
    response=responses(list[CallOut], 422),
    tags=["calls"],
    summary="Published calls with their sides, rules and criteria (public)",
)
@paginate(Page)
def list_calls(request):  # type: ignore[no-untyped-def]
    return published_calls()


@router.get(
    "/calls/{slug}",
    response=responses(CallOut, 404, 422),
    tags=["calls"],
    summary="A published call (public)",
)
def get_call(request, slug: str = slug_path()):  # type: ignore[no-untyped-def]
    return get_object_or_404(published_calls(), slug=slug)
