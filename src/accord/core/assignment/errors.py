"""Exceptions of the assignment core; each message names the failing array or constraint."""

from __future__ import annotations


class AssignmentError(Exception):
    """Base class of every error raised by :mod:`accord.core.assignment`."""


class InstanceError(AssignmentError, ValueError):
    """The instance is malformed: a missing array, a wrong shape or dtype, a bad value.

    ``array`` names the offending array (``"affinity"``, ``"k"``, ...) so that callers can point
    the user at it.
    """

    def __init__(self, array: str, message: str) -> None:
        super().__init__(message)
        self.array = array


class InfeasibleAssignmentError(AssignmentError):
    """No assignment satisfies every constraint.

    ``constraint`` is a short machine-readable name of the constraint that makes it so
    (``"total_max_load"``, ``"proposal_country"``, ``"hall"``, ...); the message says it in words.
    """

    def __init__(self, constraint: str, message: str) -> None:
        super().__init__(message)
        self.constraint = constraint


class SolverError(AssignmentError, RuntimeError):
    """The LP solver failed in a way that is not infeasibility (a bug or a numerical failure)."""
