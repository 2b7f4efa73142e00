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
from django.utils.translation import gettext as _

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
from accord.decisions.selectors.portfolio import candidate_rows, instance_dict, portfolio_candidates
from accord.programmes.models import Call

# How long one solve may take from a web request (seconds); beyond it the best found is shown.
TIME_LIMIT = 20.0
BORDERLINE = 3


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
    "run_scenario",
    "scenario_what_if",
]
