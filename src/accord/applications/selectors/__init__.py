"""Reads for applications. Protected objects are fetched only through ``applications_visible_to``,
so an application a user may not see is simply not found (404), never "forbidden"."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from accord.accounts.rules import is_administrator
from accord.applications.enums import ApplicationState, MemberRole
from accord.applications.models import (
    Application,
    BudgetLine,
    FunderCheck,
    Invitation,
    TeamMember,
)
from accord.applications.selectors.eligibility import team_and_budget
from accord.programmes.models import Call, CallSide


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """``applications.view_application`` as a query: team members see their applications; from
    submission on, officers see those of their funders' calls and administrators all."""
    qs = Application.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    condition = Q(pk__in=[])
    if user.person_id:
        condition |= Q(
            pk__in=TeamMember.objects.filter(person_id=user.person_id).values("application_id")
        )
    submitted = Q(submitted_at__isnull=False)
    if is_administrator(user):
        condition |= submitted
    funders = user.funder_ids()
    if funders:
        condition |= submitted & Q(
            call__in=Call.objects.filter(sides__funder_id__in=funders).values("pk")
        )
    return qs.filter(condition)


def with_details(qs: QuerySet[Application], *, officers: bool = True) -> QuerySet[Application]:
    """Everything the detail pages and eligibility need, in a fixed number of queries.

    ``officers=False``: without the call's review criteria and the funders' checks, which only
    the officers' pages and the API show (the applicants' pages: two queries fewer)."""
    return qs.select_related("call__programme").prefetch_related(
        # Joined, not prefetched level by level: one query each instead of two.
        Prefetch("call__sides", queryset=CallSide.objects.select_related("funder")),
        "call__rules",
        "call__areas",
        *(["call__criteria"] if officers else []),
        "areas",
        *team_and_budget(),
        "documents",
        "signoffs",
        "invitations",
        "eligibility_overrides",
        *(["funder_checks"] if officers else []),
    )


def with_team(qs: QuerySet[Application]) -> QuerySet[Application]:
    """What the permission rules read (the call and the team), for the actions that change an
    application without showing it (sign, submit, save): two queries instead of sixteen."""
    return qs.select_related("call").prefetch_related("members")


def my_applications(user: Any) -> QuerySet[Application]:
    if not getattr(user, "person_id", None):
        return Application.objects.none()
    return (
        Application.objects.filter(members__person_id=user.person_id)
        .select_related("call")
        .prefetch_related(Prefetch("members", queryset=TeamMember.objects.select_related("person")))
        .order_by("-updated_at")
    )


def my_application_list(user: Any) -> QuerySet[Application]:
    """The rows of "My applications": what the page shows of each application and its call, no
    team (someone on 50 applications reads 50 rows and their calls, in one query)."""
    return (
        my_applications(user)
        .prefetch_related(None)
        .only(
            "reference",
            "title_en",
            "title_ko",
            "state",
            "deadline_extension",
            "updated_at",
            "call__slug",
            "call__name_en",
            "call__name_ko",
            "call__closes_at",
            "call__applicant_response",
        )
    )


def open_invitations(user: Any) -> QuerySet[Invitation]:
    if not getattr(user, "is_authenticated", False) or not user.email:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        email__iexact=user.email,
        accepted_at__isnull=True,
        declined_at__isnull=True,
        cancelled_at__isnull=True,
    ).select_related("application__call", "invited_by")


def calls_of_officer(user: Any) -> QuerySet[Call]:
    """The calls with a side paid by one of this officer's funders (no join that repeats a call,
    no count of its applications: every officer page finds its call through this)."""
    funders = user.funder_ids() if getattr(user, "is_authenticated", False) else set()
    return (
        Call.objects.filter(pk__in=CallSide.objects.filter(funder_id__in=funders).values("call_id"))
        .select_related("programme")
        .order_by("-closes_at")
    )


def with_application_counts(calls: QuerySet[Call]) -> QuerySet[Call]:
    """``application_count`` (all) and ``submitted_count`` (past the draft, not withdrawn) per
    call, each a correlated count on the (call, state) index, not a join of every application."""

    def count(qs: QuerySet[Application]) -> Subquery:
        return Subquery(
            qs.filter(call_id=OuterRef("pk"))
            .order_by()
            .values("call_id")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        )

    everything = Application.objects.all()
    submitted = everything.exclude(state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN])
    return calls.annotate(
        application_count=Coalesce(count(everything), 0),
        submitted_count=Coalesce(count(submitted), 0),
    )


#: What the officers' list and CSV read of an application (not its texts or case for support).
LIST_COLUMNS = ("id", "call_id", "reference", "state", "title_en", "title_ko", "submitted_at")


def call_applications(
    call: Call, *, state: str = "", area: str = "", side: str = "", query: str = ""
) -> QuerySet[Application]:
    """An officer's list of a call's applications, filtered, with what the list shows prefetched.

    Ordered by reference on the (call, reference) index, each filter a condition on the
    application (area and side as ``EXISTS``), so a page is an index range with a LIMIT and the
    count a plain ``COUNT(*)``: no DISTINCT over the joined rows, whatever the call's size. Only
    the columns the list shows are read; ``application_rows`` attaches the call itself.
    """
    qs = (
        Application.objects.filter(call=call, submitted_at__isnull=False)  # drafts are the team's
        .only(*LIST_COLUMNS)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=TeamMember.objects.filter(role=MemberRole.LEAD)
                .select_related("person", "organisation")
                .only(
                    "application_id",
                    "role",
                    "country",
                    "person__name_en",
                    "person__name_ko",
                    "organisation__name_en",
                    "organisation__short_name",
                )
                .order_by("country", "id"),
                to_attr="list_leads",
            ),
            "areas",
            Prefetch(
                "budget_lines",
                queryset=BudgetLine.objects.select_related("organisation").only(
                    "application_id",
                    "country",
                    "category",
                    "amount",
                    "organisation__size",
                    "organisation__kind",
                ),
            ),
            Prefetch(
                "funder_checks",
                queryset=FunderCheck.objects.only("application_id", "country", "status"),
            ),
        )
        .order_by("reference")
    )
    if state:
        qs = qs.filter(state=state)
    if area:
        qs = qs.filter(
            Exists(
                Application.areas.through.objects.filter(
                    application_id=OuterRef("pk"), technologyarea__slug=area
                )
            )
        )
    if side:
        qs = qs.filter(
            Exists(
                TeamMember.objects.filter(
                    application_id=OuterRef("pk"), country=side, role=MemberRole.LEAD
                )
            )
        )
    if query:
        qs = qs.filter(
            Q(title_en__icontains=query)
            | Q(title_ko__icontains=query)
            | Q(reference__icontains=query)
        )
    return qs


def public_calls() -> QuerySet[Call]:
    return (
        Call.objects.filter(published=True)
        .select_related("programme")
        .prefetch_related("sides__funder", "areas")
        .order_by("-closes_at")
    )


def drafts_to_invite_into(user: Any, person: Any) -> list[Application]:
    """The user's draft applications that ``person`` could be invited to: on their side, a call
    side of that country, not already on the team (for the partner finder's person page)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "person_id", None):
        return []
    if person is None or person.pk == user.person_id or not person.email:
        return []
    drafts = (
        my_applications(user)
        .filter(state=ApplicationState.DRAFT, call__sides__country=person.country)
        .exclude(members__person=person)
        .select_related("call")
        .distinct()
        .order_by("-updated_at")
    )
    return [a for a in drafts if user.has_perm("applications.change_application", a)]
