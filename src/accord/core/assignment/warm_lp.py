"""The restricted assignment LP held in HiGHS (``highspy``) across column-generation rounds.

The model is built once; each round appends the new pairs as columns (``addCols``) and re-runs
the dual simplex from the previous optimal basis (still dual feasible on the old columns, so a
round with few new columns costs a few hundred pivots instead of a cold solve). Rows::

    proposal p        (P rows):   sum_r x[p, r] = k
    reviewer r        (R rows):   min_load[r] <= sum_p x[p, r] <= max_load[r]   (one ranged row)
    bilateral (p, c)  (2P rows):  sum_{r in c} x[p, r] >= 1                     (bilateral only)

Column ``j`` is the pair ``keys[j]`` (p * R + r, in the order added), bounds [0, 1], cost
``-weight`` (HiGHS minimises). The duals are returned in the maximisation form of
:class:`accord.core.assignment.duals.Duals`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.core.assignment.duals import Duals, FloatArray
from accord.core.assignment.errors import SolverError
from accord.core.assignment.model import AssignmentInstance, IntArray

#: HiGHS solver of the first run, by method name (ipm runs crossover to a basis).
FIRST_SOLVERS = {"highs-ipm": "ipm", "highs-ds": "simplex", "highs": "choose"}


@dataclass(frozen=True)
class LPOutcome:
    """One solve of a restricted LP.

    ``status`` 0 = optimal, 2 = infeasible. ``keys``: int64[n] the pairs of the columns (p*R+r);
    ``x``: float64[n] their values; ``objective``: the LP objective as minimised (so the
    negated total weight in phase 2); ``duals`` (None when infeasible).
    """

    status: int
    keys: IntArray
    x: FloatArray
    objective: float
    duals: Duals | None


def _highspy() -> Any:
    """highspy, imported on first use (it cannot share a process with OR-Tools: see
    :func:`accord.core.assignment.flow._ortools_min_cost_flow`)."""
    try:
        import highspy
    except ImportError as exc:
        raise SolverError(
            f"highspy cannot be loaded ({exc}); it cannot share a process with OR-Tools (both "
            "bundle HiGHS): use one solver method per process"
        ) from None
    return highspy


class WarmLP:
    """The phase-2 restricted LP of ``instance``, kept in HiGHS between rounds.

    ``method`` picks the solver of the first :meth:`run` (a key of :data:`FIRST_SOLVERS`);
    later runs use the dual simplex from the previous basis.
    """

    def __init__(self, instance: AssignmentInstance, method: str = "highs-ipm") -> None:
        if method not in FIRST_SOLVERS:
            raise ValueError(f"method must be one of {sorted(FIRST_SOLVERS)}, got {method!r}")
        highspy = _highspy()
        self._hs = highspy
        n_props, n_revs = instance.affinity.shape
        self._instance = instance
        self._n_props = n_props
        self._n_revs = n_revs
        self._bilateral = instance.bilateral
        self._keys: list[IntArray] = []
        self._n_cols = 0
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("presolve", "off")  # keeps the basis usable for warm starts
        # Reduced costs to 1e-10 (default 1e-7): the LP optimum, hence the assignment, is then
        # optimal to round-off, not only within the certified 1e-9 gap.
        highs.setOptionValue("dual_feasibility_tolerance", 1e-10)
        highs.setOptionValue("solver", FIRST_SOLVERS[method])
        if FIRST_SOLVERS[method] == "ipm":
            highs.setOptionValue("run_crossover", "on")
        inf = highspy.kHighsInf
        k = float(instance.k)
        lower = [np.full(n_props, k), instance.min_load.astype(np.float64)]
        upper = [np.full(n_props, k), instance.max_load.astype(np.float64)]
        if self._bilateral:
            lower.append(np.ones(2 * n_props))
            upper.append(np.full(2 * n_props, inf))
        low = np.concatenate(lower)
        up = np.concatenate(upper)
        empty_i = np.zeros(0, dtype=np.int32)
        self._check(
            highs.addRows(low.size, low, up, 0, empty_i, empty_i, np.zeros(0)), "adding the rows"
        )
        self._highs = highs
        self._first = True

    def _check(self, status: Any, what: str) -> None:
        if status == self._hs.HighsStatus.kError:
            raise SolverError(f"HiGHS failed {what}")

    @property
    def keys(self) -> IntArray:
        """int64[n]: the pairs of the columns, in column order."""
        if not self._keys:
            return np.zeros(0, dtype=np.int64)
        if len(self._keys) > 1:
            self._keys = [np.concatenate(self._keys)]
        return self._keys[0]

    def add(self, keys: IntArray, weights: FloatArray) -> None:
        """Append the pairs ``keys`` (int64[n], p*R + r, not yet columns) with ``weights``."""
        n = int(keys.size)
        if weights.shape != (n,):
            raise ValueError(f"weights must have shape [{n}], got {list(weights.shape)}")
        if n == 0:
            return
        n_props, n_revs = self._n_props, self._n_revs
        p, r = np.divmod(keys.astype(np.int64, copy=False), n_revs)
        per_col = 3 if self._bilateral else 2
        index = np.empty((n, per_col), dtype=np.int32)
        index[:, 0] = p
        index[:, 1] = n_props + r
        if self._bilateral:
            index[:, 2] = n_props + n_revs + 2 * p + self._instance.reviewer_country[r]
        starts = np.arange(0, per_col * n, per_col, dtype=np.int32)
        self._check(
            self._highs.addCols(
                n,
                -np.ascontiguousarray(weights, dtype=np.float64),
                np.zeros(n),
                np.ones(n),
                per_col * n,
                starts,
                index.ravel(),
                np.ones(per_col * n),
            ),
            "adding columns",
        )
        self._keys.append(keys.astype(np.int64, copy=False))
        self._n_cols += n

    def run(self) -> LPOutcome:
        """Solve from the current basis; the outcome's duals are in maximisation form."""
        highs = self._highs
        highspy = self._hs
        self._check(highs.run(), "solving the restricted LP")
        status = highs.getModelStatus()
        if self._first:
            self._first = False
            highs.setOptionValue("solver", "simplex")
            if status not in (
                highspy.HighsModelStatus.kOptimal,
                highspy.HighsModelStatus.kInfeasible,
            ):
                # The interior point method (or its crossover) can stop short of an optimal
                # basis ("Unknown"); the simplex finishes from wherever it got.
                self._check(highs.run(), "solving the restricted LP with the simplex")
                status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return LPOutcome(2, self.keys, np.zeros(0), float("nan"), None)
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(
                f"HiGHS stopped on the restricted LP with status {highs.modelStatusToString(status)}"
            )
        solution = highs.getSolution()
        x = np.asarray(solution.col_value, dtype=np.float64)
        y = np.asarray(solution.row_dual, dtype=np.float64)
        n_props, n_revs = self._n_props, self._n_revs
        alpha = -y[:n_props]
        rho = -y[n_props : n_props + n_revs]
        if self._bilateral:
            beta = np.minimum(-y[n_props + n_revs :].reshape(n_props, 2), 0.0)
        else:
            beta = np.zeros((n_props, 2))
        duals = Duals(alpha, beta, np.maximum(rho, 0.0), np.maximum(-rho, 0.0))
        objective = float(highs.getInfo().objective_function_value)
        return LPOutcome(0, self.keys, x, objective, duals)
