"""Infeasible instances are reported with the constraint that makes them so, in words."""

from __future__ import annotations

import numpy as np
import pytest

from accord.core.assignment import AssignmentInstance, InfeasibleAssignmentError, solve
from tests.core.assignment.reference import milp_optimum


def _instance(
    n_props: int = 4,
    country: tuple[int, ...] = (0, 0, 1, 1),
    k: int = 2,
    max_load: tuple[int, ...] | None = None,
    min_load: tuple[int, ...] | None = None,
    conflict: np.ndarray | None = None,
) -> AssignmentInstance:
    n_revs = len(country)
    return AssignmentInstance(
        affinity=np.linspace(0, 1, n_props * n_revs).reshape(n_props, n_revs),
        conflict=np.zeros((n_props, n_revs), bool) if conflict is None else conflict,
        reviewer_country=np.array(country),
        k=k,
        min_load=np.zeros(n_revs, np.int64) if min_load is None else np.array(min_load),
        max_load=np.full(n_revs, n_props) if max_load is None else np.array(max_load),
        country_names=("UK", "Korean"),
    )


def _reason(inst: AssignmentInstance) -> InfeasibleAssignmentError:
    assert milp_optimum(inst) is None  # the reference agrees it is infeasible
    with pytest.raises(InfeasibleAssignmentError) as info:
        solve(inst)
    return info.value


def test_infeasible_k_one_with_two_countries() -> None:
    err = _reason(_instance(k=1))
    assert err.constraint == "k"
    assert str(err) == (
        "k = 1, but with reviewers from both countries every proposal needs at least one UK "
        "(country 0) and one Korean (country 1) reviewer, so k must be at least 2"
    )


def test_infeasible_proposal_without_a_korean_reviewer() -> None:
    conflict = np.zeros((4, 4), bool)
    conflict[2, 2:] = True
    err = _reason(_instance(k=3, conflict=conflict))
    assert err.constraint == "proposal_country"
    assert str(err) == (
        "proposal 2 has no Korean (country 1) reviewer without a conflict; it needs at least "
        "1 from each country and 3 in all"
    )


def test_infeasible_proposal_with_too_few_reviewers() -> None:
    conflict = np.zeros((4, 4), bool)
    conflict[1, [0, 3]] = True
    conflict[3, [1, 2]] = True
    err = _reason(_instance(k=3, conflict=conflict))
    assert err.constraint == "proposal_reviewers"
    assert str(err) == (
        "proposal 1 has only 2 reviewers without a conflict (1 UK (country 0), 1 Korean "
        "(country 1)); it needs at least 1 from each country and 3 in all (so does proposal 3)"
    )


def test_infeasible_total_max_load() -> None:
    err = _reason(_instance(n_props=5, max_load=(2, 2, 3, 2)))
    assert err.constraint == "total_max_load"
    assert str(err).startswith("total max_load 9 < k*P = 2*5 = 10")


def test_infeasible_total_min_load() -> None:
    err = _reason(_instance(n_props=2, min_load=(2, 1, 1, 1)))
    assert err.constraint == "total_min_load"
    assert str(err).startswith("sum of min_load 5 > k*P = 2*2 = 4")


def test_infeasible_country_capacity() -> None:
    err = _reason(_instance(n_props=4, max_load=(4, 4, 1, 2)))
    assert err.constraint == "country_max_load"
    assert str(err) == (
        "the Korean (country 1) reviewers' total max_load 3 < P = 4: every proposal needs at "
        "least one of them"
    )


def test_infeasible_country_min_load() -> None:
    err = _reason(_instance(n_props=3, k=2, min_load=(2, 2, 0, 0)))
    assert err.constraint == "country_min_load"
    assert str(err) == (
        "the UK (country 0) reviewers' total min_load 4 > (k-1)*P = 1*3 = 3: each proposal "
        "takes at most k-1 of them"
    )


def test_infeasible_reviewer_min_load_above_its_proposals() -> None:
    conflict = np.zeros((4, 4), bool)
    conflict[:3, 1] = True
    err = _reason(_instance(min_load=(0, 2, 0, 0), conflict=conflict))
    assert err.constraint == "reviewer_min_load"
    assert str(err) == "reviewer 1 has min_load 2 but only 1 proposal without a conflict"


def test_infeasible_capacity_counting_conflicts() -> None:
    # Reviewer 3 may take 4, but only proposal 3 is free of conflict with it.
    conflict = np.zeros((4, 4), bool)
    conflict[:3, 3] = True
    err = _reason(_instance(max_load=(4, 4, 2, 4), conflict=conflict))
    assert err.constraint == "country_max_load"
    assert str(err).startswith(
        "counting conflicts, the Korean (country 1) reviewers can take at most 3 reviews < P = 4"
    )


def test_infeasible_hall_violation_names_the_proposals_and_reviewer() -> None:
    # Proposals 0-2 can only have Korean reviewer 2 (max_load 2); every simple count passes.
    conflict = np.zeros((6, 5), bool)
    conflict[:3, 3:] = True
    conflict[3:5, 4] = True
    inst = _instance(
        n_props=6, country=(0, 0, 1, 1, 1), max_load=(6, 6, 2, 5, 1), conflict=conflict
    )
    err = _reason(inst)
    assert err.constraint == "hall"
    assert str(err) == (
        "no assignment satisfies every constraint (Hall-type violation): proposals 0, 1, 2 "
        "need a Korean (country 1) reviewer each — 3 places in all — but reviewer 2 can take "
        "at most max_load (2 in all) — at most 2. Even the best assignment leaves 1 place "
        "unfilled; add reviewers without conflicts for these proposals, raise those max_loads, "
        "or lower k or min_load"
    )


def test_infeasible_hall_violation_on_min_load() -> None:
    # UK reviewers 0 and 1 must take 2 each, but only proposals 0-2 are open to them, and a
    # proposal with k = 2 takes at most one UK reviewer: 4 needed, 3 places.
    conflict = np.zeros((6, 5), bool)
    conflict[3:, :2] = True
    inst = _instance(
        n_props=6, country=(0, 0, 1, 1, 0), k=2, min_load=(2, 2, 0, 0, 0), conflict=conflict
    )
    err = _reason(inst)
    assert err.constraint == "hall"
    assert "reviewers 0, 1 must review at least min_load (4 in all)" in str(err)


def test_infeasible_errors_carry_kind_and_params() -> None:
    conflict = np.zeros((4, 4), bool)
    conflict[2, 2:] = True
    conflict[3, 2:] = True
    err = _reason(_instance(k=3, conflict=conflict))
    assert err.kind == "proposal_country"
    assert err.params == {"proposal": 2, "country": 1, "k": 3, "bilateral": True, "others": [3]}


def test_hall_error_params_name_the_demands_and_supplies() -> None:
    conflict = np.zeros((6, 5), bool)
    conflict[:3, 3:] = True
    conflict[3:5, 4] = True
    inst = _instance(
        n_props=6, country=(0, 0, 1, 1, 1), max_load=(6, 6, 2, 5, 1), conflict=conflict
    )
    err = _reason(inst)
    assert err.kind == "hall"
    assert err.params["need_country"] == [[], [0, 1, 2]]
    assert err.params["cap_max"] == [2]
    assert (err.params["demand"], err.params["supply"], err.params["unfilled"]) == (3.0, 2.0, 1)
