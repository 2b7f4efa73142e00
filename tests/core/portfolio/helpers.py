"""Helpers shared by the portfolio tests: a brute force over every subset."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from accord.core.portfolio import NO_MAXIMUM, PortfolioInstance
from accord.core.portfolio.model import merit_resolution


def brute_force(instance: PortfolioInstance) -> np.ndarray | None:
    """The best funded mask by enumeration, tie-broken like the optimiser (earlier first).

    Returns None when no subset meets the constraints. Only for n <= 14.
    """
    n = instance.n
    subsets = np.array(list(itertools.product([False, True], repeat=n)), dtype=bool)
    subsets = subsets.reshape(2**n, n)
    ok = np.ones(len(subsets), dtype=bool)
    spend = subsets.astype(float) @ instance.cost
    ok &= np.all(spend <= instance.budget * (1 + 1e-12), axis=1)
    counts = subsets.astype(int) @ instance.membership.astype(int)
    ok &= np.all(counts >= instance.area_min, axis=1)
    has_max = instance.area_max != NO_MAXIMUM
    ok &= np.all((counts <= instance.area_max) | ~has_max, axis=1)
    ok &= np.all(subsets[:, instance.must_fund], axis=1)
    ok &= ~np.any(subsets[:, instance.must_not_fund], axis=1)
    if not ok.any():
        return None
    resolution = merit_resolution(instance.merit)
    merit = np.round(subsets.astype(float) @ instance.merit / resolution).astype(np.int64)
    preference = subsets.astype(int) @ np.arange(n, 0, -1)
    best = max(np.flatnonzero(ok), key=lambda s: (merit[s], preference[s]))
    return subsets[best]


def application(
    app_id: str, merit: float, cost: dict[str, float], areas: list[str] | None = None
) -> dict[str, Any]:
    return {"id": app_id, "merit": merit, "cost": cost, "areas": areas or []}
