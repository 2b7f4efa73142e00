"""Exact reviewer assignment by column generation on the network-flow LP.

The model (``P`` proposals, ``R`` reviewers, ``x[p, r]`` in [0, 1] for non-conflicted pairs)::

    maximise   sum affinity[p, r] * x[p, r]
    subject to sum_r x[p, r] = k                          for every proposal p
               sum_{r in country c} x[p, r] >= 1          for every p and c (bilateral rule)
               min_load[r] <= sum_p x[p, r] <= max_load[r] for every reviewer r

It is a network flow (source -> p [k] -> (p, c) [1, k-1] -> r [0, 1] -> sink [min, max]), so the
constraint matrix is totally unimodular and every LP vertex is integral.

Method (default, ``method="flow"``): the restricted problem on a candidate set of pairs (each
proposal's best ``m`` reviewers of each country, plus reviewers' own best proposals when they
need them) is an integer min-cost flow, solved by OR-Tools (:mod:`accord.core.assignment.flow`);
hub arcs at a large cost stand in for the missing pairs, so it always has a flow. Node
potentials recovered from the optimal flow are LP duals; they price a *pool* (each proposal's
best 30 per country, plus the candidates pruned earlier) cheaply and then *every* non-conflicted
pair of the dense matrix (vectorised, in cache-sized row chunks); the pairs with reduced cost
above a small negative slack join the candidates, and candidates priced far below zero (and
unused) go back to the pool so that each min-cost flow stays small, until no pair of the full
matrix has a positive reduced cost. That last full pass
yields a Lagrangian upper bound over all ``P * R`` pairs, so the returned ``bound`` and ``gap``
certify optimality on the full problem, not only on the candidates. If hub arcs still carry flow
when nothing prices positive, the instance is infeasible: the LP path's phase 1 (scipy's HiGHS)
then proves it with a Farkas certificate, which :mod:`accord.core.assignment.infeasible` turns
into a structured error (kind + params).

The LP path (``method="highs-ipm"`` etc., kept to compare: ``bench/bench_assign.py
--compare-lp``): the same column generation with the restricted LP in HiGHS
(:mod:`accord.core.assignment.warm_lp`; new pairs appended as columns, dual simplex warm-started
from the previous basis). It cannot share a process with OR-Tools (both bundle HiGHS).
"""

from __future__ import annotations

import time

import numpy as np

from accord.core.assignment.duals import (
    Duals,
    FloatArray,
    chunk_rows,
    price,
    price_pairs,
)
from accord.core.assignment.errors import SolverError
from accord.core.assignment.flow import (
    FlowNetwork,
    FlowOutcome,
    grid_scale,
    integer_weights,
    scaled,
)
from accord.core.assignment.infeasible import check_necessary, explain_farkas
from accord.core.assignment.model import (
    AssignmentInstance,
    AssignmentResult,
    IntArray,
    check_assignment,
)
from accord.core.assignment.warm_lp import LPOutcome, WarmLP

#: Default number of candidate reviewers per proposal and country in the first LP.
DEFAULT_CANDIDATES = 6
#: The restricted solver by default (see :func:`solve`).
DEFAULT_METHOD = "flow"
METHODS = ("flow", "highs-ipm", "highs-ds", "highs")
#: Flow path: at most this many new pairs per proposal per pricing round.
FLOW_NEW_PER_PROPOSAL = 12
#: Flow path: a hub arc (a stand-in for the missing pairs) costs this many times the
#: largest |weight|.
HUB_FACTOR = 8
#: Flow path: new pairs are those with reduced cost above -FLOW_SLACK x the affinity range.
FLOW_SLACK = 0.005
#: ... and on a small instance (at most SMALL_CELLS pairs) that is not crowded, up to
#: FLOW_NEW_PER_PROPOSAL_SMALL pairs a proposal above -FLOW_SLACK_SMALL x the range: fewer
#: rounds where each round is mostly a fixed cost (chosen on the five families at 2,000, seed 0:
#: topics and conflicts 4 -> 3 rounds, tight and uniform unchanged; checked on seeds 1 and 2;
#: at 5,000 the same values cost 10 % more time, so larger instances keep the two above).
FLOW_NEW_PER_PROPOSAL_SMALL = 24
FLOW_SLACK_SMALL = 0.01
#: Flow path: when the full pricing finds pairs for at most this share of the proposals, the
#: next rounds take FLOW_WIDEN times as many pairs per proposal.
FLOW_FEW_PROPOSALS = 0.01
FLOW_WIDEN = 4
#: Flow path: a pool round adds at least this share of the candidates, else price everything.
FLOW_POOL_ENOUGH = 0.01
#: Flow path: at most this many new pairs per proposal from the pool per round.
FLOW_POOL_NEW_PER_PROPOSAL = 1000
#: Flow path: each proposal's best reviewers of each country in the pool priced between full
#: pricing passes (cheap: the pool is sparse; the full pass then mostly certifies).
FLOW_POOL_PER_COUNTRY = 30
#: Flow path: before each min-cost flow after the first, candidate pairs priced below
#: -FLOW_PRUNE x the affinity range by the last duals (and unused by the last flow) go back to
#: the pool: a smaller network solves faster, and the full pricing brings any back that comes to
#: price positive (exactness unchanged).
FLOW_PRUNE = 0.01
#: ... but only networks of more than this many pairs: below it a min-cost flow costs about the
#: same whatever its size, and pruning only adds rounds (chosen on the five families at 2,000,
#: seed 0: 2-6 rounds with pruning, 2-5 without; neutral at 5,000).
FLOW_PRUNE_MIN_PAIRS = 100_000
#: ... and only after a flow that sent at most this share of the k * P units through the hubs
#: (the duals are distorted near those units; pruning after rounds with more hub flow gave more
#: rounds). 0.001 chosen on `tight` at 10,000, seed 0 (its 4th network: 180k pairs instead of
#: 436k, same 6 rounds); same rounds on the four skewed families at 5,000.
FLOW_PRUNE_HUB_SHARE = 0.001
#: Flow path: after a flow that sent at most this share of the k * P units through the hubs,
#: the next network is first tried without them (their arcs slow a solve, and their potentials
#: distort pricing); chosen on the five families at 2,000 (seeds 0 and 1: topics and conflicts
#: 2-5 % faster, same rounds) and 5,000 (seed 0: with no threshold, `tight`'s attempts after
#: 2,765 and 342 hub units failed and cost 0.12 s).
FLOW_TRY_NO_HUBS = 0.01
#: On an instance of at most SMALL_CELLS pairs that is not crowded, every reviewer gets its
#: best ``min_load + SMALL_PER_LOAD * max_load`` proposals among the first candidates (chosen on
#: the five families at 2,000, seed 0: uniform 2 -> 1 round, topics and tight 5 -> 4, popular
#: and conflicts unchanged; 1 and 4 tried; at 5,000 it changed no round count, so it stays off
#: above this size, where the extra pass over the matrix costs more). On such an instance the
#: whole matrix is also priced after every round (no pool-only rounds: popular 3 -> 2 rounds at
#: 2,000, the others unchanged).
SMALL_CELLS = 10_000_000
SMALL_PER_LOAD = 2
#: ... and so does every instance whose reviewers can take at most this share more than the
#: k * P reviews (nearly all of them must fill up, so the unpopular ones need their best
#: proposals in the first network): a lopsided one, 8,000 proposals x 2,000 reviewers with 8 %
#: spare capacity, 5.0-6.0 -> 2.9-3.7 s in-process, 6 -> 5 rounds; `tight` at 5,000 and
#: 10,000 (2 %) and capacity exactly k * P at 5,000 unchanged within the noise (3 December
#: 2026, bench/README.md).
TIGHT_CAPACITY = 0.1
#: Default number of candidate proposals per reviewer (keeps unpopular reviewers reachable).
DEFAULT_CANDIDATES_PER_REVIEWER = 2


#: A reviewer is crowded when more than ``CROWD_FACTOR * max(max_load, mean)`` of the
#: per-proposal candidate pairs land on it (``mean``: the average count per reviewer).
CROWD_FACTOR = 3
#: The instance is crowded (most proposals want the same reviewers) when the pairs beyond
#: that cap are more than this share of all per-proposal candidate pairs.
CROWDED_SHARE = 0.25
#: On a crowded instance each proposal keeps only its best ``CROWDED_PER_COUNTRY`` reviewers
#: of each country (the popular ones; more of them would only enlarge the first LP) ...
CROWDED_PER_COUNTRY = 1
#: ... and each reviewer gets its best ``min_load + CROWDED_PER_LOAD * max_load``
#: proposals as candidates.
CROWDED_PER_LOAD = 4


def initial_candidates(
    instance: AssignmentInstance,
    per_country: int,
    extra_keys: IntArray | None = None,
    *,
    per_reviewer: int = 0,
) -> IntArray:
    """Sorted unique keys ``p * R + r`` of the first LP's pairs (see :func:`candidates`)."""
    return candidates(instance, per_country, extra_keys, per_reviewer=per_reviewer)[0]


def candidates(
    instance: AssignmentInstance,
    per_country: int,
    extra_keys: IntArray | None = None,
    *,
    per_reviewer: int = 0,
    crowded: bool | None = None,
) -> tuple[IntArray, bool]:
    """Sorted unique keys ``p * R + r`` of the first LP's pairs, and whether it is crowded.

    See :func:`candidates_and_pool`.
    """
    keys, crowded, _pool = candidates_and_pool(
        instance, per_country, extra_keys, per_reviewer=per_reviewer, crowded=crowded
    )
    return keys, crowded


def candidates_and_pool(
    instance: AssignmentInstance,
    per_country: int,
    extra_keys: IntArray | None = None,
    *,
    per_reviewer: int = 0,
    crowded: bool | None = None,
    pool_per_country: int = 0,
) -> tuple[IntArray, bool, IntArray]:
    """Sorted unique keys ``p * R + r`` of the first LP's pairs, and whether it is crowded.

    For each proposal: its ``per_country`` best non-conflicted reviewers of each country (twice
    that without the bilateral rule). Then, if the instance is *crowded* (more than
    :data:`CROWDED_SHARE` of those pairs pile on reviewers that already have
    ``CROWD_FACTOR * max(max_load, mean count)`` of them, as when affinity is mostly a shared
    popularity): only the best :data:`CROWDED_PER_COUNTRY` of each country are kept, and every
    reviewer reached by fewer than ``want = min_load + CROWDED_PER_LOAD * max_load`` of them
    gets its ``want`` best proposals, so the spill-over from saturated popular reviewers is in the
    first LP. Otherwise, each reviewer reached by fewer than ``min_load + per_reviewer`` of
    them (and needing them: ``per_reviewer > 0`` or ``min_load > 0``) gets its ``min_load +
    max(per_reviewer, per_country)`` best proposals; on a small instance (at most
    :data:`SMALL_CELLS` pairs) or a tight one (spare capacity at most :data:`TIGHT_CAPACITY`)
    every reviewer gets its ``min_load + SMALL_PER_LOAD * max_load`` best instead. Plus ``extra_keys``. The solver is exact
    whatever the candidates; these only save rounds. ``crowded``: force the choice (None:
    detect it). The third value, the *pool*: each proposal's best ``pool_per_country``
    reviewers of each country (sorted keys, found in the same pass; empty when 0), the pairs
    priced cheaply between full pricing passes.
    """
    aff, con = instance.affinity, instance.conflict
    n_props, n_revs = aff.shape
    country = instance.reviewer_country
    groups = (
        [np.flatnonzero(country == 0), np.flatnonzero(country == 1)]
        if instance.bilateral
        else [np.arange(n_revs)]
    )
    per_group = per_country if instance.bilateral else 2 * per_country
    half_group = min(per_country, CROWDED_PER_COUNTRY) * (1 if instance.bilateral else 2)
    full: list[IntArray] = []
    half: list[IntArray] = []
    pool: list[IntArray] = []
    pool_group = pool_per_country if instance.bilateral else 2 * pool_per_country
    step = chunk_rows(n_revs)
    for start in range(0, n_props, step):
        stop = min(n_props, start + step)
        masked = np.where(con[start:stop], -np.inf, aff[start:stop])
        rows = np.arange(start, stop, dtype=np.int64)[:, None]
        for cols in groups:
            take = min(per_group, cols.size)
            if cols.size == n_revs:
                sub = masked
            elif cols.size and cols[-1] - cols[0] == cols.size - 1:  # contiguous: a view
                sub = masked[:, cols[0] : cols[-1] + 1]
            else:
                sub = masked[:, cols]
            wide = min(max(pool_group, take), cols.size)
            idx = np.argpartition(sub, cols.size - wide, axis=1)[:, cols.size - wide :]
            if wide > take:
                wide_vals = np.take_along_axis(sub, idx, axis=1)
                wide_keys = rows * n_revs + cols[idx]
                pool.append(wide_keys[np.isfinite(wide_vals)])
                top = np.argpartition(wide_vals, wide - take, axis=1)[:, wide - take :]
                idx = np.take_along_axis(idx, top, axis=1)
            vals = np.take_along_axis(sub, idx, axis=1)
            keys = rows * n_revs + cols[idx]
            full.append(keys[np.isfinite(vals)])
            few = min(half_group, take)
            top = np.argpartition(vals, take - few, axis=1)[:, take - few :]
            half_vals = np.take_along_axis(vals, top, axis=1)
            half.append(np.take_along_axis(keys, top, axis=1)[np.isfinite(half_vals)])
    flat = np.concatenate(full) if full else np.zeros(0, np.int64)
    have = np.bincount(flat % n_revs, minlength=n_revs)
    cap = CROWD_FACTOR * np.maximum(instance.max_load, flat.size / max(1, n_revs))
    if crowded is None:
        crowded = bool(np.maximum(have - cap, 0.0).sum() > CROWDED_SHARE * max(1, flat.size))
    parts: list[IntArray]
    if crowded:
        parts = half
        have = np.bincount(
            np.concatenate(half) % n_revs if half else np.zeros(0, np.int64), minlength=n_revs
        )
        want = np.minimum(n_props, instance.min_load + CROWDED_PER_LOAD * instance.max_load)
        needy = np.flatnonzero(have < want)
    else:
        parts = full
        # Reviewers reached by fewer than min_load + per_reviewer of those pairs (unpopular
        # ones, or ones with a minimum load) also get their own best proposals.
        want = np.minimum(n_props, instance.min_load + max(per_reviewer, per_country))
        needy = np.flatnonzero(have < instance.min_load + max(per_reviewer, 0))
        needy = needy[(instance.min_load[needy] > 0) | (per_reviewer > 0)]
    needy = needy[want[needy] > 0]
    spare = int(instance.max_load.sum()) - instance.k * n_props
    if not crowded and (
        n_props * n_revs <= SMALL_CELLS or spare <= TIGHT_CAPACITY * instance.k * n_props
    ):
        # small, or tight: every reviewer, so the first network can usually route every unit
        # without the hubs (one pass over the matrix costs little here)
        want = np.minimum(n_props, instance.min_load + SMALL_PER_LOAD * instance.max_load)
        needy = np.flatnonzero(want > 0)
    if needy.size:
        parts.append(_best_proposals(instance, needy, want[needy]))
    if extra_keys is not None:
        parts.append(extra_keys)
    pool_keys = np.sort(np.concatenate(pool)) if pool else np.zeros(0, dtype=np.int64)
    if not parts:
        return np.zeros(0, dtype=np.int64), crowded, pool_keys
    return np.unique(np.concatenate(parts).astype(np.int64, copy=False)), crowded, pool_keys


#: :func:`_best_proposals` reads every column when asked for more than this share of them.
BEST_ALL_COLUMNS = 0.5


class _ColumnTop:
    """Each column's ``take`` best rows, fed row chunk by row chunk (see :func:`_best_proposals`).

    Only the cells at or above a per-column floor are kept (one comparison per cell): the floor
    is the ``take``-th best value among the cells seen so far (first: in the first chunk), a
    lower bound on the column's ``take``-th best; the collection is ranked per column (and the
    floor raised) after chunks 1, 2, 4, 8, ... and at the end. Ties: the lower row first.
    """

    def __init__(self, n_cols: int, take: int) -> None:
        self.take = take
        self.floor = np.full(n_cols, -np.inf)
        self.rows = np.zeros(0, dtype=np.int64)
        self.which = np.zeros(0, dtype=np.int64)
        self.vals = np.zeros(0)
        self.rank = np.zeros(0, dtype=np.int64)
        self.parts: list[tuple[IntArray, IntArray, FloatArray]] = []
        self.fed = 0

    def feed(self, block: FloatArray, start: int) -> None:
        """``block``: float[rows, n_cols], rows ``start ...`` of the matrix (-inf: excluded)."""
        i, n_rows = self.fed, block.shape[0]
        self.fed += 1
        if i == 0 and n_rows > self.take:  # the first floor: the chunk's take-th best
            self.floor = np.partition(block, n_rows - self.take, axis=0)[n_rows - self.take]
        r_idx, c_idx = np.nonzero(block >= self.floor[None, :])
        self.parts.append((r_idx + start, c_idx, block[r_idx, c_idx]))
        if (i + 1) & i == 0:  # after chunks 1, 2, 4, 8, ...
            self._rank()

    def _rank(self) -> None:
        parts, self.parts = self.parts, []
        rows = np.concatenate([self.rows, *(p[0] for p in parts)])
        which = np.concatenate([self.which, *(p[1] for p in parts)])
        vals = np.concatenate([self.vals, *(p[2] for p in parts)])
        # by column, best first; stable, so ties keep row order (lower row first)
        order = np.lexsort((-vals, which))
        rows, which, vals = rows[order], which[order], vals[order]
        rank = np.arange(which.size) - np.searchsorted(which, which, side="left")
        keep = rank < self.take
        self.rows, self.which, self.vals = rows[keep], which[keep], vals[keep]
        self.rank = rank[keep]
        last = self.rank == self.take - 1
        self.floor[self.which[last]] = self.vals[last]

    def keys(self, want: IntArray, col_ids: IntArray, n_revs: int) -> IntArray:
        """Keys ``row * n_revs + col_ids[j]`` of each column j's ``want[j]`` best finite rows
        (``want``: int[n_cols], at most ``take``)."""
        if self.parts:
            self._rank()
        keep = (self.rank < want[self.which]) & np.isfinite(self.vals)
        keys: IntArray = self.rows[keep] * n_revs + col_ids[self.which[keep]]
        return keys


def _best_proposals(
    instance: AssignmentInstance, cols: IntArray, want: IntArray, *, step: int = 0
) -> IntArray:
    """Keys ``p * R + r`` of each reviewer ``cols[j]``'s ``want[j]`` best non-conflicted
    proposals.

    The matrix is row-major, so reading whole columns would be a strided gather over all of it
    (~1.4 s at 5,000 x 5,000). Instead the rows are read chunk by chunk (``step`` rows; 0: a
    few million cells) into a :class:`_ColumnTop`. When most columns are asked for, whole rows
    are read (views, no copies) and the other columns ignored.
    """
    aff, con = instance.affinity, instance.conflict
    n_props, n_revs = aff.shape
    every = cols.size == n_revs or cols.size > BEST_ALL_COLUMNS * n_revs
    take = int(want.max()) if want.size else 0
    if take == 0:
        return np.zeros(0, dtype=np.int64)
    step = max(take, step or chunk_rows(n_revs if every else cols.size))
    top = _ColumnTop(n_revs if every else cols.size, take)
    for start in range(0, n_props, step):
        stop = min(n_props, start + step)
        a = aff[start:stop] if every else aff[start:stop, cols]
        c = con[start:stop] if every else con[start:stop, cols]
        top.feed(np.where(c, -np.inf, a), start)
    if every:
        every_want = np.zeros(n_revs, dtype=np.int64)
        every_want[cols] = want
        return top.keys(every_want, np.arange(n_revs), n_revs)
    return top.keys(want, cols, n_revs)


def _solve_lp(
    instance: AssignmentInstance,
    keys: IntArray,
    weights: FloatArray,
    *,
    phase1: bool,
    method: str,
) -> LPOutcome:
    """Solve the LP restricted to the pairs ``keys`` from scratch (phase 1: minimise slack)."""
    n_props, n_revs = instance.affinity.shape
    bilateral = instance.bilateral
    cand_p, cand_r = np.divmod(keys, n_revs)
    n = keys.size
    arange = np.arange(n)
    needy = np.flatnonzero(instance.min_load > 0)
    min_row = np.full(n_revs, -1, dtype=np.int64)
    n_pc = 2 * n_props if bilateral else 0
    min_row[needy] = n_pc + n_revs + np.arange(needy.size)
    n_ub = n_pc + n_revs + needy.size
    n_art = (n_props + n_pc + needy.size) if phase1 else 0

    eq_rows = [cand_p]
    eq_cols = [arange]
    eq_vals = [np.ones(n)]
    ub_rows = [n_pc + cand_r]
    ub_cols = [arange]
    ub_vals = [np.ones(n)]
    if bilateral:
        ub_rows.append(2 * cand_p + instance.reviewer_country[cand_r])
        ub_cols.append(arange)
        ub_vals.append(-np.ones(n))
    has_min = min_row[cand_r] >= 0
    ub_rows.append(min_row[cand_r][has_min])
    ub_cols.append(arange[has_min])
    ub_vals.append(-np.ones(int(has_min.sum())))
    if phase1:
        eq_rows.append(np.arange(n_props))
        eq_cols.append(n + np.arange(n_props))
        eq_vals.append(np.ones(n_props))
        extra_rows = np.concatenate([np.arange(n_pc), n_pc + n_revs + np.arange(needy.size)])
        ub_rows.append(extra_rows)
        ub_cols.append(n + n_props + np.arange(extra_rows.size))
        ub_vals.append(-np.ones(extra_rows.size))
    n_cols = n + n_art
    import scipy.sparse as sp  # lazily: ~0.25 s to import, and only the LP paths need it

    a_eq = sp.csc_matrix(
        (np.concatenate(eq_vals), (np.concatenate(eq_rows), np.concatenate(eq_cols))),
        shape=(n_props, n_cols),
    )
    a_ub = sp.csc_matrix(
        (np.concatenate(ub_vals), (np.concatenate(ub_rows), np.concatenate(ub_cols))),
        shape=(n_ub, n_cols),
    )
    b_ub = np.concatenate(
        [
            -np.ones(n_pc),
            instance.max_load.astype(np.float64),
            -instance.min_load[needy].astype(np.float64),
        ]
    )
    b_eq = np.full(n_props, float(instance.k))
    if phase1:
        cost = np.concatenate([np.zeros(n), np.ones(n_art)])
        upper = np.concatenate([np.ones(n), np.full(n_art, np.inf)])
    else:
        cost = -weights
        upper = np.ones(n)
    bounds = np.column_stack([np.zeros(n_cols), upper])
    from scipy.optimize import linprog  # lazily: scipy.optimize takes ~0.3 s to import

    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method=method)
    if res.status == 2:
        return LPOutcome(2, keys, np.zeros(0), float("nan"), None)
    if res.status != 0:
        raise SolverError(f"HiGHS stopped with status {res.status}: {res.message}")
    ub_marg = np.asarray(res.ineqlin.marginals, dtype=np.float64)
    alpha = -np.asarray(res.eqlin.marginals, dtype=np.float64)
    beta = (
        np.minimum(ub_marg[:n_pc].reshape(n_props, 2), 0.0) if bilateral else np.zeros((n_props, 2))
    )
    gamma = np.maximum(-ub_marg[n_pc : n_pc + n_revs], 0.0)
    delta = np.zeros(n_revs)
    delta[needy] = np.maximum(-ub_marg[n_pc + n_revs :], 0.0)
    return LPOutcome(
        0,
        keys,
        np.asarray(res.x[:n], dtype=np.float64),
        float(res.fun),
        Duals(alpha, beta, gamma, delta),
    )


def solve(
    instance: AssignmentInstance,
    *,
    candidates_per_country: int = DEFAULT_CANDIDATES,
    max_iterations: int = 200,
    method: str = DEFAULT_METHOD,
) -> AssignmentResult:
    """The assignment of maximum total affinity, with a certificate of optimality.

    ``instance``: affinity float[P, R], conflict bool[P, R], reviewer_country int[R], k,
    min_load/max_load int[R]. Returns :class:`AssignmentResult` (pairs int64[k*P, 2]).
    ``method``: ``"flow"`` (default): each round solves an integer min-cost flow on the
    candidates (OR-Tools) and prices with its node potentials. Or the LP path: the solver of the
    first LP, ``"highs-ipm"`` (interior point + crossover), ``"highs-ds"`` (dual simplex) or
    ``"highs"`` (HiGHS chooses); later rounds warm-start HiGHS's dual simplex from the previous
    basis. Both are exact; ``bench/bench_assign.py --methods`` compares them.
    Raises :class:`InfeasibleAssignmentError` saying which constraint makes it infeasible.
    """
    return solve_weighted(
        instance,
        candidates_per_country=candidates_per_country,
        max_iterations=max_iterations,
        method=method,
    )


def solve_weighted(
    instance: AssignmentInstance,
    *,
    bonus_keys: IntArray | None = None,
    bonus: float = 0.0,
    candidates_per_country: int = DEFAULT_CANDIDATES,
    candidates_per_reviewer: int = DEFAULT_CANDIDATES_PER_REVIEWER,
    max_iterations: int = 200,
    method: str = DEFAULT_METHOD,
    crowded: bool | None = None,
) -> AssignmentResult:
    """:func:`solve` with ``bonus`` added to the weight of the pairs ``bonus_keys`` (p*R + r).

    The reported ``objective`` is the plain total affinity; ``bound`` is the certified bound on
    the weighted objective minus ``bonus`` times the bonus pairs kept (a bound on total affinity
    among assignments that keep as many bonus pairs). ``crowded`` forces the choice of first
    candidates (see :func:`candidates`; None: detect it). ``method``: ``"flow"`` (min-cost
    flow, the default) or an LP method (``"highs-ipm"``, ``"highs-ds"``, ``"highs"``: column
    generation on HiGHS).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    kwargs = {
        "bonus_keys": bonus_keys,
        "bonus": bonus,
        "candidates_per_country": candidates_per_country,
        "candidates_per_reviewer": candidates_per_reviewer,
        "max_iterations": max_iterations,
        "crowded": crowded,
    }
    if method == "flow":
        return _solve_weighted_flow(instance, **kwargs)  # type: ignore[arg-type]
    return _solve_weighted_lp(instance, method=method, **kwargs)  # type: ignore[arg-type]


def _prepare(
    instance: AssignmentInstance,
    bonus_keys: IntArray | None,
    candidates_per_country: int,
    candidates_per_reviewer: int,
    crowded: bool | None,
    timings: dict[str, float],
    pool_per_country: int = 0,
) -> tuple[IntArray | None, IntArray, IntArray, bool]:
    """Checks and first candidates: ``(bonus_keys cleaned, candidate keys, pool keys,
    crowded)``."""
    if bonus_keys is not None:
        bonus_keys = np.unique(np.asarray(bonus_keys, dtype=np.int64))
        bonus_keys = bonus_keys[~instance.conflict.ravel()[bonus_keys]]
    t = time.perf_counter()
    check_necessary(instance)
    timings["checks"] = time.perf_counter() - t
    t = time.perf_counter()
    keys = pool = np.zeros(0, dtype=np.int64)
    if instance.n_proposals:
        keys, crowded, pool = candidates_and_pool(
            instance,
            candidates_per_country,
            bonus_keys,
            per_reviewer=candidates_per_reviewer,
            crowded=crowded,
            pool_per_country=pool_per_country,
        )
        pool = np.setdiff1d(pool, keys, assume_unique=False)
    timings["candidates"] = time.perf_counter() - t
    return bonus_keys, keys, pool, bool(crowded)


def _weights(
    instance: AssignmentInstance, pairs: IntArray, bonus_keys: IntArray | None, bonus: float
) -> FloatArray:
    w = instance.affinity.ravel()[pairs]
    if bonus_keys is not None and bonus_keys.size:
        w = w + bonus * np.isin(pairs, bonus_keys)
    return w


def _result(
    instance: AssignmentInstance,
    chosen: IntArray,
    duals: Duals,
    positive: float,
    bonus_keys: IntArray | None,
    bonus: float,
    iterations: int,
    n_candidates: int,
    timings: dict[str, float],
    t_start: float,
) -> AssignmentResult:
    """Check the assignment ``chosen`` (sorted keys) and certify it with ``duals``."""
    t = time.perf_counter()
    n_revs = instance.n_reviewers
    pairs = np.column_stack(np.divmod(chosen, n_revs)).astype(np.int64)
    problems = check_assignment(instance, pairs)
    if problems:
        raise SolverError("the solver's assignment breaks constraints: " + "; ".join(problems))
    objective = float(instance.affinity[pairs[:, 0], pairs[:, 1]].sum())
    bound = duals.const(instance) + positive
    if bonus_keys is not None and bonus_keys.size:
        kept = int(np.isin(chosen, bonus_keys, assume_unique=True).sum())
        bound -= bonus * kept
    gap = max(0.0, bound - objective)
    timings["verify"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_start
    return AssignmentResult(
        pairs=pairs,
        objective=objective,
        bound=bound,
        gap=gap,
        relative_gap=gap / max(1.0, abs(objective)),
        iterations=iterations,
        n_candidates=n_candidates,
        timings=timings,
    )


def _from_pool(
    instance: AssignmentInstance,
    duals: Duals,
    pool: IntArray,
    scale: float,
    bonus_keys: IntArray | None,
    bonus: float,
    threshold: float,
    per_proposal: int,
) -> tuple[IntArray, IntArray, float]:
    """The pool pairs with reduced cost > ``threshold`` (at most ``per_proposal`` per proposal,
    the largest first), the rest of the pool, and the largest reduced cost in the pool:
    ``(new keys sorted, pool without them, max)``."""
    if pool.size == 0:
        return pool, pool, -np.inf
    rc = price_pairs(instance, duals, pool, scale=scale, bonus_keys=bonus_keys, bonus=bonus)
    hit = np.flatnonzero(rc > threshold)
    if hit.size == 0:
        return np.zeros(0, dtype=np.int64), pool, float(rc.max())
    top = float(rc[hit].max())
    keys, vals = pool[hit], rc[hit]
    props = keys // instance.n_reviewers
    order = np.lexsort((-vals, props))
    rank = np.arange(keys.size) - np.searchsorted(props[order], props[order], side="left")
    take = np.zeros(pool.size, dtype=bool)
    take[hit[order[rank < per_proposal]]] = True
    return pool[take], pool[~take], top


def _prune(
    instance: AssignmentInstance,
    duals: Duals,
    keys: IntArray,
    used: IntArray,
    pool: IntArray,
    bonus_keys: IntArray | None,
    bonus: float,
    margin: float,
) -> tuple[IntArray, IntArray]:
    """``keys`` without the pairs priced below ``-margin`` by ``duals`` (except ``used``, the
    last flow's pairs), and ``pool`` with them: ``(keys, pool)``, both sorted."""
    rc = price_pairs(instance, duals, keys, scale=1.0, bonus_keys=bonus_keys, bonus=bonus)
    drop = rc < -margin
    drop[np.searchsorted(keys, used)] = False
    if not drop.any():
        return keys, pool
    return keys[~drop], _merge(pool, keys[drop])


def _merge(keys: IntArray, new: IntArray) -> IntArray:
    """Sorted union of two disjoint sorted key arrays."""
    out = np.concatenate([keys, new])
    out.sort(kind="stable")
    return out


def _solve_weighted_flow(
    instance: AssignmentInstance,
    *,
    bonus_keys: IntArray | None,
    bonus: float,
    candidates_per_country: int,
    candidates_per_reviewer: int,
    max_iterations: int,
    crowded: bool | None,
) -> AssignmentResult:
    """Column generation with an integer min-cost flow (OR-Tools) as the restricted solver.

    Each round: min-cost flow on the candidate pairs, node potentials from its residual network
    (:mod:`accord.core.assignment.flow`), pricing of every pair of the dense matrix with them;
    the pairs with a positive reduced cost join the candidates, until none does. When the
    candidates admit no flow, phase 1 (hub arcs counting the unfilled places) prices the missing
    pairs the same way; if even every pair leaves places unfilled, the LP path
    (:func:`_solve_weighted_lp`) states why in words.
    """
    t_start = time.perf_counter()
    timings = {"checks": 0.0, "candidates": 0.0, "lp": 0.0, "pricing": 0.0, "verify": 0.0}
    bonus_keys, keys, pool, crowded = _prepare(
        instance,
        bonus_keys,
        candidates_per_country,
        candidates_per_reviewer,
        crowded,
        timings,
        pool_per_country=FLOW_POOL_PER_COUNTRY,
    )
    if instance.n_proposals == 0:
        timings["total"] = time.perf_counter() - t_start
        return AssignmentResult(np.zeros((0, 2), np.int64), 0.0, 0.0, 0.0, 0.0, 0, 0, timings)
    aff = instance.affinity
    scale_ref = max(1.0, float(aff.max()), -float(aff.min()))
    tolerance = 1e-9 * scale_ref
    n_props, n_revs = aff.shape
    net = FlowNetwork(instance)
    top = max(float(aff.max()), -float(aff.min())) + abs(bonus)
    # costs: exact small integers when the affinities lie on a grid (levels, bids), else the
    # affinities scaled by the largest power of two that keeps the sums within int64
    grid = grid_scale(aff, bonus, net.n_nodes)
    unit = grid or (integer_weights(np.array([top]), net.n_nodes)[1] if top > 0 else 1.0)
    small = n_props * n_revs <= SMALL_CELLS and not crowded
    per_new = FLOW_NEW_PER_PROPOSAL_SMALL if small else FLOW_NEW_PER_PROPOSAL
    per_pool = FLOW_POOL_NEW_PER_PROPOSAL
    # Hub arcs stand for every missing pair at a cost of HUB_FACTOR x the largest |weight|, so
    # the candidates always admit a flow (a single phase); a unit through a hub gives its
    # proposal a large dual, so pricing brings in its real pairs. If every pair is priced and a
    # hub still carries flow, the instance is infeasible (or the factor too small): the exact
    # two-phase LP path then decides and says why.
    hub_cost = int(HUB_FACTOR * np.ceil(top * unit))
    start: FloatArray | None = None  # the last round's potentials (a warm start)
    # New pairs: those with reduced cost above -slack, not only the positive ones, so that the
    # pairs the next duals will want are mostly in already (fewer rounds; exactness unchanged:
    # the loop stops only when no pair of the full matrix has a positive reduced cost).
    slack = (FLOW_SLACK_SMALL if small else FLOW_SLACK) * max(
        float(aff.max() - aff.min()), tolerance
    )
    if grid and slack < 1.0 / grid:
        # On a grid the reduced costs are multiples of 1 / grid, so the slack zone holds only
        # exact ties (reduced cost 0): with few levels, masses of equal alternatives that
        # bloat every network. Take the positive pairs only (4-level bids at 5,000: 5 -> 4
        # rounds, 6.1 -> 4.1 s; bench/README.md).
        slack = -0.5 / grid
    prune = FLOW_PRUNE * max(float(aff.max() - aff.min()), tolerance)
    last: tuple[FlowOutcome, Duals, IntArray] | None = None  # last round's flow, duals, pairs
    iterations = 0
    while True:
        iterations += 1
        if iterations > max_iterations:
            raise SolverError(f"column generation did not converge in {max_iterations} rounds")
        t = time.perf_counter()
        if (
            last is not None
            and last[0].unfilled <= FLOW_PRUNE_HUB_SHARE * instance.k * n_props
            and keys.size > FLOW_PRUNE_MIN_PAIRS
        ):
            keys, pool = _prune(instance, last[1], keys, last[2], pool, bonus_keys, bonus, prune)
        costs = -np.rint(_weights(instance, keys, bonus_keys, bonus) * unit).astype(np.int64)
        # Once a flow used no hub, the hubs can go: every later network keeps that flow's pairs
        # (pruning never drops a used pair), so it stays feasible without them (and a network
        # without hubs solves faster).
        hubs = last is None or last[0].unfilled > 0
        if (
            hubs
            and last is not None
            and last[0].unfilled <= FLOW_TRY_NO_HUBS * instance.k * n_props
        ):
            # few units went through the hubs last time, and the new pairs may well carry them:
            # try the network without hubs first (OR-Tools rejects an infeasible one in ~0.01 s)
            out = net.solve(keys, costs, hub_cost=None, start=start)
            if not out.feasible:
                out = net.solve(keys, costs, hub_cost=hub_cost, start=start)
        else:
            out = net.solve(keys, costs, hub_cost=hub_cost if hubs else None, start=start)
        timings["lp"] += time.perf_counter() - t
        if not out.feasible:
            break
        chosen = keys[out.used]  # sorted, as keys are
        start = out.potentials
        t = time.perf_counter()
        duals = scaled(out.duals, 1.0 / unit)
        last = (out, duals, chosen)
        new, pool, top_rc = _from_pool(
            instance, duals, pool, 1.0, bonus_keys, bonus, -slack, per_pool
        )
        if (
            top_rc > tolerance
            and new.size > FLOW_POOL_ENOUGH * keys.size
            and not out.unfilled
            and n_props * n_revs > SMALL_CELLS  # small: a full pass costs little, saves rounds
        ):
            timings["pricing"] += time.perf_counter() - t
            keys = _merge(keys, new)
            continue
        # Few or no pool pairs: price the whole matrix (this also certifies when none is found).
        if new.size:
            keys = _merge(keys, new)
        positive, more = price(
            instance,
            duals,
            scale=1.0,
            candidates=keys,
            bonus_keys=bonus_keys,
            bonus=bonus,
            tolerance=-slack,
            max_new_per_proposal=per_new,
        )
        timings["pricing"] += time.perf_counter() - t
        top_more = (
            float(
                price_pairs(
                    instance, duals, more, scale=1.0, bonus_keys=bonus_keys, bonus=bonus
                ).max()
            )
            if more.size
            else -np.inf
        )
        if max(top_rc, top_more) <= tolerance:
            # Certified: no pair outside the flow's candidates has a positive reduced cost.
            # (Pairs just added from the pool have rc <= tolerance too, so dropping them from
            # the final set changes nothing: the flow is optimal on the old candidates.)
            if new.size:
                keys = np.setdiff1d(keys, new, assume_unique=True)
            break
        if pool.size and more.size:
            pool = np.setdiff1d(pool, more, assume_unique=True)
        if np.unique(more // n_revs).size <= max(1, FLOW_FEW_PROPOSALS * n_props):
            # Few proposals still want pairs (as after a decline, when the one proposal's best
            # reviewers are all full): widen their search geometrically, not 12 pairs a round.
            per_new = min(n_revs, FLOW_WIDEN * per_new)
        keys = _merge(keys, more)
    if not out.feasible or out.unfilled:
        return _solve_weighted_lp(
            instance,
            method="highs-ds",
            scipy_only=True,
            bonus_keys=bonus_keys,
            bonus=bonus,
            candidates_per_country=candidates_per_country,
            candidates_per_reviewer=candidates_per_reviewer,
            max_iterations=max_iterations,
            crowded=crowded,
        )
    return _result(
        instance,
        chosen,
        duals,
        positive,
        bonus_keys,
        bonus,
        iterations,
        int(keys.size),
        timings,
        t_start,
    )


def _solve_weighted_lp(
    instance: AssignmentInstance,
    *,
    bonus_keys: IntArray | None = None,
    bonus: float = 0.0,
    candidates_per_country: int = DEFAULT_CANDIDATES,
    candidates_per_reviewer: int = DEFAULT_CANDIDATES_PER_REVIEWER,
    max_iterations: int = 200,
    method: str = "highs-ipm",
    crowded: bool | None = None,
    scipy_only: bool = False,
) -> AssignmentResult:
    """Column generation with HiGHS's LP (warm-started dual simplex) as the restricted solver.

    ``scipy_only``: start in phase 1 and solve every LP from scratch with scipy's HiGHS (no
    highspy, which cannot share a process with OR-Tools); the flow path's route to the words of
    an infeasibility.
    """
    t_start = time.perf_counter()
    timings = {"checks": 0.0, "candidates": 0.0, "lp": 0.0, "pricing": 0.0, "verify": 0.0}
    n_props = instance.affinity.shape[0]
    if bonus_keys is not None:
        bonus_keys = np.unique(np.asarray(bonus_keys, dtype=np.int64))
        bonus_keys = bonus_keys[~instance.conflict.ravel()[bonus_keys]]
    t = time.perf_counter()
    check_necessary(instance)
    timings["checks"] = time.perf_counter() - t
    if n_props == 0:
        timings["total"] = time.perf_counter() - t_start
        return AssignmentResult(np.zeros((0, 2), np.int64), 0.0, 0.0, 0.0, 0.0, 0, 0, timings)
    t = time.perf_counter()
    keys, crowded = candidates(
        instance,
        candidates_per_country,
        bonus_keys,
        per_reviewer=candidates_per_reviewer,
        crowded=crowded,
    )
    timings["candidates"] = time.perf_counter() - t
    per_new = 2 * candidates_per_country
    aff = instance.affinity
    scale_ref = max(1.0, float(aff.max()), -float(aff.min()))  # no |affinity| temporary
    tolerance = 1e-9 * scale_ref
    phase1 = scipy_only
    iterations = 0
    # The first LP: by default the interior point method with crossover (from the slack basis
    # the dual simplex needs 3-20x more time at 5,000 x 5,000); later rounds warm-start the
    # dual simplex from the previous basis.
    lp_method = method
    warm: WarmLP | None = None

    def weights_of(pairs: IntArray) -> FloatArray:
        w = instance.affinity.ravel()[pairs]
        if bonus_keys is not None and bonus_keys.size:
            w = w + bonus * np.isin(pairs, bonus_keys)
        return w

    while True:
        iterations += 1
        if iterations > max_iterations:
            raise SolverError(f"column generation did not converge in {max_iterations} rounds")
        t = time.perf_counter()
        if phase1:
            out = _solve_lp(instance, keys, weights_of(keys), phase1=True, method=lp_method)
        elif scipy_only:
            out = _solve_lp(instance, keys, weights_of(keys), phase1=False, method="highs-ds")
        else:
            if warm is None:
                warm = WarmLP(instance, lp_method)
                warm.add(keys, weights_of(keys))
            out = warm.run()
        timings["lp"] += time.perf_counter() - t
        if out.status == 2:
            if phase1:
                raise SolverError("the phase-1 LP cannot be infeasible; HiGHS says it is")
            phase1 = True
            warm = None  # rebuilt on the phase-1 candidates
            continue
        assert out.duals is not None
        t = time.perf_counter()
        positive, new = price(
            instance,
            out.duals,
            scale=0.0 if phase1 else 1.0,
            candidates=keys,
            bonus_keys=bonus_keys,
            bonus=bonus,
            tolerance=1e-9 if phase1 else tolerance,
            max_new_per_proposal=per_new,
        )
        timings["pricing"] += time.perf_counter() - t
        if new.size:
            keys = np.union1d(keys, new)
            if warm is not None:
                warm.add(new, weights_of(new))
            continue
        if phase1:
            if out.objective > 0.5:
                raise explain_farkas(instance, out.duals, out.objective)
            phase1 = False
            continue
        fractional = float(np.abs(out.x - np.round(out.x)).max()) if out.x.size else 0.0
        if fractional > 1e-6:
            if lp_method != "highs-ds":
                lp_method = "highs-ds"
                warm = None
                continue
            raise SolverError(f"the LP optimum is not integral (max fractional part {fractional})")
        break
    chosen = np.sort(out.keys[out.x > 0.5])
    return _result(
        instance,
        chosen,
        out.duals,
        positive,
        bonus_keys,
        bonus,
        iterations,
        int(keys.size),
        timings,
        t_start,
    )
