"""Why an assignment instance is infeasible, in words.

:func:`check_necessary` tests the simple necessary conditions (cheap, vectorised over the dense
matrices) and raises :class:`InfeasibleAssignmentError` with the first that fails.
:func:`explain_farkas` turns a phase-1 LP certificate (duals proving that no flow exists) into a
Hall-type statement: a set of demands (proposals needing reviewers, reviewers needing a minimum
load) larger than what the reviewers and pairs available to them can supply.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from accord.core.assignment.duals import Duals, FloatArray, chunk_rows, price
from accord.core.assignment.errors import InfeasibleAssignmentError
from accord.core.assignment.model import AssignmentInstance, IntArray


def _ids(values: Sequence[int] | IntArray, limit: int = 10) -> str:
    items = [int(v) for v in values]
    shown = ", ".join(str(v) for v in items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more"
    return shown


def _named(word: str, values: IntArray) -> str:
    """'proposal 3' or 'proposals 0, 1, 2'."""
    return f"{word} {int(values[0])}" if values.size == 1 else f"{word}s {_ids(values)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _also(failing: IntArray, what: str) -> str:
    if failing.size <= 1:
        return ""
    if failing.size == 2:
        return f" (so does {what} {int(failing[1])})"
    return f" (so do {what}s {_ids(failing[1:])})"


def check_necessary(instance: AssignmentInstance) -> None:
    """Raise :class:`InfeasibleAssignmentError` if a simple necessary condition fails.

    Checked in order: k >= 2 under the bilateral rule; every proposal has k non-conflicted
    reviewers and one of each country; total max_load >= k*P; total min_load <= k*P; per
    country, max_load total >= P and min_load total <= (k-1)*P; every reviewer has at least
    min_load non-conflicted proposals; capacities counted with conflicts (a reviewer gives at
    most min(max_load, its non-conflicted proposals)).
    """
    k = instance.k
    n_props = instance.n_proposals
    if n_props == 0:
        if instance.min_load.sum() > 0:
            r = int(np.flatnonzero(instance.min_load > 0)[0])
            raise InfeasibleAssignmentError(
                "min_load",
                f"there are no proposals, but reviewer {r} has min_load {instance.min_load[r]}",
            )
        return
    bilateral = instance.bilateral
    country = instance.reviewer_country
    labels = [instance.country_label(0), instance.country_label(1)]
    if bilateral and k < 2:
        raise InfeasibleAssignmentError(
            "k",
            f"k = {k}, but with reviewers from both countries every proposal needs at least one "
            f"{labels[0]} and one {labels[1]} reviewer, so k must be at least 2",
        )
    eligible = ~instance.conflict
    per_prop = np.count_nonzero(eligible, axis=1)
    per_prop_c = (
        [np.count_nonzero(eligible[:, country == c], axis=1) for c in (0, 1)] if bilateral else []
    )
    need = "it needs at least 1 from each country and " if bilateral else "it needs "
    for c in (0, 1) if bilateral else ():
        failing = np.flatnonzero(per_prop_c[c] < 1)
        if failing.size:
            p = int(failing[0])
            raise InfeasibleAssignmentError(
                "proposal_country",
                f"proposal {p} has no {labels[c]} reviewer without a conflict; {need}{k} in all"
                + _also(failing, "proposal"),
            )
    failing = np.flatnonzero(per_prop < k)
    if failing.size:
        p = int(failing[0])
        detail = (
            f" ({per_prop_c[0][p]} {labels[0]}, {per_prop_c[1][p]} {labels[1]})"
            if bilateral
            else ""
        )
        raise InfeasibleAssignmentError(
            "proposal_reviewers",
            f"proposal {p} has only {_plural(int(per_prop[p]), 'reviewer')} without a conflict"
            f"{detail}; {need}{k} in all" + _also(failing, "proposal"),
        )
    demand = k * n_props
    total_max = int(instance.max_load.sum())
    if total_max < demand:
        raise InfeasibleAssignmentError(
            "total_max_load",
            f"total max_load {total_max} < k*P = {k}*{n_props} = {demand}: the reviewers cannot "
            f"take all the reviews; raise max_load or add reviewers",
        )
    total_min = int(instance.min_load.sum())
    if total_min > demand:
        raise InfeasibleAssignmentError(
            "total_min_load",
            f"sum of min_load {total_min} > k*P = {k}*{n_props} = {demand}: there are not "
            f"enough reviews to give every reviewer their minimum; lower min_load",
        )
    if bilateral:
        for c in (0, 1):
            sel = country == c
            cap = int(instance.max_load[sel].sum())
            if cap < n_props:
                raise InfeasibleAssignmentError(
                    "country_max_load",
                    f"the {labels[c]} reviewers' total max_load {cap} < P = {n_props}: every "
                    f"proposal needs at least one of them",
                )
            low = int(instance.min_load[sel].sum())
            if low > (k - 1) * n_props:
                raise InfeasibleAssignmentError(
                    "country_min_load",
                    f"the {labels[c]} reviewers' total min_load {low} > (k-1)*P = {k - 1}*"
                    f"{n_props} = {(k - 1) * n_props}: each proposal takes at most k-1 of them",
                )
    per_rev = np.count_nonzero(eligible, axis=0)
    failing = np.flatnonzero(per_rev < instance.min_load)
    if failing.size:
        r = int(failing[0])
        raise InfeasibleAssignmentError(
            "reviewer_min_load",
            f"reviewer {r} has min_load {instance.min_load[r]} but only "
            f"{_plural(int(per_rev[r]), 'proposal')} without a conflict"
            + _also(failing, "reviewer"),
        )
    usable = np.minimum(instance.max_load, per_rev)
    if int(usable.sum()) < demand:
        raise InfeasibleAssignmentError(
            "total_max_load",
            f"counting conflicts, the reviewers can take at most {int(usable.sum())} reviews "
            f"(each at most min(max_load, proposals without a conflict)) < k*P = {demand}",
        )
    if bilateral:
        for c in (0, 1):
            cap = int(usable[country == c].sum())
            if cap < n_props:
                raise InfeasibleAssignmentError(
                    "country_max_load",
                    f"counting conflicts, the {labels[c]} reviewers can take at most {cap} "
                    f"reviews < P = {n_props}: every proposal needs at least one of them",
                )


def _row_positive(instance: AssignmentInstance, duals: Duals) -> FloatArray:
    """float64[P]: per proposal, the sum of positive phase-1 reduced costs of its pairs."""
    theta, rho = duals.theta, duals.rho
    is1 = instance.reviewer_country == 1
    n_props, n_revs = instance.affinity.shape
    out = np.zeros(n_props)
    step = chunk_rows(n_revs)
    for start in range(0, n_props, step):
        stop = min(n_props, start + step)
        th = theta[start:stop]
        rc = -np.where(is1[None, :], th[:, 1:2], th[:, 0:1]) - rho[None, :]
        rc[instance.conflict[start:stop]] = 0.0
        out[start:stop] = np.maximum(rc, 0.0).sum(axis=1)
    return out


def _shrink(instance: AssignmentInstance, duals: Duals) -> tuple[Duals, float]:
    """A smaller certificate: drop proposals whose own pairs supply at least what they demand.

    ``duals`` must prove infeasibility (Lagrangian bound < 0); so does the result, which is
    re-checked. Returns the duals and their positive pair sum.
    """
    empty = np.zeros(0, dtype=np.int64)
    current = duals
    positive = price(instance, current, scale=0.0, candidates=empty)[0]
    for _ in range(10):
        demand = -(instance.k * current.alpha + current.beta.sum(axis=1))
        pure = (current.alpha <= 0) & (current.beta <= 0).all(axis=1) & (demand > 0)
        drop = pure & (_row_positive(instance, current) >= demand)
        if not drop.any() or drop.sum() == pure.sum():
            break
        alpha, beta = current.alpha.copy(), current.beta.copy()
        alpha[drop] = 0.0
        beta[drop] = 0.0
        trial = Duals(alpha, beta, current.gamma, current.delta)
        trial_positive = price(instance, trial, scale=0.0, candidates=empty)[0]
        if trial.const(instance) + trial_positive >= -0.5:
            break
        current, positive = trial, trial_positive
    return current, positive


def explain_farkas(instance: AssignmentInstance, duals: Duals, phase1_objective: float) -> str:
    """Words for a phase-1 certificate of infeasibility (``duals`` of the phase-1 LP).

    The certificate says: the demands with a negative dual weight (proposals needing k
    reviewers, proposals needing one reviewer of a country, reviewers needing min_load) add up
    to more than the supplies with a positive weight (max_loads, proposals taking at most k,
    single non-conflicted pairs). With integral duals that is a Hall-type violation.
    """
    empty = np.zeros(0, dtype=np.int64)
    rounded = duals.rounded()
    positive_r, _ = price(instance, rounded, scale=0.0, candidates=empty)
    if rounded.const(instance) + positive_r < -0.5:
        use, positive = _shrink(instance, rounded)
    else:
        use, positive = duals, price(instance, duals, scale=0.0, candidates=empty)[0]
    k = instance.k
    labels = [instance.country_label(0), instance.country_label(1)]
    demand_parts: list[str] = []
    supply_parts: list[str] = []
    need_k = np.flatnonzero(use.alpha < -1e-9)
    if need_k.size:
        demand_parts.append(
            f"{_named('proposal', need_k)} need{'s' if need_k.size == 1 else ''} k = {k} reviewers{'' if need_k.size == 1 else ' each'}"
        )
    for c in (0, 1):
        need_c = np.flatnonzero(use.beta[:, c] < -1e-9)
        if need_c.size:
            demand_parts.append(
                f"{_named('proposal', need_c)} need{'s' if need_c.size == 1 else ''} a {labels[c]} reviewer{'' if need_c.size == 1 else ' each'}"
            )
    need_min = np.flatnonzero(use.delta > 1e-9)
    if need_min.size:
        demand_parts.append(
            f"{_named('reviewer', need_min)} must review at least min_load "
            f"({int(instance.min_load[need_min].sum())} in all)"
        )
    cap_max = np.flatnonzero(use.gamma > 1e-9)
    if cap_max.size:
        supply_parts.append(
            f"{_named('reviewer', cap_max)} can take at most max_load "
            f"({int(instance.max_load[cap_max].sum())} in all)"
        )
    cap_k = np.flatnonzero(use.alpha > 1e-9)
    if cap_k.size:
        supply_parts.append(
            f"{_named('proposal', cap_k)} take{'s' if cap_k.size == 1 else ''} at most k = {k} reviewers{'' if cap_k.size == 1 else ' each'}"
        )
    if positive > 1e-9:
        supply_parts.append(
            f"the other reviewers without a conflict can add at most {round(positive)} "
            f"(one per proposal-reviewer pair)"
        )
    demand = -(
        k * np.minimum(use.alpha, 0).sum() + use.beta.sum() - (instance.min_load * use.delta).sum()
    )
    supply = k * np.maximum(use.alpha, 0).sum() + (instance.max_load * use.gamma).sum() + positive
    return (
        "no assignment satisfies every constraint (Hall-type violation): "
        + "; ".join(demand_parts or ["(no demand identified)"])
        + f" — {demand:g} places in all — but "
        + ("; ".join(supply_parts) if supply_parts else "nothing can supply them")
        + f" — at most {supply:g}. Even the best assignment leaves "
        f"{_plural(round(phase1_objective), 'place')} unfilled; add reviewers without conflicts for these proposals, raise those "
        "max_loads, or lower k or min_load"
    )
