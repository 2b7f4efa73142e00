"""API: applications for the signed-in (their own, and their funders' calls'), each funder's
check of its side, and the export of a call's submitted applications for its officers.

Visibility comes from ``applications_visible_to`` (404 for anyone else); what a visible
application lets the caller do comes from the permission rules, then the services decide.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from accord.api.auth import SIGNED_IN, require_write
from accord.api.schemas import Page, Text, country_path, reference_path, responses, slug_path
from accord.applications.enums import CheckStatus
from accord.applications.selectors import applications_visible_to, calls_of_officer, with_details
from accord.applications.selectors.budget import budget_summary
from accord.applications.selectors.eligibility import evaluate_application
from accord.applications.services.checks import record_funder_check, require_check_right
from accord.directory.enums import Country

router = Router(tags=["applications"], auth=SIGNED_IN)


class MemberOut(Schema):
    name_en: str
    name_ko: str
    role: str
    side: str
    organisation: str

    @staticmethod
    def resolve_name_en(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.person.name_en)

    @staticmethod
    def resolve_name_ko(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.person.name_ko)

    @staticmethod
    def resolve_side(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.country)

    @staticmethod
    def resolve_organisation(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.organisation.slug)


class SideBudgetOut(Schema):
    country: str
    currency: str
    eligible_cost: Decimal
    requested: Decimal


class ApplicationOut(Schema):
    reference: str
    call: str
    state: str
    title_en: str
    title_ko: str
    summary_en: str
    summary_ko: str
    areas: list[str]
    team: list[MemberOut]
    budget: list[SideBudgetOut]
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_call(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.call.slug)

    @staticmethod
    def resolve_areas(obj) -> list[str]:  # type: ignore[no-untyped-def]
        return [area.slug for area in obj.areas.all()]

    @staticmethod
    def resolve_team(obj):  # type: ignore[no-untyped-def]
        return obj.members.all()

    @staticmethod
    def resolve_budget(obj):  # type: ignore[no-untyped-def]
        return list(budget_summary(obj).values())

    @staticmethod
    def resolve_submitted_at(obj) -> dt.datetime | None:  # type: ignore[no-untyped-def]
        return obj.submitted_at.astimezone(dt.UTC) if obj.submitted_at else None


class EligibilityLineOut(Schema):
    key: str
    kind: str
    passed: bool
    message: str
    overridden: bool


class CheckIn(Schema):
    status: CheckStatus
    notes: Text = ""


class CheckOut(Schema):
    country: str
    status: str
    notes: str
    checked_by: str | None = Field(description="Who recorded the check.")
    updated_at: dt.datetime

    @staticmethod
    def resolve_checked_by(obj) -> str | None:  # type: ignore[no-untyped-def]
        return str(obj.checked_by) if obj.checked_by_id else None

    @staticmethod
    def resolve_updated_at(obj) -> dt.datetime:  # type: ignore[no-untyped-def]
        return obj.updated_at.astimezone(dt.UTC)  # type: ignore[no-any-return]


def visible(request):  # type: ignore[no-untyped-def]
    """The applications this caller may read, with their details (404 for the others)."""
    return with_details(applications_visible_to(request.user)).order_by("reference")


@router.get(
    "/applications",
    response=responses(list[ApplicationOut], 401, 422),
    summary="Applications I am on, and those of the calls I manage (signed in)",
)
@paginate(Page)
def list_applications(request):  # type: ignore[no-untyped-def]
    return visible(request)


@router.get(
    "/applications/{reference}",
    response=responses(ApplicationOut, 401, 404, 422),
    summary="One application (signed in; 404 when it is not yours to see)",
)
def get_application(request, reference: str = reference_path()):  # type: ignore[no-untyped-def]
    return get_object_or_404(visible(request), reference=reference)


@router.get(
    "/applications/{reference}/eligibility",
    response=responses(list[EligibilityLineOut], 401, 403, 404, 422),
    summary="The eligibility preview per rule, in the request's language (the application's "
    "team; 403 for others who see the application, 404 for the rest)",
)
@paginate(Page)
def get_application_eligibility(request, reference: str = reference_path()):  # type: ignore[no-untyped-def]
    application = get_object_or_404(visible(request), reference=reference)
    if not request.user.has_perm("applications.view_eligibility_preview", application):
        raise PermissionDenied  # the preview is the applicants' own; officers record checks
    return evaluate_application(application)


@router.put(
    "/applications/{reference}/checks/{country}",
    response=responses(CheckOut, 400, 401, 403, 404, 422),
    summary="Record my funder's check of its own side (an officer of that side's funder; "
    "a read-and-write token)",
)
def put_funder_check(  # type: ignore[no-untyped-def]
    request, payload: CheckIn, reference: str = reference_path(), country: Country = country_path()
):
    application = get_object_or_404(visible(request), reference=reference)
    require_check_right(request.user, application, country.value)  # applications.record_check
    require_write(request)
    return record_funder_check(
        application=application,
        country=country.value,
        status=payload.status.value,
        notes=payload.notes,
        actor=request.user,
    )


@router.get(
    "/calls/{slug}/applications",
    response=responses(list[ApplicationOut], 401, 403, 404, 422),
    summary="Export: the submitted applications of a call I manage, by reference (404 otherwise)",
)
@paginate(Page)
def list_call_submissions(request, slug: str = slug_path()):  # type: ignore[no-untyped-def]
    call = get_object_or_404(calls_of_officer(request.user).prefetch_related("sides"), slug=slug)
    if not request.user.has_perm("review.manage_call", call):
        raise PermissionDenied
    return visible(request).filter(call=call, submitted_at__isnull=False)
