"""The family of seeded assignment instances every assignment figure is reported on.

All families: ``P`` proposals x ``R`` reviewers (the bench uses P = R), k = 3, reviewers half
country 0 and half country 1 (country 0 = the first R/2 columns), min_load 0 and max_load
ceil(kP/R) + 1 unless the family says otherwise, conflicts drawn independently per pair.

- ``uniform``: affinity uniform on [0, 1); 2 % conflicts. The friendly case: everyone's top
  choices are spread over all reviewers, so one LP round usually suffices.
- ``popular``: affinity = 0.7 x a per-reviewer popularity shared by every proposal + 0.3 x
  uniform noise; 2 % conflicts. Most proposals want the same reviewers, whose max_load binds.
- ``topics``: expertise from a topic model. There are 30 topics: 10 studied mostly by country-0
  reviewers, 10 mostly by country-1 reviewers, 10 by both. Each reviewer has 2-3 topics (a
  sparse Dirichlet mix, 85 % of its weight on its country's topics or the shared ones); each
  proposal has a main topic (20 % on country-0 topics, 20 % on country-1 topics, 60 % on
  shared ones) plus a little of two others. Affinity = cosine of the two topic mixes (in
  [0, 1]) + 0.05 x uniform noise; 2 % conflicts. The unconstrained top-3 of about half the
  proposals then come from one country, so the bilateral rule binds there (55 % at 2,000; the bench prints the
  share as "one-country top-3").
- ``tight``: the ``topics`` affinities with tight loads: min_load 2 and max_load 3 for every
  reviewer, max_load 4 for the first 2 % x kP of them (spread over both countries), so the total
  capacity is within 2 % of the demand kP (when P = R).
- ``conflicts``: the ``topics`` affinities with 10 % conflicts.

Generation is chunked (a few million cells at a time), so a 10,000 x 10,000 instance needs
only its own 0.9 GB (affinity float64 + conflict bool) plus a few tens of MB.
"""

from __future__ import annotations

import numpy as np

from accord.core.assignment import AssignmentInstance

FAMILIES = ("uniform", "popular", "topics", "tight", "conflicts")
K = 3
CONFLICT_RATE = 0.02
MANY_CONFLICTS_RATE = 0.10
N_TOPICS = 30
#: Topics [0, 10) are country 0's, [10, 20) country 1's, [20, 30) shared.
_BLOCK = N_TOPICS // 3
_CHUNK_CELLS = 4_000_000


def _countries(n_revs: int) -> np.ndarray:
    country = np.zeros(n_revs, dtype=np.int64)
    country[n_revs // 2 :] = 1
    return country


def _reviewer_topics(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """float64[R, T]: unit-norm topic mixes, country-skewed."""
    n_revs = country.size
    mix = np.zeros((n_revs, N_TOPICS))
    for r in range(n_revs):
        own = np.arange(_BLOCK) + _BLOCK * int(country[r])
        shared = np.arange(2 * _BLOCK, 3 * _BLOCK)
        pool = np.concatenate([own, shared])
        n_main = int(rng.integers(2, 4))
        main = rng.choice(pool, size=n_main, replace=False)
        mix[r, main] = 0.85 * rng.dirichlet(np.ones(n_main))
        mix[r] += 0.15 * rng.dirichlet(np.full(N_TOPICS, 0.1))
    mix /= np.linalg.norm(mix, axis=1, keepdims=True)
    return mix


def _proposal_topics(rng: np.random.Generator, n_props: int) -> np.ndarray:
    """float64[P, T]: unit-norm mixes; main topics 20 % country 0, 20 % country 1, 60 % shared."""
    which = rng.random(n_props)
    block = np.where(which < 0.2, 0, np.where(which < 0.4, 1, 2))
    main = block * _BLOCK + rng.integers(0, _BLOCK, n_props)
    mix = 0.1 * rng.dirichlet(np.full(N_TOPICS, 0.05), size=n_props)
    mix[np.arange(n_props), main] += 0.75
    others = rng.integers(0, N_TOPICS, (n_props, 2))
    mix[np.arange(n_props)[:, None], others] += 0.075
    mix /= np.linalg.norm(mix, axis=1, keepdims=True)
    return mix


def make_instance(
    family: str, n_props: int, n_revs: int | None = None, seed: int = 0
) -> AssignmentInstance:
    """The seeded instance of ``family`` (one of :data:`FAMILIES`) with P x R pairs."""
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}; got {family!r}")
    n_revs = n_props if n_revs is None else n_revs
    rng = np.random.default_rng([seed, FAMILIES.index(family)])
    country = _countries(n_revs)
    affinity = np.empty((n_props, n_revs))
    conflict = np.empty((n_props, n_revs), dtype=bool)
    rate = MANY_CONFLICTS_RATE if family == "conflicts" else CONFLICT_RATE
    step = max(1, _CHUNK_CELLS // max(1, n_revs))
    if family == "popular":
        popularity = rng.random(n_revs)
    elif family != "uniform":
        rev_mix = _reviewer_topics(rng, country)
        prop_mix = _proposal_topics(rng, n_props)
    for start in range(0, n_props, step):
        stop = min(n_props, start + step)
        block = affinity[start:stop]
        if family == "uniform":
            rng.random((stop - start, n_revs), out=block)
        elif family == "popular":
            rng.random((stop - start, n_revs), out=block)
            block *= 0.3
            block += 0.7 * popularity[None, :]
        else:
            rng.random((stop - start, n_revs), out=block)
            block *= 0.05
            block += prop_mix[start:stop] @ rev_mix.T
        conflict[start:stop] = rng.random((stop - start, n_revs), dtype=np.float32) < rate
    max_load = np.full(n_revs, -(-K * n_props // n_revs) + 1, dtype=np.int64)
    min_load = np.zeros(n_revs, dtype=np.int64)
    if family == "tight":
        base = -(-K * n_props // n_revs)
        max_load[:] = base
        extra = int(np.ceil(0.02 * K * n_props)) - (base * n_revs - K * n_props)
        extra = max(0, min(n_revs, extra))
        # spread the larger loads over both countries: every (R / extra)-th reviewer
        idx = np.linspace(0, n_revs - 1, extra).astype(np.int64) if extra else []
        max_load[idx] += 1
        min_load[:] = max(0, base - 1)
    return AssignmentInstance(
        affinity=affinity,
        conflict=conflict,
        reviewer_country=country,
        k=K,
        min_load=min_load,
        max_load=max_load,
    )


def one_country_top_share(instance: AssignmentInstance) -> float:
    """Share of proposals whose unconstrained top-k (non-conflicted) are all from one country."""
    n_props, n_revs = instance.affinity.shape
    k = instance.k
    step = max(1, _CHUNK_CELLS // max(1, n_revs))
    count = 0
    for start in range(0, n_props, step):
        stop = min(n_props, start + step)
        masked = np.where(instance.conflict[start:stop], -np.inf, instance.affinity[start:stop])
        top = np.argpartition(masked, n_revs - k, axis=1)[:, n_revs - k :]
        c = instance.reviewer_country[top]
        count += int(((c == 0).all(axis=1) | (c == 1).all(axis=1)).sum())
    return count / max(1, n_props)
