"""A scenario's page in plain rows: what it funds, what it spends per side, what a what-if moved,
and why each application left out above a funded one is out (``core.portfolio.explain_left_out``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from accord.decisions.models import Scenario
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import Call


def funder_label(funder: Any, language: str | None = None) -> str:
    """A funder's short name for the reader: its Korean name on Korean pages (the short names are
    English acronyms), else its short name, else its English name."""
    if (language or get_language() or "en")[:2] == "ko" and funder.name_ko:
        return str(funder.name_ko)
    return str(funder.short_name or funder.name_en)


def _reasons(
    item: dict[str, Any], sides: dict[str, Any], areas: dict[str, Any]
) -> list[dict[str, Any]]:
    """The core's reasons with what the page words them with: the side, its funder, the money in
    its currency, the area (a TechnologyArea, named in the reader's language)."""
    out = []
    for reason in item.get("reasons", []):
        side = sides.get(reason.get("funder", ""))
        out.append(
            {
                "kind": reason["kind"],
                "side": side,
                "funder": funder_label(side.funder)
                if side is not None
                else reason.get("funder", ""),
                "currency": side.currency if side is not None else "",
                "over": Decimal(str(reason.get("over", 0))).quantize(Decimal(1)),
                "area": areas.get(reason.get("area", "")) or reason.get("area", ""),
                "cap": reason.get("cap", 0),
            }
        )
    return out


def scenario_page(call: Call, scenario: Scenario) -> dict[str, Any]:
    """Rows (funded first, by merit), spend per side against its budget, and a what-if's diff."""
    sides = list(call.sides.all())
    by_country = {s.country: s for s in sides}
    currency = {s.country: s.currency for s in sides}
    areas = {a.slug: a for a in TechnologyArea.objects.all()}
    result = scenario.result or {}
    funded = set(scenario.funded)
    applications = result.get("instance", {}).get("applications", [])
    rows = [
        {
            "id": a["id"],
            "merit": a["merit"],
            "costs": [(s.country, a["cost"].get(s.country, 0), s.currency) for s in sides],
            "areas": [areas.get(slug) or slug for slug in a.get("areas", [])],
            "funded": a["id"] in funded,
        }
        for a in applications
    ]
    rows.sort(key=lambda r: (not r["funded"], -r["merit"], r["id"]))
    spend = [
        {
            "country": country,
            "funder": funder_label(by_country[country].funder)
            if country in by_country
            else country,
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
    left_out = [
        {
            "id": item["id"],
            "merit": item["merit"],
            "lower_funded": item["lower_funded"],
            "reasons": _reasons(item, by_country, areas),
        }
        for item in result.get("left_out", [])
    ]
    return {"rows": rows, "spend": spend, "diff": diff, "left_out": left_out}
