"""Exceptions of the assignment core; each message names the failing array or constraint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


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

    Structured: ``kind`` names the constraint that makes it so (``"total_max_load"``,
    ``"proposal_country"``, ``"hall"``, ...; see
    :data:`accord.core.assignment.messages.INFEASIBLE_KINDS`) and ``params`` holds its numbers
    (proposal and reviewer indices, country 0/1, counts; plain ints and lists). ``str(exc)`` is
    the English sentence (:func:`accord.core.assignment.messages.describe_infeasible`); front
    ends that speak other languages translate ``kind`` + ``params`` instead.
    ``constraint`` is the same as ``kind`` (older name).
    """

    def __init__(self, kind: str, message: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.constraint = kind
        self.params: dict[str, Any] = dict(params or {})

    @classmethod
    def of(cls, kind: str, labels: Sequence[str], **params: Any) -> InfeasibleAssignmentError:
        """The error of ``kind`` with ``params``, worded in English with the country ``labels``."""
        from accord.core.assignment.messages import describe_infeasible

        return cls(kind, describe_infeasible(kind, params, labels), params)


class SolverError(AssignmentError, RuntimeError):
    """The LP solver failed in a way that is not infeasibility (a bug or a numerical failure)."""
