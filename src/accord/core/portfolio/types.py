"""Instances, results and errors of the portfolio optimiser.

Shapes use N applications, F funders (one budget each, in that funder's currency) and A areas.
Every array is checked in ``__post_init__`` and made read-only, so an instance cannot change
under a result that was computed from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: ``area_max`` value meaning "no maximum for this area".
NO_MAXIMUM = -1

#: Constraint groups, in the order infeasibility is explained.
BUDGET = "budget"
AREA_MIN = "area_min"
AREA_MAX = "area_max"
MUST_FUND = "must_fund"
MUST_NOT_FUND = "must_not_fund"
GROUPS = (BUDGET, AREA_MIN, AREA_MAX, MUST_FUND, MUST_NOT_FUND)


class PortfolioError(Exception):
    """Base class of every error raised by :mod:`accord.core.portfolio`."""


class InstanceError(PortfolioError, ValueError):
    """The instance is malformed. ``where`` is the JSON path of the offending value."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else problem)


class PortfolioInfeasible(PortfolioError):
    """No portfolio meets every constraint.

    ``constraint`` is the group that is named as the culprit (one of :data:`GROUPS`),
    ``members`` the budgets / areas / application ids in that group that conflict, and
    ``conflicts_with`` the other groups that, with them, leave no feasible portfolio (empty when
    the culprit is infeasible on its own). ``numbers`` holds the figures quoted in the message.
    """

    def __init__(
        self,
        message: str,
        *,
        constraint: str,
        members: tuple[str, ...] = (),
        conflicts_with: tuple[str, ...] = (),
        numbers: dict[str, float] | None = None,
    ) -> None:
        self.message = message
        self.constraint = constraint
        self.members = members
        self.conflicts_with = conflicts_with
        self.numbers = dict(numbers or {})
        super().__init__(message)


class SolverError(PortfolioError):
    """HiGHS stopped without a usable answer (time limit with no feasible point, numerical trouble)."""


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array = np.array(array, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class PortfolioInstance:
    """A funding decision under several budgets.

    ids:           str[N]      application ids, unique, in input order
    funders:       str[F]      one budget per funder (the funder's currency)
    areas:         str[A]      every area named by an application or a bound
    merit:         float[N]    higher is better; finite
    cost:          float[N, F] what funding application i costs funder f; >= 0, finite
                               (0 when the application names no cost for that funder)
    budget:        float[F]    >= 0, finite
    membership:    bool[N, A]  application i lists area a
    area_min:      int[A]      funded applications listing area a must be >= this (0 = no bound)
    area_max:      int[A]      ... and <= this (NO_MAXIMUM = no bound)
    must_fund:     bool[N]
    must_not_fund: bool[N]     never both true for one application
    """

    ids: tuple[str, ...]
    funders: tuple[str, ...]
    areas: tuple[str, ...]
    merit: FloatArray
    cost: FloatArray
    budget: FloatArray
    membership: BoolArray
    area_min: IntArray
    area_max: IntArray
    must_fund: BoolArray
    must_not_fund: BoolArray

    def __post_init__(self) -> None:
        n, f, a = len(self.ids), len(self.funders), len(self.areas)
        expected: dict[str, tuple[tuple[int, ...], type]] = {
            "merit": ((n,), np.float64),
            "cost": ((n, f), np.float64),
            "budget": ((f,), np.float64),
            "membership": ((n, a), np.bool_),
            "area_min": ((a,), np.int64),
            "area_max": ((a,), np.int64),
            "must_fund": ((n,), np.bool_),
            "must_not_fund": ((n,), np.bool_),
        }
        for name, (shape, dtype) in expected.items():
            value = np.asarray(getattr(self, name))
            if value.shape != shape:
                raise InstanceError(name, f"expected shape {shape}, got {value.shape}")
            if value.dtype != dtype:
                value = value.astype(dtype)
            object.__setattr__(self, name, _frozen(value))
        if len(set(self.ids)) != n:
            raise InstanceError("ids", "application ids must be unique")
        for name in ("merit", "cost", "budget"):
            if not np.all(np.isfinite(getattr(self, name))):
                raise InstanceError(name, "must be finite (no NaN or infinity)")
        if np.any(self.cost < 0):
            raise InstanceError("cost", "costs must be >= 0")
        if np.any(self.budget < 0):
            raise InstanceError("budget", "budgets must be >= 0")
        if np.any(self.area_min < 0):
            raise InstanceError("area_min", "area minimums must be >= 0")
        if np.any(self.area_max < NO_MAXIMUM):
            raise InstanceError("area_max", f"area maximums must be >= 0 (or {NO_MAXIMUM})")
        if np.any(self.must_fund & self.must_not_fund):
            raise InstanceError(
                "must_fund", "an application cannot be both must-fund and must-not-fund"
            )

    @property
    def n(self) -> int:
        return len(self.ids)

    def index(self, application_id: str) -> int:
        """Position of ``application_id`` in :attr:`ids` (KeyError if unknown)."""
        try:
            return self.ids.index(application_id)
        except ValueError:
            raise KeyError(application_id) from None


@dataclass(frozen=True, eq=False)
class PortfolioResult:
    """An optimal (or, under a time limit, best found) portfolio.

    funded_mask: bool[N]  in the instance's application order
    funded:      ids of the funded applications, in input order
    objective:   total merit of the funded applications
    bound:       HiGHS's dual bound on the (tie-broken) objective; == objective up to the gap
    gap:         HiGHS's relative MIP gap (0.0 when proven optimal)
    spend:       funder -> sum over funded applications of that funder's cost
    area_count:  area -> number of funded applications listing that area
    status:      "optimal" or "time_limit" (feasible, not proven optimal)
    seconds:     wall time of the solve
    """

    funded_mask: BoolArray
    funded: tuple[str, ...]
    objective: float
    bound: float
    gap: float
    spend: dict[str, float]
    area_count: dict[str, int]
    status: str
    seconds: float = field(default=0.0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "funded_mask", _frozen(np.asarray(self.funded_mask, dtype=bool)))
