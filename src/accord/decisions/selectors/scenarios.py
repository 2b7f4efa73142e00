"""A scenario's page in plain rows: what it funds, what it spends per side, what a what-if moved."""

from __future__ import annotations

from typing import Any

from accord.decisions.models import Scenario
from accord.programmes.models import Call


def scenario_page(call: Call, scenario: Scenario) -> dict[str, Any]:
    """Rows (funded first, by merit), spend per side against its budget, and a what-if's diff."""
    sides = list(call.sides.all())
    currency = {s.country: s.currency for s in sides}
    result = scenario.result or {}
    funded = set(scenario.funded)
    applications = result.get("instance", {}).get("applications", [])
    rows = [
        {
            "id": a["id"],
            "merit": a["merit"],
            "costs": [(s.country, a["cost"].get(s.country, 0), s.currency) for s in sides],
            "areas": a.get("areas", []),
            "funded": a["id"] in funded,
        }
        for a in applications
    ]
    rows.sort(key=lambda r: (not r["funded"], -r["merit"], r["id"]))
    spend = [
        {
            "country": country,
            "currency": currency.get(country, ""),
            "budget": amount,
            "spent": result.get("spend", {}).get(country, 0),
        }
        for country, amount in scenario.budgets.items()
    ]
    diff = None
    if scenario.kind == "what_if" and "newly_in" in result:
        diff = {
            "newly_in": result["newly_in"],
            "newly_out": result["newly_out"],
            "borderline": result.get("borderline", []),
        }
    return {"rows": rows, "spend": spend, "diff": diff}
