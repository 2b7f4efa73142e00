"""Reads for the officers' pages: the call dashboard's counts, the applications list's rows, one
application as the officers see it, and the call templates an officer may open.

Every function takes a call or an application already found through the officer's own selectors
(``calls_of_officer``, ``applications_visible_to``), so nothing here decides who may see what.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Count, OuterRef, Q, Subquery, Sum

from accord.applications.enums import ApplicationState, CheckStatus, MemberRole
from accord.applications.models import (
    Application,
    BudgetLine,
    EligibilityEvaluation,
    EligibilityOverride,
    FunderCheck,
    RuleOutcome,
    TeamMember,
)
from accord.applications.selectors.budget import CENT, budget_summary, funding_rate
from accord.applications.selectors.eligibility import evaluate_application, rule_label
from accord.directory.models import Organisation
from accord.partnerships.models import TechnologyArea
from accord.programmes.call_templates import TEMPLATES
from accord.programmes.models import Call, EligibilityRule, Programme, ProgrammeFunder


def templates_for(user: Any) -> list[tuple[str, str]]:
    """The call templates whose programme is funded by one of this officer's funders."""
    funded = ProgrammeFunder.objects.filter(organisation_id__in=user.funder_ids())
    programmes = Programme.objects.filter(pk__in=funded.values("programme_id"))
    slugs = set(programmes.values_list("slug", flat=True))
    return [
        (key, str(spec["label"])) for key, spec in TEMPLATES.items() if spec["programme"] in slugs
    ]


def officer_zone(user: Any) -> str:
    """The time zone an officer types dates in: Seoul for a Korean funder's officer, else London."""
    countries = Organisation.objects.filter(pk__in=user.funder_ids()).values_list(
        "country", flat=True
    )
    return "Asia/Seoul" if list(countries)[:1] == ["KR"] else "Europe/London"


def has_submitted_applications(call: Call) -> bool:
    """Whether ``call`` has applications past the draft (their eligibility follows its rules)."""
    return call.applications.exclude(state=ApplicationState.DRAFT).exists()


def side_totals(call: Call, sides: list[Any]) -> list[dict[str, Any]]:
    """Per side: applications with a lead there and total requested (not withdrawn), in 2 queries."""
    active = ~Q(application__state=ApplicationState.WITHDRAWN)
    leads = dict(
        TeamMember.objects.filter(active, application__call=call, role=MemberRole.LEAD)
        .values("country")
        .annotate(n=Count("application", distinct=True))
        .values_list("country", "n")
        .order_by()
    )
    # Costs grouped by what the funding rate depends on (organisation size, kind), then rated.
    groups = (
        BudgetLine.objects.filter(active, application__call=call)
        .values("country", "organisation__size", "organisation__kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    requested: dict[str, Decimal] = defaultdict(Decimal)
    by_country = {s.country: s for s in sides}
    for group in groups:
        side = by_country.get(group["country"])
        if side is None:
            continue
        org = Organisation(size=group["organisation__size"], kind=group["organisation__kind"])
        requested[side.country] += (group["total"] * funding_rate(side, org)).quantize(CENT)
    return [
        {
            "side": side,
            "applications": leads.get(side.country, 0),
            "requested": requested[side.country],
        }
        for side in sides
    ]


#: States whose eligibility the officers are deciding or have decided: the dashboard summary.
CHECKED_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.ELIGIBLE,
    ApplicationState.INELIGIBLE,
)


def state_rows(call: Call) -> dict[str, dict[str, int]]:
    """Per state: applications, those with a stored evaluation, and those whose evaluation
    records a problem — one query on the (call, state) index joined to the evaluations."""
    return {
        row["state"]: row
        for row in Application.objects.filter(call=call)
        .values("state")
        .annotate(
            n=Count("id"),
            stored=Count("eligibility_evaluation"),
            problems=Count("eligibility_evaluation", filter=~Q(eligibility_evaluation__problem="")),
        )
        .order_by()
    }


def eligibility_counts(
    call: Call, rules: list[EligibilityRule], states: dict[str, dict[str, int]] | None = None
) -> dict[str, Any]:
    """Per rule, how many checked applications pass and fail it (overrides applied), from the
    stored results: one aggregate over their outcomes, the few overrides, and the applications
    that could not be checked only when there are some. ``states``: ``state_rows(call)``, if
    the caller has it already."""
    states = state_rows(call) if states is None else states
    checked = [states[s] for s in CHECKED_STATES if s in states]
    in_checked = Q(application__call=call, application__state__in=CHECKED_STATES)
    counts: dict[str, dict[str, int]] = {
        row["rule_key"]: {"passed": row["passed_n"], "failed": row["failed_n"]}
        for row in RuleOutcome.objects.filter(in_checked)
        .values("rule_key")
        .annotate(
            passed_n=Count("id", filter=Q(passed=True)),
            failed_n=Count("id", filter=Q(passed=False)),
        )
        .order_by()
    }
    # Overrides are few: move each overridden outcome to the side the officers decided.
    automatic = RuleOutcome.objects.filter(
        application_id=OuterRef("application_id"), rule_key=OuterRef("rule_key")
    ).values("passed")[:1]
    for override in (
        EligibilityOverride.objects.filter(in_checked)
        .annotate(automatic=Subquery(automatic, output_field=BooleanField()))
        .values("rule_key", "passed", "automatic")
    ):
        if override["automatic"] is None or override["automatic"] == override["passed"]:
            continue
        row = counts.setdefault(override["rule_key"], {"passed": 0, "failed": 0})
        moved_from, moved_to = ("failed", "passed") if override["passed"] else ("passed", "failed")
        row[moved_from] -= 1
        row[moved_to] += 1
    total = sum(r["n"] for r in checked)
    problems: list[tuple[Application, str]] = []
    if any(r["problems"] for r in checked):
        problems = [
            (e.application, e.problem)
            for e in EligibilityEvaluation.objects.filter(in_checked)
            .exclude(problem="")
            .select_related("application")
            .order_by("application__reference")[:50]
        ]
    return {
        "count": total,
        "not_evaluated": total - sum(r["stored"] for r in checked),
        "rows": [
            {
                "rule": r,
                "label": rule_label(r.kind),
                "passed": counts.get(r.key, {}).get("passed", 0),
                "failed": counts.get(r.key, {}).get("failed", 0),
            }
            for r in rules
        ],
        "problems": problems,
    }


def call_dashboard(call: Call, rules: list[EligibilityRule] | None = None) -> dict[str, Any]:
    """Counts by state, area and side, the funders' checks per side and (given the call's
    ``rules``) the eligibility counts: a fixed number of aggregate queries, whatever the number
    of applications, none of them evaluating an application."""
    sides = list(call.sides.all())
    states = state_rows(call)
    areas = (
        TechnologyArea.objects.filter(applications__call=call)
        .annotate(n=Count("applications"))
        .order_by("order", "name_en")
    )
    checks: dict[tuple[str, str], int] = {
        (row["country"], row["status"]): row["n"]
        for row in FunderCheck.objects.filter(application__call=call)
        .values("country", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    dashboard: dict[str, Any] = {
        "total": sum(r["n"] for r in states.values()),
        "by_state": [
            (value, label, states[value]["n"] if value in states else 0)
            for value, label in ApplicationState.choices
        ],
        "by_area": list(areas),
        "by_side": side_totals(call, sides),
        "checks": [
            {
                "side": side,
                "counts": [
                    (value, label, checks.get((side.country, value), 0))
                    for value, label in CheckStatus.choices
                    if value != CheckStatus.PENDING
                ],
            }
            for side in sides
        ],
    }
    if rules is not None:
        dashboard["eligibility"] = eligibility_counts(call, rules, states)
    return dashboard


def application_rows(call: Call, applications: Iterable[Application]) -> Iterator[dict[str, Any]]:
    """One row per application of the officers' list (and CSV): leads, budget and checks per side."""
    sides = list(call.sides.all())
    for application in applications:
        application.call = call  # the one call, its sides prefetched, for every row's budget
        members = getattr(application, "list_leads", None)
        if members is None:
            members = list(application.members.all())
        leads = {m.country: m for m in members if m.role == MemberRole.LEAD}
        budget = budget_summary(application)
        checks = {c.country: c for c in application.funder_checks.all()}
        yield {
            "application": application,
            "leads": [(side, leads.get(side.country)) for side in sides],
            "budget": [(side, budget.get(side.country)) for side in sides],
            "checks": [(side, checks.get(side.country)) for side in sides],
            "areas": list(application.areas.all()),
        }


def application_overview(application: Application, side: str) -> dict[str, Any]:
    """One application as the officers see it, ``side``'s language first: team, budget and
    check per side, documents, and the eligibility lines (or why they cannot be computed)."""
    sides = list(application.call.sides.all())
    members = list(application.members.all())
    budget = budget_summary(application)
    lines_by_side: dict[str, list[BudgetLine]] = defaultdict(list)
    for line in application.budget_lines.all():
        lines_by_side[line.country].append(line)
    checks = {c.country: c for c in application.funder_checks.all()}
    try:
        eligibility = evaluate_application(application)
        eligibility_error = ""
    except ValueError as exc:
        eligibility, eligibility_error = [], str(exc)
    languages = ["ko", "en"] if side == "KR" else ["en", "ko"]
    return {
        "application": application,
        "call": application.call,
        "side": side,
        "sides": sides,
        "texts": [
            {
                "language": lang,
                "title": getattr(application, f"title_{lang}"),
                "summary": getattr(application, f"summary_{lang}"),
            }
            for lang in languages
        ],
        "team": [(s, [m for m in members if m.country == s.country]) for s in sides],
        "budget": [(s, budget.get(s.country), lines_by_side.get(s.country, [])) for s in sides],
        "checks": [(s, checks.get(s.country)) for s in sides],
        "documents": list(application.documents.all()),
        "eligibility": eligibility,
        "eligibility_error": eligibility_error,
    }


__all__ = [
    "CHECKED_STATES",
    "application_overview",
    "application_rows",
    "call_dashboard",
    "eligibility_counts",
    "has_submitted_applications",
    "officer_zone",
    "side_totals",
    "state_rows",
    "templates_for",
]
