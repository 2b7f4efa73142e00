"""Reviewer calibration: correct each reviewer's leniency or severity.

Model: the score reviewer r gives application a is ``y = mu[a] + b[r] + e`` with e ~ N(0, s²);
``b`` (the reviewer's offset) is shrunk towards 0 by a ridge penalty ``lam * sum(b²)`` so a
reviewer with few reviews is corrected little. Fitted by least squares (one sparse linear
system); the calibrated score of an application is ``mu[a]`` with an approximate 95 % interval
``mu ± 1.96 * se`` from the residual variance and the number of reviews of that application.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.linalg import spsolve

FloatArray = NDArray[np.float64]


class CalibrationError(ValueError):
    """The reviews cannot be calibrated as given (the message says why)."""


@dataclass(frozen=True)
class Calibration:
    """``raw[a]`` mean raw score; ``calibrated[a]`` = mu; ``low``/``high`` the 95 % interval;
    ``offset[r]`` each reviewer's fitted leniency (+) or severity (−); ``n_reviews[a]``;
    ``sigma`` the residual standard deviation. Arrays are float[A] or float[R]."""

    raw: FloatArray
    calibrated: FloatArray
    low: FloatArray
    high: FloatArray
    offset: FloatArray
    n_reviews: NDArray[np.int64]
    sigma: float


def calibrate(
    reviews: Sequence[tuple[int, int, float]],
    n_applications: int,
    n_reviewers: int,
    *,
    lam: float = 1.0,
) -> Calibration:
    """Fit the model to ``reviews`` = (application index, reviewer index, score) triples."""
    if lam < 0:
        raise CalibrationError(f"lam must be ≥ 0, got {lam}")
    if not reviews:
        raise CalibrationError("no reviews to calibrate")
    data = np.asarray(reviews, dtype=np.float64)
    if data.ndim != 2 or data.shape[1] != 3:
        raise CalibrationError("reviews must be (application, reviewer, score) triples")
    apps = data[:, 0].astype(np.int64)
    revs = data[:, 1].astype(np.int64)
    y = data[:, 2]
    if (
        apps.min() < 0
        or apps.max() >= n_applications
        or revs.min() < 0
        or revs.max() >= n_reviewers
    ):
        raise CalibrationError("an application or reviewer index is out of range")
    if not np.isfinite(y).all():
        raise CalibrationError("a score is not a finite number")
    n = len(y)
    rows = np.repeat(np.arange(n), 2)
    cols = np.column_stack([apps, n_applications + revs]).ravel()
    design = sparse.csr_matrix(
        (np.ones(2 * n), (rows, cols)), shape=(n, n_applications + n_reviewers)
    )
    penalty = sparse.diags(
        np.r_[np.full(n_applications, 1e-9), np.full(n_reviewers, max(lam, 1e-9))]
    )
    normal = (design.T @ design + penalty).tocsc()
    theta = np.asarray(spsolve(normal, design.T @ y), dtype=np.float64)
    mu, offset = theta[:n_applications], theta[n_applications:]
    residual = y - design @ theta
    dof = max(n - n_applications - 1, 1)
    sigma = float(np.sqrt(residual @ residual / dof))
    counts = np.bincount(apps, minlength=n_applications).astype(np.int64)
    sums = np.bincount(apps, weights=y, minlength=n_applications)
    raw = np.divide(sums, counts, out=np.full(n_applications, np.nan), where=counts > 0)
    se = np.divide(sigma, np.sqrt(counts), out=np.full(n_applications, np.nan), where=counts > 0)
    mu = np.where(counts > 0, mu, np.nan)
    return Calibration(
        raw=raw,
        calibrated=mu,
        low=mu - 1.96 * se,
        high=mu + 1.96 * se,
        offset=offset,
        n_reviews=counts,
        sigma=sigma,
    )


@dataclass(frozen=True)
class Ranked:
    """One application's place: ``index`` into the inputs, ``rank`` (1 = best), ``band`` (1 =
    the top merit band), ``tied`` when its score equals a neighbour's exactly."""

    index: int
    rank: int
    band: int
    tied: bool


# Scores closer than this are the same score (rounding of a moderated score, of the fit).
EQUAL = 1e-9


def rank_in_bands(calibrated: FloatArray, low: FloatArray, high: FloatArray) -> list[Ranked]:
    """Rank best first and group the ranking into merit bands.

    A band is a run of consecutive applications the reviews cannot tell apart from the band's
    top: it opens with the best application not yet in a band, and every following application
    whose interval reaches up to the top's interval (``high >= top's low``) joins it; the first
    one that does not opens the next band. An application without a score (NaN) comes last, in
    a band of its own with the others without one. A point score (``low == high``, e.g. a
    panel's moderated score) is an interval of width zero. ``tied`` marks only exactly equal
    scores of neighbours: being in one band means "not distinguishable", not "equal".
    """
    score = np.asarray(calibrated, dtype=np.float64)
    lo = np.where(np.isnan(low), score, low)
    hi = np.where(np.isnan(high), score, high)
    order = [int(i) for i in np.argsort(-np.nan_to_num(score, nan=-np.inf), kind="stable")]
    out: list[Ranked] = []
    band, top = 0, -1
    for position, a in enumerate(order):
        if np.isnan(score[a]):
            if top == -1 or not np.isnan(score[top]):
                band, top = band + 1, a
        elif top == -1 or hi[a] < lo[top]:
            band, top = band + 1, a
        neighbours = [order[j] for j in (position - 1, position + 1) if 0 <= j < len(order)]
        tied = not np.isnan(score[a]) and any(
            not np.isnan(score[b]) and abs(score[a] - score[b]) <= EQUAL for b in neighbours
        )
        out.append(Ranked(index=a, rank=position + 1, band=band, tied=bool(tied)))
    return out
