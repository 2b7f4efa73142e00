"""Reviewer assignment: exact, certified, with the bilateral rule. Django-free.

Public API (see each function's docstring for shapes):

- :class:`AssignmentInstance`, :func:`load_npz`, :func:`save_npz`
- :func:`solve` -> :class:`AssignmentResult` (pairs, objective, bound, gap, timings)
- :func:`solve_fair` -> :class:`FairResult` (max-min, then max total; moderate sizes)
- :func:`resolve` -> :class:`IncrementalResult` (after a decline, a conflict, a withdrawal)
- :func:`check_assignment`, :func:`check_necessary`
- :func:`violations` (structured) and :func:`check_assignment` (English) for a given assignment
- errors: :class:`InstanceError`, :class:`InfeasibleAssignmentError` (``kind`` + ``params``),
  :class:`SolverError`; English wording in :mod:`accord.core.assignment.messages`
"""

from accord.core.assignment.errors import (
    AssignmentError,
    InfeasibleAssignmentError,
    InstanceError,
    SolverError,
)
from accord.core.assignment.fairness import FairResult, solve_fair
from accord.core.assignment.incremental import IncrementalResult, apply_changes, resolve
from accord.core.assignment.infeasible import check_necessary
from accord.core.assignment.messages import (
    INFEASIBLE_KINDS,
    Violation,
    describe_infeasible,
    describe_violation,
)
from accord.core.assignment.model import (
    AssignmentInstance,
    AssignmentResult,
    check_assignment,
    load_npz,
    save_npz,
    total_affinity,
    violations,
)
from accord.core.assignment.solve import solve

__all__ = [
    "INFEASIBLE_KINDS",
    "AssignmentError",
    "AssignmentInstance",
    "AssignmentResult",
    "FairResult",
    "IncrementalResult",
    "InfeasibleAssignmentError",
    "InstanceError",
    "SolverError",
    "Violation",
    "apply_changes",
    "check_assignment",
    "check_necessary",
    "describe_infeasible",
    "describe_violation",
    "load_npz",
    "resolve",
    "save_npz",
    "solve",
    "solve_fair",
    "total_affinity",
    "violations",
]
