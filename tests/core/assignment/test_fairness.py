"""Fairness mode: max-min first, then max total, against brute-force enumeration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.core.assignment import (
    AssignmentInstance,
    InfeasibleAssignmentError,
    InstanceError,
    check_assignment,
    solve,
    solve_fair,
)
from tests.core.assignment.reference import brute_force_fair, random_instance


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_props=st.integers(1, 3), n_revs=st.integers(3, 5))
def test_solve_fair_matches_brute_force(seed: int, n_props: int, n_revs: int) -> None:
    inst = random_instance(seed, n_props, n_revs, 2, conflict_rate=0.1, max_load_slack=1)
    expected = brute_force_fair(inst)
    if expected is None:
        with pytest.raises(InfeasibleAssignmentError):
            solve_fair(inst)
        return
    fair = solve_fair(inst)
    assert fair.optimal
    assert check_assignment(inst, fair.pairs) == []
    assert fair.min_score == pytest.approx(expected[0], abs=1e-6)
    assert fair.objective == pytest.approx(expected[1], abs=1e-6)


def test_solve_fair_trades_total_for_the_worst_proposal() -> None:
    # Each proposal needs reviewer 2 (the only country-1 one) and one of reviewers 0, 1;
    # reviewer 0 takes one proposal. Total-optimal gives it to proposal 0 (total 2.0, worst
    # 0.5); fairness gives it to proposal 1 (total 1.8, worst 0.7).
    inst = AssignmentInstance(
        affinity=np.array([[1.0, 0.2, 0.5], [0.6, 0.0, 0.5]]),
        conflict=np.zeros((2, 3), bool),
        reviewer_country=np.array([0, 0, 1]),
        k=2,
        min_load=np.zeros(3, np.int64),
        max_load=np.array([1, 2, 2]),
    )
    total = solve(inst)
    assert total.pairs.tolist() == [[0, 0], [0, 2], [1, 1], [1, 2]]
    fair = solve_fair(inst)
    assert fair.pairs.tolist() == [[0, 1], [0, 2], [1, 0], [1, 2]]
    assert fair.min_score == pytest.approx(0.7)
    assert fair.objective == pytest.approx(1.8)
    assert total.objective == pytest.approx(2.0)


def test_solve_fair_refuses_large_instances() -> None:
    inst = random_instance(1, 30, 30, 3)
    with pytest.raises(InstanceError) as info:
        solve_fair(inst, max_pairs=100)
    assert info.value.array == "affinity"
