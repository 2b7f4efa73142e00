"""Incremental re-solve moves only the pairs it must, then maximises affinity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from accord.core.assignment import (
    AssignmentInstance,
    InfeasibleAssignmentError,
    apply_changes,
    check_assignment,
    resolve,
    solve,
)
from tests.core.assignment.reference import milp_max_kept, milp_optimum, random_instance


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n_props=st.integers(2, 6),
    n_revs=st.integers(4, 8),
    change=st.sampled_from(["declined", "new_conflicts", "withdrawn"]),
    pick=st.integers(0, 10**6),
)
def test_resolve_moves_the_minimum_number_of_pairs(
    seed: int, n_props: int, n_revs: int, change: str, pick: int
) -> None:
    inst = random_instance(seed, n_props, n_revs, 2, conflict_rate=0.1, max_load_slack=2)
    try:
        before = solve(inst)
    except InfeasibleAssignmentError:
        assume(False)
        return
    p, r = (int(v) for v in before.pairs[pick % len(before.pairs)])
    kwargs = {"withdrawn": [r]} if change == "withdrawn" else {change: [(p, r)]}
    changed = apply_changes(inst, **kwargs)  # type: ignore[arg-type]
    best_kept = milp_max_kept(changed, before.pairs)
    if best_kept is None:
        with pytest.raises(InfeasibleAssignmentError):
            resolve(inst, before.pairs, **kwargs)  # type: ignore[arg-type]
        return
    after = resolve(inst, before.pairs, **kwargs)  # type: ignore[arg-type]
    assert check_assignment(changed, after.result.pairs) == []
    assert after.moved == len(before.pairs) - best_kept
    assert after.moved >= 1
    assert len(after.removed) == len(after.added) == after.moved
    assert after.result.objective == pytest.approx(
        milp_optimum(changed, before.pairs, fix_kept=best_kept), abs=1e-9
    )


def test_resolve_after_one_decline_moves_exactly_one_pair_when_a_spare_exists() -> None:
    # Three proposals, k=2, plenty of spare capacity: declining one pair swaps in one reviewer.
    affinity = np.array(
        [[0.9, 0.8, 0.7, 0.6, 0.1], [0.2, 0.9, 0.8, 0.1, 0.7], [0.9, 0.1, 0.2, 0.8, 0.7]]
    )
    inst = AssignmentInstance(
        affinity=affinity,
        conflict=np.zeros((3, 5), bool),
        reviewer_country=np.array([0, 1, 0, 1, 0]),
        k=2,
        min_load=np.zeros(5, np.int64),
        max_load=np.full(5, 2),
    )
    before = solve(inst)
    assert before.pairs.tolist() == [[0, 0], [0, 1], [1, 1], [1, 2], [2, 0], [2, 3]]
    after = resolve(inst, before.pairs, declined=[(0, 1)])
    assert after.moved == 1
    assert after.removed.tolist() == [[0, 1]]
    assert after.added.tolist() == [[0, 3]]
    assert after.result.pairs.tolist() == [[0, 0], [0, 3], [1, 1], [1, 2], [2, 0], [2, 3]]


def test_resolve_withdrawal_moves_every_pair_of_that_reviewer() -> None:
    inst = random_instance(7, 30, 20, 3, conflict_rate=0.05, max_load_slack=2)
    before = solve(inst)
    gone = int(np.bincount(before.pairs[:, 1]).argmax())
    load = int(np.bincount(before.pairs[:, 1])[gone])
    after = resolve(inst, before.pairs, withdrawn=[gone])
    assert (after.result.pairs[:, 1] != gone).all()
    assert after.moved == len(before.pairs) - milp_max_kept(after.instance, before.pairs)
    assert after.moved == load  # spare capacity: only the withdrawn reviewer's pairs move
    assert sorted(after.removed[:, 1].tolist()) == [gone] * load
    assert check_assignment(after.instance, after.result.pairs) == []


@pytest.mark.parametrize("seed", [3, 11])
def test_resolve_on_levels_is_exact_with_the_fewest_moves(seed: int) -> None:
    """Affinities in levels 0-3 (bids): the costs are exact small integers, and the re-solve's
    bonus lies on the same grid; still the fewest moves, then the best total."""
    base = random_instance(seed, 24, 14, 3, conflict_rate=0.1, max_load_slack=1)
    inst = AssignmentInstance(
        affinity=np.floor(base.affinity * 4.0),
        conflict=base.conflict,
        reviewer_country=base.reviewer_country,
        k=3,
        min_load=base.min_load,
        max_load=base.max_load,
    )
    before = solve(inst)
    assert before.objective == pytest.approx(milp_optimum(inst), abs=1e-9)
    p, r = (int(v) for v in before.pairs[5])
    changed = apply_changes(inst, declined=[(p, r)])
    best_kept = milp_max_kept(changed, before.pairs)
    assert best_kept is not None
    after = resolve(inst, before.pairs, declined=[(p, r)])
    assert check_assignment(changed, after.result.pairs) == []
    assert after.moved == len(before.pairs) - best_kept
    assert after.result.objective == pytest.approx(
        milp_optimum(changed, before.pairs, fix_kept=best_kept), abs=1e-9
    )
