"""The JSON API (django-ninja): OpenAPI schema at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Schema
from ninja.security import django_auth

from accord import __version__
from accord.applications.models import Application
from accord.applications.selectors import applications_visible_to, public_calls, with_details
from accord.applications.services.budget import budget_summary
from accord.applications.services.eligibility import evaluate_application
from accord.decisions.services.opendata import published_awards
from accord.partnerships.selectors import partnership_with_instruments, partnerships
from accord.programmes.models import Call
from accord.programmes.selectors import programmes
from accord.review.selectors import open_assignments, reviewer_assignments
from accord.review.services.panel import call_ranking
from accord.review.services.reviews import due_moment, with_due

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


# ------------------------------------------------------------------ calls (public)


class ErrorOut(Schema):
    detail: str


class CallSideOut(Schema):
    country: str
    currency: str
    funder: str
    funder_name_en: str
    funder_name_ko: str
    funding_rates: dict[str, str]


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


def _published_calls() -> Any:
    return public_calls().prefetch_related("rules", "criteria")


def _call(call: Call) -> dict[str, Any]:
    return {
        **{f: getattr(call, f) for f in ("slug", "name_en", "name_ko", "summary_en", "summary_ko")},
        "programme": call.programme.slug,
        "opens_at": call.opens_at.astimezone(dt.UTC),
        "closes_at": call.closes_at.astimezone(dt.UTC),
        "areas": [a.slug for a in call.areas.all()],
        "sides": [
            {
                "country": s.country,
                "currency": s.currency,
                "funder": s.funder.slug,
                "funder_name_en": s.funder.name_en,
                "funder_name_ko": s.funder.name_ko,
                "funding_rates": {k: str(v) for k, v in (s.funding_rates or {}).items()},
            }
            for s in call.sides.all()
        ],
        "rules": [{"key": r.key, "kind": r.kind, "params": r.params} for r in call.rules.all()],
        "criteria": [
            {"key": c.key, "name_en": c.name_en, "name_ko": c.name_ko, "weight": c.weight}
            for c in call.criteria.all()
        ],
    }


@api.get(
    "/calls",
    response=list[CallOut],
    tags=["calls"],
    summary="Published calls with their sides, rules and criteria (public)",
)
def list_calls(request):  # type: ignore[no-untyped-def]
    return [_call(c) for c in _published_calls()]


@api.get(
    "/calls/{slug}",
    response={200: CallOut, 404: ErrorOut},
    tags=["calls"],
    summary="A published call (public)",
)
def get_call(request, slug: str):  # type: ignore[no-untyped-def]
    return _call(get_object_or_404(_published_calls(), slug=slug))


# ------------------------------------------------------------------ applications (signed in)


class MemberOut(Schema):
    name_en: str
    name_ko: str
    role: str
    side: str
    organisation: str


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


class EligibilityLineOut(Schema):
    key: str
    kind: str
    passed: bool
    message: str
    overridden: bool


def _visible(request: Any) -> Any:
    """The applications this user may read: their teams' and their funders' calls' (404 otherwise)."""
    return with_details(applications_visible_to(request.user)).order_by("reference")


def _application(application: Application) -> dict[str, Any]:
    budget = budget_summary(application)
    return {
        **{
            f: getattr(application, f)
            for f in ("reference", "state", "title_en", "title_ko", "summary_en", "summary_ko")
        },
        "call": application.call.slug,
        "areas": [a.slug for a in application.areas.all()],
        "team": [
            {
                "name_en": m.person.name_en,
                "name_ko": m.person.name_ko,
                "role": m.role,
                "side": m.country,
                "organisation": m.organisation.slug,
            }
            for m in application.members.all()
        ],
        "budget": [
            {
                "country": b.country,
                "currency": b.currency,
                "eligible_cost": b.eligible_cost,
                "requested": b.requested,
            }
            for b in budget.values()
        ],
        "submitted_at": application.submitted_at.astimezone(dt.UTC)
        if application.submitted_at
        else None,
    }


@api.get(
    "/applications",
    auth=django_auth,
    response={200: list[ApplicationOut], 401: ErrorOut},
    tags=["applications"],
    summary="Applications I am on, and those of the calls I manage (signed in)",
)
def list_applications(request):  # type: ignore[no-untyped-def]
    return [_application(a) for a in _visible(request)]


@api.get(
    "/applications/{reference}",
    auth=django_auth,
    response={200: ApplicationOut, 401: ErrorOut, 404: ErrorOut},
    tags=["applications"],
    summary="One application (signed in; 404 when it is not yours to see)",
)
def get_application(request, reference: str):  # type: ignore[no-untyped-def]
    return _application(get_object_or_404(_visible(request), reference=reference))


@api.get(
    "/applications/{reference}/eligibility",
    auth=django_auth,
    response={200: list[EligibilityLineOut], 401: ErrorOut, 404: ErrorOut},
    tags=["applications"],
    summary="The eligibility result per rule, in the request's language (signed in)",
)
def get_application_eligibility(request, reference: str):  # type: ignore[no-untyped-def]
    application = get_object_or_404(_visible(request), reference=reference)
    return [
        {
            "key": line.key,
            "kind": line.kind,
            "passed": line.passed,
            "message": line.message,
            "overridden": line.overridden,
        }
        for line in evaluate_application(application)
    ]


# ------------------------------------------------------------------ review (signed in)


class AssignmentOut(Schema):
    id: int
    application: str
    call: str
    declared: bool | None = Field(
        description="None until the reviewer declares; then whether they declared a conflict."
    )
    open: bool = Field(
        description="Declared free of conflict and no conflict detected: the application is open."
    )
    title_en: str | None = Field(description="Only when the assignment is open.")
    title_ko: str | None = Field(description="Only when the assignment is open.")
    review: str | None = Field(description="The review's state; None before a draft is saved.")
    due: dt.date | None
    due_at: dt.datetime | None = Field(description="The last second of the due date in Seoul.")


class RankingRowOut(Schema):
    reference: str
    rank: int
    tied: bool
    raw: float | None
    calibrated: float | None
    low: float | None
    high: float | None
    moderated: Decimal | None
    n_reviews: int


@api.get(
    "/reviews/assignments",
    auth=django_auth,
    response={200: list[AssignmentOut], 401: ErrorOut},
    tags=["review"],
    summary="My published review assignments; titles only of those open to me (signed in)",
)
def list_my_assignments(request):  # type: ignore[no-untyped-def]
    assignments = (
        with_due(reviewer_assignments(request.user))
        .select_related("declaration", "review")
        .order_by("due", "application__reference", "pk")
    )
    opened = set(open_assignments(request.user).values_list("pk", flat=True))
    rows = []
    for a in assignments:
        declaration = getattr(a, "declaration", None)
        review = getattr(a, "review", None)
        is_open = a.pk in opened
        due = due_moment(a.due)
        rows.append(
            {
                "id": a.pk,
                "application": a.application.reference,
                "call": a.call.slug,
                "declared": None if declaration is None else declaration.has_conflict,
                "open": is_open,
                "title_en": a.application.title_en if is_open else None,
                "title_ko": a.application.title_ko if is_open else None,
                "review": None if review is None else review.state,
                "due": a.due,
                "due_at": due.astimezone(dt.UTC) if due else None,
            }
        )
    return rows


@api.get(
    "/calls/{slug}/ranking",
    auth=django_auth,
    response={200: list[RankingRowOut], 401: ErrorOut, 404: ErrorOut},
    tags=["review"],
    summary="The calibrated ranking of a call, best first (the call's officers; 404 otherwise)",
)
def get_call_ranking(request, slug: str):  # type: ignore[no-untyped-def]
    prefetch_related_objects([request.user], "role_grants")
    call = Call.objects.prefetch_related("sides").filter(slug=slug).first()
    if call is None or not request.user.has_perm("review.manage_call", call):
        raise Http404
    return [
        {
            "reference": row.application.reference,
            "rank": row.rank,
            "tied": row.tied,
            "raw": row.raw,
            "calibrated": row.calibrated,
            "low": row.low,
            "high": row.high,
            "moderated": row.moderated,
            "n_reviews": row.n_reviews,
        }
        for row in call_ranking(call)
    ]


# ------------------------------------------------------------------ awards (public)


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


def _organisation(org: Any) -> dict[str, str]:
    return {"name_en": org.name_en, "name_ko": org.name_ko, "ror_id": org.ror_id}


@api.get(
    "/awards",
    response=list[AwardOut],
    tags=["awards"],
    summary="Published awards, each funder side in its own currency (public)",
)
def list_awards(request):  # type: ignore[no-untyped-def]
    return [
        {
            "reference": award.reference,
            "title_en": award.application.title_en,
            "title_ko": award.application.title_ko,
            "call": award.application.call.slug,
            "starts_on": award.starts_on,
            "ends_on": award.ends_on,
            "sides": [
                {
                    "country": side.country,
                    "funder": _organisation(side.funder),
                    "recipient": _organisation(side.recipient),
                    "amount": side.amount,
                    "currency": side.currency,
                }
                for side in award.sides.all()
            ],
        }
        for award in published_awards()
    ]


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):  # type: ignore[no-untyped-def]
    """A refused input: 400 with the messages per field (``__all__`` for the whole request)."""
    detail = (
        {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"__all__": [str(m) for m in exc.messages]}
    )
    return api.create_response(request, {"detail": detail}, status=400)
