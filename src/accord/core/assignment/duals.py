"""LP duals of the assignment flow model, and pricing of every pair of the dense matrix.

Pricing is vectorised over row chunks of at most :data:`CHUNK_CELLS` cells, so it adds a few
tens of MB to the instance, whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from accord.core.assignment.model import AssignmentInstance, FloatMatrix, IntArray

FloatArray = npt.NDArray[np.float64]

#: Cells of the dense matrix handled at once when pricing (bounds the extra memory).
CHUNK_CELLS = 2_000_000


def chunk_rows(n_reviewers: int) -> int:
    return max(1, CHUNK_CELLS // max(1, n_reviewers))


def keys_in_rows(keys: IntArray, start: int, stop: int, n_reviewers: int) -> IntArray:
    """The sorted ``keys`` (p * R + r) that fall in rows [start, stop), shifted to the chunk."""
    lo, hi = np.searchsorted(keys, (start * n_reviewers, stop * n_reviewers))
    return keys[lo:hi] - start * n_reviewers


@dataclass(frozen=True)
class Duals:
    """LP duals in maximisation form, valid for the Lagrangian bound.

    - ``alpha``: float64[P], proposal rows (free).
    - ``beta``: float64[P, 2], bilateral rows (<= 0; zeros without the rule).
    - ``gamma``: float64[R], max_load rows (>= 0).
    - ``delta``: float64[R], min_load rows (>= 0).

    For any such duals, ``const + sum over eligible pairs of max(0, w[p, r] - theta[p, c(r)] -
    rho[r])`` bounds the maximum of ``w . x`` from above, where ``theta = alpha + beta`` and
    ``rho = gamma - delta``.
    """

    alpha: FloatArray
    beta: FloatMatrix
    gamma: FloatArray
    delta: FloatArray

    @property
    def theta(self) -> FloatMatrix:
        """float64[P, 2]: price of a pair at the (proposal, country) end."""
        return self.alpha[:, None] + self.beta

    @property
    def rho(self) -> FloatArray:
        """float64[R]: price of a pair at the reviewer end."""
        return self.gamma - self.delta

    def const(self, instance: AssignmentInstance) -> float:
        """The part of the Lagrangian bound that does not depend on the pairs."""
        return float(
            instance.k * self.alpha.sum()
            + self.beta.sum()
            + (instance.max_load * self.gamma).sum()
            - (instance.min_load * self.delta).sum()
        )

    def rounded(self) -> Duals:
        """Nearest-integer duals (phase-1 duals of a TU network are integral up to noise)."""
        return Duals(
            np.round(self.alpha),
            np.minimum(np.round(self.beta), 0.0),
            np.maximum(np.round(self.gamma), 0.0),
            np.maximum(np.round(self.delta), 0.0),
        )


def price(
    instance: AssignmentInstance,
    duals: Duals,
    *,
    scale: float,
    candidates: IntArray,
    bonus_keys: IntArray | None = None,
    bonus: float = 0.0,
    tolerance: float = 0.0,
    max_new_per_proposal: int = 0,
) -> tuple[float, IntArray]:
    """Price every non-conflicted pair of the full matrix with ``duals``.

    The weight of pair (p, r) is ``scale * (affinity[p, r] + bonus * [p*R + r in bonus_keys])``.
    Returns ``(positive, new_keys)``: the sum of the positive reduced costs over every eligible
    pair (so ``duals.const(instance) + positive`` is an upper bound on the weighted objective),
    and the sorted keys of non-candidate pairs with reduced cost > ``tolerance`` (at most
    ``max_new_per_proposal`` per proposal, the largest first; none when it is 0).
    """
    aff, con = instance.affinity, instance.conflict
    n_props, n_revs = aff.shape
    theta, rho = duals.theta, duals.rho
    is1 = instance.reviewer_country == 1
    positive = 0.0
    found_keys: list[IntArray] = []
    found_vals: list[FloatArray] = []
    step = chunk_rows(n_revs)
    for start in range(0, n_props, step):
        stop = min(n_props, start + step)
        th = theta[start:stop]
        if scale == 0.0:
            rc = np.negative(np.where(is1[None, :], th[:, 1:2], th[:, 0:1]))
        else:
            rc = aff[start:stop] * scale if scale != 1.0 else aff[start:stop].copy()
            if bonus_keys is not None and bonus_keys.size:
                local = keys_in_rows(bonus_keys, start, stop, n_revs)
                rc.ravel()[local] += scale * bonus
            rc -= np.where(is1[None, :], th[:, 1:2], th[:, 0:1])
        rc -= rho[None, :]
        rc[con[start:stop]] = -np.inf
        pos_mask = rc > 0.0
        positive += float(rc[pos_mask].sum())
        if max_new_per_proposal <= 0:
            continue
        viol = rc > tolerance
        if not viol.any():
            continue
        local = keys_in_rows(candidates, start, stop, n_revs)
        viol.ravel()[local] = False
        flat = np.flatnonzero(viol)
        if flat.size:
            found_keys.append(flat.astype(np.int64) + start * n_revs)
            vals = rc.ravel()[flat]
            if scale == 0.0:  # phase 1: reduced costs tie (integers); prefer high affinity
                vals = vals + 1e-3 * np.tanh(aff[start:stop].ravel()[flat])
            found_vals.append(vals)
    if not found_keys:
        return positive, np.zeros(0, dtype=np.int64)
    keys = np.concatenate(found_keys)
    vals = np.concatenate(found_vals)
    props = keys // n_revs
    order = np.lexsort((-vals, props))
    keys, props = keys[order], props[order]
    first = np.searchsorted(props, props, side="left")
    rank = np.arange(keys.size) - first
    return positive, np.sort(keys[rank < max_new_per_proposal])
