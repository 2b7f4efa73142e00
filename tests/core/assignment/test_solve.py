"""The exact solver against an independent MILP over every pair, and its certificate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.core.assignment import (
    AssignmentInstance,
    InfeasibleAssignmentError,
    check_assignment,
    save_npz,
    solve,
)
from accord.core.assignment.solve import _best_proposals, candidates, solve_weighted
from tests.core.assignment.reference import milp_optimum, random_instance

instances = st.builds(
    random_instance,
    seed=st.integers(0, 2**32 - 1),
    n_props=st.integers(1, 6),
    n_revs=st.integers(2, 8),
    k=st.integers(2, 3),
    conflict_rate=st.sampled_from([0.0, 0.1, 0.3]),
    both_countries=st.booleans(),
    max_load_slack=st.integers(0, 2),
    min_load_max=st.integers(0, 2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=instances, per_country=st.integers(1, 3))
def test_solve_matches_milp_on_random_small_instances(
    inst: AssignmentInstance, per_country: int
) -> None:
    expected = milp_optimum(inst)
    if expected is None:
        with pytest.raises(InfeasibleAssignmentError):
            solve(inst, candidates_per_country=per_country)
        return
    result = solve(inst, candidates_per_country=per_country)
    assert check_assignment(inst, result.pairs) == []
    assert result.pairs.shape == (inst.k * inst.n_proposals, 2)
    assert result.objective == pytest.approx(expected, abs=1e-9)
    assert result.bound >= result.objective - 1e-9
    assert result.bound == pytest.approx(expected, abs=1e-7)
    assert result.gap <= 1e-7


def _uniform(n_props: int, n_revs: int, k: int, seed: int) -> AssignmentInstance:
    rng = np.random.default_rng(seed)
    country = np.zeros(n_revs, np.int64)
    country[n_revs // 2 :] = 1
    return AssignmentInstance(
        affinity=rng.random((n_props, n_revs)),
        conflict=rng.random((n_props, n_revs)) < 0.02,
        reviewer_country=country,
        k=k,
        min_load=np.zeros(n_revs, np.int64),
        max_load=np.full(n_revs, -(-k * n_props // n_revs) + 1),
    )


def test_solve_pricing_adds_pairs_when_candidates_are_too_few() -> None:
    # Every proposal prefers the same reviewers, so one candidate per country is not enough:
    # the LP on candidates is infeasible, phase 1 and pricing must add pairs. (solve() detects
    # the crowding and starts from capacity-aware candidates; forced off here.)
    n_props, n_revs = 40, 20
    rng = np.random.default_rng(3)
    popularity = np.linspace(1.0, 0.0, n_revs)
    inst = AssignmentInstance(
        affinity=popularity[None, :] + 0.01 * rng.random((n_props, n_revs)),
        conflict=np.zeros((n_props, n_revs), bool),
        reviewer_country=np.arange(n_revs) % 2,
        k=3,
        min_load=np.zeros(n_revs, np.int64),
        max_load=np.full(n_revs, 6),
    )
    expected = milp_optimum(inst)
    result = solve_weighted(
        inst, candidates_per_country=1, candidates_per_reviewer=0, crowded=False
    )
    first = candidates(inst, 1, per_reviewer=0, crowded=False)[0]
    assert result.iterations >= 2
    assert result.n_candidates > first.size  # pricing brought pairs in
    assert check_assignment(inst, result.pairs) == []
    assert result.objective == pytest.approx(expected, abs=1e-9)
    assert result.relative_gap <= 1e-9
    crowded = solve(inst, candidates_per_country=1)
    assert crowded.objective == pytest.approx(expected, abs=1e-9)
    assert crowded.relative_gap <= 1e-9


def test_solve_certificate_is_tight_at_moderate_size() -> None:
    inst = _uniform(300, 300, 3, seed=11)
    result = solve(inst)
    assert check_assignment(inst, result.pairs) == []
    assert result.relative_gap <= 1e-9
    assert result.n_candidates < inst.affinity.size


def test_solve_respects_min_load() -> None:
    inst = random_instance(5, 6, 6, 2, conflict_rate=0.0, min_load_max=0)
    loads = np.array([2, 2, 2, 2, 2, 2])
    inst = AssignmentInstance(
        affinity=inst.affinity,
        conflict=inst.conflict,
        reviewer_country=np.array([0, 0, 0, 1, 1, 1]),
        k=2,
        min_load=loads,
        max_load=loads + 1,
    )
    result = solve(inst)
    load = np.bincount(result.pairs[:, 1], minlength=6)
    assert load.tolist() == [2, 2, 2, 2, 2, 2]
    assert result.objective == pytest.approx(milp_optimum(inst), abs=1e-9)


def test_solve_drops_bilateral_rule_with_one_country() -> None:
    # Reviewer 0 and 1 are the best for everyone; with one country both may serve a proposal.
    affinity = np.array([[1.0, 0.9, 0.1], [1.0, 0.9, 0.1]])
    inst = AssignmentInstance(
        affinity=affinity,
        conflict=np.zeros((2, 3), bool),
        reviewer_country=np.zeros(3, np.int64),
        k=2,
        min_load=np.zeros(3, np.int64),
        max_load=np.full(3, 2),
    )
    result = solve(inst)
    assert result.pairs.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert result.objective == pytest.approx(3.8)


def test_solve_bilateral_rule_forces_a_worse_reviewer() -> None:
    # Same data, but reviewer 2 is from the other country: each proposal must take it.
    affinity = np.array([[1.0, 0.9, 0.1], [1.0, 0.9, 0.1]])
    inst = AssignmentInstance(
        affinity=affinity,
        conflict=np.zeros((2, 3), bool),
        reviewer_country=np.array([0, 0, 1]),
        k=2,
        min_load=np.zeros(3, np.int64),
        max_load=np.full(3, 2),
    )
    result = solve(inst)
    assert result.pairs.tolist() == [[0, 0], [0, 2], [1, 0], [1, 2]]
    assert result.objective == pytest.approx(2.2)


def test_solve_never_assigns_a_conflicted_pair() -> None:
    inst = _uniform(60, 40, 3, seed=2)
    conflict = inst.conflict.copy()
    best = np.argmax(inst.affinity, axis=1)
    conflict[np.arange(60), best] = True
    inst2 = AssignmentInstance(
        affinity=inst.affinity,
        conflict=conflict,
        reviewer_country=inst.reviewer_country,
        k=3,
        min_load=inst.min_load,
        max_load=inst.max_load,
    )
    result = solve(inst2)
    assert not conflict[result.pairs[:, 0], result.pairs[:, 1]].any()
    assert check_assignment(inst2, result.pairs) == []


def test_solve_empty_instance() -> None:
    inst = AssignmentInstance(
        affinity=np.zeros((0, 3)),
        conflict=np.zeros((0, 3), bool),
        reviewer_country=np.array([0, 1, 1]),
        k=2,
        min_load=np.zeros(3, np.int64),
        max_load=np.ones(3, np.int64),
    )
    result = solve(inst)
    assert result.pairs.shape == (0, 2)
    assert result.objective == 0.0


def _skewed(n_props: int, n_revs: int, seed: int, k: int = 3) -> AssignmentInstance:
    """Affinity = 0.7 x a popularity shared by every proposal + 0.3 x noise (as bench --dist
    skewed): most proposals want the same reviewers, whose max_load binds."""
    rng = np.random.default_rng(seed)
    popularity = rng.random(n_revs)
    affinity = 0.7 * popularity[None, :] + 0.3 * rng.random((n_props, n_revs))
    country = np.zeros(n_revs, np.int64)
    country[n_revs // 2 :] = 1
    return AssignmentInstance(
        affinity=np.round(affinity, 6),
        conflict=rng.random((n_props, n_revs)) < 0.02,
        reviewer_country=country,
        k=k,
        min_load=np.zeros(n_revs, np.int64),
        max_load=np.full(n_revs, -(-k * n_props // n_revs) + 1),
    )


@pytest.mark.parametrize("seed", range(6))
def test_solve_is_optimal_on_skewed_instances(seed: int) -> None:
    inst = _skewed(60, 60, seed)
    # The instance takes the crowded path (capacity-aware first candidates).
    assert candidates(inst, 2, per_reviewer=2)[1] is True
    expected = milp_optimum(inst)
    assert expected is not None
    result = solve(inst, candidates_per_country=2)
    assert check_assignment(inst, result.pairs) == []
    assert result.objective == pytest.approx(expected, abs=1e-9)
    assert result.bound >= result.objective - 1e-9
    assert result.relative_gap <= 1e-9
    # Popular reviewers are saturated: the loads bind.
    load = np.bincount(result.pairs[:, 1], minlength=60)
    top = np.argsort(-inst.affinity.mean(axis=0))[:5]
    assert (load[top] == inst.max_load[top]).all()


_LP_CHILD = """
import json, sys
from accord.core.assignment import load_npz, solve
r = solve(load_npz(sys.argv[1]), candidates_per_country=2, method=sys.argv[2])
print(json.dumps({"objective": r.objective, "relative_gap": r.relative_gap}))
"""


@pytest.mark.parametrize("method", ["highs-ipm", "highs-ds", "highs"])
def test_lp_path_and_flow_path_find_the_same_optimum(method: str, tmp_path: Path) -> None:
    # The LP path (highspy) cannot share a process with OR-Tools (both bundle HiGHS), so it
    # runs in a child process on the same instance.
    inst = _skewed(50, 40, seed=7)
    expected = milp_optimum(inst)
    save_npz(inst, tmp_path / "i.npz")
    child = subprocess.run(
        [sys.executable, "-c", _LP_CHILD, str(tmp_path / "i.npz"), method],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    lp = json.loads(child.stdout)
    flow = solve(inst, candidates_per_country=2, method="flow")
    assert lp["objective"] == pytest.approx(expected, abs=1e-9)
    assert lp["relative_gap"] <= 1e-9
    assert flow.objective == pytest.approx(expected, abs=1e-9)
    assert flow.relative_gap <= 1e-9


def test_uniform_instances_are_not_crowded() -> None:
    for seed in range(3):
        inst = _uniform(200, 200, 3, seed=seed)
        for per_country in (1, 3, 6):
            assert candidates(inst, per_country, per_reviewer=2)[1] is False


@pytest.mark.parametrize("n_cols", [200, 150, 67])
def test_best_proposals_are_each_reviewers_best(n_cols: int) -> None:
    """The chunked floor search returns exactly each reviewer's best non-conflicted proposals."""
    rng = np.random.default_rng(11)
    n_props, n_revs = 3000, 200
    inst = AssignmentInstance(
        affinity=np.round(rng.random((n_props, n_revs)), 3),  # ties too
        conflict=rng.random((n_props, n_revs)) < 0.1,
        reviewer_country=np.repeat([0, 1], n_revs // 2),
        k=3,
        min_load=np.zeros(n_revs, np.int64),
        max_load=np.full(n_revs, 50),
    )
    cols = np.arange(0, n_revs, n_revs // n_cols)[:n_cols]
    want = rng.integers(1, 40, cols.size)
    # 100-row chunks: the floor is raised many times
    got = np.sort(_best_proposals(inst, cols, want, step=100))
    masked = np.where(inst.conflict, -np.inf, inst.affinity)
    expected = []
    for j, r in enumerate(cols):
        order = np.argsort(-masked[:, r], kind="stable")[: want[j]]
        expected += [p * n_revs + r for p in order if np.isfinite(masked[p, r])]
    assert got.tolist() == sorted(expected)
