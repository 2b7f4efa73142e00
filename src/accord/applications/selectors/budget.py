"""Budget totals per side, each in that side's currency, with the funder's rate applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from accord.applications.models import Application, BudgetLine
from accord.directory.models import Organisation
from accord.programmes.models import CallSide

CENT = Decimal("0.01")


@dataclass
class SideBudget:
    country: str
    currency: str
    eligible_cost: Decimal = Decimal(0)
    requested: Decimal = Decimal(0)
    by_category: dict[str, Decimal] = field(default_factory=dict)


def funding_rate(side: CallSide, organisation: Organisation) -> Decimal:
    """The share of eligible cost this funder pays an organisation of this size (100 % if not set)."""
    rates = side.funding_rates or {}
    size = organisation.size or (
        "non_profit" if organisation.kind in {"university", "institute"} else ""
    )
    return Decimal(str(rates.get(size, "1")))


def budget_summary(
    application: Application, lines: list[BudgetLine] | None = None
) -> dict[str, SideBudget]:
    """Totals per side; uses prefetched ``budget_lines`` and ``call.sides`` when present."""
    sides = {s.country: s for s in application.call.sides.all()}
    summary = {c: SideBudget(country=c, currency=s.currency) for c, s in sides.items()}
    for line in lines if lines is not None else application.budget_lines.all():
        side = summary.get(line.country)
        if side is None:
            continue
        side.eligible_cost += line.amount
        side.requested += (
            line.amount * funding_rate(sides[line.country], line.organisation)
        ).quantize(CENT)
        side.by_category[line.category] = (
            side.by_category.get(line.category, Decimal(0)) + line.amount
        )
    return summary
