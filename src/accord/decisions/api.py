"""API: published awards (public) and each funder's decision on its side of an application."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from accord.api.auth import SIGNED_IN, require_write
from accord.api.schemas import Page, Text, country_path, reference_path, responses
from accord.applications.selectors import applications_visible_to
from accord.decisions.enums import Verdict
from accord.decisions.selectors.opendata import published_awards
from accord.decisions.services.decisions import (
    outcome,
    record_decision,
    require_decision_right,
)
from accord.directory.enums import Country

router = Router(tags=["decisions"])


class OrganisationOut(Schema):
    name_en: str
    name_ko: str
    ror_id: str


class AwardSideOut(Schema):
    country: str
    funder: OrganisationOut
    recipient: OrganisationOut
    amount: Decimal
    currency: str


class AwardOut(Schema):
    reference: str
    title_en: str
    title_ko: str
    call: str
    starts_on: dt.date
    ends_on: dt.date
    sides: list[AwardSideOut]

    @staticmethod
    def resolve_title_en(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.application.title_en)

    @staticmethod
    def resolve_title_ko(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.application.title_ko)

    @staticmethod
    def resolve_call(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.application.call.slug)


class DecisionIn(Schema):
    verdict: Verdict
    amount: Decimal | None = Field(
        None,
        ge=0,
        max_digits=16,
        decimal_places=2,
        description="For an approval, in the side's currency; default: what the side requests.",
    )
    feedback_en: Text = ""
    feedback_ko: Text = ""
    starts_on: dt.date | None = Field(
        None,
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),
        description="When both sides approve, the award starts then (default: the 1st of next month).",
    )


class DecisionOut(Schema):
    country: str
    verdict: str
    amount: Decimal | None
    currency: str
    feedback_en: str
    feedback_ko: str
    outcome: str = Field(
        description="Both sides together: pending, award, declined or disagreement."
    )

    @staticmethod
    def resolve_outcome(obj) -> str:  # type: ignore[no-untyped-def]
        application = obj.application
        verdicts = dict(application.decisions.values_list("country", "verdict"))
        return outcome(verdicts, [side.country for side in application.call.sides.all()])


@router.get(
    "/awards",
    response=responses(list[AwardOut], 422),
    summary="Published awards, each funder side in its own currency (public)",
)
@paginate(Page)
def list_awards(request):  # type: ignore[no-untyped-def]
    return published_awards()


@router.put(
    "/applications/{reference}/decisions/{country}",
    auth=SIGNED_IN,
    response=responses(DecisionOut, 400, 401, 403, 404, 422),
    summary="Record my funder's decision on its side of an application at panel (an officer of "
    "that side's funder; a read-and-write token). Both approvals make the award.",
)
def put_decision(  # type: ignore[no-untyped-def]
    request,
    payload: DecisionIn,
    reference: str = reference_path(),
    country: Country = country_path(),
):
    application = get_object_or_404(
        applications_visible_to(request.user).select_related("call"), reference=reference
    )
    require_decision_right(request.user, application, country.value)  # decisions.decide_side
    require_write(request)
    return record_decision(
        application=application,
        country=country.value,
        verdict=payload.verdict.value,
        amount=payload.amount,
        feedback_en=payload.feedback_en,
        feedback_ko=payload.feedback_ko,
        actor=request.user,
        starts_on=payload.starts_on,
    )
