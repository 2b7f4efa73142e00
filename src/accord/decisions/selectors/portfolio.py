"""The portfolio's inputs from the database: candidates, default budgets, and the core's instance.

``candidate_rows`` gives per application its merit (``call_merits``), what it requests from each
funder in that side's currency (``budget_summary``) and its area keys; ``instance_dict`` turns
them into the ``accord portfolio`` JSON instance. Budgets are keyed by side (country).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from accord.applications.enums import ApplicationState
from accord.applications.models import Application
from accord.applications.selectors.budget import budget_summary
from accord.decisions.selectors.merit import call_merits
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import Call, ProgrammeFunder
from accord.review.enums import ReviewState
from accord.review.models import Review


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
