"""Tests for accord.core.partners: the partner-finder index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.core.partners import (
    IndexInputError,
    PartnerFilter,
    PartnerIndex,
    ProfileMeta,
    UnknownProfileError,
    exact_search,
)

D = 32


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def clustered(n: int, n_topics: int, dim: int, seed: int, noise: float = 0.15) -> np.ndarray:
    rng = np.random.default_rng(seed)
    topics = unit(rng.standard_normal((n_topics, dim)))
    t = rng.integers(0, n_topics, size=n)
    return unit(topics[t] + noise * rng.standard_normal((n, dim)))


def random_meta(n: int, seed: int) -> ProfileMeta:
    rng = np.random.default_rng(seed)
    return ProfileMeta.from_arrays(
        country=rng.integers(0, 2, size=n),
        areas=rng.integers(1, 1 << 8, size=n),
        org_kind=rng.integers(0, 4, size=n),
        career_stage=rng.integers(0, 3, size=n),
        active=rng.random(n) < 0.9,
    )


def one_meta(country: int = 0, areas: int = 1, kind: int = 0, stage: int = 0) -> ProfileMeta:
    return ProfileMeta.from_arrays(
        country=[country], areas=[areas], org_kind=[kind], career_stage=[stage]
    )


@pytest.fixture(scope="module")
def small() -> tuple[np.ndarray, ProfileMeta, PartnerIndex]:
    vectors = clustered(2000, 20, D, seed=1)
    meta = random_meta(2000, seed=2)
    index = PartnerIndex.build(vectors, meta)
    return vectors, meta, index


filters = st.builds(
    PartnerFilter,
    country=st.none() | st.integers(0, 1),
    areas_any=st.none() | st.integers(1, (1 << 8) - 1),
    org_kinds=st.none() | st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple),
    career_stages=st.none() | st.lists(st.integers(0, 2), min_size=1, max_size=2).map(tuple),
    allow_ids=st.none() | st.lists(st.integers(0, 1999), max_size=60).map(tuple),
    exclude_ids=st.none() | st.lists(st.integers(0, 1999), max_size=20).map(tuple),
    active_only=st.booleans(),
)


def reference_mask(meta: ProfileMeta, f: PartnerFilter) -> np.ndarray:
    """The filter written out row by row, independently of PartnerFilter.mask."""
    out = np.zeros(len(meta), dtype=bool)
    for i in range(len(meta)):
        ok = True
        if f.active_only and not meta.active[i]:
            ok = False
        if f.country is not None and int(meta.country[i]) != f.country:
            ok = False
        if f.areas_any is not None and int(meta.areas[i]) & f.areas_any == 0:
            ok = False
        if f.org_kinds is not None and int(meta.org_kind[i]) not in f.org_kinds:
            ok = False
        if f.career_stages is not None and int(meta.career_stage[i]) not in f.career_stages:
            ok = False
        if f.allow_ids is not None and i not in set(f.allow_ids):
            ok = False
        if f.exclude_ids is not None and i in set(f.exclude_ids):
            ok = False
        out[i] = ok
    return out


@settings(max_examples=60, deadline=None)
@given(f=filters, qi=st.integers(0, 1999), k=st.integers(1, 25))
def test_search_never_returns_a_profile_that_fails_the_filter(
    small: tuple[np.ndarray, ProfileMeta, PartnerIndex], f: PartnerFilter, qi: int, k: int
) -> None:
    vectors, meta, index = small
    allowed = reference_mask(meta, f)
    result = index.search(vectors[qi], k, f)
    assert all(allowed[int(i)] for i in result.ids)
    assert len(result.ids) == min(k, int(allowed.sum()))
    # re-scoring every int8 candidate in float32 gives exactly the brute-force answer
    every = index.search(vectors[qi], k, f, rerank=2000)
    ref = exact_search(vectors, vectors[qi], k, mask=allowed)
    assert every.ids.tolist() == ref.ids.tolist()
    # exact mode equals brute force over the same mask
    exact = index.search(vectors[qi], k, f, exact=True)
    ref = exact_search(vectors, vectors[qi], k, mask=allowed)
    assert exact.ids.tolist() == ref.ids.tolist()
    # cosines in [-1, 1]: BLAS may round a row's dot differently by row order (ulp level)
    np.testing.assert_allclose(exact.scores, ref.scores, rtol=1e-6, atol=1e-6)


def test_selective_filter_returns_exact_answer() -> None:
    vectors = clustered(3000, 30, D, seed=3)
    meta = random_meta(3000, seed=4)
    index = PartnerIndex.build(vectors, meta, rerank=1)
    allow = tuple(range(0, 3000, 41))  # 74 profiles spread over every cluster
    f = PartnerFilter(allow_ids=allow, active_only=False)
    for qi in range(0, 3000, 97):
        got = index.search(vectors[qi], 10, f)
        mask = np.zeros(3000, dtype=bool)
        mask[list(allow)] = True
        assert got.ids.tolist() == exact_search(vectors, vectors[qi], 10, mask=mask).ids.tolist()


@pytest.mark.parametrize("structure", ["clustered", "none"])
def test_recall_at_10_is_at_least_095(structure: str) -> None:
    n, n_queries = 20_000, 200
    if structure == "clustered":
        vectors = clustered(n + n_queries, 50, 64, seed=11, noise=0.2)
    else:  # Gaussian noise in 384 dimensions: the hardest case for any partitioning
        vectors = unit(np.random.default_rng(12).standard_normal((n + n_queries, 384)))
    base, queries = vectors[:n], vectors[n:]
    meta = ProfileMeta.from_arrays(
        country=np.zeros(n), areas=np.ones(n), org_kind=np.zeros(n), career_stage=np.zeros(n)
    )
    index = PartnerIndex.build(base, meta)
    hits = 0
    for q in queries:
        got = index.search(q, 10)
        ref = exact_search(base, q, 10)
        hits += len(set(got.ids.tolist()) & set(ref.ids.tolist()))
    recall = hits / (10 * n_queries)
    assert recall >= 0.95


def test_add_replace_remove_are_visible_immediately(
    small: tuple[np.ndarray, ProfileMeta, PartnerIndex],
) -> None:
    vectors, meta, _ = small
    index = PartnerIndex.build(vectors, meta)
    rng = np.random.default_rng(5)
    target = unit(rng.standard_normal(D))
    index.add(5000, target, one_meta())
    assert index.search(target, 1, PartnerFilter()).ids.tolist() == [5000]
    assert len(index) == 2001

    # Replace an existing main-index profile with the target vector: its old row is gone.
    old_vec = vectors[7]
    index.replace(7, target, one_meta(country=1))
    top2 = index.search(target, 2, PartnerFilter(active_only=False))
    assert sorted(top2.ids.tolist()) == [7, 5000]
    assert 7 not in index.search(old_vec, 2000, PartnerFilter(country=0, active_only=False)).ids
    assert index.search(target, 1, PartnerFilter(country=1)).ids.tolist() == [7]

    index.remove(5000)
    index.remove(7)
    assert index.search(target, 2000, PartnerFilter(active_only=False)).ids.tolist().count(7) == 0
    assert 5000 not in index.search(target, 2000, PartnerFilter(active_only=False)).ids
    assert len(index) == 1999
    with pytest.raises(UnknownProfileError):
        index.remove(7)
    with pytest.raises(IndexInputError, match="already in the index"):
        index.add(8, target, one_meta())


def test_compact_keeps_every_answer(small: tuple[np.ndarray, ProfileMeta, PartnerIndex]) -> None:
    vectors, meta, _ = small
    index = PartnerIndex.build(vectors, meta)
    rng = np.random.default_rng(6)
    for pid in range(3000, 3020):
        index.add(pid, unit(rng.standard_normal(D)), one_meta(areas=3))
    for pid in range(0, 100, 7):
        index.remove(pid)
    before = [index.search(vectors[i], 10, PartnerFilter(), exact=True) for i in range(0, 2000, 50)]
    index.compact()
    after = [index.search(vectors[i], 10, PartnerFilter(), exact=True) for i in range(0, 2000, 50)]
    assert [r.ids.tolist() for r in before] == [r.ids.tolist() for r in after]
    assert index.buf_ids.shape == (0,)
    assert int(index.deleted.sum()) == 0
    assert len(index) == 2000 - len(range(0, 100, 7)) + 20


def test_save_load_round_trip_gives_identical_results(
    small: tuple[np.ndarray, ProfileMeta, PartnerIndex], tmp_path: Path
) -> None:
    vectors, meta, _ = small
    index = PartnerIndex.build(vectors, meta)
    index.add(9000, vectors[3], one_meta(country=1, areas=2))
    index.remove(11)
    path = tmp_path / "partners.npz"
    index.save(path)
    loaded = PartnerIndex.load(path)
    f = PartnerFilter(country=1, areas_any=0b11)
    for qi in range(0, 2000, 37):
        a, b = index.search(vectors[qi], 10, f), loaded.search(vectors[qi], 10, f)
        assert a.ids.tolist() == b.ids.tolist()
        assert a.scores.tolist() == b.scores.tolist()
    assert loaded.rerank == index.rerank
    assert [p.name for p in tmp_path.iterdir()] == ["partners.npz"]


def test_ties_are_broken_by_smaller_id() -> None:
    v = unit(np.ones((6, D)))
    meta = random_meta(6, seed=0)
    index = PartnerIndex.build(v, meta, ids=[50, 10, 40, 20, 30, 60])
    got = index.search(v[0], 4, PartnerFilter(active_only=False))
    assert got.ids.tolist() == [10, 20, 30, 40]


def test_custom_ids_are_returned(small: tuple[np.ndarray, ProfileMeta, PartnerIndex]) -> None:
    vectors, meta, _ = small
    ids = np.arange(2000, dtype=np.int64) * 3 + 1_000_000
    index = PartnerIndex.build(vectors, meta, ids=ids)
    assert index.search(vectors[17], 1, PartnerFilter(active_only=False)).ids.tolist() == [
        1_000_051
    ]


def test_inputs_that_break_a_constraint_are_refused() -> None:
    meta = random_meta(3, seed=0)
    good = unit(np.eye(3, D))
    with pytest.raises(IndexInputError, match="L2-normalised; row 1"):
        PartnerIndex.build(np.array([good[0], good[1] * 2, good[2]], dtype=np.float32), meta)
    with pytest.raises(IndexInputError, match="must be float32"):
        PartnerIndex.build(good.astype(np.float64), meta)
    with pytest.raises(IndexInputError, match="unique; id 4"):
        PartnerIndex.build(good, meta, ids=[4, 4, 5])
    with pytest.raises(IndexInputError, match="'areas' must be uint64"):
        PartnerIndex.build(
            good,
            ProfileMeta(
                meta.country,
                meta.areas.astype(np.int64),
                meta.org_kind,
                meta.career_stage,
                meta.active,
            ),  # type: ignore[arg-type]
        )
    index = PartnerIndex.build(good, meta)
    with pytest.raises(IndexInputError, match=f"D = {D} columns"):
        index.search(np.ones(D + 1, dtype=np.float32) / np.sqrt(D + 1))
    with pytest.raises(IndexInputError, match="k must be"):
        index.search(good[0], 0)


def test_importing_partners_does_not_import_django() -> None:
    code = "import sys, accord.core.partners; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def three_country_index() -> tuple[np.ndarray, ProfileMeta, PartnerIndex]:
    vectors = clustered(1500, 15, D, seed=21)
    rng = np.random.default_rng(22)
    meta = ProfileMeta.from_arrays(
        country=rng.choice(np.array([-3, 2, 7]), size=1500),
        areas=rng.integers(1, 1 << 8, size=1500),
        org_kind=rng.integers(0, 4, size=1500),
        career_stage=rng.integers(0, 3, size=1500),
        active=rng.random(1500) < 0.9,
    )
    index = PartnerIndex.build(vectors, meta, rerank=20)
    return vectors, meta, index


def test_rows_are_sorted_by_country_then_areas_with_an_exact_group_table() -> None:
    _, meta, index = three_country_index()
    starts = index.group_starts.tolist()
    assert starts[0] == 0 and starts[-1] == 1500
    for g in range(index.n_groups):
        a, b = starts[g], starts[g + 1]
        assert b > a
        assert index.meta.country[a:b].tolist() == [int(index.group_country[g])] * (b - a)
        assert index.meta.areas[a:b].tolist() == [int(index.group_areas[g])] * (b - a)
    keys = list(zip(index.group_country.tolist(), index.group_areas.tolist(), strict=True))
    assert keys == sorted(set(keys))  # each (country, areas) is one group, in order
    assert sorted(index.ids.tolist()) == list(range(1500))
    # the metadata and the int8 codes moved with their row
    assert index.meta.country.tolist() == meta.country[index.ids].tolist()
    assert index.meta.areas.tolist() == meta.areas[index.ids].tolist()
    assert np.abs(index.codes / index.scale - index.vectors).max() <= 0.5 / index.scale.min()


country_filters = st.builds(
    PartnerFilter,
    country=st.none() | st.sampled_from([-3, 2, 7, 5]),
    areas_any=st.none() | st.integers(1, (1 << 8) - 1),
    org_kinds=st.none() | st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple),
    career_stages=st.none() | st.lists(st.integers(0, 2), min_size=1, max_size=2).map(tuple),
    allow_ids=st.none() | st.lists(st.integers(0, 1499), max_size=60).map(tuple),
    exclude_ids=st.none() | st.lists(st.integers(0, 1499), max_size=20).map(tuple),
    active_only=st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(f=country_filters, qi=st.integers(0, 1499), k=st.integers(1, 30))
def test_scoring_every_candidate_returns_exactly_what_the_filter_allows(
    f: PartnerFilter, qi: int, k: int
) -> None:
    vectors, meta, index = three_country_index()
    # Tombstones and buffered profiles must be honoured by the cell scan too.
    index.remove(5)
    moved = unit(vectors[qi] + vectors[(qi + 1) % 1500])  # near the query, no exact tie
    index.replace(6, moved, one_meta(country=7, areas=0xFF))
    allowed = reference_mask(meta, f)
    allowed[5] = False
    vecs = vectors.copy()
    vecs[6] = moved
    allowed[6] = (
        (f.country is None or f.country == 7)
        and (f.org_kinds is None or 0 in f.org_kinds)
        and (f.career_stages is None or 0 in f.career_stages)
        and (f.allow_ids is None or 6 in f.allow_ids)
        and (f.exclude_ids is None or 6 not in f.exclude_ids)
    )
    got = index.search(vectors[qi], k, f, rerank=1500)
    ref = exact_search(vecs, vectors[qi], k, mask=allowed)
    assert got.ids.tolist() == ref.ids.tolist()
    np.testing.assert_allclose(got.scores, ref.scores, rtol=1e-6, atol=1e-6)
    few = index.search(vectors[qi], k, f)  # default rerank: filter still never violated
    assert all(allowed[int(i)] for i in few.ids)
    assert len(few.ids) == min(k, int(allowed.sum()))


def test_a_country_unseen_at_build_is_found_in_buffer_after_compact_and_after_load(
    tmp_path: Path,
) -> None:
    vectors, _, index = three_country_index()
    rng = np.random.default_rng(23)
    newcomer = unit(rng.standard_normal(D))
    index.add(9001, newcomer, one_meta(country=5, areas=1 << 40))
    only5 = PartnerFilter(country=5)
    assert index.search(newcomer, 3, only5).ids.tolist() == [9001]
    # an area bit no main profile has: every main cell is skipped, the buffer still answers
    assert index.search(vectors[0], 3, PartnerFilter(areas_any=1 << 40)).ids.tolist() == [9001]
    index.compact()
    assert sorted(set(index.group_country.tolist())) == [-3, 2, 5, 7]
    assert index.search(newcomer, 3, only5).ids.tolist() == [9001]
    assert index.search(vectors[0], 3, PartnerFilter(areas_any=1 << 40)).ids.tolist() == [9001]
    path = tmp_path / "p.npz"
    index.save(path)
    loaded = PartnerIndex.load(path)
    assert loaded.search(newcomer, 3, only5).ids.tolist() == [9001]
    assert loaded.group_starts.tolist() == index.group_starts.tolist()


def test_replace_moves_a_profile_to_its_new_country_cell_on_compact() -> None:
    vectors, meta, index = three_country_index()
    pid = int(np.flatnonzero(meta.country == -3)[0])
    index.replace(pid, vectors[pid], one_meta(country=2, areas=int(meta.areas[pid])))
    for when in ("before compact", "after compact"):
        in2 = index.search(vectors[pid], 1, PartnerFilter(country=2))
        in_minus3 = index.search(vectors[pid], 1500, PartnerFilter(country=-3, active_only=False))
        assert in2.ids.tolist() == [pid], when
        assert pid not in in_minus3.ids.tolist(), when
        index.compact()
    row = int(np.flatnonzero(index.ids == pid)[0])
    assert int(index.meta.country[row]) == 2


def test_load_refuses_a_layout_where_a_row_is_out_of_country_order(tmp_path: Path) -> None:
    _, _, index = three_country_index()
    path = tmp_path / "p.npz"
    index.save(path)
    with np.load(path) as z:
        arrays = dict(z)
    arrays["meta_country"] = arrays["meta_country"].copy()
    arrays["meta_country"][0] = 7  # the first row belongs to country -3: now out of order
    np.savez(path, **arrays)
    with pytest.raises(IndexInputError, match=r"row 1 is out of \(country, areas\) order"):
        PartnerIndex.load(path)


def test_load_refuses_vectors_that_are_not_unit_length(tmp_path: Path) -> None:
    _, _, index = three_country_index()
    path = tmp_path / "p.npz"
    index.save(path)
    with np.load(path) as z:
        arrays = dict(z)
    arrays["vectors"] = arrays["vectors"].copy()
    arrays["vectors"][3] *= 2
    np.savez(path, **arrays)
    with pytest.raises(IndexInputError, match="vectors must be L2-normalised; row 3"):
        PartnerIndex.load(path)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "missing array", "old format"])
def test_load_refuses_a_file_that_is_not_an_index(tmp_path: Path, damage: str) -> None:
    _, _, index = three_country_index()
    path = tmp_path / "p.npz"
    index.save(path)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:5000])
    elif damage == "garbage":
        path.write_bytes(b"not an index")
    else:
        with np.load(path) as z:
            arrays = dict(z)
        if damage == "missing array":
            del arrays["ids"]
        else:
            arrays["format_version"] = np.array(2)
        np.savez(path, **arrays)
    message = "format version 2" if damage == "old format" else "not a readable partner index"
    with pytest.raises(IndexInputError, match=message):
        PartnerIndex.load(path)


def test_sparse_ids_and_allow_lists_use_the_sorted_lookup() -> None:
    vectors = clustered(500, 10, D, seed=31)
    meta = random_meta(500, seed=32)
    ids = np.arange(500, dtype=np.int64) * 1_000_003 + 7  # far beyond a dense table
    index = PartnerIndex.build(vectors, meta, ids=ids)
    allow = ids[::3]
    f = PartnerFilter(allow_ids=allow, exclude_ids=(int(ids[0]), 12345), active_only=False)
    mask = np.zeros(500, dtype=bool)
    mask[::3] = True
    mask[0] = False
    for qi in range(0, 500, 50):
        got = index.search(vectors[qi], 10, f)
        ref = exact_search(vectors, vectors[qi], 10, ids=ids, mask=mask)
        assert got.ids.tolist() == ref.ids.tolist()
