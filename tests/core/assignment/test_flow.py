"""The min-cost-flow path: optimal on every pair, its potentials certify, hubs and pools."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np
import pytest
from bench.generators import make_instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.core.assignment import AssignmentInstance, check_assignment, solve
from accord.core.assignment.duals import price
from accord.core.assignment.flow import FlowNetwork, grid_scale, integer_weights, scaled
from accord.core.assignment.solve import candidates, solve_weighted
from tests.core.assignment.reference import milp_optimum, random_instance

instances = st.builds(
    random_instance,
    seed=st.integers(0, 2**32 - 1),
    n_props=st.integers(1, 6),
    n_revs=st.integers(2, 8),
    k=st.integers(2, 4),
    conflict_rate=st.sampled_from([0.0, 0.2]),
    both_countries=st.booleans(),
    max_load_slack=st.integers(0, 2),
    min_load_max=st.integers(0, 2),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances)
def test_flow_on_every_pair_is_optimal_and_its_potentials_certify_it(
    inst: AssignmentInstance,
) -> None:
    expected = milp_optimum(inst)
    keys = np.flatnonzero(~inst.conflict.ravel()).astype(np.int64)
    net = FlowNetwork(inst)
    costs, unit = integer_weights(inst.affinity.ravel()[keys], net.n_nodes)
    out = net.solve(keys, -costs)
    if expected is None:
        assert not out.feasible
        return
    assert out.feasible
    chosen = keys[out.used]
    pairs = np.column_stack(np.divmod(chosen, inst.n_reviewers))
    assert check_assignment(inst, pairs) == []
    objective = float(inst.affinity.ravel()[chosen].sum())
    assert objective == pytest.approx(expected, abs=1e-9)
    # Lagrangian bound from the potentials, priced over the whole matrix: equal to the optimum
    duals = scaled(out.duals, 1.0 / unit)
    positive, _ = price(inst, duals, scale=1.0, candidates=keys)
    assert duals.const(inst) + positive == pytest.approx(expected, abs=1e-7)


def test_hub_arcs_carry_the_places_the_candidates_cannot_fill() -> None:
    # Two proposals, k = 2, one candidate pair per country for proposal 0 only.
    inst = AssignmentInstance(
        affinity=np.array([[0.9, 0.8, 0.7, 0.6], [0.5, 0.4, 0.3, 0.2]]),
        conflict=np.zeros((2, 4), bool),
        reviewer_country=np.array([0, 0, 1, 1]),
        k=2,
        min_load=np.zeros(4, np.int64),
        max_load=np.full(4, 2),
    )
    net = FlowNetwork(inst)
    keys = np.array([0, 2], np.int64)  # (0, 0) and (0, 2)
    costs, _unit = integer_weights(inst.affinity.ravel()[keys], net.n_nodes)
    assert not net.solve(keys, -costs).feasible
    hubbed = net.solve(keys, -costs, hub_cost=10**6)
    assert hubbed.feasible
    assert hubbed.unfilled == 2  # proposal 1's two places
    assert hubbed.used.tolist() == [True, True]


@pytest.mark.parametrize("family", ["uniform", "popular", "topics", "tight", "conflicts"])
def test_flow_path_is_exact_on_every_generator_family(family: str) -> None:
    assert_exact(make_instance(family, 40, seed=3))


def assert_exact(inst: AssignmentInstance) -> None:
    """``solve`` gives a valid assignment with the MILP's optimum over every pair, certified."""
    expected = milp_optimum(inst)
    result = solve(inst)
    assert check_assignment(inst, result.pairs) == []
    assert result.objective == pytest.approx(expected, abs=1e-9)
    assert result.relative_gap <= 1e-9


def test_flow_path_brings_in_pairs_beyond_the_pool() -> None:
    # Everyone wants the same reviewers; one candidate per country and no per-reviewer
    # candidates: hubs carry the spill-over first, pricing brings the real pairs in.
    n_props, n_revs = 30, 16
    rng = np.random.default_rng(5)
    popularity = np.linspace(1.0, 0.0, n_revs)
    inst = AssignmentInstance(
        affinity=np.round(popularity[None, :] + 0.01 * rng.random((n_props, n_revs)), 6),
        conflict=np.zeros((n_props, n_revs), bool),
        reviewer_country=np.arange(n_revs) % 2,
        k=3,
        min_load=np.ones(n_revs, np.int64),
        max_load=np.full(n_revs, 7),
    )
    expected = milp_optimum(inst)
    result = solve_weighted(
        inst, candidates_per_country=1, candidates_per_reviewer=0, crowded=False, method="flow"
    )
    first = candidates(inst, 1, per_reviewer=0, crowded=False)[0]
    assert result.n_candidates > first.size
    assert result.objective == pytest.approx(expected, abs=1e-9)
    assert result.relative_gap <= 1e-9


@pytest.mark.parametrize("family", ["uniform", "popular", "topics", "tight", "conflicts"])
@pytest.mark.parametrize(
    ("small_cells", "prune_min_pairs", "prune_hub_share"),
    [
        (10_000_000, 100_000, 0.001),
        (0, 100_000, 0.001),
        (10_000_000, 0, 0.001),
        (0, 0, 0.001),
        (0, 0, 1.0),
    ],
    ids=["default", "not-small", "prune-always", "large-settings", "prune-after-hubs"],
)
def test_flow_path_is_exact_whatever_the_size_settings(
    family: str,
    small_cells: int,
    prune_min_pairs: int,
    prune_hub_share: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The size switches (every reviewer's best proposals on small instances; pruning only
    large networks, and after rounds with little hub flow) change the rounds, never the
    optimum: each setting on each family against the MILP over every pair. Small instances
    would otherwise never take the large path."""
    solve_module = importlib.import_module("accord.core.assignment.solve")
    monkeypatch.setattr(solve_module, "SMALL_CELLS", small_cells)
    monkeypatch.setattr(solve_module, "FLOW_PRUNE_MIN_PAIRS", prune_min_pairs)
    monkeypatch.setattr(solve_module, "FLOW_PRUNE_HUB_SHARE", prune_hub_share)
    assert_exact(make_instance(family, 60, seed=5))


def _has_every_reviewers_best(inst: AssignmentInstance, keys: np.ndarray) -> bool:
    masked = np.where(inst.conflict, -np.inf, inst.affinity)
    for r in range(inst.n_reviewers):
        want = int(inst.min_load[r] + 2 * inst.max_load[r])
        best = np.argsort(-masked[:, r], kind="stable")[:want]
        if not set((best * inst.n_reviewers + r).tolist()) <= set(keys.tolist()):
            return False
    return True


def test_small_instances_give_every_reviewer_its_best_proposals() -> None:
    inst = make_instance("topics", 60, seed=5)
    assert _has_every_reviewers_best(inst, candidates(inst, 6, per_reviewer=2, crowded=False)[0])


def test_tight_instances_give_every_reviewer_its_best_proposals_at_any_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above the small size only an instance with little spare capacity (here 2 %) gets them."""
    solve_module = importlib.import_module("accord.core.assignment.solve")
    monkeypatch.setattr(solve_module, "SMALL_CELLS", 0)
    tight = make_instance("tight", 60, seed=5)
    assert _has_every_reviewers_best(tight, candidates(tight, 6, per_reviewer=2, crowded=False)[0])
    loose = make_instance("topics", 60, seed=5)  # 33 % spare
    assert not _has_every_reviewers_best(
        loose, candidates(loose, 6, per_reviewer=2, crowded=False)[0]
    )


@pytest.mark.parametrize(
    ("affinity", "bonus", "expected"),
    [
        (np.array([[0.0, 3.0], [2.0, 1.0]]), 0.0, 1.0),  # levels: the costs are the levels
        (np.array([[0.5, 1.25], [2.0, -0.75]]), 0.0, 4.0),  # quarters
        (np.array([[1.0, 2.0], [3.0, 0.0]]), 0.5, 2.0),  # the bonus counts too
        (np.array([[0.1, 0.2], [0.3, 0.4]]), 0.0, 10.0),  # one decimal
        (np.array([[0.29, 0.57], [1.0, 0.3]]), 0.0, 100.0),  # 0.29 * 100 is not 29 in floats
        (np.array([[0.1234567, 0.0], [0.0, 0.0]]), 0.0, None),  # seven decimals
        (np.array([[2.0**-11, 0.0], [0.0, 0.0]]), 0.0, None),  # finer than the finest grids
        (np.array([[2.0**50, 0.0], [0.0, 1.0]]), 0.0, None),  # integers, but too large
    ],
)
def test_grid_scale_finds_the_smallest_exact_integer_costs(
    affinity: np.ndarray, bonus: float, expected: float | None
) -> None:
    assert grid_scale(affinity, bonus, n_nodes=20) == expected


def test_grid_scale_reads_past_the_sample() -> None:
    # every sampled cell is an integer; one cell between them is not
    affinity = np.ones((300, 300))
    affinity[1, 1] = 0.1234567
    assert grid_scale(affinity, 0.0, n_nodes=900) is None
    affinity[1, 1] = 0.25
    assert grid_scale(affinity, 0.0, n_nodes=900) == 4.0
    affinity[1, 1] = 0.3  # not binary: the decimal grid, read in full again
    assert grid_scale(affinity, 0.0, n_nodes=900) == 10.0


@pytest.mark.parametrize(
    ("family", "levels", "scale"),
    [
        ("topics", lambda a: np.floor(np.clip(a, 0.0, 0.9999) * 4.0), 1.0),
        ("tight", lambda a: np.floor(np.clip(a, 0.0, 0.9999) * 4.0), 1.0),
        ("conflicts", lambda a: np.floor(np.clip(a, 0.0, 0.9999) * 4.0), 1.0),
        ("tight", lambda a: np.round(a, 1), 10.0),
        ("conflicts", lambda a: np.round(a, 2), 100.0),
    ],
    ids=["topics-4", "tight-4", "conflicts-4", "tight-1dp", "conflicts-2dp"],
)
def test_flow_path_is_exact_on_levels_with_many_ties(
    family: str, levels: Callable[[np.ndarray], np.ndarray], scale: float
) -> None:
    """Bids and graded levels (0-3) or scores with one or two decimals: small integer costs,
    the MILP's optimum."""
    inst = make_instance(family, 60, seed=7)
    on_grid = AssignmentInstance(
        affinity=levels(inst.affinity),
        conflict=inst.conflict,
        reviewer_country=inst.reviewer_country,
        k=inst.k,
        min_load=inst.min_load,
        max_load=inst.max_load,
    )
    assert grid_scale(on_grid.affinity, 0.0, n_nodes=400) == scale
    assert_exact(on_grid)
