"""Why an assignment instance is infeasible, in words.

:func:`check_necessary` tests the simple necessary conditions (cheap, vectorised over the dense
matrices) and raises :class:`InfeasibleAssignmentError` with the first that fails.
:func:`explain_farkas` turns a phase-1 LP certificate (duals proving that no flow exists) into a
Hall-type statement: a set of demands (proposals needing reviewers, reviewers needing a minimum
load) larger than what the reviewers and pairs available to them can supply.
"""

from __future__ import annotations

import numpy as np

from accord.core.assignment.duals import Duals, FloatArray, chunk_rows, price
from accord.core.assignment.errors import InfeasibleAssignmentError
from accord.core.assignment.model import AssignmentInstance, IntArray


def _list(values: IntArray) -> list[int]:
    return [int(v) for v in values]


def check_necessary(instance: AssignmentInstance) -> None:
    """Raise :class:`InfeasibleAssignmentError` if a simple necessary condition fails.

    Checked in order: k >= 2 under the bilateral rule; every proposal has k non-conflicted
    reviewers and one of each country; total max_load >= k*P; total min_load <= k*P; per
    country, max_load total >= P and min_load total <= (k-1)*P; every reviewer has at least
    min_load non-conflicted proposals; capacities counted with conflicts (a reviewer gives at
    most min(max_load, its non-conflicted proposals)). The error carries ``kind`` and
    ``params`` (see :mod:`accord.core.assignment.messages`).
    """
    k = instance.k
    n_props = instance.n_proposals
    labels = [instance.country_label(0), instance.country_label(1)]

    def fail(kind: str, **params: object) -> InfeasibleAssignmentError:
        return InfeasibleAssignmentError.of(kind, labels, **params)

    if n_props == 0:
        if instance.min_load.sum() > 0:
            r = int(np.flatnonzero(instance.min_load > 0)[0])
            raise fail("no_proposals_min_load", reviewer=r, min_load=int(instance.min_load[r]))
        return
    bilateral = instance.bilateral
    country = instance.reviewer_country
    if bilateral and k < 2:
        raise fail("k", k=k)
    n_revs = instance.n_reviewers
    conflicts_per_prop = np.count_nonzero(instance.conflict, axis=1)
    per_prop = n_revs - conflicts_per_prop
    per_prop_c: list[IntArray] = []
    if bilateral:
        sizes = [int((country == c).sum()) for c in (0, 1)]
        if (country[: sizes[0]] == 0).all():  # country 0 first: slices, not copies
            c0 = np.count_nonzero(instance.conflict[:, : sizes[0]], axis=1)
        else:
            c0 = np.count_nonzero(instance.conflict[:, country == 0], axis=1)
        per_prop_c = [sizes[0] - c0, sizes[1] - (conflicts_per_prop - c0)]
    for c in (0, 1) if bilateral else ():
        failing = np.flatnonzero(per_prop_c[c] < 1)
        if failing.size:
            raise fail(
                "proposal_country",
                proposal=int(failing[0]),
                country=c,
                k=k,
                bilateral=bilateral,
                others=_list(failing[1:]),
            )
    failing = np.flatnonzero(per_prop < k)
    if failing.size:
        p = int(failing[0])
        raise fail(
            "proposal_reviewers",
            proposal=p,
            available=int(per_prop[p]),
            by_country=[int(per_prop_c[0][p]), int(per_prop_c[1][p])] if bilateral else None,
            k=k,
            bilateral=bilateral,
            others=_list(failing[1:]),
        )
    demand = k * n_props
    total_max = int(instance.max_load.sum())
    if total_max < demand:
        raise fail(
            "total_max_load",
            total=total_max,
            k=k,
            n_proposals=n_props,
            demand=demand,
            with_conflicts=False,
        )
    total_min = int(instance.min_load.sum())
    if total_min > demand:
        raise fail("total_min_load", total=total_min, k=k, n_proposals=n_props, demand=demand)
    if bilateral:
        for c in (0, 1):
            sel = country == c
            cap = int(instance.max_load[sel].sum())
            if cap < n_props:
                raise fail(
                    "country_max_load",
                    country=c,
                    total=cap,
                    n_proposals=n_props,
                    with_conflicts=False,
                )
            low = int(instance.min_load[sel].sum())
            if low > (k - 1) * n_props:
                raise fail(
                    "country_min_load",
                    country=c,
                    total=low,
                    k=k,
                    n_proposals=n_props,
                    limit=(k - 1) * n_props,
                )
    per_rev = n_props - np.count_nonzero(instance.conflict, axis=0)
    failing = np.flatnonzero(per_rev < instance.min_load)
    if failing.size:
        r = int(failing[0])
        raise fail(
            "reviewer_min_load",
            reviewer=r,
            min_load=int(instance.min_load[r]),
            available=int(per_rev[r]),
            others=_list(failing[1:]),
        )
    usable = np.minimum(instance.max_load, per_rev)
    if int(usable.sum()) < demand:
        raise fail(
            "total_max_load",
            total=int(usable.sum()),
            k=k,
            n_proposals=n_props,
            demand=demand,
            with_conflicts=True,
        )
    if bilateral:
        for c in (0, 1):
            cap = int(usable[country == c].sum())
            if cap < n_props:
                raise fail(
                    "country_max_load",
                    country=c,
                    total=cap,
                    n_proposals=n_props,
                    with_conflicts=True,
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


def explain_farkas(
    instance: AssignmentInstance, duals: Duals, phase1_objective: float
) -> InfeasibleAssignmentError:
    """The error (kind ``"hall"``) for a phase-1 certificate of infeasibility (``duals`` of the
    phase-1 LP).

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
    need_min = np.flatnonzero(use.delta > 1e-9)
    cap_max = np.flatnonzero(use.gamma > 1e-9)
    demand = -(
        k * np.minimum(use.alpha, 0).sum() + use.beta.sum() - (instance.min_load * use.delta).sum()
    )
    supply = k * np.maximum(use.alpha, 0).sum() + (instance.max_load * use.gamma).sum() + positive
    return InfeasibleAssignmentError.of(
        "hall",
        labels,
        need_k=_list(np.flatnonzero(use.alpha < -1e-9)),
        need_country=[_list(np.flatnonzero(use.beta[:, c] < -1e-9)) for c in (0, 1)],
        need_min=_list(need_min),
        min_total=int(instance.min_load[need_min].sum()),
        cap_max=_list(cap_max),
        max_total=int(instance.max_load[cap_max].sum()),
        cap_k=_list(np.flatnonzero(use.alpha > 1e-9)),
        pairs=round(positive) if positive > 1e-9 else 0,
        demand=float(demand),
        supply=float(supply),
        unfilled=round(phase1_objective),
        k=k,
    )
