"""explain_left_out: why an application is out while one of lower merit is in."""

from __future__ import annotations

import numpy as np
import pytest

from accord.core.portfolio import (
    LeftOut,
    Reason,
    explain_left_out,
    instance_from_dict,
    solve_portfolio,
)
from tests.core.portfolio.helpers import application


def solved(data):
    instance = instance_from_dict(data)
    return instance, solve_portfolio(instance).funded_mask


def test_budget_reason_says_by_how_much_it_would_exceed():
    instance, funded = solved(
        {
            "budgets": {"GB": 300, "KR": 1000},
            "applications": [
                application("A", 5.0, {"GB": 200, "KR": 300}),
                application("B", 4.0, {"GB": 50, "KR": 900}),  # KR too dear once A is in
                application("C", 3.0, {"GB": 50, "KR": 100}),
            ],
        }
    )
    assert funded.tolist() == [True, False, True]
    assert explain_left_out(instance, funded) == [
        LeftOut(
            id="B",
            merit=4.0,
            lower_funded=("C",),
            reasons=(Reason("budget", funder="KR", over=300.0),),  # 900 - (1000 - 300 - 100)
        )
    ]


def test_area_cap_reached():
    instance, funded = solved(
        {
            "budgets": {"GB": 1000},
            "area_max": {"quantum": 1},
            "applications": [
                application("A", 5.0, {"GB": 10}, ["quantum"]),
                application("B", 4.0, {"GB": 10}, ["quantum"]),
                application("C", 3.0, {"GB": 10}, ["ai"]),
            ],
        }
    )
    assert funded.tolist() == [True, False, True]
    [left] = explain_left_out(instance, funded)
    assert (left.id, left.reasons) == ("B", (Reason("area_cap", area="quantum", cap=1),))


def test_must_not_fund_and_trade_off():
    instance, funded = solved(
        {
            "budgets": {"GB": 100},
            "must_not_fund": ["A"],
            "applications": [
                application("A", 9.0, {"GB": 10}),
                application("B", 6.0, {"GB": 100}),  # fits alone, but C + D are worth more
                application("C", 4.0, {"GB": 50}),
                application("D", 3.0, {"GB": 50}),
            ],
        }
    )
    assert funded.tolist() == [False, False, True, True]
    left = {x.id: x.reasons for x in explain_left_out(instance, funded)}
    assert left["A"] == (Reason("must_not_fund"),)
    # B does not fit the 0 left, so the budget is the reason (by 100)
    assert left["B"] == (Reason("budget", funder="GB", over=100.0),)


def test_trade_off_when_nothing_binds_alone():
    instance = instance_from_dict(
        {
            "budgets": {"GB": 100},
            "applications": [application("A", 5.0, {"GB": 10}), application("B", 1.0, {"GB": 10})],
        }
    )
    funded = np.array([False, True])  # not optimal: A would fit, so nothing binds
    assert explain_left_out(instance, funded) == [
        LeftOut(id="A", merit=5.0, lower_funded=("B",), reasons=(Reason("trade_off"),))
    ]


def test_nobody_is_explained_when_merit_order_is_kept():
    instance, funded = solved(
        {
            "budgets": {"GB": 10},
            "applications": [application("A", 5.0, {"GB": 10}), application("B", 1.0, {"GB": 10})],
        }
    )
    assert explain_left_out(instance, funded) == []


def test_mask_of_the_wrong_shape_is_refused():
    instance, _funded = solved(
        {"budgets": {"GB": 10}, "applications": [application("A", 1.0, {"GB": 1})]}
    )
    with pytest.raises(ValueError, match="expected shape"):
        explain_left_out(instance, np.array([True, False]))
