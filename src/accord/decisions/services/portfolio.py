"""Portfolio under two budgets: scenarios solved as background runs.

An officer's scenario is a ``Scenario`` run (``common.models.BackgroundRun``): ``start_scenario``
stores its inputs (audited) and queues ``accord.decisions.tasks.solve_scenario``, which calls
``compute_scenario``. A solve builds the ``accord portfolio`` instance from the call's
applications (``decisions/selectors/portfolio.py``) and solves it; a what-if (``start_what_if``)
re-solves its base scenario's own instance with the changes. No solver runs in a request.
``run_scenario`` does the whole of a solve in the caller (the demo seed needs the result at once).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.common.models import AuditAction, RunState
from accord.common.services.audit import log_action
from accord.common.tasking import enqueue_on_commit
from accord.core.portfolio import (
    AreaBoundChange,
    BudgetChange,
    Change,
    ExchangeRateChange,
    InstanceError,
    ListChange,
    PortfolioInfeasible,
    explain_left_out,
    instance_from_dict,
    instance_to_dict,
    solve_portfolio,
    what_if,
)
from accord.decisions.enums import ScenarioKind
from accord.decisions.errors import DecisionError
from accord.decisions.models import Scenario
from accord.decisions.selectors.portfolio import candidate_rows, instance_dict, portfolio_candidates
from accord.programmes.models import Call

# How long one solve may take in the background (seconds); beyond it the best found is kept.
TIME_LIMIT = 20.0
BORDERLINE = 3

STAGE_SOLVING = "solving"
STAGE_EXPLAINING = "explaining"

_CHANGE_TYPES: dict[str, type[Any]] = {
    "budget": BudgetChange,
    "rate": ExchangeRateChange,
    "area_bound": AreaBoundChange,
    "list": ListChange,
}


def changes_to_json(changes: Sequence[Change]) -> list[dict[str, Any]]:
    """The changes as plain JSON (kept on the what-if run)."""
    names = {cls: name for name, cls in _CHANGE_TYPES.items()}
    return [{"type": names[type(c)], **dataclasses.asdict(c)} for c in changes]


def changes_from_json(data: Sequence[Mapping[str, Any]]) -> list[Change]:
    return [
        _CHANGE_TYPES[item["type"]](**{k: v for k, v in item.items() if k != "type"})
        for item in data
    ]


def create_scenario(
    *,
    call: Call,
    name: str,
    budgets: Mapping[str, Decimal | float | str],
    area_min: Mapping[str, int] | None = None,
    area_max: Mapping[str, int] | None = None,
    must_fund: Sequence[str] = (),
    must_not_fund: Sequence[str] = (),
    kind: str = ScenarioKind.SOLVE,
    base: Scenario | None = None,
    changes: Sequence[Mapping[str, Any]] = (),
    actor: Any,
) -> Scenario:
    """A queued scenario run with its inputs, audited. ``compute_scenario`` does its work."""
    with transaction.atomic():
        scenario = Scenario.objects.create(
            call=call,
            name=name or _("Scenario"),
            kind=kind,
            base=base,
            changes=list(changes),
            budgets={side: str(amount) for side, amount in budgets.items()},
            area_min=dict(area_min or {}),
            area_max=dict(area_max or {}),
            must_fund=list(must_fund),
            must_not_fund=list(must_not_fund),
            state=RunState.QUEUED,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        log_action(
            actor=actor,
            action=AuditAction.CREATE,
            instance=scenario,
            after={
                "kind": kind,
                "budgets": scenario.budgets,
                "base": base.pk if base else None,
                "changes": scenario.changes,
            },
        )
    return scenario


def start_scenario(**inputs: Any) -> Scenario:
    """Create a scenario run (``create_scenario``'s arguments) and queue its solve."""
    scenario = create_scenario(**inputs)
    enqueue_on_commit("accord.decisions.tasks.solve_scenario", run_id=scenario.pk)
    return scenario


def rerun_scenario(*, scenario: Scenario, actor: Any) -> Scenario:
    """A new run with the same inputs as ``scenario`` (e.g. after it failed), queued."""
    return start_scenario(
        call=scenario.call,
        name=scenario.name,
        budgets=scenario.budgets,
        area_min=scenario.area_min,
        area_max=scenario.area_max,
        must_fund=scenario.must_fund,
        must_not_fund=scenario.must_not_fund,
        kind=scenario.kind,
        base=scenario.base,
        changes=scenario.changes,
        actor=actor,
    )


def start_what_if(*, scenario: Scenario, changes: Sequence[Change], actor: Any) -> Scenario:
    """Queue a re-solve of ``scenario``'s own instance with ``changes`` (a what-if run).

    Raises DecisionError when the scenario has no portfolio to compare with.
    """
    if scenario.state != RunState.DONE or scenario.result.get("status") == "infeasible":
        raise DecisionError(
            _("This scenario has no portfolio; change its inputs and run it again."),
            code="infeasible",
        )
    if not changes:
        raise DecisionError(
            _("Change at least one thing: a budget, a rate or a bound."), code="no_change"
        )
    budgets = dict(scenario.budgets)
    for change in changes:
        if isinstance(change, BudgetChange):
            budgets[change.funder] = str(change.amount)
    return start_scenario(
        call=scenario.call,
        name=_("What if: %(name)s") % {"name": scenario.name},
        budgets=budgets,
        kind=ScenarioKind.WHAT_IF,
        base=scenario,
        changes=changes_to_json(changes),
        actor=actor,
    )


def _solved(instance: Any, result: Any) -> dict[str, Any]:
    """The portfolio's figures, and why each application left out above a funded one is out."""
    return {
        "status": result.status,
        "objective": result.objective,
        "gap": result.gap,
        "spend": result.spend,
        "area_count": result.area_count,
        "left_out": [
            dataclasses.asdict(item) for item in explain_left_out(instance, result.funded_mask)
        ],
    }


def _solve(scenario: Scenario) -> tuple[dict[str, Any], list[str]]:
    """The work of a solve: the instance from the call's applications, and its portfolio."""
    rows = candidate_rows(scenario.call, portfolio_candidates(scenario.call))
    data = instance_dict(
        rows,
        budgets={side: Decimal(amount) for side, amount in scenario.budgets.items()},
        area_min=scenario.area_min,
        area_max=scenario.area_max,
        must_fund=scenario.must_fund,
        must_not_fund=scenario.must_not_fund,
    )
    instance = instance_from_dict(data)
    result: dict[str, Any] = {"instance": data}
    Scenario.objects.filter(pk=scenario.pk).update(stage=STAGE_SOLVING)
    try:
        solved = solve_portfolio(instance, time_limit=TIME_LIMIT)
    except PortfolioInfeasible as error:
        result.update(
            status="infeasible",
            message=error.message,
            constraint=error.constraint,
            members=list(error.members),
        )
        return result, []
    Scenario.objects.filter(pk=scenario.pk).update(stage=STAGE_EXPLAINING)
    result.update(_solved(instance, solved))
    return result, list(solved.funded)


def _what_if(scenario: Scenario) -> tuple[dict[str, Any], list[str]]:
    """The work of a what-if: the base's instance with the changes, re-solved and compared."""
    base = scenario.base
    if base is None or "instance" not in base.result:
        raise InstanceError("base", "the scenario this what-if starts from has no instance")
    instance = instance_from_dict(base.result["instance"])
    Scenario.objects.filter(pk=scenario.pk).update(stage=STAGE_SOLVING)
    try:
        found = what_if(
            instance,
            changes_from_json(scenario.changes),
            borderline=BORDERLINE,
            time_limit=TIME_LIMIT,
        )
    except PortfolioInfeasible as error:
        return {
            "instance": base.result["instance"],
            "status": "infeasible",
            "message": error.message,
            "constraint": error.constraint,
            "members": list(error.members),
        }, []
    result: dict[str, Any] = {
        "instance": instance_to_dict(found.instance),
        **_solved(found.instance, found.result),
        "newly_in": list(found.newly_in),
        "newly_out": list(found.newly_out),
        "borderline": [
            {"id": b.id, "funded": b.funded, "sentence": b.sentence} for b in found.borderline
        ],
    }
    return result, list(found.result.funded)


def compute_scenario(*, run: Scenario) -> Scenario:
    """The work of one scenario run (in the background task, or in the caller).

    Stores the funded references and the result (audited) and marks the run done — also when no
    portfolio exists: then the result says why in words (``result["status"] == "infeasible"``).
    Inputs the core cannot read (e.g. an unknown application) fail the run with the reason.
    """
    Scenario.objects.filter(pk=run.pk).update(state=RunState.RUNNING, stage="")
    try:
        if run.kind == ScenarioKind.WHAT_IF:
            result, funded = _what_if(run)
        else:
            result, funded = _solve(run)
    except InstanceError as error:
        message = _("The scenario cannot be built: %(problem)s") % {"problem": error}
        with transaction.atomic():
            Scenario.objects.filter(pk=run.pk).update(
                state=RunState.FAILED, stage="", message=message, finished_at=timezone.now()
            )
            log_action(
                actor=None,
                action=AuditAction.UPDATE,
                instance=run,
                after={"state": RunState.FAILED, "message": message},
            )
        run.refresh_from_db()
        return run
    with transaction.atomic():
        Scenario.objects.filter(pk=run.pk).update(
            state=RunState.DONE,
            stage="",
            funded=funded,
            result=result,
            message="",
            finished_at=timezone.now(),
        )
        log_action(
            actor=None,
            action=AuditAction.UPDATE,
            instance=run,
            after={"state": RunState.DONE, "funded": funded, "status": result["status"]},
        )
    run.refresh_from_db()
    return run


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
    """Create a solve and do its work here, in the caller (the demo seed; tests).

    Raises DecisionError when the inputs are malformed (e.g. an unknown application).
    """
    scenario = compute_scenario(
        run=create_scenario(
            call=call,
            name=name,
            budgets=budgets,
            area_min=area_min,
            area_max=area_max,
            must_fund=must_fund,
            must_not_fund=must_not_fund,
            actor=actor,
        )
    )
    if scenario.state == RunState.FAILED:
        raise DecisionError(scenario.message, code="instance")
    return scenario


__all__ = [
    "AreaBoundChange",
    "BudgetChange",
    "ExchangeRateChange",
    "compute_scenario",
    "create_scenario",
    "rerun_scenario",
    "run_scenario",
    "start_scenario",
    "start_what_if",
]
