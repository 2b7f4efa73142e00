"""Fair assignment: maximise the worst-served proposal, then the total (a MILP).

Stage 1 maximises ``t`` subject to every proposal's total affinity >= t and all the flow
constraints; stage 2 maximises the total affinity with ``t`` held at its optimum. The max-min
constraint breaks the network structure, so both stages are binary MILPs over every
non-conflicted pair (HiGHS branch and bound). Meant for moderate sizes: a few hundred
proposals and reviewers (``max_pairs`` guards the size); :func:`accord.core.assignment.solve`
is the fast exact method for large calls.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from accord.core.assignment.errors import InstanceError, SolverError
from accord.core.assignment.infeasible import check_necessary
from accord.core.assignment.model import AssignmentInstance, IntArray, check_assignment
from accord.core.assignment.solve import solve

DEFAULT_MAX_PAIRS = 250_000


@dataclass(frozen=True, eq=False)
class FairResult:
    """A max-min fair assignment.

    - ``pairs``: int64[k*P, 2] (proposal, reviewer), sorted.
    - ``min_score``: the worst-served proposal's total affinity (the stage-1 value).
    - ``min_score_bound``: proven upper bound on that value (== ``min_score`` when optimal).
    - ``objective``: total affinity; ``bound``: proven upper bound on it given ``min_score``.
    - ``gap``: ``max(0, bound - objective)``; ``optimal``: both stages proven optimal.
    - ``timings``: seconds for ``stage1``, ``stage2``, ``total``.
    """

    pairs: IntArray
    min_score: float
    min_score_bound: float
    objective: float
    bound: float
    gap: float
    optimal: bool
    timings: Mapping[str, float] = field(default_factory=dict)


def solve_fair(
    instance: AssignmentInstance,
    *,
    time_limit: float = 60.0,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    mip_rel_gap: float = 1e-9,
) -> FairResult:
    """Max-min fair assignment, then maximum total affinity (see the module docstring).

    ``time_limit`` applies to each stage (seconds); if a stage stops at the limit the best
    solution found is returned with ``optimal=False`` and its bounds. Raises
    :class:`InstanceError` when the instance has more than ``max_pairs`` non-conflicted pairs,
    :class:`InfeasibleAssignmentError` when no assignment exists.
    """
    # lazily: scipy.optimize takes ~0.3 s to import, and `accord assign` rarely needs it
    from scipy.optimize import Bounds, LinearConstraint, milp

    t_start = time.perf_counter()
    n_props, n_revs = instance.affinity.shape
    eligible = ~instance.conflict
    n = int(np.count_nonzero(eligible))
    if n > max_pairs:
        raise InstanceError(
            "affinity",
            f"fairness mode solves a MILP over every non-conflicted pair; this instance has {n} "
            f"> max_pairs = {max_pairs}. Use the default (total affinity) mode for large calls",
        )
    check_necessary(instance)
    if n_props == 0:
        return FairResult(np.zeros((0, 2), np.int64), 0.0, 0.0, 0.0, 0.0, 0.0, True, {})
    pp, rr = np.nonzero(eligible)
    pp = pp.astype(np.int64)
    rr = rr.astype(np.int64)
    a = instance.affinity[pp, rr]
    cols = np.arange(n)
    rows: list[IntArray] = [pp]
    cc: list[IntArray] = [cols]
    vals = [np.ones(n)]
    lb = [np.full(n_props, float(instance.k))]
    ub = [np.full(n_props, float(instance.k))]
    offset = n_props
    if instance.bilateral:
        rows.append(offset + 2 * pp + instance.reviewer_country[rr])
        cc.append(cols)
        vals.append(np.ones(n))
        lb.append(np.ones(2 * n_props))
        ub.append(np.full(2 * n_props, np.inf))
        offset += 2 * n_props
    rows.append(offset + rr)
    cc.append(cols)
    vals.append(np.ones(n))
    lb.append(instance.min_load.astype(np.float64))
    ub.append(instance.max_load.astype(np.float64))
    offset += n_revs
    # fairness rows: sum_r a[p, r] x[p, r] - t >= 0
    rows += [offset + pp, offset + np.arange(n_props)]
    cc += [cols, np.full(n_props, n)]
    vals += [a, -np.ones(n_props)]
    lb.append(np.zeros(n_props))
    ub.append(np.full(n_props, np.inf))
    offset += n_props
    import scipy.sparse as sp  # lazily: ~0.25 s to import, and only the LP paths need it

    matrix = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cc))), shape=(offset, n + 1)
    )
    row_lb, row_ub = np.concatenate(lb), np.concatenate(ub)
    constraints = LinearConstraint(matrix, row_lb, row_ub)
    integrality = np.concatenate([np.ones(n), [0.0]])
    t_low = instance.k * float(instance.affinity.min()) - 1.0
    t_high = instance.k * float(instance.affinity.max()) + 1.0
    options = {"time_limit": time_limit, "mip_rel_gap": mip_rel_gap}

    t = time.perf_counter()
    stage1 = milp(
        np.concatenate([np.zeros(n), [-1.0]]),
        integrality=integrality,
        bounds=Bounds(
            np.concatenate([np.zeros(n), [t_low]]), np.concatenate([np.ones(n), [t_high]])
        ),
        constraints=constraints,
        options=options,
    )
    t1 = time.perf_counter() - t
    if stage1.status == 2:
        solve(instance)  # raises InfeasibleAssignmentError with the reason in words
        raise SolverError("the fairness MILP is infeasible but the flow model is not")
    if stage1.x is None:
        raise SolverError(f"fairness stage 1 found no solution: {stage1.message}")
    x1 = np.round(stage1.x[:n]) > 0.5
    min_score = float(np.min(np.bincount(pp[x1], weights=a[x1], minlength=n_props)))
    min_bound = float(-stage1.mip_dual_bound) if stage1.mip_dual_bound is not None else np.inf
    hold = min_score - 1e-9 * max(1.0, abs(min_score))

    t = time.perf_counter()
    stage2 = milp(
        np.concatenate([-a, [0.0]]),
        integrality=integrality,
        bounds=Bounds(
            np.concatenate([np.zeros(n), [hold]]), np.concatenate([np.ones(n), [t_high]])
        ),
        constraints=constraints,
        options=options,
    )
    t2 = time.perf_counter() - t
    x = np.round(stage2.x[:n]) > 0.5 if stage2.x is not None else x1
    pairs = np.column_stack([pp[x], rr[x]]).astype(np.int64)
    problems = check_assignment(instance, pairs)
    if problems:
        raise SolverError("the fairness MILP solution breaks constraints: " + "; ".join(problems))
    objective = float(a[x].sum())
    bound = float(-stage2.mip_dual_bound) if stage2.mip_dual_bound is not None else np.inf
    return FairResult(
        pairs=pairs,
        min_score=min_score,
        min_score_bound=max(min_bound, min_score),
        objective=objective,
        bound=max(bound, objective),
        gap=max(0.0, bound - objective),
        optimal=bool(stage1.status == 0 and stage2.status == 0),
        timings={"stage1": t1, "stage2": t2, "total": time.perf_counter() - t_start},
    )
