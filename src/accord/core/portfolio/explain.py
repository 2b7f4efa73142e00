"""Why an application is left out while one of lower merit is funded — as data, not words.

For an unfunded application with a funded application of lower merit, the reasons read off the
solved portfolio: the funders whose remaining budget is smaller than its cost (and by how much
adding it would exceed that budget), the areas it lists whose cap is already reached, a
must-not-fund rule, a merit not above zero. When none binds on its own, funding it would mean
dropping others of more total merit ("trade_off"). The web layer words each reason in the
reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.core.portfolio.types import NO_MAXIMUM, PortfolioInstance

# Money closer than this to the budget counts as within it (float sums of costs).
SLACK = 1e-6


@dataclass(frozen=True)
class Reason:
    """kind: "budget" (``funder``, ``over`` = by how much it would exceed that budget),
    "area_cap" (``area``, ``cap``), "must_not_fund", "not_positive", "trade_off"."""

    kind: str
    funder: str = ""
    over: float = 0.0
    area: str = ""
    cap: int = 0


@dataclass(frozen=True)
class LeftOut:
    """An unfunded application, the funded ones of lower merit, and why it is left out."""

    id: str
    merit: float
    lower_funded: tuple[str, ...]
    reasons: tuple[Reason, ...]


def explain_left_out(instance: PortfolioInstance, funded: np.ndarray) -> list[LeftOut]:
    """Every unfunded application with a funded one of lower merit, best merit first.

    ``funded`` is the solved portfolio (bool[N], the instance's order).
    """
    funded = np.asarray(funded, dtype=bool)
    if funded.shape != (instance.n,):
        raise ValueError(f"funded: expected shape {(instance.n,)}, got {funded.shape}")
    remaining = instance.budget - instance.cost[funded].sum(axis=0)
    counts = instance.membership[funded].sum(axis=0)
    out: list[LeftOut] = []
    order = sorted(range(instance.n), key=lambda i: (-instance.merit[i], instance.ids[i]))
    for i in order:
        if funded[i]:
            continue
        lower = tuple(
            instance.ids[j] for j in order if funded[j] and instance.merit[j] < instance.merit[i]
        )
        if not lower:
            continue
        if instance.must_not_fund[i]:  # the officers' own rule: nothing else needs saying
            out.append(
                LeftOut(
                    instance.ids[i], float(instance.merit[i]), lower, (Reason("must_not_fund"),)
                )
            )
            continue
        reasons: list[Reason] = []
        if instance.merit[i] <= 0:
            reasons.append(Reason("not_positive"))
        for f, funder in enumerate(instance.funders):
            over = float(instance.cost[i, f] - remaining[f])
            if over > SLACK:
                reasons.append(Reason("budget", funder=funder, over=over))
        for a, area in enumerate(instance.areas):
            cap = int(instance.area_max[a])
            if instance.membership[i, a] and cap != NO_MAXIMUM and counts[a] >= cap:
                reasons.append(Reason("area_cap", area=area, cap=cap))
        if not reasons:
            reasons.append(Reason("trade_off"))
        out.append(
            LeftOut(
                id=instance.ids[i],
                merit=float(instance.merit[i]),
                lower_funded=lower,
                reasons=tuple(reasons),
            )
        )
    return out
