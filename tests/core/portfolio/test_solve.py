"""solve_portfolio against a brute force, the both-sides rule, tie-breaking, totals."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.core.portfolio import (
    NO_MAXIMUM,
    PortfolioInfeasible,
    PortfolioInstance,
    instance_from_dict,
    solve_portfolio,
)
from tests.core.portfolio.helpers import application, brute_force


@st.composite
def instances(draw: st.DrawFn) -> PortfolioInstance:
    n = draw(st.integers(0, 12))
    funders = ["GBP", "KRW"][: draw(st.integers(1, 2))]
    areas = ["AI", "quantum", "space"][: draw(st.integers(0, 3))]
    apps = []
    for i in range(n):
        cost = {
            f: draw(
                st.integers(0, 100) if f == "GBP" else st.integers(0, 100).map(lambda x: x * 1000)
            )
            for f in funders
            if draw(st.booleans()) or f == "GBP"
        }
        apps.append(
            application(
                f"app-{i}",
                draw(st.integers(-5, 50)) / 10,
                cost,
                [a for a in areas if draw(st.booleans())],
            )
        )
    budgets = {f: draw(st.integers(0, 400)) * (1 if f == "GBP" else 1000) for f in funders}
    data: dict[str, object] = {"budgets": budgets, "applications": apps}
    if areas:
        data["area_min"] = {a: draw(st.integers(0, 3)) for a in areas if draw(st.booleans())}
        data["area_max"] = {a: draw(st.integers(0, 6)) for a in areas if draw(st.booleans())}
    ids = [a["id"] for a in apps]
    if ids:
        chosen = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
        split = draw(st.integers(0, len(chosen)))
        data["must_fund"], data["must_not_fund"] = chosen[:split], chosen[split:]
    return instance_from_dict(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solve_portfolio_matches_brute_force(instance: PortfolioInstance) -> None:
    expected = brute_force(instance)
    if expected is None:
        with pytest.raises(PortfolioInfeasible):
            solve_portfolio(instance)
        return
    result = solve_portfolio(instance)
    assert result.funded_mask.tolist() == expected.tolist()
    assert result.objective == pytest.approx(float(instance.merit[expected].sum()), abs=1e-9)
    assert result.status == "optimal"
    assert result.gap == 0.0


@settings(max_examples=200, deadline=None)
@given(instances())
def test_spend_is_the_sum_of_funded_costs_on_every_side(instance: PortfolioInstance) -> None:
    try:
        result = solve_portfolio(instance)
    except PortfolioInfeasible:
        return
    funded = result.funded_mask
    for f, funder in enumerate(instance.funders):
        assert result.spend[funder] == float(instance.cost[funded, f].sum())
        assert result.spend[funder] <= instance.budget[f]
    for a, area in enumerate(instance.areas):
        count = int(instance.membership[funded, a].sum())
        assert result.area_count[area] == count
        assert count >= instance.area_min[a]
        if instance.area_max[a] != NO_MAXIMUM:
            assert count <= instance.area_max[a]
    assert result.funded == tuple(i for i, f in zip(instance.ids, funded, strict=True) if f)


def test_application_is_funded_on_both_sides_or_neither() -> None:
    # "b" fits the GBP budget on its own but its KRW side does not: it must not be funded
    # on the GBP side alone.
    instance = instance_from_dict(
        {
            "budgets": {"GBP": 100, "KRW": 1000},
            "applications": [
                application("a", 1.0, {"GBP": 50, "KRW": 500}),
                application("b", 9.0, {"GBP": 10, "KRW": 2000}),
                application("c", 1.0, {"GBP": 50}),
            ],
        }
    )
    result = solve_portfolio(instance)
    assert result.funded == ("a", "c")
    assert result.spend == {"GBP": 100.0, "KRW": 500.0}


def test_equal_merit_prefers_earlier_applications() -> None:
    instance = instance_from_dict(
        {
            "budgets": {"GBP": 100},
            "applications": [application(f"p{i}", 2.0, {"GBP": 50}) for i in range(5)],
        }
    )
    assert solve_portfolio(instance).funded == ("p0", "p1")


def test_area_bounds_and_lists_are_respected() -> None:
    instance = instance_from_dict(
        {
            "budgets": {"GBP": 1000},
            "applications": [
                application("ai-1", 5.0, {"GBP": 100}, ["AI"]),
                application("ai-2", 4.0, {"GBP": 100}, ["AI"]),
                application("ai-3", 3.0, {"GBP": 100}, ["AI"]),
                application("q-1", 1.0, {"GBP": 100}, ["quantum"]),
                application("q-2", 0.5, {"GBP": 100}, ["quantum"]),
                application("x", 9.0, {"GBP": 100}, []),
            ],
            "area_max": {"AI": 2},
            "area_min": {"quantum": 1},
            "must_fund": ["ai-3"],
            "must_not_fund": ["x"],
        }
    )
    result = solve_portfolio(instance)
    assert result.funded == ("ai-1", "ai-3", "q-1", "q-2")
    assert result.area_count == {"AI": 2, "quantum": 2}
    assert result.objective == 9.5


def test_negative_merit_is_not_funded_unless_forced() -> None:
    data = {
        "budgets": {"GBP": 100},
        "applications": [application("bad", -1.0, {"GBP": 1}), application("good", 1.0, {})],
    }
    assert solve_portfolio(instance_from_dict(data)).funded == ("good",)
    assert solve_portfolio(instance_from_dict({**data, "must_fund": ["bad"]})).funded == (
        "bad",
        "good",
    )


def test_empty_instance_funds_nothing() -> None:
    result = solve_portfolio(instance_from_dict({"budgets": {"GBP": 0}, "applications": []}))
    assert result.funded == ()
    assert result.objective == 0.0
    assert result.spend == {"GBP": 0.0}


def test_result_arrays_are_read_only() -> None:
    instance = instance_from_dict(
        {"budgets": {"GBP": 10}, "applications": [application("a", 1.0, {"GBP": 1})]}
    )
    result = solve_portfolio(instance)
    with pytest.raises(ValueError, match="read-only"):
        result.funded_mask[0] = False
    with pytest.raises(ValueError, match="read-only"):
        instance.cost[0, 0] = 5.0


def test_same_instance_gives_same_answer_twice() -> None:
    rng = np.random.default_rng(7)
    apps = [
        application(f"a{i}", float(rng.integers(1, 5)), {"GBP": int(rng.integers(1, 50))})
        for i in range(60)
    ]
    instance = instance_from_dict({"budgets": {"GBP": 400}, "applications": apps})
    assert solve_portfolio(instance).funded == solve_portfolio(instance).funded
