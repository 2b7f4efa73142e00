"""What-if on a hand-made instance: the diff and the borderline reasons, worked out by hand.

Base (GBP 100, KRW 1000, AI at most 2): a+b+c costs 100 GBP / 900 KRW, merit 12, and is
the best portfolio.
"""

from __future__ import annotations

import pytest

from accord.core.portfolio import (
    AreaBoundChange,
    BudgetChange,
    ExchangeRateChange,
    InstanceError,
    ListChange,
    PortfolioInfeasible,
    PortfolioInstance,
    apply_changes,
    instance_from_dict,
    solve_portfolio,
    what_if,
)
from tests.core.portfolio.helpers import application


def base_instance() -> PortfolioInstance:
    return instance_from_dict(
        {
            "budgets": {"GBP": 100, "KRW": 1000},
            "applications": [
                application("a", 5.0, {"GBP": 40, "KRW": 300}, ["AI"]),
                application("b", 4.0, {"GBP": 30, "KRW": 300}, ["AI"]),
                application("c", 3.0, {"GBP": 30, "KRW": 300}, ["space"]),
                application("d", 2.0, {"GBP": 20, "KRW": 100}, ["space"]),
                application("e", 0.5, {"GBP": 10, "KRW": 100}, ["AI"]),
            ],
            "area_max": {"AI": 2},
        }
    )


def test_base_portfolio() -> None:
    result = solve_portfolio(base_instance())
    assert (result.funded, result.objective) == (("a", "b", "c"), 12.0)


def test_budget_cut_diff_and_borderline_reasons() -> None:
    outcome = what_if(base_instance(), [BudgetChange("GBP", 90)], borderline=2)
    assert outcome.result.funded == ("a", "b", "d")
    assert (outcome.newly_in, outcome.newly_out) == (("d",), ("c",))
    assert outcome.base.objective == 12.0
    assert outcome.result.objective == 11.0
    reasons = {r.id: r for r in outcome.borderline}
    assert [r.id for r in outcome.borderline] == ["d", "b", "c", "e"]

    d = reasons["d"]  # lowest-merit funded: without it nothing fits in the 20 GBP freed
    assert (d.kind, d.replacements, d.displaced, d.merit_lost) == ("swap", (), (), 2.0)
    assert d.sentence == (
        "d (merit 2) is funded. Without it the portfolio would fund nothing instead, "
        "losing 2 merit."
    )
    b = reasons["b"]
    assert (b.kind, b.replacements, b.displaced, b.merit_lost) == ("swap", ("c",), (), 1.0)

    c = reasons["c"]  # highest-merit unfunded: GBP is spent to the last pound
    assert (c.kind, c.displaced, c.replacements, c.merit_lost) == ("blocked", ("b",), (), 1.0)
    assert [(x.kind, x.constraint, x.numbers) for x in c.blockers] == [
        ("budget", "GBP", {"cost": 30.0, "remaining": 0.0, "shortfall": 30.0})
    ]
    assert c.sentence == (
        "c (merit 3) is not funded: funding it needs 30 GBP more than remains (it costs "
        "30 GBP; 0 GBP is left). Funding it would drop b, losing 1 merit."
    )
    e = reasons["e"]  # blocked twice: no GBP left and AI full
    assert [(x.kind, x.constraint) for x in e.blockers] == [("budget", "GBP"), ("area_max", "AI")]
    assert e.blockers[1].sentence == "area AI is at its maximum of 2"
    assert (e.displaced, e.replacements, e.merit_lost) == (("a",), ("c",), 1.5)


def test_area_bound_change_diff() -> None:
    outcome = what_if(base_instance(), [AreaBoundChange("AI", "max", 1)], borderline=0)
    assert outcome.result.funded == ("a", "c", "d")
    assert (outcome.newly_in, outcome.newly_out) == (("d",), ("b",))
    assert outcome.borderline == ()


def test_exchange_rate_reprices_costs_against_the_same_budget() -> None:
    changed = apply_changes(base_instance(), [ExchangeRateChange("KRW", 1.2)])
    assert changed.cost[:, 1].tolist() == [360.0, 360.0, 360.0, 120.0, 120.0]
    assert changed.budget.tolist() == [100.0, 1000.0]
    # a+b+c would now cost 1,080 KRW: the best is a+b+d (840 KRW, merit 11)
    outcome = what_if(base_instance(), [ExchangeRateChange("KRW", 1.2)], borderline=0)
    assert (outcome.newly_in, outcome.newly_out) == (("d",), ("c",))
    both = apply_changes(base_instance(), [ExchangeRateChange("KRW", 2.0, applies_to="both")])
    assert solve_portfolio(both).funded == ("a", "b", "c")


def test_forced_out_application_that_a_minimum_needs_is_explained() -> None:
    instance = apply_changes(base_instance(), [AreaBoundChange("space", "min", 2)])
    outcome = what_if(instance, [], borderline=5)
    reasons = {r.id: r for r in outcome.borderline}
    assert reasons["c"].kind == "needed"
    assert reasons["c"].blockers[0].kind == "area_min"
    assert reasons["c"].blockers[0].sentence == "area space is at its minimum of 2"
    assert reasons["c"].sentence.startswith("c (merit 3) is funded and must stay so: without it, ")


def test_list_changes_and_must_lists_in_reasons() -> None:
    outcome = what_if(
        base_instance(), [ListChange("e", "must_fund"), ListChange("a", "must_not_fund")]
    )
    reasons = {r.id: r for r in outcome.borderline}
    assert reasons["e"].kind == "must_fund"
    assert reasons["a"].kind == "must_not_fund"
    assert reasons["a"].sentence == "a (merit 5) is not funded: it is on the must-not-fund list."
    freed = apply_changes(outcome.instance, [ListChange("e", "free"), ListChange("a", "free")])
    assert not freed.must_fund.any()
    assert not freed.must_not_fund.any()


def test_infeasible_change_raises_with_reason() -> None:
    with pytest.raises(PortfolioInfeasible) as caught:
        what_if(base_instance(), [AreaBoundChange("AI", "min", 4)])
    assert caught.value.constraint == "area_min"
    assert caught.value.members == ("AI",)


def test_bad_change_names_it() -> None:
    with pytest.raises(InstanceError) as caught:
        apply_changes(base_instance(), [BudgetChange("GBP", 1), BudgetChange("EUR", 5)])
    assert (caught.value.where, caught.value.problem) == (
        "changes[1]",
        "unknown funder 'EUR'; funders are GBP, KRW",
    )
