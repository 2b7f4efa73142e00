"""Independent reference formulations for the tests: the explicit binary model solved with
scipy.optimize.milp over every pair (no candidate sets, no duals, no flow structure)."""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from accord.core.assignment import AssignmentInstance


def random_instance(
    seed: int,
    n_props: int,
    n_revs: int,
    k: int,
    *,
    conflict_rate: float = 0.15,
    both_countries: bool = True,
    max_load_slack: int = 1,
    min_load_max: int = 0,
) -> AssignmentInstance:
    """A random instance; loads are generous enough that most draws are feasible."""
    k = min(k, n_revs)
    rng = np.random.default_rng(seed)
    country = rng.integers(0, 2, n_revs)
    if both_countries and n_revs >= 2:
        country[0], country[1] = 0, 1
    elif not both_countries:
        country[:] = 0
    base = -(-k * n_props // n_revs)
    max_load = rng.integers(max(0, base - 1), base + max_load_slack + 1, n_revs)
    min_load = np.minimum(rng.integers(0, min_load_max + 1, n_revs), max_load)
    return AssignmentInstance(
        affinity=np.round(rng.random((n_props, n_revs)), 3),
        conflict=rng.random((n_props, n_revs)) < conflict_rate,
        reviewer_country=country,
        k=k,
        min_load=min_load,
        max_load=max_load,
    )


def _constraints(inst: AssignmentInstance) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    n_props, n_revs = inst.affinity.shape
    n = n_props * n_revs
    rows, lbs, ubs = [], [], []
    for p in range(n_props):
        row = np.zeros(n)
        row[p * n_revs : (p + 1) * n_revs] = 1
        rows.append(row)
        lbs.append(inst.k)
        ubs.append(inst.k)
        if inst.bilateral:
            for c in (0, 1):
                row = np.zeros(n)
                row[p * n_revs : (p + 1) * n_revs] = inst.reviewer_country == c
                rows.append(row)
                lbs.append(1)
                ubs.append(np.inf)
    for r in range(n_revs):
        row = np.zeros(n)
        row[r::n_revs] = 1
        rows.append(row)
        lbs.append(inst.min_load[r])
        ubs.append(inst.max_load[r])
    return sp.csr_matrix(np.array(rows)), np.array(lbs, float), np.array(ubs, float)


def milp_optimum(
    inst: AssignmentInstance, bonus_pairs: np.ndarray | None = None, *, fix_kept: int | None = None
) -> float | None:
    """Maximum total affinity by MILP over all pairs, or None if infeasible.

    With ``bonus_pairs`` and ``fix_kept``: the maximum among assignments that keep at least
    ``fix_kept`` of ``bonus_pairs``.
    """
    matrix, lb, ub = _constraints(inst)
    n = inst.affinity.size
    cons = [LinearConstraint(matrix, lb, ub)]
    if bonus_pairs is not None and fix_kept is not None:
        row = np.zeros(n)
        row[bonus_pairs[:, 0] * inst.n_reviewers + bonus_pairs[:, 1]] = 1
        cons.append(LinearConstraint(row[None, :], fix_kept, np.inf))
    res = milp(
        -inst.affinity.ravel(),
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), (~inst.conflict).ravel().astype(float)),
        constraints=cons,
    )
    return None if res.status == 2 else float(-res.fun)


def milp_max_kept(inst: AssignmentInstance, previous: np.ndarray) -> int | None:
    """The most pairs of ``previous`` that a feasible assignment of ``inst`` can keep."""
    matrix, lb, ub = _constraints(inst)
    n = inst.affinity.size
    cost = np.zeros(n)
    cost[previous[:, 0] * inst.n_reviewers + previous[:, 1]] = -1
    res = milp(
        cost,
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), (~inst.conflict).ravel().astype(float)),
        constraints=[LinearConstraint(matrix, lb, ub)],
    )
    return None if res.status == 2 else round(-res.fun)


def brute_force_fair(inst: AssignmentInstance) -> tuple[float, float] | None:
    """(best worst-proposal total, best total given it) by enumerating every assignment."""
    n_props, n_revs = inst.affinity.shape
    options = []
    for p in range(n_props):
        subsets = []
        for subset in combinations(range(n_revs), inst.k):
            if inst.conflict[p, list(subset)].any():
                continue
            if inst.bilateral and len(set(inst.reviewer_country[list(subset)])) < 2:
                continue
            subsets.append(subset)
        options.append(subsets)
    best: tuple[float, float] | None = None
    for choice in product(*options):
        load = np.zeros(n_revs, int)
        for subset in choice:
            load[list(subset)] += 1
        if (load > inst.max_load).any() or (load < inst.min_load).any():
            continue
        scores = [inst.affinity[p, list(s)].sum() for p, s in enumerate(choice)]
        key = (round(min(scores), 9), round(sum(scores), 9))
        if best is None or key > best:
            best = key
    return best
