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

#: Cells of the dense matrix handled at once when choosing candidates (bounds the extra memory).
CHUNK_CELLS = 2_000_000
#: Cells per chunk of a full pricing pass: small enough that the chunk's few in-place passes
#: stay in the CPU cache (1 MB of float64); measured 30-40 % faster than 2M-cell chunks at
#: 5,000 x 5,000, where a pass is ~0.2 s.
PRICE_CHUNK_CELLS = 131_072


def chunk_rows(n_reviewers: int, cells: int = CHUNK_CELLS) -> int:
    return max(1, cells // max(1, n_reviewers))


def country_blocks(country: IntArray) -> int | None:
    """``n0`` when the reviewers of country 0 are exactly the first ``n0`` columns (sorted by
    country, as most instances are), else None."""
    n0 = int(np.count_nonzero(country == 0))
    if n0 == country.size or bool((country[:n0] == 0).all()):
        return n0
    return None


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
    both = bool(is1.any())
    n0 = country_blocks(instance.reviewer_country) if both else None
    positive = 0.0
    found_keys: list[IntArray] = []
    found_vals: list[FloatArray] = []
    step = chunk_rows(n_revs, PRICE_CHUNK_CELLS)
    buf = np.empty((min(step, n_props), n_revs))
    tmp = np.empty_like(buf)
    for start in range(0, n_props, step):
        stop = min(n_props, start + step)
        rc = buf[: stop - start]
        spare = tmp[: stop - start]
        th = theta[start:stop]
        # rc = scale * (w + bonus) - theta[p, country(r)] - rho[r], in place (few passes)
        if scale == 0.0:
            np.negative(np.broadcast_to(rho, rc.shape), out=rc)
        else:
            np.subtract(aff[start:stop], rho[None, :], out=rc)
            if scale != 1.0:
                rc += (scale - 1.0) * aff[start:stop]
            if bonus_keys is not None and bonus_keys.size:
                local = keys_in_rows(bonus_keys, start, stop, n_revs)
                rc.ravel()[local] += scale * bonus
        if n0 is not None:  # countries in two column blocks: subtract each block's price
            rc[:, :n0] -= th[:, 0:1]
            rc[:, n0:] -= th[:, 1:2]
        else:
            rc -= th[:, 0:1]
            if both:
                np.multiply(is1[None, :], (th[:, 0] - th[:, 1])[:, None], out=spare)
                rc += spare
        np.putmask(rc, con[start:stop], -np.inf)
        np.maximum(rc, 0.0, out=spare)
        positive += float(spare.sum())
        if max_new_per_proposal <= 0:
            continue
        local = keys_in_rows(candidates, start, stop, n_revs)
        rc.ravel()[local] = -np.inf
        rows = np.flatnonzero(rc.max(axis=1) > tolerance)
        if rows.size == 0:
            continue
        sub = rc[rows]
        if scale != 0.0 and max_new_per_proposal < n_revs:
            # only each row's best max_new_per_proposal can be kept: partition, then filter
            # (bounded work when duals are far off and most pairs price positive)
            cut = n_revs - max_new_per_proposal
            c_top = np.argpartition(sub, cut, axis=1)[:, cut:]
            v_top = np.take_along_axis(sub, c_top, axis=1)
            ok = v_top > tolerance
            r_idx = np.broadcast_to(np.arange(rows.size)[:, None], ok.shape)[ok]
            c_idx = c_top[ok]
        else:
            r_idx, c_idx = np.nonzero(sub > tolerance)
        vals = sub[r_idx, c_idx]
        keys_here = (rows[r_idx] + start).astype(np.int64) * n_revs + c_idx
        if scale == 0.0:  # phase 1: reduced costs tie (integers); prefer high affinity
            vals = vals + 1e-3 * np.tanh(aff.ravel()[keys_here])
        found_keys.append(keys_here)
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


def price_pairs(
    instance: AssignmentInstance,
    duals: Duals,
    keys: IntArray,
    *,
    scale: float,
    bonus_keys: IntArray | None = None,
    bonus: float = 0.0,
) -> FloatArray:
    """float64[n]: the reduced costs of the (non-conflicted) pairs ``keys`` (p * R + r).

    The same formula as :func:`price`, on a sparse set: cheap pricing of a pool of likely pairs
    between the full passes that certify.
    """
    n_revs = instance.n_reviewers
    p, r = np.divmod(keys, n_revs)
    theta, rho = duals.theta, duals.rho
    rc = -theta[p, instance.reviewer_country[r]] - rho[r]
    if scale != 0.0:
        w = instance.affinity.ravel()[keys]
        if bonus_keys is not None and bonus_keys.size:
            w = w + bonus * np.isin(keys, bonus_keys)
        rc += scale * w
    return rc
