"""Solve a portfolio instance exactly (HiGHS branch and bound, relative gap 0 by default)."""

from __future__ import annotations

import time

import numpy as np

from accord.core.portfolio.infeasible import direct_check, explain
from accord.core.portfolio.model import Switches, finite_or, run_milp, tie_break
from accord.core.portfolio.types import BoolArray, PortfolioInstance, PortfolioResult


def result_from_mask(
    instance: PortfolioInstance,
    funded: BoolArray,
    *,
    bound: float | None = None,
    gap: float = 0.0,
    status: str = "optimal",
    seconds: float = 0.0,
) -> PortfolioResult:
    """Totals for a given funded set. funded: bool[N]."""
    if funded.shape != (instance.n,):
        raise ValueError(f"funded: expected shape {(instance.n,)}, got {funded.shape}")
    objective = float(instance.merit[funded].sum())
    spend = instance.cost[funded].sum(axis=0)
    counts = instance.membership[funded].sum(axis=0)
    return PortfolioResult(
        funded_mask=funded,
        funded=tuple(instance.ids[i] for i in np.flatnonzero(funded)),
        objective=objective,
        bound=objective if bound is None else bound,
        gap=gap,
        spend={f: float(s) for f, s in zip(instance.funders, spend, strict=True)},
        area_count={a: int(c) for a, c in zip(instance.areas, counts, strict=True)},
        status=status,
        seconds=seconds,
    )


def solve_with(
    instance: PortfolioInstance,
    switches: Switches,
    *,
    time_limit: float | None = None,
    mip_rel_gap: float = 0.0,
) -> PortfolioResult | None:
    """Best portfolio under ``switches`` (None when infeasible); no explanation."""
    start = time.perf_counter()
    objective = instance.merit + tie_break(instance.merit)
    funded, raw = run_milp(
        instance, switches, objective, time_limit=time_limit, mip_rel_gap=mip_rel_gap
    )
    if funded is None:
        return None
    status = "optimal" if raw.status == 0 else "time_limit"
    gap = finite_or(getattr(raw, "mip_gap", None), 0.0)
    # HiGHS's bound is on merit + tie-break; as the tie-break is >= 0 it also bounds merit.
    # When the gap is closed the honest bound is the merit itself.
    bound = -finite_or(getattr(raw, "mip_dual_bound", None), -float(objective[funded].sum()))
    return result_from_mask(
        instance,
        funded,
        bound=None if gap == 0.0 else bound,
        gap=gap,
        status=status,
        seconds=time.perf_counter() - start,
    )


def solve_portfolio(
    instance: PortfolioInstance,
    *,
    time_limit: float | None = None,
    mip_rel_gap: float = 0.0,
) -> PortfolioResult:
    """Maximise total merit under every budget, area bound and must / must-not list.

    Each application is one binary: funded on every side it names, or on none. Among
    portfolios of equal merit, the one funding earlier applications (input order) wins.
    ``mip_rel_gap`` 0 means proven optimal; under ``time_limit`` the best portfolio found is
    returned with status "time_limit" and HiGHS's gap.

    Raises :class:`~accord.core.portfolio.types.PortfolioInfeasible` with the reason in words,
    and :class:`~accord.core.portfolio.types.SolverError` if HiGHS fails.
    """
    direct = direct_check(instance)
    if direct is not None:
        raise direct
    result = solve_with(
        instance, Switches.of(instance), time_limit=time_limit, mip_rel_gap=mip_rel_gap
    )
    if result is None:
        raise explain(instance, time_limit=time_limit)
    return result
