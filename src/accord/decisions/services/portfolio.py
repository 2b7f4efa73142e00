"""Portfolio under two budgets: the encoder between a call's applications and ``core.portfolio``.

Each candidate application becomes one item of the ``accord portfolio`` instance (DESIGN.md):
``id`` = its reference, ``merit`` = its panel score (``call_merits``), ``cost`` = what it requests
from each side's funder in that side's currency (``budget_summary``), ``areas`` = its area keys.
Budgets are keyed by side (country), each in that side's currency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from accord.applications.enums import ApplicationState
from accord.applications.models import Application
from accord.applications.selectors.budget import budget_summary
from accord.common.models import AuditAction
from accord.common.services.audit import log_action
from accord.core.portfolio import (
    AreaBoundChange,
    BudgetChange,
    Change,
    ExchangeRateChange,
    InstanceError,
    PortfolioInfeasible,
    WhatIfResult,
    instance_from_dict,
    solve_portfolio,
    what_if,
)
from accord.decisions.errors import DecisionError
from accord.decisions.models import Scenario
from accord.decisions.services.merit import call_merits
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import Call, ProgrammeFunder
from accord.review.enums import ReviewState
from accord.review.models import Review

# How long one solve may take from a web request (seconds); beyond it the best found is shown.
TIME_LIMIT = 20.0
BORDERLINE = 3


def _with_costs(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related("call").prefetch_related(
        "call__sides",
        "budget_lines__organisation",
        Prefetch("areas", queryset=TechnologyArea.objects.order_by("order", "slug")),
    )


def portfolio_candidates(call: Call) -> list[Application]:
    """The applications at panel; when there are none yet, eligible / in-review ones with reviews."""
    at_panel = Application.objects.filter(call=call, state=ApplicationState.AT_PANEL)
    if at_panel.exists():
        return list(_with_costs(at_panel).order_by("reference"))
    reviewed = Review.objects.filter(
        assignment__application_id=OuterRef("pk"), state=ReviewState.SUBMITTED
    )
    qs = Application.objects.filter(
        call=call, state__in=[ApplicationState.ELIGIBLE, ApplicationState.IN_REVIEW]
    ).filter(Exists(reviewed))
    return list(_with_costs(qs).order_by("reference"))


def default_budgets(call: Call) -> dict[str, Decimal | None]:
    """Each side's programme budget (in its currency), None where the programme publishes none."""
    funders = {
        f.organisation_id: f.budget
        for f in ProgrammeFunder.objects.filter(programme_id=call.programme_id)
    }
    return {side.country: funders.get(side.funder_id) for side in call.sides.all()}


def candidate_rows(call: Call, candidates: Sequence[Application]) -> list[dict[str, Any]]:
    """What the instance is made of, per application: merit, requested per side, area keys."""
    merits = call_merits(call)
    rows = []
    for application in candidates:
        summary = budget_summary(application)
        rows.append(
            {
                "application": application,
                "merit": merits.get(application.pk),
                "cost": {c: s.requested for c, s in summary.items()},
                "currency": {c: s.currency for c, s in summary.items()},
                "areas": [a.slug for a in application.areas.all()],
            }
        )
    return rows


def instance_dict(
    rows: Sequence[Mapping[str, Any]],
    *,
    budgets: Mapping[str, Decimal | float],
    area_min: Mapping[str, int] | None = None,
    area_max: Mapping[str, int] | None = None,
    must_fund: Sequence[str] = (),
    must_not_fund: Sequence[str] = (),
) -> dict[str, Any]:
    """The ``accord portfolio`` JSON instance. An application without a score has merit 0."""
    data: dict[str, Any] = {
        "budgets": {side: float(amount) for side, amount in budgets.items()},
        "applications": [
            {
                "id": row["application"].reference,
                "merit": float(row["merit"] or 0.0),
                "cost": {side: float(row["cost"].get(side, 0)) for side in budgets},
                "areas": list(row["areas"]),
            }
            for row in rows
        ],
    }
    if area_min:
        data["area_min"] = dict(area_min)
    if area_max:
        data["area_max"] = dict(area_max)
    if must_fund:
        data["must_fund"] = list(must_fund)
    if must_not_fund:
        data["must_not_fund"] = list(must_not_fund)
    return data


def run_scenario(
    *,
    call: Call,
    name: str,
    budgets: Mapping[str, Decimal],
    area_min: Mapping[str, int] | None = None,
    area_max: Mapping[str, int] | None = None,
    must_fund: Sequence[str] = (),
    must_not_fund: Sequence[str] = (),
    actor: Any,
) -> Scenario:
    """Solve the call's portfolio under ``budgets`` (per side, in its currency) and bounds.

    Always stores a Scenario (audited): with the funded references when a portfolio exists, or
    with the core's explanation in words (``result["status"] == "infeasible"``) when none does.
    Raises DecisionError when the inputs are malformed (e.g. an unknown application).
    """
    rows = candidate_rows(call, portfolio_candidates(call))
    data = instance_dict(
        rows,
        budgets=budgets,
        area_min=area_min,
        area_max=area_max,
        must_fund=must_fund,
        must_not_fund=must_not_fund,
    )
    try:
        instance = instance_from_dict(data)
    except InstanceError as error:
        raise DecisionError(
            _("The scenario cannot be built: %(problem)s") % {"problem": error}, code="instance"
        ) from error
    result: dict[str, Any] = {"instance": data}
    funded: list[str] = []
    try:
        solved = solve_portfolio(instance, time_limit=TIME_LIMIT)
    except PortfolioInfeasible as error:
        result.update(
            status="infeasible",
            message=error.message,
            constraint=error.constraint,
            members=list(error.members),
        )
    else:
        funded = list(solved.funded)
        result.update(
            status=solved.status,
            objective=solved.objective,
            gap=solved.gap,
            spend=solved.spend,
            area_count=solved.area_count,
        )
    with transaction.atomic():
        scenario = Scenario.objects.create(
            call=call,
            name=name or _("Scenario"),
            budgets={side: str(amount) for side, amount in budgets.items()},
            area_min=dict(area_min or {}),
            area_max=dict(area_max or {}),
            must_fund=list(must_fund),
            must_not_fund=list(must_not_fund),
            funded=funded,
            result=result,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        log_action(
            actor=actor,
            action=AuditAction.CREATE,
            instance=scenario,
            after={"budgets": scenario.budgets, "funded": funded, "status": result["status"]},
        )
    return scenario


def scenario_what_if(*, scenario: Scenario, changes: Sequence[Change]) -> WhatIfResult:
    """Re-solve the scenario's own instance with ``changes`` (nothing is stored).

    Raises PortfolioInfeasible (its message says why) and DecisionError for a change that names
    an unknown side or area.
    """
    if scenario.result.get("status") == "infeasible":
        raise DecisionError(
            _("This scenario has no portfolio; change its inputs and run it again."),
            code="infeasible",
        )
    try:
        instance = instance_from_dict(scenario.result["instance"])
        return what_if(instance, changes, borderline=BORDERLINE, time_limit=TIME_LIMIT)
    except InstanceError as error:
        raise DecisionError(str(error), code="change") from error


__all__ = [
    "AreaBoundChange",
    "BudgetChange",
    "ExchangeRateChange",
    "candidate_rows",
    "default_budgets",
    "instance_dict",
    "portfolio_candidates",
    "run_scenario",
    "scenario_what_if",
]
