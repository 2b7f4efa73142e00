"""The JSON instance of the ``accord portfolio`` contract (DESIGN.md), to and from arrays.

Contract::

    {"budgets": {"<funder>": amount, ...},
     "applications": [{"id", "merit", "cost": {"<funder>": amount, ...}, "areas": [...]}, ...],
     "area_min"?: {"<area>": n}, "area_max"?: {"<area>": n},
     "must_fund"?: [ids], "must_not_fund"?: [ids]}

Every error names the JSON path of the bad value (``applications[3].cost.KRW``) and the
application id when there is one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from accord.core.portfolio.types import NO_MAXIMUM, InstanceError, PortfolioInstance

TOP_LEVEL_KEYS = ("budgets", "applications", "area_min", "area_max", "must_fund", "must_not_fund")


def _number(value: object, where: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InstanceError(where, f"expected a number, got {json.dumps(value)[:40]}")
    number = float(value)
    if not math.isfinite(number):
        raise InstanceError(where, f"must be a finite number, got {value}")
    if minimum is not None and number < minimum:
        raise InstanceError(where, f"must be >= {minimum:g}, got {value}")
    return number


def _count(value: object, where: str) -> int:
    number = _number(value, where, minimum=0)
    if number != int(number):
        raise InstanceError(where, f"must be a whole number of applications, got {value}")
    return int(number)


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InstanceError(where, "expected a JSON object")
    return value


def _id(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InstanceError(where, "expected an id (string or integer)")
    text = str(value)
    if not text:
        raise InstanceError(where, "id must not be empty")
    return text


def _id_list(data: Mapping[str, Any], key: str, known: Mapping[str, int]) -> list[int]:
    raw = data.get(key, [])
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise InstanceError(key, "expected a list of application ids")
    indices = []
    for position, value in enumerate(raw):
        application_id = _id(value, f"{key}[{position}]")
        if application_id not in known:
            raise InstanceError(
                f"{key}[{position}]",
                f"application id {application_id!r} does not exist in applications",
            )
        indices.append(known[application_id])
    return indices


def instance_from_dict(data: object) -> PortfolioInstance:
    """Validate a decoded JSON instance and turn it into arrays.

    Raises :class:`InstanceError` naming the first bad value. Keys outside the contract are
    ignored (see :func:`unknown_keys`).
    """
    top = _mapping(data, "")
    for key in ("budgets", "applications"):
        if key not in top:
            raise InstanceError(key, "missing required key")
    budgets = _mapping(top["budgets"], "budgets")
    if not budgets:
        raise InstanceError("budgets", "at least one funder budget is required")
    funders = tuple(str(name) for name in budgets)
    budget = np.array([_number(budgets[f], f"budgets.{f}", minimum=0) for f in funders])
    funder_index = {name: k for k, name in enumerate(funders)}

    applications = top["applications"]
    if not isinstance(applications, Sequence) or isinstance(applications, str):
        raise InstanceError("applications", "expected a list of applications")
    n = len(applications)
    ids: list[str] = []
    seen: dict[str, int] = {}
    merit = np.zeros(n)
    cost = np.zeros((n, len(funders)))
    area_lists: list[list[str]] = []
    for i, raw in enumerate(applications):
        where = f"applications[{i}]"
        application = _mapping(raw, where)
        if "id" not in application:
            raise InstanceError(where, "missing required key 'id'")
        application_id = _id(application["id"], f"{where}.id")
        where = f"applications[{i}] (id {application_id!r})"
        if application_id in seen:
            raise InstanceError(
                f"{where}.id",
                f"duplicate id, also used by applications[{seen[application_id]}]",
            )
        seen[application_id] = i
        ids.append(application_id)
        for key in ("merit", "cost"):
            if key not in application:
                raise InstanceError(where, f"missing required key {key!r}")
        merit[i] = _number(application["merit"], f"{where}.merit")
        costs = _mapping(application["cost"], f"{where}.cost")
        for funder, amount in costs.items():
            if funder not in funder_index:
                raise InstanceError(
                    f"{where}.cost.{funder}",
                    f"funder {funder!r} has no budget; budgets are for {', '.join(funders)}",
                )
            cost[i, funder_index[funder]] = _number(amount, f"{where}.cost.{funder}", minimum=0)
        areas = application.get("areas", [])
        if not isinstance(areas, Sequence) or isinstance(areas, str):
            raise InstanceError(f"{where}.areas", "expected a list of area names")
        for k, area in enumerate(areas):
            if not isinstance(area, str) or not area:
                raise InstanceError(f"{where}.areas[{k}]", "expected a non-empty area name")
        area_lists.append(list(dict.fromkeys(areas)))

    bounds: dict[str, dict[str, int]] = {}
    for key in ("area_min", "area_max"):
        raw_bounds = _mapping(top.get(key, {}), key)
        bounds[key] = {str(a): _count(v, f"{key}.{a}") for a, v in raw_bounds.items()}

    area_names = list(dict.fromkeys(a for areas in area_lists for a in areas))
    for key in ("area_min", "area_max"):
        area_names.extend(a for a in bounds[key] if a not in area_names)
    area_index = {a: k for k, a in enumerate(area_names)}
    membership = np.zeros((n, len(area_names)), dtype=bool)
    for i, areas in enumerate(area_lists):
        membership[i, [area_index[a] for a in areas]] = True
    area_min = np.zeros(len(area_names), dtype=np.int64)
    area_max = np.full(len(area_names), NO_MAXIMUM, dtype=np.int64)
    for a, v in bounds["area_min"].items():
        area_min[area_index[a]] = v
    for a, v in bounds["area_max"].items():
        area_max[area_index[a]] = v

    must_fund = np.zeros(n, dtype=bool)
    must_not_fund = np.zeros(n, dtype=bool)
    must_fund[_id_list(top, "must_fund", seen)] = True
    must_not_fund[_id_list(top, "must_not_fund", seen)] = True
    both = np.flatnonzero(must_fund & must_not_fund)
    if both.size:
        raise InstanceError(
            "must_not_fund",
            f"application id {ids[both[0]]!r} is in both must_fund and must_not_fund; "
            "remove it from one of them",
        )
    return PortfolioInstance(
        ids=tuple(ids),
        funders=funders,
        areas=tuple(area_names),
        merit=merit,
        cost=cost,
        budget=budget,
        membership=membership,
        area_min=area_min,
        area_max=area_max,
        must_fund=must_fund,
        must_not_fund=must_not_fund,
    )


def unknown_keys(data: object) -> list[str]:
    """Top-level keys outside the contract (probably typos such as ``area_mins``)."""
    if not isinstance(data, Mapping):
        return []
    return [str(k) for k in data if k not in TOP_LEVEL_KEYS]


def load_json(path: str | Path) -> object:
    """Read a JSON file; errors name the file, line and column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InstanceError(str(path), f"cannot read the file ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise InstanceError(str(path), "the file is not UTF-8 text") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InstanceError(
            f"{path}:{error.lineno}:{error.colno}", f"invalid JSON ({error.msg})"
        ) from error


def read_instance(path: str | Path) -> PortfolioInstance:
    """Load and validate an instance file."""
    return instance_from_dict(load_json(path))


def instance_to_dict(instance: PortfolioInstance) -> dict[str, Any]:
    """The JSON form of ``instance`` (inverse of :func:`instance_from_dict`)."""
    applications = []
    for i, application_id in enumerate(instance.ids):
        applications.append(
            {
                "id": application_id,
                "merit": float(instance.merit[i]),
                "cost": {
                    f: float(instance.cost[i, k])
                    for k, f in enumerate(instance.funders)
                    if instance.cost[i, k] != 0
                },
                "areas": [a for k, a in enumerate(instance.areas) if instance.membership[i, k]],
            }
        )
    data: dict[str, Any] = {
        "budgets": {f: float(b) for f, b in zip(instance.funders, instance.budget, strict=True)},
        "applications": applications,
    }
    area_min = {a: int(v) for a, v in zip(instance.areas, instance.area_min, strict=True) if v > 0}
    area_max = {
        a: int(v) for a, v in zip(instance.areas, instance.area_max, strict=True) if v != NO_MAXIMUM
    }
    if area_min:
        data["area_min"] = area_min
    if area_max:
        data["area_max"] = area_max
    if instance.must_fund.any():
        data["must_fund"] = [instance.ids[i] for i in np.flatnonzero(instance.must_fund)]
    if instance.must_not_fund.any():
        data["must_not_fund"] = [instance.ids[i] for i in np.flatnonzero(instance.must_not_fund)]
    return data
