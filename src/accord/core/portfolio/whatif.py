"""What-if: change a budget, an exchange rate or an area bound, and see what moves and why.

:func:`what_if` re-solves the changed instance and returns the diff (newly in, newly out)
plus, for the borderline applications (the lowest-merit funded and the highest-merit
unfunded), a reason: the constraints that keep an unfunded one out (found by re-solving with
it forced in) or what would happen if a funded one were forced out. Reasons are structured
(``kind``, ``constraint``, ``numbers``) with an English sentence; the web side translates from
the structured fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from accord.core.portfolio.infeasible import explain, money
from accord.core.portfolio.model import SPEND_TOLERANCE, Switches
from accord.core.portfolio.solve import solve_portfolio, solve_with
from accord.core.portfolio.types import (
    AREA_MAX,
    AREA_MIN,
    BUDGET,
    MUST_FUND,
    MUST_NOT_FUND,
    NO_MAXIMUM,
    InstanceError,
    PortfolioInfeasible,
    PortfolioInstance,
    PortfolioResult,
)


@dataclass(frozen=True)
class BudgetChange:
    """Set ``funder``'s budget to ``amount`` (in that funder's currency)."""

    funder: str
    amount: float


@dataclass(frozen=True)
class ExchangeRateChange:
    """Multiply ``funder``'s costs (and / or budget) by ``rate``.

    E.g. Korean costs estimated in GBP at 1,700 KRW/GBP and the rate moves to 1,750:
    ``ExchangeRateChange("KRW", 1750 / 1700)`` re-prices every KRW cost against the same
    KRW budget.
    """

    funder: str
    rate: float
    applies_to: Literal["costs", "budget", "both"] = "costs"


@dataclass(frozen=True)
class AreaBoundChange:
    """Set (or with ``value=None`` remove) the ``bound`` ("min" or "max") of ``area``."""

    area: str
    bound: Literal["min", "max"]
    value: int | None


@dataclass(frozen=True)
class ListChange:
    """Put an application on must_fund / must_not_fund, or take it off both ("free")."""

    application_id: str
    rule: Literal["must_fund", "must_not_fund", "free"]


Change = BudgetChange | ExchangeRateChange | AreaBoundChange | ListChange


@dataclass(frozen=True)
class Blocker:
    """One constraint that binds for a borderline application.

    kind:       "budget" | "area_max" | "area_min" | "must_fund" | "must_not_fund" | ...
                (an infeasibility's group when forcing the application makes it infeasible)
    constraint: the funder, area or application ids concerned
    numbers:    the figures quoted in ``sentence`` (e.g. cost, remaining, shortfall)
    """

    kind: str
    constraint: str
    numbers: dict[str, float]
    sentence: str


@dataclass(frozen=True)
class BorderlineReason:
    """Why a borderline application is in or out.

    kind: for an unfunded one "blocked" (constraints bind; forcing it in drops others),
          "cannot_fit" (forcing it in is infeasible), "not_positive" (its merit is <= 0),
          "must_not_fund"; for a funded one "swap" (forcing it out funds others instead),
          "needed" (forcing it out is infeasible), "must_fund".
    displaced:    funded now, dropped when it is forced in (unfunded) / out (funded)
    replacements: not funded now, funded when it is forced in / out
    merit_lost:   total merit given up by forcing it (None when forcing is infeasible or not tried)
    """

    id: str
    funded: bool
    merit: float
    kind: str
    blockers: tuple[Blocker, ...]
    displaced: tuple[str, ...]
    replacements: tuple[str, ...]
    merit_lost: float | None
    sentence: str


@dataclass(frozen=True)
class WhatIfResult:
    """The changed instance, its portfolio, the diff against the base, the borderline reasons."""

    instance: PortfolioInstance
    base: PortfolioResult
    result: PortfolioResult
    newly_in: tuple[str, ...]
    newly_out: tuple[str, ...]
    borderline: tuple[BorderlineReason, ...]


def _funder(instance: PortfolioInstance, funder: str, where: str) -> int:
    if funder not in instance.funders:
        raise InstanceError(
            where, f"unknown funder {funder!r}; funders are {', '.join(instance.funders)}"
        )
    return instance.funders.index(funder)


def apply_changes(instance: PortfolioInstance, changes: Sequence[Change]) -> PortfolioInstance:
    """A new instance with ``changes`` applied in order. Raises InstanceError on a bad change."""
    budget = instance.budget.copy()
    cost = instance.cost.copy()
    areas = list(instance.areas)
    membership = instance.membership.copy()
    area_min = instance.area_min.copy()
    area_max = instance.area_max.copy()
    must_fund = instance.must_fund.copy()
    must_not_fund = instance.must_not_fund.copy()
    for position, change in enumerate(changes):
        where = f"changes[{position}]"
        if isinstance(change, BudgetChange):
            f = _funder(instance, change.funder, where)
            if not np.isfinite(change.amount) or change.amount < 0:
                raise InstanceError(
                    where, f"budget must be a finite amount >= 0, got {change.amount}"
                )
            budget[f] = change.amount
        elif isinstance(change, ExchangeRateChange):
            f = _funder(instance, change.funder, where)
            if not np.isfinite(change.rate) or change.rate <= 0:
                raise InstanceError(where, f"exchange rate must be > 0, got {change.rate}")
            if change.applies_to in ("costs", "both"):
                cost[:, f] *= change.rate
            if change.applies_to in ("budget", "both"):
                budget[f] *= change.rate
        elif isinstance(change, AreaBoundChange):
            if change.value is not None and change.value < 0:
                raise InstanceError(where, f"area bound must be >= 0, got {change.value}")
            if change.area not in areas:  # an area no application lists yet
                areas.append(change.area)
                membership = np.hstack([membership, np.zeros((instance.n, 1), dtype=bool)])
                area_min = np.append(area_min, 0)
                area_max = np.append(area_max, NO_MAXIMUM)
            a = areas.index(change.area)
            if change.bound == "min":
                area_min[a] = change.value or 0
            else:
                area_max[a] = NO_MAXIMUM if change.value is None else change.value
        else:
            try:
                i = instance.index(change.application_id)
            except KeyError:
                raise InstanceError(
                    where, f"application id {change.application_id!r} does not exist"
                ) from None
            must_fund[i] = change.rule == MUST_FUND
            must_not_fund[i] = change.rule == MUST_NOT_FUND
    return dataclasses.replace(
        instance,
        areas=tuple(areas),
        budget=budget,
        cost=cost,
        membership=membership,
        area_min=area_min,
        area_max=area_max,
        must_fund=must_fund,
        must_not_fund=must_not_fund,
    )


def _forced(instance: PortfolioInstance, index: int, *, funded: bool) -> PortfolioInstance:
    must_fund, must_not_fund = instance.must_fund.copy(), instance.must_not_fund.copy()
    must_fund[index], must_not_fund[index] = funded, not funded
    return dataclasses.replace(instance, must_fund=must_fund, must_not_fund=must_not_fund)


def _ids(instance: PortfolioInstance, mask: np.ndarray) -> tuple[str, ...]:
    return tuple(instance.ids[i] for i in np.flatnonzero(mask))


def _list(ids: tuple[str, ...]) -> str:
    return ", ".join(ids) if ids else "nothing"


def _out_blockers(instance: PortfolioInstance, result: PortfolioResult, i: int) -> list[Blocker]:
    """Constraints that adding unfunded application ``i`` alone would break."""
    blockers = []
    for f, funder in enumerate(instance.funders):
        cost = float(instance.cost[i, f])
        remaining = float(instance.budget[f]) - result.spend[funder]
        if cost > remaining + SPEND_TOLERANCE * max(1.0, float(instance.budget[f])):
            shortfall = cost - remaining
            blockers.append(
                Blocker(
                    kind=BUDGET,
                    constraint=funder,
                    numbers={"cost": cost, "remaining": remaining, "shortfall": shortfall},
                    sentence=(
                        f"funding it needs {money(shortfall)} {funder} more than remains "
                        f"(it costs {money(cost)} {funder}; {money(remaining)} {funder} is left)"
                    ),
                )
            )
    for a, area in enumerate(instance.areas):
        maximum = int(instance.area_max[a])
        if (
            instance.membership[i, a]
            and maximum != NO_MAXIMUM
            and result.area_count[area] >= maximum
        ):
            blockers.append(
                Blocker(
                    kind=AREA_MAX,
                    constraint=area,
                    numbers={"maximum": maximum, "count": result.area_count[area]},
                    sentence=f"area {area} is at its maximum of {maximum}",
                )
            )
    return blockers


def _in_blockers(instance: PortfolioInstance, result: PortfolioResult, i: int) -> list[Blocker]:
    """Area minimums that dropping funded application ``i`` alone would break."""
    blockers = []
    for a, area in enumerate(instance.areas):
        minimum = int(instance.area_min[a])
        if instance.membership[i, a] and minimum > 0 and result.area_count[area] <= minimum:
            blockers.append(
                Blocker(
                    kind=AREA_MIN,
                    constraint=area,
                    numbers={"minimum": minimum, "count": result.area_count[area]},
                    sentence=f"area {area} is at its minimum of {minimum}",
                )
            )
    return blockers


def _from_infeasible(error: PortfolioInfeasible) -> Blocker:
    return Blocker(
        kind=error.constraint,
        constraint=", ".join(error.members),
        numbers=dict(error.numbers),
        sentence=error.message,
    )


def _reason_unfunded(
    instance: PortfolioInstance, result: PortfolioResult, i: int, time_limit: float | None
) -> BorderlineReason:
    app_id, merit = instance.ids[i], float(instance.merit[i])
    head = f"{app_id} (merit {merit:g}) is not funded"
    if instance.must_not_fund[i]:
        return BorderlineReason(
            app_id, False, merit, MUST_NOT_FUND, (), (), (), None,
            f"{head}: it is on the must-not-fund list.",
        )  # fmt: skip
    blockers = _out_blockers(instance, result, i)
    forced = solve_with(
        instance, Switches.of(instance).forcing(i, funded=True), time_limit=time_limit
    )
    if forced is None:
        error = explain(_forced(instance, i, funded=True), time_limit=time_limit)
        blockers.append(_from_infeasible(error))
        return BorderlineReason(
            app_id, False, merit, "cannot_fit", tuple(blockers), (), (), None,
            f"{head}: it cannot be funded under the current constraints: {error.message}.",
        )  # fmt: skip
    displaced = _ids(instance, result.funded_mask & ~forced.funded_mask)
    added = result.funded_mask.copy()
    added[i] = True
    replacements = _ids(instance, forced.funded_mask & ~added)
    lost = max(0.0, result.objective - forced.objective)
    if blockers:
        kind, why = "blocked", "; ".join(b.sentence for b in blockers)
    elif merit <= 0:
        kind, why = "not_positive", "its merit is not positive, so funding it lowers the total"
    else:  # only possible within the solver's tolerance: an equal-merit tie
        kind, why = "blocked", "an equally good portfolio without it was preferred"
    also = f" and add {_list(replacements)}" if replacements else ""
    sentence = (
        f"{head}: {why}. Funding it would drop {_list(displaced)}{also}, losing {lost:.6g} merit."
    )
    return BorderlineReason(
        app_id, False, merit, kind, tuple(blockers), displaced, replacements, lost, sentence
    )


def _reason_funded(
    instance: PortfolioInstance, result: PortfolioResult, i: int, time_limit: float | None
) -> BorderlineReason:
    app_id, merit = instance.ids[i], float(instance.merit[i])
    head = f"{app_id} (merit {merit:g}) is funded"
    if instance.must_fund[i]:
        return BorderlineReason(
            app_id, True, merit, MUST_FUND, (), (), (), None,
            f"{head}: it is on the must-fund list.",
        )  # fmt: skip
    blockers = _in_blockers(instance, result, i)
    forced = solve_with(
        instance, Switches.of(instance).forcing(i, funded=False), time_limit=time_limit
    )
    if forced is None:
        error = explain(_forced(instance, i, funded=False), time_limit=time_limit)
        blockers.append(_from_infeasible(error))
        return BorderlineReason(
            app_id, True, merit, "needed", tuple(blockers), (), (), None,
            f"{head} and must stay so: without it, {error.message}.",
        )  # fmt: skip
    kept = result.funded_mask.copy()
    kept[i] = False
    replacements = _ids(instance, forced.funded_mask & ~result.funded_mask)
    displaced = _ids(instance, kept & ~forced.funded_mask)
    lost = max(0.0, result.objective - forced.objective)
    note = f" ({'; '.join(b.sentence for b in blockers)})" if blockers else ""
    also = f" and also drop {_list(displaced)}" if displaced else ""
    sentence = (
        f"{head}{note}. Without it the portfolio would fund {_list(replacements)} instead"
        f"{also}, losing {lost:.6g} merit."
    )
    return BorderlineReason(
        app_id, True, merit, "swap", tuple(blockers), displaced, replacements, lost, sentence
    )


def explain_borderline(
    instance: PortfolioInstance,
    result: PortfolioResult,
    *,
    count: int = 5,
    time_limit: float | None = None,
) -> tuple[BorderlineReason, ...]:
    """Reasons for the ``count`` lowest-merit funded and ``count`` highest-merit unfunded.

    Funded ones first (lowest merit first), then unfunded ones (highest merit first); ties by
    input order. Each costs one re-solve (about a second at 2,000 applications).
    """
    if result.funded_mask.shape != (instance.n,):
        raise ValueError("result does not belong to this instance (funded_mask shape differs)")
    order = np.lexsort((np.arange(instance.n), instance.merit))  # merit ascending, then index
    funded = [int(i) for i in order if result.funded_mask[i]][:count]
    descending = np.lexsort((np.arange(instance.n), -instance.merit))
    unfunded = [int(i) for i in descending if not result.funded_mask[i]][:count]
    reasons = [_reason_funded(instance, result, i, time_limit) for i in funded]
    reasons += [_reason_unfunded(instance, result, i, time_limit) for i in unfunded]
    return tuple(reasons)


def what_if(
    instance: PortfolioInstance,
    changes: Sequence[Change],
    *,
    borderline: int = 5,
    base: PortfolioResult | None = None,
    time_limit: float | None = None,
) -> WhatIfResult:
    """Apply ``changes``, re-solve, and diff against ``base`` (solved here if not given).

    Raises PortfolioInfeasible (with the reason) when the changed instance has no portfolio,
    and InstanceError when a change names an unknown funder, area or application.
    """
    if base is None:
        base = solve_portfolio(instance, time_limit=time_limit)
    changed = apply_changes(instance, changes)
    result = solve_portfolio(changed, time_limit=time_limit)
    return WhatIfResult(
        instance=changed,
        base=base,
        result=result,
        newly_in=_ids(changed, result.funded_mask & ~base.funded_mask),
        newly_out=_ids(changed, base.funded_mask & ~result.funded_mask),
        borderline=explain_borderline(changed, result, count=borderline, time_limit=time_limit),
    )
