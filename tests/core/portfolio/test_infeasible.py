"""Each constructed infeasible instance is explained by the constraint that causes it."""

from __future__ import annotations

from typing import Any

import pytest

from accord.core.portfolio import PortfolioInfeasible, instance_from_dict, solve_portfolio
from tests.core.portfolio.helpers import application


def infeasibility(data: dict[str, Any]) -> PortfolioInfeasible:
    with pytest.raises(PortfolioInfeasible) as caught:
        solve_portfolio(instance_from_dict(data))
    return caught.value


def test_must_fund_over_budget_names_the_budget_and_amounts() -> None:
    error = infeasibility(
        {
            "budgets": {"GBP": 1_000_000, "KRW": 10**9},
            "applications": [
                application("a", 1.0, {"GBP": 700_000}),
                application("b", 1.0, {"GBP": 500_000, "KRW": 1000}),
                application("c", 1.0, {"GBP": 1}),
            ],
            "must_fund": ["a", "b"],
        }
    )
    assert error.message == (
        "must-fund applications cost 1,200,000 GBP against a GBP budget of 1,000,000; "
        "raise the GBP budget or take applications off must_fund"
    )
    assert (error.constraint, error.members, error.conflicts_with) == (
        "must_fund",
        ("a", "b"),
        ("budget",),
    )
    assert error.numbers == {"cost": 1_200_000.0, "budget": 1_000_000.0}


def test_area_minimum_above_eligible_count_counts_must_not_fund() -> None:
    error = infeasibility(
        {
            "budgets": {"GBP": 100},
            "applications": [
                application("a", 1.0, {}, ["AI"]),
                application("b", 1.0, {}, ["AI"]),
                application("c", 1.0, {}, ["space"]),
            ],
            "area_min": {"AI": 2},
            "must_not_fund": ["b"],
        }
    )
    assert error.message == (
        "area AI needs at least 2 funded applications but only 1 eligible application "
        "lists it (1 more are on must_not_fund); lower area_min for AI"
    )
    assert (error.constraint, error.members) == ("area_min", ("AI",))


def test_area_minimum_for_an_area_no_application_lists() -> None:
    error = infeasibility(
        {
            "budgets": {"GBP": 100},
            "applications": [application("a", 1.0, {}, ["AI"])],
            "area_min": {"semiconductors": 1},
        }
    )
    assert error.constraint == "area_min"
    assert error.members == ("semiconductors",)


def test_area_minimum_above_maximum() -> None:
    error = infeasibility(
        {
            "budgets": {"GBP": 100},
            "applications": [application(f"a{i}", 1.0, {}, ["AI"]) for i in range(5)],
            "area_min": {"AI": 4},
            "area_max": {"AI": 3},
        }
    )
    assert error.message == (
        "area AI has a minimum of 4 above its maximum of 3; lower area_min or raise area_max"
    )
    assert (error.constraint, error.conflicts_with) == ("area_min", ("area_max",))


def test_must_fund_beyond_area_maximum() -> None:
    error = infeasibility(
        {
            "budgets": {"GBP": 100},
            "applications": [application(f"a{i}", 1.0, {}, ["AI"]) for i in range(4)],
            "area_max": {"AI": 2},
            "must_fund": ["a0", "a1", "a3"],
        }
    )
    assert error.message == (
        "3 must-fund applications list area AI, above its maximum of 2; raise area_max for "
        "AI or take applications off must_fund"
    )
    assert (error.constraint, error.members, error.conflicts_with) == (
        "must_fund",
        ("a0", "a1", "a3"),
        ("area_max",),
    )


def test_area_minimum_cheapest_cost_over_budget() -> None:
    error = infeasibility(
        {
            "budgets": {"GBP": 1000, "KRW": 500},
            "applications": [
                application("a", 1.0, {"GBP": 10, "KRW": 300}, ["quantum"]),
                application("b", 1.0, {"GBP": 10, "KRW": 400}, ["quantum"]),
                application("c", 1.0, {"GBP": 10, "KRW": 10}, []),
            ],
            "area_min": {"quantum": 2},
        }
    )
    assert error.message == (
        "area quantum needs at least 2 funded applications; even the cheapest way to reach "
        "that costs 700 KRW against a KRW budget of 500; raise the KRW budget or lower "
        "area_min for quantum"
    )
    assert (error.constraint, error.members, error.conflicts_with) == (
        "area_min",
        ("quantum",),
        ("budget",),
    )


def test_two_area_minimums_against_one_budget_name_the_budget() -> None:
    # Each minimum alone is affordable; both together are not. The smallest culprit is
    # the single GBP budget (the KRW budget plays no part), conflicting with the minimums.
    error = infeasibility(
        {
            "budgets": {"GBP": 100, "KRW": 10**6},
            "applications": [
                application("a", 1.0, {"GBP": 60, "KRW": 1}, ["AI"]),
                application("b", 1.0, {"GBP": 60, "KRW": 1}, ["space"]),
            ],
            "area_min": {"AI": 1, "space": 1},
        }
    )
    assert error.message == (
        "no portfolio meets the GBP budget of 100 together with the area minimums; "
        "relax one of them"
    )
    assert (error.constraint, error.members, error.conflicts_with) == (
        "budget",
        ("GBP",),
        ("area_min",),
    )


def test_area_maximum_against_area_minimum_through_shared_applications() -> None:
    # Both AI applications also list space; space may fund at most one, AI needs two.
    error = infeasibility(
        {
            "budgets": {"GBP": 100},
            "applications": [
                application("a", 1.0, {}, ["AI", "space"]),
                application("b", 1.0, {}, ["AI", "space"]),
                application("c", 1.0, {}, ["space"]),
            ],
            "area_min": {"AI": 2},
            "area_max": {"space": 1},
        }
    )
    assert error.message == (
        "no portfolio meets the minimum of 2 funded in area AI together with the area "
        "maximums; relax one of them"
    )
    assert (error.constraint, error.members, error.conflicts_with) == (
        "area_min",
        ("AI",),
        ("area_max",),
    )


def test_must_fund_against_area_minimum_via_budget() -> None:
    # The must-fund application uses the budget that the AI minimum needs.
    error = infeasibility(
        {
            "budgets": {"GBP": 100},
            "applications": [
                application("big", 1.0, {"GBP": 70}, []),
                application("ai-1", 1.0, {"GBP": 40}, ["AI"]),
                application("other", 1.0, {"GBP": 1}, []),
            ],
            "area_min": {"AI": 1},
            "must_fund": ["big"],
        }
    )
    assert error.constraint == "area_min"
    assert error.conflicts_with == ("budget",)
    assert error.numbers == {"minimum": 1.0, "cost": 110.0, "budget": 100.0}


def test_three_groups_in_conflict_are_all_named() -> None:
    # "a" must be funded and lists space (max 1); the only AI application also lists space.
    error = infeasibility(
        {
            "budgets": {"GBP": 100},
            "applications": [
                application("a", 1.0, {}, ["space"]),
                application("b", 1.0, {}, ["AI", "space"]),
            ],
            "area_min": {"AI": 1},
            "area_max": {"space": 1},
            "must_fund": ["a"],
        }
    )
    assert error.message == (
        "no portfolio meets the minimum of 1 funded in area AI together with the area "
        "maximums and the must-fund list; relax one of them"
    )
    assert (error.constraint, error.members, error.conflicts_with) == (
        "area_min",
        ("AI",),
        ("area_max", "must_fund"),
    )


def test_must_not_fund_list_named_when_it_removes_what_a_minimum_needs() -> None:
    # Two AI applications, minimum 2 AI; one is excluded and the other is too dear with
    # must-fund "x" — direct checks catch the exclusion first.
    error = infeasibility(
        {
            "budgets": {"GBP": 100},
            "applications": [
                application("a", 1.0, {"GBP": 10}, ["AI"]),
                application("b", 1.0, {"GBP": 10}, ["AI"]),
            ],
            "area_min": {"AI": 2},
            "must_not_fund": ["b"],
        }
    )
    assert (error.constraint, error.conflicts_with) == ("area_min", ("must_not_fund",))
