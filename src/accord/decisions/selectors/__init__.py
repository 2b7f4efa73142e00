"""Reads for decisions and awards. Protected objects come only through these selectors, so an
award a user may not see is simply not found (404), never "forbidden"."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from accord.accounts.rules import is_administrator
from accord.applications.enums import ApplicationState, MemberRole
from accord.applications.models import Application, TeamMember
from accord.decisions.enums import OPEN_DATA_STATES, Verdict
from accord.decisions.models import Award, AwardSide, Decision, Letter, Output, Scenario
from accord.partnerships.models import Partnership, TechnologyArea
from accord.programmes.models import Call

# The states of an application whose decision is being made or has been made.
DECISION_STATES = (
    ApplicationState.AT_PANEL,
    ApplicationState.FUNDED,
    ApplicationState.DECLINED,
    ApplicationState.ACTIVE,
    ApplicationState.CLOSED,
)
FINAL_STATES = frozenset(DECISION_STATES) - {ApplicationState.AT_PANEL}


def in_open_data(prefix: str = "") -> Q:
    """The one rule of what is public (``OPEN_DATA_STATES``): published and accepted awards.
    ``prefix`` is the path to the award from the model queried (e.g. ``"award__"``)."""
    return Q(**{f"{prefix}published": True, f"{prefix}state__in": OPEN_DATA_STATES})


def open_awards() -> QuerySet[Award]:
    return Award.objects.filter(in_open_data())


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def scenarios_of(call: Call) -> QuerySet[Scenario]:
    return Scenario.objects.filter(call=call).select_related("created_by").order_by("-created_at")


def decision_board(call: Call) -> QuerySet[Application]:
    """The call's applications at panel or decided, with both sides' decisions and award."""
    return (
        Application.objects.filter(call=call, state__in=DECISION_STATES)
        .select_related("call", "award")
        .prefetch_related(
            "call__sides",
            "budget_lines__organisation",
            Prefetch("decisions", queryset=Decision.objects.order_by("country")),
        )
        .order_by("reference")
    )


def disagreements(call: Call) -> QuerySet[Application]:
    """Applications at panel where one side approved and the other declined."""
    return (
        Application.objects.filter(call=call, state=ApplicationState.AT_PANEL)
        .annotate(
            approvals=Count("decisions", filter=Q(decisions__verdict=Verdict.APPROVE)),
            declines=Count("decisions", filter=Q(decisions__verdict=Verdict.DECLINE)),
        )
        .filter(approvals__gte=1, declines__gte=1)
        .prefetch_related(
            "call__sides__funder",
            Prefetch("decisions", queryset=Decision.objects.select_related("decided_by")),
        )
        .order_by("reference")
    )


def _officer_award_filter(user: Any) -> Q | None:
    """None: every award (administrators); else the awards of the user's funders' calls."""
    if is_administrator(user):
        return None
    return Q(application__call__sides__funder_id__in=user.funder_ids() or [-1])


def awards_managed_by(user: Any) -> QuerySet[Award]:
    """Awards of the calls of the officer's funders (administrators: every award)."""
    if not _authenticated(user):
        return Award.objects.none()
    condition = _officer_award_filter(user)
    qs = Award.objects.all() if condition is None else Award.objects.filter(condition).distinct()
    return qs


def award_detail(qs: QuerySet[Award]) -> QuerySet[Award]:
    return qs.select_related("application__call__programme", "commitment").prefetch_related(
        "application__call__sides__funder",
        Prefetch("sides", queryset=AwardSide.objects.select_related("funder", "recipient")),
        "sides__payments",
        "reports",
        "outputs",
        Prefetch("letters", queryset=Letter.objects.order_by("language", "-created_at")),
        Prefetch("application__decisions", queryset=Decision.objects.order_by("country")),
        Prefetch(
            "application__members",
            queryset=TeamMember.objects.select_related("person", "organisation"),
        ),
    )


def letters_visible_to(user: Any) -> QuerySet[Letter]:
    """Letters of awards whose team the user is on, or of their funders' calls. Nobody else."""
    if not _authenticated(user):
        return Letter.objects.none()
    condition = Q(pk__in=[])
    if user.person_id:
        condition |= Q(award__application__members__person_id=user.person_id)
    funders = user.funder_ids()
    if funders:
        condition |= Q(award__application__call__sides__funder_id__in=funders)
    return Letter.objects.filter(condition).distinct().select_related("award")


def team_application(user: Any, reference: str) -> Application | None:
    """The user's own application (team member), with its decisions and award; None otherwise."""
    if not _authenticated(user) or not user.person_id:
        return None
    return (
        Application.objects.filter(reference=reference, members__person_id=user.person_id)
        .select_related("call__programme")
        .prefetch_related(
            "call__sides__funder",
            Prefetch("decisions", queryset=Decision.objects.select_related("funder")),
            Prefetch("members", queryset=TeamMember.objects.filter(role=MemberRole.LEAD)),
        )
        .first()
    )


def public_awards() -> QuerySet[Award]:
    """Published awards with what the public page shows: organisations, never people."""
    return (
        open_awards()
        .select_related("application__call__programme")
        .prefetch_related(
            Prefetch(
                "sides",
                queryset=AwardSide.objects.select_related("funder", "recipient").order_by(
                    "country"
                ),
            ),
            Prefetch(
                "application__areas", queryset=TechnologyArea.objects.order_by("order", "slug")
            ),
        )
        .order_by("-starts_on", "reference")
    )


def commitment_delivery(commitment_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per commitment: money of published awards per currency, number of awards and outputs."""
    delivery: dict[int, dict[str, Any]] = {
        pk: {"money": [], "awards": 0, "outputs": 0} for pk in commitment_ids
    }
    if not commitment_ids:
        return delivery
    published = in_open_data("award__") & Q(award__commitment_id__in=commitment_ids)
    money = (
        AwardSide.objects.filter(published)
        .values("award__commitment_id", "currency")
        .annotate(total=Sum("amount"), awards=Count("award", distinct=True))
        .order_by("award__commitment_id", "currency")
    )
    for row in money:
        entry = delivery[row["award__commitment_id"]]
        entry["money"].append((row["currency"], row["total"]))
        entry["awards"] = max(entry["awards"], row["awards"])
    outputs = (
        Output.objects.filter(published)
        .values("award__commitment_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in outputs:
        delivery[row["award__commitment_id"]]["outputs"] = row["n"]
    return delivery


def delivery_figures(partnership: Partnership) -> dict[str, Any]:
    """Figures for the delivery charts of a partnership's published awards (5 queries).

    ``by_area``: currency -> [(area, amount)], an award's amount shared equally between its
    areas; ``by_funder``: currency -> [(funder, amount)]; ``by_organisation``: currency ->
    [(organisation, amount)] (recipients, largest first); ``rounds``: [(call, applications
    submitted, awards)].
    """
    sides = list(
        AwardSide.objects.filter(
            in_open_data("award__"),
            award__application__call__programme__partnership=partnership,
        )
        .select_related("funder", "recipient", "award")
        .order_by("award__reference", "country")
    )
    award_ids = {s.award.application_id for s in sides}
    areas: dict[int, list[TechnologyArea]] = defaultdict(list)
    for link in Application.areas.through.objects.filter(
        application_id__in=award_ids
    ).select_related("technologyarea"):
        areas[link.application_id].append(link.technologyarea)
    by_area: dict[str, dict[Any, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_funder: dict[str, dict[Any, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_org: dict[str, dict[Any, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for side in sides:
        by_funder[side.currency][side.funder] += side.amount
        by_org[side.currency][side.recipient] += side.amount
        listed = areas.get(side.award.application_id) or [None]
        for area in listed:
            by_area[side.currency][area] += side.amount / len(listed)
    calls = list(
        Call.objects.filter(programme__partnership=partnership)
        .annotate(
            submitted=Count(
                "applications",
                filter=~Q(
                    applications__state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
                ),
                distinct=True,
            ),
            awarded=Count(
                "applications__award",
                filter=in_open_data("applications__award__"),
                distinct=True,
            ),
        )
        .order_by("opens_at")
    )

    def ranked(groups: dict[str, dict[Any, Decimal]]) -> dict[str, list[tuple[Any, Decimal]]]:
        return {
            currency: sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))
            for currency, values in sorted(groups.items())
        }

    return {
        "by_area": ranked(by_area),
        "by_funder": ranked(by_funder),
        "by_organisation": ranked(by_org),
        "rounds": [(c, c.submitted, c.awarded) for c in calls],
        "award_count": len({s.award_id for s in sides}),
    }


def accept_context(award: Award) -> dict[str, Any]:
    """What accepting ``award`` means, for its confirmation page: sides, reports, conditions."""
    return {
        "award": award,
        "application": award.application,
        "sides": list(award.sides.select_related("funder", "recipient").order_by("country")),
        "reports": list(award.reports.order_by("due_on")),
    }
