"""Validation of the JSON instance: each bad value is named by path and application id."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from accord.core.portfolio import (
    InstanceError,
    instance_from_dict,
    instance_to_dict,
    read_instance,
    unknown_keys,
)
from tests.core.portfolio.helpers import application


def base() -> dict[str, Any]:
    return {
        "budgets": {"GBP": 100, "KRW": 1000},
        "applications": [
            application("a", 1.0, {"GBP": 10, "KRW": 5}, ["AI"]),
            application("b", 2.0, {"GBP": 20}, ["space"]),
        ],
    }


def error_of(data: object) -> InstanceError:
    with pytest.raises(InstanceError) as caught:
        instance_from_dict(data)
    return caught.value


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        (lambda d: d.pop("budgets"), "budgets", "missing required key"),
        (lambda d: d.pop("applications"), "applications", "missing required key"),
        (
            lambda d: d["applications"][1].pop("merit"),
            "applications[1] (id 'b')",
            "missing required key 'merit'",
        ),
        (
            lambda d: d["applications"][0].pop("id"),
            "applications[0]",
            "missing required key 'id'",
        ),
        (
            lambda d: d["applications"][1]["cost"].update(GBP=-5),
            "applications[1] (id 'b').cost.GBP",
            "must be >= 0, got -5",
        ),
        (
            lambda d: d["applications"][0]["cost"].update(USD=1),
            "applications[0] (id 'a').cost.USD",
            "funder 'USD' has no budget; budgets are for GBP, KRW",
        ),
        (
            lambda d: d["applications"][1].update(id="a"),
            "applications[1] (id 'a').id",
            "duplicate id, also used by applications[0]",
        ),
        (
            lambda d: d.update(must_fund=["a", "zz"]),
            "must_fund[1]",
            "application id 'zz' does not exist in applications",
        ),
        (
            lambda d: d.update(must_fund=["a"], must_not_fund=["b", "a"]),
            "must_not_fund",
            "application id 'a' is in both must_fund and must_not_fund; remove it from one of them",
        ),
        (
            lambda d: d["applications"][1].update(merit=math.nan),
            "applications[1] (id 'b').merit",
            "must be a finite number, got nan",
        ),
        (
            lambda d: d["budgets"].update(KRW=math.inf),
            "budgets.KRW",
            "must be a finite number, got inf",
        ),
        (
            lambda d: d["budgets"].update(GBP=-1),
            "budgets.GBP",
            "must be >= 0, got -1",
        ),
        (
            lambda d: d.update(area_min={"AI": 1.5}),
            "area_min.AI",
            "must be a whole number of applications, got 1.5",
        ),
        (
            lambda d: d["applications"][0].update(merit="high"),
            "applications[0] (id 'a').merit",
            'expected a number, got "high"',
        ),
        (
            lambda d: d["applications"][0].update(areas="AI"),
            "applications[0] (id 'a').areas",
            "expected a list of area names",
        ),
        (lambda d: d.update(budgets={}), "budgets", "at least one funder budget is required"),
    ],
)
def test_bad_instance_names_the_field(change: Any, where: str, problem: str) -> None:
    data = base()
    change(data)
    error = error_of(data)
    assert (error.where, error.problem) == (where, problem)


def test_nan_from_a_json_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "i.json"
    path.write_text(json.dumps(base()).replace('"merit": 2.0', '"merit": NaN'))
    error = error_of(json.loads(path.read_text()))
    assert error.where == "applications[1] (id 'b').merit"


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "i.json"
    path.write_text('{"budgets": {"GBP": 1},\n "applications": [,]}')
    with pytest.raises(InstanceError) as caught:
        read_instance(path)
    assert caught.value.where == f"{path}:2:19"


def test_missing_cost_for_a_funder_means_zero() -> None:
    instance = instance_from_dict(base())
    assert instance.cost.tolist() == [[10.0, 5.0], [20.0, 0.0]]
    assert instance.funders == ("GBP", "KRW")
    assert instance.areas == ("AI", "space")


def test_round_trip_through_dict() -> None:
    data = base() | {"area_min": {"AI": 1}, "area_max": {"space": 0}, "must_fund": ["a"]}
    again = instance_to_dict(instance_from_dict(data))
    assert instance_to_dict(instance_from_dict(again)) == again
    assert again["area_min"] == {"AI": 1}
    assert again["area_max"] == {"space": 0}
    assert again["must_fund"] == ["a"]
    assert again["applications"][1] == {
        "id": "b",
        "merit": 2.0,
        "cost": {"GBP": 20.0},
        "areas": ["space"],
    }


def test_unknown_top_level_keys_are_reported() -> None:
    assert unknown_keys(base() | {"area_mins": {}}) == ["area_mins"]
