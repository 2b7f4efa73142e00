"""The restricted assignment problem as an integer min-cost flow (OR-Tools), and its potentials.

The network on a candidate set of pairs (``P`` proposals, ``R`` reviewers)::

    proposal p  --[0, k-2]-->  (p, c)  --[0, 1], cost -w[p, r]-->  reviewer r  --[min, max]-->  T

with the lower bounds moved into the supplies: proposal p supplies k-2, each (p, c) supplies
1 (so every proposal sends k units, at least one through each country), reviewer r demands
``min_load[r]`` and its arc to the sink T carries ``max_load[r] - min_load[r]`` more, T
demands the rest of ``k * P``. Without the bilateral rule (one country) each (p, 0) supplies k.

OR-Tools' ``SimpleMinCostFlow`` (cost scaling, integer costs) solves it; the weights are scaled
to integers (:func:`integer_weights`). It does not return node potentials, so they are
recovered from the optimal flow: shortest-path distances ``d`` in the residual network from a
root joined to every node (Bellman-Ford; the residual network of an optimal flow has no
negative cycle). They satisfy ``cost + d(tail) - d(head) >= 0`` on every residual arc, which is
complementary slackness; :func:`potentials_to_duals` turns them into the LP duals of
:class:`accord.core.assignment.duals.Duals` used to price every pair of the dense matrix and to
certify the bound.

Hub arcs (optional): two hub nodes, one per country, join every (p, c) to every reviewer of
country c at a given (large) cost per unit: stand-ins for the pairs not among the candidates,
so that a flow always exists; pricing with the potentials then brings in the real pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from accord.core.assignment.duals import Duals, FloatArray
from accord.core.assignment.errors import SolverError
from accord.core.assignment.model import AssignmentInstance, IntArray

#: Largest integer arc cost magnitude: OR-Tools needs |cost| * (nodes + 1) within int64, and the
#: residual distances (at most nodes * |cost|) stay exact in float64 below 2**53.
COST_BITS = 52


@dataclass(frozen=True)
class FlowOutcome:
    """One min-cost-flow solve on the candidate pairs.

    ``feasible``: the supplies can all be routed. ``used``: bool[n] per candidate pair (in the
    order given), True when assigned. ``unfilled``: the units routed through the hubs. ``duals``: LP duals from the potentials, in integer
    cost units. ``potentials``: float64[nodes] (None when infeasible).
    """

    feasible: bool
    used: npt.NDArray[np.bool_]
    unfilled: int
    duals: Duals
    potentials: FloatArray | None


def integer_weights(weights: FloatArray, n_nodes: int) -> tuple[IntArray, float]:
    """``(round(weights * scale), scale)`` with the largest |cost| about 2**COST_BITS / nodes."""
    top = float(np.abs(weights).max()) if weights.size else 0.0
    if top == 0.0:
        return np.zeros(weights.size, dtype=np.int64), 1.0
    scale = float(2**COST_BITS) / (float(n_nodes + 2) * top)
    # a power of two: scaling is then exact in binary and reversible
    scale = float(2.0 ** np.floor(np.log2(scale)))
    return np.rint(weights * scale).astype(np.int64), scale


#: The grids :func:`grid_scale` looks for: (base, finest exponent, tolerance in grid steps).
#: Binary grids (levels, halves, ... 2**-10) are exact in floating point; decimal ones (values
#: written with up to 6 decimals, as exported scores are) only to a rounding error.
GRIDS: tuple[tuple[float, int, float], ...] = ((2.0, 10, 0.0), (10.0, 6, 1e-6))
#: Cells :func:`grid_scale` samples before it reads the whole matrix.
GRID_SAMPLE = 4096


def grid_scale(affinity: FloatArray, bonus: float, n_nodes: int) -> float | None:
    """The smallest scale (a power of 2 up to 2**10, else of 10 up to 10**6, see GRIDS) that
    makes every affinity (and ``bonus``) an integer, when the costs then stay within
    COST_BITS; None otherwise.

    Bids, graded self-assessments and scores on a scale of levels or written with few decimals
    are such data. Their integer costs are then small, and OR-Tools' cost scaling needs far
    fewer phases on their many ties than with the costs of :func:`integer_weights` (a 4-level
    instance at 5,000 x 5,000: the solves 8.8 -> 3.4 s, bench/README.md); two assignments
    whose totals differ differ by at least one grid step, so the optimum is the same.
    Continuous affinities fail on a sample of GRID_SAMPLE cells, at once.
    """
    n_rows, n_cols = affinity.shape
    if affinity.size == 0:
        return None
    every = max(1, int(np.sqrt(affinity.size / GRID_SAMPLE)))
    sample = np.append(affinity[::every, ::every].ravel(), bonus)  # a view, then ~4k cells
    step = max(1, (1 << 22) // max(1, n_cols))  # ~4M cells at a time
    for base, finest, tolerance in GRIDS:
        exponent = _grid_exponent(sample, base, 0, finest, tolerance)
        top = 0.0
        for start in range(0, n_rows, step):
            if exponent is None:
                break
            block = affinity[start : start + step]
            # a finer grid of the same base keeps the earlier blocks on it
            exponent = _grid_exponent(block, base, exponent, finest, tolerance)
            top = max(top, float(np.abs(block).max()))
        if exponent is not None:
            scale = base**exponent
            if (top + abs(bonus)) * scale * (n_nodes + 2) >= 2.0**COST_BITS:
                return None
            return scale
    return None


def _grid_exponent(
    values: FloatArray, base: float, start: int, finest: int, tolerance: float
) -> int | None:
    """The smallest ``e`` in [start, finest] with every ``values * base**e`` within
    ``tolerance`` of an integer (exactly one when the tolerance is 0)."""
    for exponent in range(start, finest + 1):
        scaled_values = values * base**exponent
        off = np.abs(scaled_values - np.rint(scaled_values))
        if (off.max() if off.size else 0.0) <= tolerance:
            return exponent
    return None


class FlowNetwork:
    """Node numbering and the fixed (non-pair) arcs of ``instance``'s network."""

    def __init__(self, instance: AssignmentInstance) -> None:
        n_props, n_revs = instance.affinity.shape
        k = instance.k
        self.instance = instance
        self.n_props, self.n_revs = n_props, n_revs
        self.bilateral = instance.bilateral
        self.rev0 = 3 * n_props  # reviewer r is node rev0 + r
        self.sink = 3 * n_props + n_revs
        self.hub0 = self.sink + 1  # phase 1 only: hub of country c is hub0 + c
        self.n_nodes = self.sink + 3
        supply = np.zeros(self.n_nodes, dtype=np.int64)
        props = np.arange(n_props, dtype=np.int64)
        tails: list[IntArray] = []
        heads: list[IntArray] = []
        caps: list[IntArray] = []
        if self.bilateral:
            supply[2 * props] = 1
            supply[2 * props + 1] = 1
            supply[2 * n_props + props] = k - 2
            if k > 2:
                for c in (0, 1):
                    tails.append(2 * n_props + props)
                    heads.append(2 * props + c)
                    caps.append(np.full(n_props, k - 2, dtype=np.int64))
        else:
            supply[2 * props] = k
        revs = np.arange(n_revs, dtype=np.int64)
        supply[self.rev0 + revs] = -instance.min_load
        supply[self.sink] = -(k * n_props - int(instance.min_load.sum()))
        tails.append(self.rev0 + revs)
        heads.append(np.full(n_revs, self.sink, dtype=np.int64))
        caps.append(instance.max_load - instance.min_load)
        self.supply = supply
        self.fixed_tails = np.concatenate(tails)
        self.fixed_heads = np.concatenate(heads)
        self.fixed_caps = np.concatenate(caps)

    def pair_nodes(self, keys: IntArray) -> tuple[IntArray, IntArray]:
        """Tail (the (p, c) node) and head (the reviewer node) of each pair ``p * R + r``."""
        p, r = np.divmod(keys.astype(np.int64, copy=False), self.n_revs)
        c = self.instance.reviewer_country[r] if self.bilateral else 0
        tail: IntArray = (2 * p + c).astype(np.int64, copy=False)
        head: IntArray = (self.rev0 + r).astype(np.int64, copy=False)
        return tail, head

    def hub_arcs(self) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Hub arcs: (p, c) -> hub c (capacity k, cost 1), hub c -> reviewers of country c
        (capacity max_load, cost 0)."""
        n_props, k = self.n_props, self.instance.k
        props = np.arange(n_props, dtype=np.int64)
        countries = (0, 1) if self.bilateral else (0,)
        country = self.instance.reviewer_country if self.bilateral else np.zeros(self.n_revs, int)
        tails, heads, caps, costs = [], [], [], []
        for c in countries:
            tails.append(2 * props + c)
            heads.append(np.full(n_props, self.hub0 + c, dtype=np.int64))
            caps.append(np.full(n_props, k, dtype=np.int64))
            costs.append(np.ones(n_props, dtype=np.int64))
            revs = np.flatnonzero(country == c).astype(np.int64)
            tails.append(np.full(revs.size, self.hub0 + c, dtype=np.int64))
            heads.append(self.rev0 + revs)
            caps.append(self.instance.max_load[revs].astype(np.int64))
            costs.append(np.zeros(revs.size, dtype=np.int64))
        return (
            np.concatenate(tails),
            np.concatenate(heads),
            np.concatenate(caps),
            np.concatenate(costs),
        )

    def solve(
        self,
        keys: IntArray,
        costs: IntArray,
        *,
        hub_cost: int | None = None,
        start: FloatArray | None = None,
    ) -> FlowOutcome:
        """Min-cost flow over the pairs ``keys`` (pair costs ``costs``, integers; minimised).

        ``hub_cost``: add the hub arcs ((p, c) -> hub c costs ``hub_cost`` per unit), so that
        a flow always exists; ``unfilled`` counts the units through them. ``start``: the
        potentials of the previous round (``FlowOutcome.potentials``), to find the new ones
        faster.
        """
        n_pairs = int(keys.size)
        pt, ph = self.pair_nodes(keys)
        n_fixed = self.fixed_tails.size
        tails = [pt, self.fixed_tails]
        heads = [ph, self.fixed_heads]
        caps = [np.ones(n_pairs, dtype=np.int64), self.fixed_caps]
        arc_costs = [costs, np.zeros(n_fixed, dtype=np.int64)]
        if hub_cost is not None:
            ht, hh, hc, hk = self.hub_arcs()
            tails.append(ht)
            heads.append(hh)
            caps.append(hc)
            arc_costs.append(hk * hub_cost)
        tail = np.concatenate(tails)
        head = np.concatenate(heads)
        cap = np.concatenate(caps)
        cost = np.concatenate(arc_costs)
        smcf = _ortools_min_cost_flow().SimpleMinCostFlow()
        arcs = smcf.add_arcs_with_capacity_and_unit_cost(tail, head, cap, cost)
        smcf.set_nodes_supplies(np.arange(self.n_nodes, dtype=np.int64), self.supply)
        status = smcf.solve()
        if status == smcf.INFEASIBLE:
            return FlowOutcome(False, np.zeros(n_pairs, bool), -1, _zero_duals(self), None)
        if status != smcf.OPTIMAL:
            raise SolverError(f"OR-Tools min-cost flow stopped with status {status!r}")
        flow = np.asarray(smcf.flows(arcs), dtype=np.int64)
        unfilled = int(flow[head >= self.hub0].sum()) if hub_cost is not None else 0
        dist = self._distances(tail, head, cap, cost, flow, n_pairs, start)
        return FlowOutcome(True, flow[:n_pairs] > 0, unfilled, self._duals(dist), dist)

    def _distances(
        self,
        tail: IntArray,
        head: IntArray,
        cap: IntArray,
        cost: IntArray,
        flow: IntArray,
        n_pairs: int,
        start: FloatArray | None = None,
    ) -> FloatArray:
        """Feasible node potentials of the residual network: ``d[head] <= d[tail] + cost``.

        Label correcting from ``start`` (the previous round's potentials, or 0): the residual
        arcs, grouped by kind in the order a path runs (pair arcs forward, reviewer to sink,
        sink to reviewer, pair arcs backward, (p, c) to p, p to (p, c)), are relaxed group by
        group (vectorised, ``np.minimum.at``) until nothing changes. Without a negative cycle
        (the flow is optimal) this reaches a fixpoint, which is a feasible potential, that is
        complementary slackness with the flow. A fixpoint from any finite start will do, so a
        warm start from the last round needs few sweeps.
        """
        fwd = flow < cap
        bwd = flow > 0
        n_split = self.fixed_tails.size - self.n_revs
        bounds = np.cumsum(
            [0, n_pairs, n_split, self.n_revs, tail.size - n_pairs - n_split - self.n_revs]
        )
        pairs, split, sink, hubs = (slice(bounds[i], bounds[i + 1]) for i in range(4))
        order = [
            (pairs, True), (sink, True), (sink, False), (pairs, False),
            (split, False), (split, True), (hubs, True), (hubs, False),
        ]  # fmt: skip
        groups: list[tuple[IntArray, IntArray, FloatArray]] = []
        for part, forward in order:
            sel = (fwd if forward else bwd)[part]
            if not sel.any():
                continue
            t, h, c = tail[part][sel], head[part][sel], cost[part][sel].astype(np.float64)
            groups.append((t, h, c) if forward else (h, t, -c))
        dist = np.zeros(self.n_nodes) if start is None else start.copy()
        limit = 4 * self.n_nodes + 10
        for _ in range(limit):
            before = dist.copy()
            for u, v, c in groups:
                np.minimum.at(dist, v, dist[u] + c)
            if np.array_equal(before, dist):
                return dist
        raise SolverError(
            "the min-cost flow is not optimal: its residual network has a negative cycle"
        )

    def _duals(self, dist: FloatArray) -> Duals:
        """LP duals (maximisation form, in integer cost units) from the potentials ``dist``."""
        n_props = self.n_props
        theta = (dist[: 2 * n_props] - dist[self.sink]).reshape(n_props, 2)
        if not self.bilateral:
            theta[:, 1] = theta[:, 0]
        rho = dist[self.sink] - dist[self.rev0 : self.rev0 + self.n_revs]
        alpha = theta.max(axis=1)
        beta = theta - alpha[:, None]
        return Duals(alpha, beta, np.maximum(rho, 0.0), np.maximum(-rho, 0.0))


def _ortools_min_cost_flow() -> Any:
    """OR-Tools' min-cost flow module, imported on first use.

    Lazily: OR-Tools and highspy each bundle their own HiGHS, and the two cannot be loaded in
    one process (undefined symbols at import). The flow path never needs highspy; the LP path
    (:mod:`accord.core.assignment.warm_lp`) never needs OR-Tools.
    """
    try:
        from ortools.graph.python import min_cost_flow
    except ImportError as exc:
        raise SolverError(
            f"OR-Tools' min-cost flow cannot be loaded ({exc}); it cannot share a process with "
            "highspy (both bundle HiGHS): use one solver method per process"
        ) from None
    return min_cost_flow


def _zero_duals(net: FlowNetwork) -> Duals:
    return Duals(
        np.zeros(net.n_props),
        np.zeros((net.n_props, 2)),
        np.zeros(net.n_revs),
        np.zeros(net.n_revs),
    )


def scaled(duals: Duals, factor: float) -> Duals:
    """``duals`` multiplied by ``factor`` (undoes the integer scaling of the costs)."""
    return Duals(
        duals.alpha * factor, duals.beta * factor, duals.gamma * factor, duals.delta * factor
    )
