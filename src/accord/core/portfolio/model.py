"""The MILP: one binary per application, solved by HiGHS through ``scipy.optimize.milp``.

    maximise    sum_i (merit_i + tie_i) x_i
    subject to  sum_i cost[i, f] x_i <= budget[f]            every funder f   (both sides or none:
                                                               one x_i pays every funder it names)
                area_min[a] <= sum_{i in a} x_i <= area_max[a]  every bounded area a
                x_i = 1 (must fund),  x_i = 0 (must not fund),  x_i in {0, 1}

``Switches`` turns constraint groups (or single members) on and off, which is how
:mod:`accord.core.portfolio.infeasible` finds the culprit and :mod:`.whatif` forces
applications in or out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from accord.core.portfolio.types import (
    NO_MAXIMUM,
    BoolArray,
    FloatArray,
    PortfolioInstance,
    SolverError,
)

#: relative slack under which spend is treated as within budget (HiGHS works to 1e-7 on rows
#: scaled to budget 1; an overshoot beyond this is cut off and re-solved)
SPEND_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class Switches:
    """Which constraints are on.

    budget:        bool[F]
    area_min:      bool[A]
    area_max:      bool[A]
    must_fund:     bool[N]   applications forced in
    must_not_fund: bool[N]   applications forced out
    """

    budget: BoolArray
    area_min: BoolArray
    area_max: BoolArray
    must_fund: BoolArray
    must_not_fund: BoolArray

    @classmethod
    def of(cls, instance: PortfolioInstance) -> Switches:
        """Everything the instance states: every budget, every bound, both lists."""
        return cls(
            budget=np.ones(len(instance.funders), dtype=bool),
            area_min=instance.area_min > 0,
            area_max=instance.area_max != NO_MAXIMUM,
            must_fund=instance.must_fund.copy(),
            must_not_fund=instance.must_not_fund.copy(),
        )

    def without(self, group: str, members: BoolArray | None = None) -> Switches:
        """A copy with ``group`` (or only ``members`` of it) switched off."""
        current: BoolArray = getattr(self, group)
        off = np.ones_like(current) if members is None else members
        return replace(self, **{group: current & ~off})

    def forcing(self, index: int, *, funded: bool) -> Switches:
        """A copy with application ``index`` forced in (``funded``) or out."""
        must_fund, must_not_fund = self.must_fund.copy(), self.must_not_fund.copy()
        must_fund[index], must_not_fund[index] = funded, not funded
        return replace(self, must_fund=must_fund, must_not_fund=must_not_fund)


def merit_resolution(merit: FloatArray) -> float:
    """The grid the merits lie on: 10**-d for the fewest decimals d <= 6 that write them all.

    Two portfolios with different total merit then differ by at least this much, so a
    tie-break worth less than half of it in total never overrides merit. Merits on no such
    grid get 1e-9 of their scale: the tie-break then only separates exact ties.
    """
    if merit.size == 0:
        return 1.0
    for decimals in range(7):
        scaled = merit * 10.0**decimals
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return float(10.0**-decimals)
    return 1e-9 * max(1.0, float(np.max(np.abs(merit))))


def tie_break(merit: FloatArray) -> FloatArray:
    """float[N]: a preference for earlier applications, < half the merit resolution in total.

    Among portfolios of equal total merit the one whose funded applications come earliest in
    input order wins, so results are stable from run to run and match a brute force.
    """
    n = merit.size
    if n == 0:
        return np.zeros(0)
    weights = np.arange(n, 0, -1, dtype=np.float64)  # n, n-1, ..., 1
    result: FloatArray = weights * (0.5 * merit_resolution(merit) / (n * (n + 1) / 2 + 1))
    return result


def _constraints(
    instance: PortfolioInstance, switches: Switches, budget_cut: FloatArray
) -> tuple[list[LinearConstraint], FloatArray, FloatArray]:
    n = instance.n
    lower = np.zeros(n)
    upper = np.ones(n)
    lower[switches.must_fund] = 1.0
    upper[switches.must_not_fund] = 0.0
    rows: list[sparse.csr_matrix] = []
    row_lb: list[float] = []
    row_ub: list[float] = []
    for f in np.flatnonzero(switches.budget):
        column = instance.cost[:, f]
        if instance.budget[f] == 0:  # a zero budget funds nothing that costs this funder anything
            upper[column > 0] = 0.0
            continue
        rows.append(sparse.csr_matrix(column / instance.budget[f]))  # scaled: budget 1
        row_lb.append(-np.inf)
        row_ub.append(1.0 - budget_cut[f])
    bounded = np.flatnonzero(switches.area_min | switches.area_max)
    if bounded.size:
        rows.append(sparse.csr_matrix(instance.membership[:, bounded].T.astype(np.float64)))
        for a in bounded:
            row_lb.append(float(instance.area_min[a]) if switches.area_min[a] else -np.inf)
            row_ub.append(float(instance.area_max[a]) if switches.area_max[a] else np.inf)
    constraints = []
    if rows:
        matrix = sparse.vstack(rows, format="csr")
        constraints.append(LinearConstraint(matrix, np.array(row_lb), np.array(row_ub)))
    return constraints, lower, upper


def run_milp(
    instance: PortfolioInstance,
    switches: Switches,
    objective: FloatArray | None,
    *,
    time_limit: float | None = None,
    mip_rel_gap: float = 0.0,
) -> tuple[BoolArray | None, OptimizeResult]:
    """Solve; return (funded mask or None when infeasible, HiGHS's result).

    objective: float[N] to maximise, or None for a pure feasibility check. Raises
    :class:`SolverError` when HiGHS stops without deciding.
    """
    n = instance.n
    if objective is not None and objective.shape != (n,):
        raise ValueError(f"objective: expected shape {(n,)}, got {objective.shape}")
    cost = -objective if objective is not None else np.zeros(n)
    budget_cut = np.zeros(len(instance.funders))
    options: dict[str, float | bool] = {"mip_rel_gap": mip_rel_gap, "presolve": True}
    if time_limit is not None:
        options["time_limit"] = time_limit
    for _attempt in range(4):
        constraints, lower, upper = _constraints(instance, switches, budget_cut)
        if np.any(lower > upper):
            return None, OptimizeResult(status=2, message="contradictory variable bounds")
        if n == 0:
            empty = np.zeros(0, dtype=bool)
            feasible = all(
                np.all(c.lb <= 0) and np.all(c.ub >= 0) for c in constraints
            )  # every row is 0 when nothing can be funded
            return (empty if feasible else None), OptimizeResult(
                status=0 if feasible else 2, mip_gap=0.0, mip_dual_bound=0.0, fun=0.0
            )
        result = milp(
            cost,
            constraints=constraints,
            integrality=np.ones(n),
            bounds=Bounds(lower, upper),
            options=options,
        )
        if result.status == 2:
            return None, result
        if result.x is None:
            raise SolverError(f"HiGHS stopped without a portfolio: {result.message}")
        funded: BoolArray = result.x > 0.5
        spend = instance.cost[funded].sum(axis=0)
        over = np.zeros_like(budget_cut)
        active = switches.budget & (instance.budget > 0)
        over[active] = (spend[active] - instance.budget[active]) / instance.budget[active]
        if np.all(over <= SPEND_TOLERANCE):
            return funded, result
        # HiGHS accepted a row a hair over budget (its feasibility tolerance); cut and retry
        budget_cut = budget_cut + np.maximum(over, 0.0) * 2 + 1e-12
    raise SolverError("HiGHS kept returning portfolios over budget by more than rounding")


def is_feasible(
    instance: PortfolioInstance, switches: Switches, *, time_limit: float | None = None
) -> bool:
    """Whether any portfolio meets the switched-on constraints."""
    funded, _ = run_milp(instance, switches, None, time_limit=time_limit)
    return funded is not None


def finite_or(value: object, default: float) -> float:
    """HiGHS reports missing figures as None or NaN; use ``default`` then."""
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return default
