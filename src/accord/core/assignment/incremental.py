"""Re-solve after a change, moving as few existing pairs as possible.

Changes: a reviewer declines a proposal or a new conflict appears (the pair is forbidden), or a
reviewer withdraws (all their pairs are forbidden and their loads become 0). The new assignment
is lexicographically optimal: first the fewest previous pairs moved, then the largest total
affinity. It stays a network flow: every previous pair that is still allowed gets a bonus larger
than any possible difference in total affinity, so one more kept pair always wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from accord.core.assignment.errors import InstanceError
from accord.core.assignment.model import (
    AssignmentInstance,
    AssignmentResult,
    IntArray,
    as_pairs,
)
from accord.core.assignment.solve import DEFAULT_CANDIDATES, solve_weighted


@dataclass(frozen=True, eq=False)
class IncrementalResult:
    """The re-solved assignment and what moved.

    - ``result``: the new :class:`AssignmentResult` (on ``instance``).
    - ``instance``: the changed instance (conflicts added, withdrawn reviewers' loads 0).
    - ``moved``: number of previous pairs dropped (equal to the number of new pairs added).
    - ``removed``: int64[moved, 2] previous pairs no longer assigned.
    - ``added``: int64[moved, 2] pairs that were not assigned before.
    """

    result: AssignmentResult
    instance: AssignmentInstance
    moved: int
    removed: IntArray
    added: IntArray


def apply_changes(
    instance: AssignmentInstance,
    *,
    declined: Iterable[tuple[int, int]] = (),
    new_conflicts: Iterable[tuple[int, int]] = (),
    withdrawn: Iterable[int] = (),
) -> AssignmentInstance:
    """A copy of ``instance`` with the pairs forbidden and the withdrawn reviewers removed."""
    conflict = instance.conflict.copy()
    min_load = instance.min_load.copy()
    max_load = instance.max_load.copy()
    for name, pairs in (("declined", declined), ("new_conflicts", new_conflicts)):
        arr = as_pairs(list(pairs), instance, name=name)
        conflict[arr[:, 0], arr[:, 1]] = True
    gone = np.asarray(list(withdrawn), dtype=np.int64)
    if gone.size:
        bad = (gone < 0) | (gone >= instance.n_reviewers)
        if bad.any():
            raise InstanceError(
                "withdrawn",
                f"withdrawn reviewer {int(gone[bad][0])} is outside R = {instance.n_reviewers}",
            )
        conflict[:, gone] = True
        min_load[gone] = 0
        max_load[gone] = 0
    return AssignmentInstance(
        affinity=instance.affinity,
        conflict=conflict,
        reviewer_country=instance.reviewer_country,
        k=instance.k,
        min_load=min_load,
        max_load=max_load,
        country_names=instance.country_names,
    )


def resolve(
    instance: AssignmentInstance,
    previous: IntArray | Iterable[tuple[int, int]],
    *,
    declined: Iterable[tuple[int, int]] = (),
    new_conflicts: Iterable[tuple[int, int]] = (),
    withdrawn: Iterable[int] = (),
    candidates_per_country: int = DEFAULT_CANDIDATES,
) -> IncrementalResult:
    """Re-solve ``instance`` after the changes, keeping every previous pair that can stay.

    ``previous``: int[N, 2] the current assignment (proposal, reviewer). Raises
    :class:`InfeasibleAssignmentError` if the changed instance has no assignment at all.
    """
    prev = as_pairs(
        previous if isinstance(previous, np.ndarray) else list(previous), instance, name="previous"
    )
    changed = apply_changes(
        instance, declined=declined, new_conflicts=new_conflicts, withdrawn=withdrawn
    )
    n_revs = instance.n_reviewers
    prev_keys = np.unique(prev[:, 0] * n_revs + prev[:, 1])
    aff = instance.affinity
    spread = float(aff.max() - aff.min()) if aff.size else 0.0
    # Any two assignments differ in total affinity by at most k*P*spread < bonus.
    bonus = (instance.k * instance.n_proposals + 1) * spread if spread > 0 else 1.0
    result = solve_weighted(
        changed,
        bonus_keys=prev_keys,
        bonus=bonus,
        candidates_per_country=candidates_per_country,
    )
    new_keys = result.pairs[:, 0] * n_revs + result.pairs[:, 1]
    removed_keys = np.setdiff1d(prev_keys, new_keys, assume_unique=True)
    added_keys = np.setdiff1d(new_keys, prev_keys, assume_unique=True)
    return IncrementalResult(
        result=result,
        instance=changed,
        moved=int(removed_keys.size),
        removed=np.column_stack(np.divmod(removed_keys, n_revs)).astype(np.int64),
        added=np.column_stack(np.divmod(added_keys, n_revs)).astype(np.int64),
    )
