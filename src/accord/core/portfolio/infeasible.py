"""Say in words why no portfolio meets the constraints.

First the direct checks, each a few array sums (must-fund spend against a budget, an area
minimum above the applications that could fill it, minimum above maximum, must-fund
applications beyond an area maximum, the cheapest way to meet an area minimum already over a
budget). Otherwise the constraint groups are relaxed one at a time (budgets, area minimums,
area maximums, must-fund, must-not-fund); each group whose removal restores feasibility is
shrunk to a minimal set of members (a deletion filter), and the smallest such set is named,
with the groups it conflicts with.
"""

from __future__ import annotations

import itertools

import numpy as np

from accord.core.portfolio.model import SPEND_TOLERANCE, Switches, is_feasible
from accord.core.portfolio.types import (
    AREA_MAX,
    AREA_MIN,
    BUDGET,
    GROUPS,
    MUST_FUND,
    MUST_NOT_FUND,
    NO_MAXIMUM,
    PortfolioInfeasible,
    PortfolioInstance,
)

GROUP_NAMES = {
    BUDGET: "the budgets",
    AREA_MIN: "the area minimums",
    AREA_MAX: "the area maximums",
    MUST_FUND: "the must-fund list",
    MUST_NOT_FUND: "the must-not-fund list",
}

#: groups with more members than this are named as a whole rather than shrunk member by member
MAX_MEMBERS_TO_SHRINK = 40


def money(amount: float) -> str:
    """1200000.0 -> '1,200,000'; 1234.5 -> '1,234.50'."""
    if abs(amount - round(amount)) < 1e-9 * max(1.0, abs(amount)):
        return f"{round(amount):,}"
    return f"{amount:,.2f}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def direct_check(instance: PortfolioInstance) -> PortfolioInfeasible | None:
    """The infeasibilities visible without solving anything, or None."""
    must = instance.must_fund
    must_ids = tuple(instance.ids[i] for i in np.flatnonzero(must))
    must_spend = instance.cost[must].sum(axis=0)
    for f, funder in enumerate(instance.funders):
        budget = float(instance.budget[f])
        if must_spend[f] > budget * (1 + SPEND_TOLERANCE):
            return PortfolioInfeasible(
                f"must-fund applications cost {money(must_spend[f])} {funder} against a "
                f"{funder} budget of {money(budget)}; raise the {funder} budget or take "
                "applications off must_fund",
                constraint=MUST_FUND,
                members=must_ids,
                conflicts_with=(BUDGET,),
                numbers={"cost": float(must_spend[f]), "budget": budget},
            )
    eligible = ~instance.must_not_fund
    for a, area in enumerate(instance.areas):
        low, high = int(instance.area_min[a]), int(instance.area_max[a])
        in_area = instance.membership[:, a]
        if high != NO_MAXIMUM and low > high:
            return PortfolioInfeasible(
                f"area {area} has a minimum of {low} above its maximum of {high}; "
                "lower area_min or raise area_max",
                constraint=AREA_MIN,
                members=(area,),
                conflicts_with=(AREA_MAX,),
                numbers={"minimum": low, "maximum": high},
            )
        available = int(np.sum(in_area & eligible))
        if low > available:
            excluded = int(np.sum(in_area & ~eligible))
            note = f" ({excluded} more are on must_not_fund)" if excluded else ""
            return PortfolioInfeasible(
                f"area {area} needs at least {low} funded applications but only "
                f"{_plural(available, 'eligible application')} list{'s' if available == 1 else ''} "
                f"it{note}; lower area_min for {area}",
                constraint=AREA_MIN,
                members=(area,),
                conflicts_with=(MUST_NOT_FUND,) if excluded else (),
                numbers={"minimum": low, "available": available},
            )
        forced = int(np.sum(in_area & must))
        if high != NO_MAXIMUM and forced > high:
            return PortfolioInfeasible(
                f"{_plural(forced, 'must-fund application')} list area {area}, above its "
                f"maximum of {high}; raise area_max for {area} or take applications off must_fund",
                constraint=MUST_FUND,
                members=tuple(instance.ids[i] for i in np.flatnonzero(in_area & must)),
                conflicts_with=(AREA_MAX,),
                numbers={"count": forced, "maximum": high},
            )
        still_needed = low - forced
        if still_needed > 0:
            candidates = in_area & eligible & ~must
            for f, funder in enumerate(instance.funders):
                cheapest = np.sort(instance.cost[candidates, f])[:still_needed].sum()
                least = must_spend[f] + cheapest
                budget = float(instance.budget[f])
                if least > budget * (1 + SPEND_TOLERANCE):
                    return PortfolioInfeasible(
                        f"area {area} needs at least {low} funded applications; even the "
                        f"cheapest way to reach that costs {money(least)} {funder} against a "
                        f"{funder} budget of {money(budget)}; raise the {funder} budget or "
                        f"lower area_min for {area}",
                        constraint=AREA_MIN,
                        members=(area,),
                        conflicts_with=(BUDGET,),
                        numbers={"minimum": low, "cost": float(least), "budget": budget},
                    )
    return None


def _member_names(instance: PortfolioInstance, group: str) -> tuple[str, ...]:
    if group == BUDGET:
        return instance.funders
    if group in (AREA_MIN, AREA_MAX):
        return instance.areas
    return instance.ids


def describe(instance: PortfolioInstance, group: str, members: tuple[int, ...]) -> str:
    """English for a set of constraints of one group, e.g. 'the GBP budget of 1,000,000'."""
    if group == BUDGET:
        parts = [
            f"the {instance.funders[f]} budget of {money(float(instance.budget[f]))}"
            for f in members
        ]
    elif group == AREA_MIN:
        parts = [
            f"the minimum of {instance.area_min[a]} funded in area {instance.areas[a]}"
            for a in members
        ]
    elif group == AREA_MAX:
        parts = [
            f"the maximum of {instance.area_max[a]} funded in area {instance.areas[a]}"
            for a in members
        ]
    else:
        verb = "funding must-fund" if group == MUST_FUND else "leaving out must-not-fund"
        ids = ", ".join(instance.ids[i] for i in members)
        return f"{verb} {'application' if len(members) == 1 else 'applications'} {ids}"
    return _join(parts)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _only(switches: Switches, group: str, members: tuple[int, ...]) -> Switches:
    current = getattr(switches, group)
    keep = np.zeros_like(current)
    keep[list(members)] = True
    return switches.without(group, current & ~keep)


def explain(instance: PortfolioInstance, *, time_limit: float | None = None) -> PortfolioInfeasible:
    """Why ``instance`` is infeasible (call only when it is)."""
    direct = direct_check(instance)
    if direct is not None:
        return direct
    switches = Switches.of(instance)
    active = [g for g in GROUPS if np.any(getattr(switches, g))]
    culprits: list[tuple[int, int, str, tuple[int, ...]]] = []
    for order, group in enumerate(active):
        if not is_feasible(instance, switches.without(group), time_limit=time_limit):
            continue
        members = tuple(int(k) for k in np.flatnonzero(getattr(switches, group)))
        if len(members) <= MAX_MEMBERS_TO_SHRINK:
            current = switches
            kept: list[int] = []
            for k in members:
                mask = np.zeros_like(getattr(current, group))
                mask[k] = True
                trial = current.without(group, mask)
                if is_feasible(instance, trial, time_limit=time_limit):
                    kept.append(k)  # needed for the infeasibility
                else:
                    current = trial
            members = tuple(kept)
        culprits.append((len(members), order, group, members))
    if culprits:
        _size, _order, group, members = min(culprits)
        restricted = _only(switches, group, members)
        partners = tuple(
            other
            for other in active
            if other != group
            and is_feasible(instance, restricted.without(other), time_limit=time_limit)
        )
        what = describe(instance, group, members)
        if partners:
            message = (
                f"no portfolio meets {what} together with "
                f"{_join([GROUP_NAMES[p] for p in partners])}; relax one of them"
            )
        else:
            message = f"no portfolio meets {what}; relax it"
        names = _member_names(instance, group)
        return PortfolioInfeasible(
            message,
            constraint=group,
            members=tuple(names[k] for k in members),
            conflicts_with=partners,
        )
    for first, second in itertools.combinations(active, 2):
        relaxed = switches.without(first).without(second)
        if is_feasible(instance, relaxed, time_limit=time_limit):
            return PortfolioInfeasible(
                f"no portfolio meets the constraints; relaxing {GROUP_NAMES[first]} alone or "
                f"{GROUP_NAMES[second]} alone is not enough, relaxing both is",
                constraint=first,
                conflicts_with=(second,),
            )
    return PortfolioInfeasible(
        "no portfolio meets the constraints, and relaxing any two groups of them is not enough",
        constraint=active[0] if active else BUDGET,
    )
