"""Partner-finder index: top-k cosine search over profile vectors with metadata filters.

Arrays in, arrays out. Profiles are identified by caller-supplied ``int64`` ids (the Django
side passes primary keys); vectors are ``float32[N, D]`` and L2-normalised (the embedders in
``accord.core.text`` produce them), so the score is the cosine similarity ``v · q``.

How it searches: exactly, over the filtered subset only (no partitioning, no graph).

* Rows are stored sorted by (country, areas bitmask), so every (country, areas) *group* is a
  contiguous slice. A country / area filter is evaluated on the group table (a few hundred
  rows, not N) and selects *runs* of consecutive groups: the partner finder's "other country +
  these areas" reads only the rows that can pass.
* Every row also has an int8 code (per-dimension scale). A query scores its runs with
  numkong's SIMD int8 dot-product kernel (one call per run; a quarter of the float32 memory
  traffic), applies the per-row filters (organisation kind, career stage, active, removed
  rows, allow / exclude ids) and re-scores the best ``rerank`` rows exactly in float32. The
  scores returned are the true cosines; the answer can differ from exact search only when the
  int8 rounding (≈ 0.001 on a cosine) moves a row across the ``rerank``-th place.
* An allow-list that leaves few rows (e.g. the people eligible for a call) is answered by
  gathering those rows and scoring them exactly in float32.
* Updates do not rebuild: new or replaced profiles go to an append buffer searched exactly, and
  removed or replaced main rows are tombstoned. ``compact()`` re-lays the rows out.

Why not an inverted file or a graph index: on profiles with no cluster structure (the hardest
case) an IVF or HNSW index needs to visit most of the data to reach recall@10 ≥ 0.95, and a
graph costs minutes per 100,000 profiles to build on this machine. ``bench/bench_partners.py``
measures this index side by side with faiss (HNSW, IVF), the former hand-written IVF and brute
force, on clustered, unstructured and real-embedding-shaped profiles.

Results are deterministic: ties in score are broken by the smaller id.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numkong
import numpy as np
from numpy.typing import ArrayLike, NDArray
from threadpoolctl import ThreadpoolController

__all__ = [
    "FORMAT_VERSION",
    "IndexInputError",
    "PartnerFilter",
    "PartnerIndex",
    "ProfileMeta",
    "SearchResult",
    "UnknownProfileError",
    "exact_search",
]

FORMAT_VERSION = 3  # 3: exact filtered scan, rows sorted by (country, areas); 2 was the IVF
_NORM_TOLERANCE = 1e-3
_GATHER_COST = 4  # cost of scoring one scattered float32 row, in contiguous int8 rows (measured)
_GATHER_BLOCK = 1024  # rows gathered per block before a mat-vec (stays in cache; measured)
_DENSE_IDS = 4  # id -> row lookup is a dense table when max id < _DENSE_IDS * N + 1024

_BLAS: ThreadpoolController | None = None


def _blas_limit(threads: int | None) -> contextlib.AbstractContextManager[object]:
    """Limit BLAS threads for one query (about 10 µs). A query is a few small mat-vecs; on a
    busy machine a multi-threaded BLAS waits for descheduled threads (measured: p95 64 ms
    with 2 threads vs 16 ms with 1 at 1M profiles under load 6 on 2 cores)."""
    global _BLAS
    if threads is None:
        return contextlib.nullcontext()
    if _BLAS is None:
        _BLAS = ThreadpoolController()
    limit: contextlib.AbstractContextManager[object] = _BLAS.limit(limits=threads, user_api="blas")
    return limit


F32 = NDArray[np.float32]
I64 = NDArray[np.int64]
BoolArr = NDArray[np.bool_]


class IndexInputError(ValueError):
    """An input array breaks a stated constraint (shape, dtype, normalisation, unique ids)."""


class UnknownProfileError(KeyError):
    """A profile id given to ``replace``/``remove`` is not in the index."""


@dataclass(frozen=True)
class ProfileMeta:
    """Per-profile metadata columns, all of length N (validated by the index).

    - ``country``: int8[N] — country code chosen by the caller (e.g. 0 = GB, 1 = KR).
    - ``areas``: uint64[N] — bitmask of technology areas (bit i = area i, up to 64 areas).
    - ``org_kind``: int8[N] — organisation kind code.
    - ``career_stage``: int8[N] — career stage code.
    - ``active``: bool[N] — profile is active (inactive profiles are skipped by default).
    """

    country: NDArray[np.int8]
    areas: NDArray[np.uint64]
    org_kind: NDArray[np.int8]
    career_stage: NDArray[np.int8]
    active: BoolArr

    @classmethod
    def from_arrays(
        cls,
        *,
        country: ArrayLike,
        areas: ArrayLike,
        org_kind: ArrayLike,
        career_stage: ArrayLike,
        active: ArrayLike | None = None,
    ) -> ProfileMeta:
        """Coerce plain sequences/arrays to the column dtypes (``active`` defaults to all true)."""
        c = np.asarray(country, dtype=np.int8)
        act = np.ones(c.shape[0], dtype=np.bool_) if active is None else np.asarray(active, bool)
        return cls(
            country=c,
            areas=np.asarray(areas, dtype=np.uint64),
            org_kind=np.asarray(org_kind, dtype=np.int8),
            career_stage=np.asarray(career_stage, dtype=np.int8),
            active=act,
        )

    def __len__(self) -> int:
        return int(self.country.shape[0])

    def validate(self, n: int) -> None:
        """Check every column is 1-D of length ``n`` with its stated dtype."""
        expected: dict[str, tuple[np.ndarray, type[np.generic]]] = {
            "country": (self.country, np.int8),
            "areas": (self.areas, np.uint64),
            "org_kind": (self.org_kind, np.int8),
            "career_stage": (self.career_stage, np.int8),
            "active": (self.active, np.bool_),
        }
        for name, (arr, dtype) in expected.items():
            if arr.ndim != 1 or arr.shape[0] != n:
                raise IndexInputError(
                    f"metadata column {name!r} must have shape [{n}], got {list(arr.shape)}"
                )
            if arr.dtype != dtype:
                raise IndexInputError(
                    f"metadata column {name!r} must be {np.dtype(dtype).name}, got {arr.dtype.name}"
                )

    def take(self, rows: NDArray[np.intp] | I64) -> ProfileMeta:
        return ProfileMeta(
            country=self.country[rows],
            areas=self.areas[rows],
            org_kind=self.org_kind[rows],
            career_stage=self.career_stage[rows],
            active=self.active[rows],
        )

    @staticmethod
    def concat(parts: list[ProfileMeta]) -> ProfileMeta:
        return ProfileMeta(
            country=np.concatenate([p.country for p in parts]),
            areas=np.concatenate([p.areas for p in parts]),
            org_kind=np.concatenate([p.org_kind for p in parts]),
            career_stage=np.concatenate([p.career_stage for p in parts]),
            active=np.concatenate([p.active for p in parts]),
        )


@dataclass(frozen=True)
class PartnerFilter:
    """What a returned profile must satisfy. ``None`` / empty means "no constraint".

    - ``country``: the profile's country must equal this (e.g. the other side's code).
    - ``areas_any``: bitmask; the profile must share at least one area bit with it.
    - ``org_kinds`` / ``career_stages``: the profile's code must be one of these.
    - ``allow_ids``: only these profile ids may be returned (e.g. eligible for a call).
    - ``exclude_ids``: these ids are never returned (e.g. the person searching).
    - ``active_only``: skip profiles whose ``active`` flag is false (default true).
    """

    country: int | None = None
    areas_any: int | None = None
    org_kinds: tuple[int, ...] | None = None
    career_stages: tuple[int, ...] | None = None
    allow_ids: tuple[int, ...] | I64 | None = None
    exclude_ids: tuple[int, ...] | I64 | None = None
    active_only: bool = True

    def is_empty(self) -> bool:
        return (
            self.country is None
            and self.areas_any is None
            and self.org_kinds is None
            and self.career_stages is None
            and self.allow_ids is None
            and self.exclude_ids is None
            and not self.active_only
        )

    def mask(self, meta: ProfileMeta) -> BoolArr:
        """bool[N]: which rows of ``meta`` pass the metadata part (not the id lists)."""
        n = len(meta)
        m = meta.active.copy() if self.active_only else np.ones(n, dtype=np.bool_)
        if self.country is not None:
            m &= meta.country == np.int8(self.country)
        if self.areas_any is not None:
            m &= (meta.areas & np.uint64(self.areas_any)) != 0
        if self.org_kinds is not None:
            m &= np.isin(meta.org_kind, np.asarray(self.org_kinds, dtype=np.int8))
        if self.career_stages is not None:
            m &= np.isin(meta.career_stage, np.asarray(self.career_stages, dtype=np.int8))
        return m


@dataclass(frozen=True)
class SearchResult:
    """Top-k answer: ``ids`` int64[k'] and ``scores`` float32[k'], best first, k' ≤ k."""

    ids: I64
    scores: F32


def _check_vectors(vectors: ArrayLike, dim: int | None, what: str) -> F32:
    v = np.asarray(vectors)
    if v.ndim != 2:
        raise IndexInputError(f"{what} must be 2-D float32[N, D], got shape {list(v.shape)}")
    if dim is not None and v.shape[1] != dim:
        raise IndexInputError(f"{what} must have D = {dim} columns, got {v.shape[1]}")
    if v.dtype != np.float32:
        raise IndexInputError(f"{what} must be float32, got {v.dtype.name}")
    if v.shape[0]:
        norms = np.einsum("ij,ij->i", v, v, dtype=np.float64)
        bad = np.flatnonzero(np.abs(norms - 1.0) > 2 * _NORM_TOLERANCE)
        if bad.size:
            raise IndexInputError(
                f"{what} must be L2-normalised; row {int(bad[0])} has norm "
                f"{math.sqrt(float(norms[bad[0]])):.4f} ({bad.size} rows off)"
            )
    return np.ascontiguousarray(v)


def _check_ids(ids: ArrayLike, n: int, what: str) -> I64:
    a = np.asarray(ids)
    if a.ndim != 1 or a.shape[0] != n:
        raise IndexInputError(f"{what} must have shape [{n}], got {list(a.shape)}")
    if a.size and not np.issubdtype(a.dtype, np.integer):
        raise IndexInputError(f"{what} must be integers, got {a.dtype.name}")
    out = a.astype(np.int64)
    if out.size:
        s = np.sort(out)
        dup = np.flatnonzero(s[1:] == s[:-1])
        if dup.size:
            raise IndexInputError(f"{what} must be unique; id {int(s[dup[0]])} appears twice")
    return out


def _top_k(ids: I64, scores: F32, k: int) -> SearchResult:
    """Best ``k`` by score descending, ties by id ascending (deterministic)."""
    if scores.shape[0] > k:
        # argpartition on the k-th largest value, then keep every row tied with it so the
        # tie-break by id below is exact.
        kth = np.partition(scores, scores.shape[0] - k)[scores.shape[0] - k]
        keep = np.flatnonzero(scores >= kth)
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))[:k]
    return SearchResult(ids=ids[order].astype(np.int64), scores=scores[order].astype(np.float32))


def exact_search(
    vectors: F32, query: F32, k: int = 10, *, ids: I64 | None = None, mask: BoolArr | None = None
) -> SearchResult:
    """Brute-force top-k by dot product (the reference the index is measured against).

    vectors: float32[N, D]; query: float32[D]; ids: int64[N] (default 0..N-1); mask: bool[N].
    """
    n = vectors.shape[0]
    all_ids = np.arange(n, dtype=np.int64) if ids is None else ids
    if mask is not None:
        rows = np.flatnonzero(mask)
        if rows.shape[0] * 8 < n:  # selective: gathering the rows is cheaper than scoring all
            return _top_k(all_ids[rows], vectors[rows] @ query, k)
        return _top_k(all_ids[rows], (vectors @ query)[rows], k)
    return _top_k(all_ids, vectors @ query, k)


def _ranges_to_rows(starts: I64, ends: I64) -> NDArray[np.intp]:
    """The rows of the half-open ranges ``[starts[i], ends[i])``, concatenated (intp[Σ len])."""
    lens = ends - starts
    total = int(lens.sum())
    if total == 0:
        return np.empty(0, dtype=np.intp)
    before = np.zeros(lens.shape[0], dtype=np.int64)
    np.cumsum(lens[:-1], out=before[1:])
    return (np.repeat(starts - before, lens) + np.arange(total, dtype=np.int64)).astype(np.intp)


def _quantiser(vectors: F32) -> F32:
    """Per-dimension scale float32[D]: ``round(x * scale)`` fits int8 for every row."""
    if vectors.shape[0] == 0:
        return np.ones(vectors.shape[1], dtype=np.float32)
    peak: F32 = np.abs(vectors).max(axis=0)
    peak[peak == 0] = 1.0
    scale: F32 = (np.float32(127.0) / peak).astype(np.float32)
    return scale


def _encode(vectors: F32, scale: F32, chunk: int = 65536) -> NDArray[np.int8]:
    """int8[N, D] codes ``round(vectors * scale)`` (chunked to bound the float temporaries)."""
    out = np.empty(vectors.shape, dtype=np.int8)
    for s in range(0, vectors.shape[0], chunk):
        block = vectors[s : s + chunk] * scale
        np.rint(block, out=block)
        np.clip(block, -127, 127, out=block)
        out[s : s + chunk] = block
    return out


def _group_starts(meta: ProfileMeta) -> I64:
    """int64[G + 1]: where each run of equal (country, areas) starts, then N."""
    n = len(meta)
    change = (meta.country[1:] != meta.country[:-1]) | (meta.areas[1:] != meta.areas[:-1])
    return np.concatenate([[0], np.flatnonzero(change) + 1, [n]]).astype(np.int64)


class PartnerIndex:
    """Exact filtered search with int8 pre-scoring, metadata filters, a buffer and tombstones.

    Build with :meth:`build`, query with :meth:`search`, update with :meth:`add`,
    :meth:`replace`, :meth:`remove`, persist with :meth:`save` / :meth:`load`.

    Layout: rows sorted by (country, areas); group ``g`` is ``group_starts[g]:group_starts[g+1]``
    with country ``group_country[g]`` and areas ``group_areas[g]``; ``codes`` int8[N, D] are
    ``round(vectors * scale)`` (derived, never stored on disk).
    """

    def __init__(
        self,
        *,
        vectors: F32,
        ids: I64,
        meta: ProfileMeta,
        deleted: BoolArr | None = None,
        buf_vectors: F32 | None = None,
        buf_ids: I64 | None = None,
        buf_meta: ProfileMeta | None = None,
        rerank: int = 100,
    ) -> None:
        """Internal: use :meth:`build` or :meth:`load`.

        vectors: float32[N, D] unit rows sorted by (meta.country, meta.areas); ids: int64[N]
        unique; meta: N rows; deleted: bool[N]. The layout is checked (a file that breaks it
        is refused, not searched wrongly).
        """
        if vectors.ndim != 2:
            raise IndexInputError(f"vectors must be float32[N, D], got {list(vectors.shape)}")
        n, dim = vectors.shape
        if ids.shape != (n,):
            raise IndexInputError(f"ids must have shape [{n}], got {list(ids.shape)}")
        meta.validate(n)
        if n > 1:
            c0, c1 = meta.country[:-1], meta.country[1:]
            bad_order = (c1 < c0) | ((c1 == c0) & (meta.areas[1:] < meta.areas[:-1]))
            if bad_order.any():
                bad = int(np.flatnonzero(bad_order)[0]) + 1
                raise IndexInputError(
                    f"row {bad} is out of (country, areas) order (corrupt layout); rebuild the index"
                )
        if deleted is not None and deleted.shape != (n,):
            raise IndexInputError(f"deleted must be bool[{n}], got {list(deleted.shape)}")
        if rerank < 1:
            raise IndexInputError(f"rerank must be ≥ 1, got {rerank}")
        self.dim = int(dim)
        self.vectors = vectors
        self.ids = ids
        self.meta = meta
        self.scale = _quantiser(vectors)
        self.codes = _encode(vectors, self.scale)
        self.group_starts = _group_starts(meta) if n else np.zeros(1, dtype=np.int64)
        first = self.group_starts[:-1]
        self.group_country = meta.country[first]
        self.group_areas = meta.areas[first]
        self.deleted = np.zeros(n, dtype=np.bool_) if deleted is None else deleted
        self.buf_vectors = (
            np.empty((0, dim), dtype=np.float32) if buf_vectors is None else buf_vectors
        )
        self.buf_ids = np.empty(0, dtype=np.int64) if buf_ids is None else buf_ids
        self.buf_meta = buf_meta if buf_meta is not None else _empty_meta()
        self.rerank = rerank
        # id -> row in the main arrays: a dense table when the ids are small non-negative
        # integers (primary keys), else sorted ids + their rows (vectorised lookup).
        self._id_order = np.argsort(ids, kind="stable")
        self._sorted_ids = ids[self._id_order]
        self._id_table: NDArray[np.int64] | None = None
        if n and self._sorted_ids[0] >= 0 and self._sorted_ids[-1] < _DENSE_IDS * n + 1024:
            table = np.full(int(self._sorted_ids[-1]) + 1, -1, dtype=np.int64)
            table[ids] = np.arange(n, dtype=np.int64)
            self._id_table = table
        self._n_deleted = int(self.deleted.sum())

    # ------------------------------------------------------------------ building
    @classmethod
    def build(
        cls,
        vectors: ArrayLike,
        meta: ProfileMeta,
        ids: ArrayLike | None = None,
        *,
        rerank: int = 100,
    ) -> PartnerIndex:
        """Build from vectors float32[N, D] (unit norm), metadata (N rows), ids int64[N].

        ``rerank`` int8-scored candidates per query are re-scored exactly (float32).
        """
        v = _check_vectors(vectors, None, "vectors")
        n = v.shape[0]
        id_arr = np.arange(n, dtype=np.int64) if ids is None else _check_ids(ids, n, "ids")
        meta.validate(n)
        if n == 0:
            raise IndexInputError("vectors must have at least one row to build an index")
        return cls._laid_out(v, id_arr, meta, rerank=rerank)

    @classmethod
    def _laid_out(cls, vectors: F32, ids: I64, meta: ProfileMeta, *, rerank: int) -> PartnerIndex:
        order = np.lexsort((meta.areas, meta.country))
        return cls(
            vectors=np.ascontiguousarray(vectors[order]),
            ids=ids[order],
            meta=meta.take(order),
            rerank=rerank,
        )

    # ------------------------------------------------------------------ introspection
    @property
    def n_groups(self) -> int:
        return int(self.group_starts.shape[0]) - 1

    def __len__(self) -> int:
        """Number of live profiles (main rows not tombstoned + buffer rows)."""
        return int(self.ids.shape[0]) - self._n_deleted + int(self.buf_ids.shape[0])

    def __contains__(self, profile_id: object) -> bool:
        if not isinstance(profile_id, int | np.integer):
            return False
        return self._main_row(int(profile_id)) is not None or bool(
            np.any(self.buf_ids == profile_id)
        )

    def _main_row(self, profile_id: int) -> int | None:
        pos = int(np.searchsorted(self._sorted_ids, profile_id))
        if pos < self._sorted_ids.shape[0] and self._sorted_ids[pos] == profile_id:
            row = int(self._id_order[pos])
            if not self.deleted[row]:
                return row
        return None

    def _row_mask(self, ids: ArrayLike) -> BoolArr:
        """bool[N]: the live main rows holding the given ids (unknown ids are ignored)."""
        q = np.asarray(ids, dtype=np.int64).ravel()
        n = int(self.ids.shape[0])
        mask = np.zeros(n, dtype=np.bool_)
        if self._id_table is not None:
            q = q[(q >= 0) & (q < self._id_table.shape[0])]
            rows = self._id_table[q]
            mask[rows[rows >= 0]] = True
        else:
            pos = np.searchsorted(self._sorted_ids, q)
            pos[pos == n] = 0
            hit = pos[self._sorted_ids[pos] == q] if n else pos[:0]
            mask[self._id_order[hit]] = True
        if self._n_deleted:
            mask &= ~self.deleted
        return mask

    # ------------------------------------------------------------------ updates
    def add(self, profile_id: int, vector: ArrayLike, meta: ProfileMeta) -> None:
        """Add a new profile (vector float32[D], meta with one row). Visible immediately."""
        if profile_id in self:
            raise IndexInputError(f"profile id {profile_id} is already in the index; use replace")
        v = _check_vectors(np.asarray(vector).reshape(1, -1), self.dim, "vector")
        meta.validate(1)
        self.buf_vectors = np.concatenate([self.buf_vectors, v])
        self.buf_ids = np.concatenate([self.buf_ids, np.array([profile_id], dtype=np.int64)])
        self.buf_meta = ProfileMeta.concat([self.buf_meta, meta])

    def remove(self, profile_id: int) -> None:
        """Remove a profile (tombstone in the main index, or drop from the buffer)."""
        row = self._main_row(profile_id)
        if row is not None:
            self.deleted[row] = True
            self._n_deleted += 1
            return
        hit = np.flatnonzero(self.buf_ids == profile_id)
        if hit.size == 0:
            raise UnknownProfileError(profile_id)
        keep = np.ones(self.buf_ids.shape[0], dtype=np.bool_)
        keep[hit] = False
        self.buf_vectors = self.buf_vectors[keep]
        self.buf_ids = self.buf_ids[keep]
        self.buf_meta = self.buf_meta.take(np.flatnonzero(keep))

    def replace(self, profile_id: int, vector: ArrayLike, meta: ProfileMeta) -> None:
        """Replace a profile's vector and metadata (remove + add). Visible immediately."""
        self.remove(profile_id)
        self.add(profile_id, vector, meta)

    def compact(self) -> None:
        """Merge the buffer into the main rows and drop tombstones."""
        vec, ids, meta = self.live_arrays()
        merged = PartnerIndex._laid_out(vec, ids, meta, rerank=self.rerank)
        self.__dict__.update(merged.__dict__)

    # ------------------------------------------------------------------ search
    def search(
        self,
        query: ArrayLike,
        k: int = 10,
        filters: PartnerFilter | None = None,
        *,
        exact: bool = False,
        rerank: int | None = None,
        blas_threads: int | None = 1,
    ) -> SearchResult:
        """Top-k profiles for ``query`` float32[D] (unit norm) that pass ``filters``.

        ``filters=None`` means ``PartnerFilter()``: active profiles only, no other constraint.

        Returns ids int64[k'] and cosine scores float32[k'] (k' < k only when fewer profiles
        pass the filter). ``exact=True`` scores every passing row in float32 (the reference
        for recall); ``rerank`` overrides the number of int8 candidates re-scored exactly.
        ``blas_threads`` caps BLAS threads during the query (None: leave as configured).
        """
        if k < 1:
            raise IndexInputError(f"k must be ≥ 1, got {k}")
        q = _check_vectors(np.asarray(query).reshape(1, -1), self.dim, "query")[0]
        f = filters if filters is not None else PartnerFilter()
        with _blas_limit(blas_threads):
            parts_ids: list[I64] = []
            parts_scores: list[F32] = []
            buf_mask = f.mask(self.buf_meta)
            if f.allow_ids is not None:
                buf_mask &= np.isin(self.buf_ids, np.asarray(f.allow_ids, dtype=np.int64))
            if f.exclude_ids is not None:
                buf_mask &= ~np.isin(self.buf_ids, np.asarray(f.exclude_ids, dtype=np.int64))
            if buf_mask.any():  # the buffer is small and always scored exactly
                rows = np.flatnonzero(buf_mask)
                parts_ids.append(self.buf_ids[rows])
                parts_scores.append(self.buf_vectors[rows] @ q)
            if self.ids.shape[0]:
                n_keep = max(k, self.rerank if rerank is None else rerank)
                main_rows, main_scores = self._main_candidates(q, f, n_keep, exact)
                parts_ids.append(self.ids[main_rows])
                parts_scores.append(main_scores)
        if not parts_ids:
            return SearchResult(ids=np.empty(0, np.int64), scores=np.empty(0, np.float32))
        return _top_k(np.concatenate(parts_ids), np.concatenate(parts_scores), k)

    def _gather_dot(self, rows: NDArray[np.intp], q: F32) -> F32:
        """float32[len(rows)]: ``vectors[rows] @ q``, gathered in cache-sized blocks."""
        out = np.empty(rows.shape[0], dtype=np.float32)
        if rows.shape[0] <= _GATHER_BLOCK:
            out[:] = self.vectors[rows] @ q
            return out
        buf = np.empty((_GATHER_BLOCK, self.dim), dtype=np.float32)
        for s in range(0, rows.shape[0], _GATHER_BLOCK):
            r = rows[s : s + _GATHER_BLOCK]
            blk = buf[: r.shape[0]]
            np.take(self.vectors, r, axis=0, out=blk)
            out[s : s + r.shape[0]] = blk @ q
        return out

    def _per_row(self, f: PartnerFilter, rows: NDArray[np.intp]) -> BoolArr:
        """bool[len(rows)]: the row-level part of ``f`` (active, kind, stage, not removed)."""
        m = self.meta.active[rows] if f.active_only else np.ones(rows.shape[0], dtype=np.bool_)
        if f.org_kinds is not None:
            m &= np.isin(self.meta.org_kind[rows], np.asarray(f.org_kinds, dtype=np.int8))
        if f.career_stages is not None:
            m &= np.isin(self.meta.career_stage[rows], np.asarray(f.career_stages, dtype=np.int8))
        if self._n_deleted:
            m &= ~self.deleted[rows]
        return m

    def _main_candidates(
        self, q: F32, f: PartnerFilter, n_keep: int, exact: bool
    ) -> tuple[NDArray[np.intp], F32]:
        """Rows of the main arrays (intp[M]) that pass ``f`` and are live, with their exact
        float32 scores: every such row when ``exact`` (or when an allow-list leaves few), else
        the ``n_keep`` best by int8 score."""
        none: tuple[NDArray[np.intp], F32] = (np.empty(0, np.intp), np.empty(0, np.float32))
        # 1. Groups (country, areas) that pass, as runs of consecutive rows.
        g_pass = np.ones(self.n_groups, dtype=np.bool_)
        if f.country is not None:
            g_pass &= self.group_country == np.int8(f.country)
        if f.areas_any is not None:
            g_pass &= (self.group_areas & np.uint64(f.areas_any)) != 0
        edges = np.diff(np.concatenate([[False], g_pass, [False]]).astype(np.int8))
        starts = self.group_starts[np.flatnonzero(edges == 1)]
        ends = self.group_starts[np.flatnonzero(edges == -1)]
        n_rows = int((ends - starts).sum())
        if n_rows == 0:
            return none
        # 2. Id lists as row masks.
        allow = self._row_mask(f.allow_ids) if f.allow_ids is not None else None
        ex = self._row_mask(f.exclude_ids) if f.exclude_ids is not None else None
        if allow is not None and (exact or np.count_nonzero(allow) * _GATHER_COST <= n_rows):
            # Few allowed rows: gather those in the passing groups and score them exactly.
            allowed = np.flatnonzero(allow)
            group = np.searchsorted(self.group_starts, allowed, side="right") - 1
            allowed = allowed[g_pass[group]]
            keep = self._per_row(f, allowed)
            if ex is not None:
                keep &= ~ex[allowed]
            rows = allowed[keep]
            return rows, self._gather_dot(rows, q)
        rows = _ranges_to_rows(starts, ends)
        keep = self._per_row(f, rows)
        if allow is not None:
            keep &= allow[rows]
        if ex is not None:
            keep &= ~ex[rows]
        if exact:
            scores = np.concatenate(
                [self.vectors[a:b] @ q for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
            )
            return rows[keep], scores[keep]
        # 3. int8 scores of every row in the runs (numkong SIMD kernel, one call per run).
        qs = q / self.scale
        q8 = np.rint(qs * (127.0 / max(float(np.abs(qs).max()), 1e-30))).astype(np.int8)[None]
        approx = np.empty((1, n_rows), dtype=np.float32)
        at = 0
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            numkong.cdist(
                q8,
                self.codes[a:b],
                metric="dot",
                out=approx[:, at : at + b - a],
                out_dtype="float32",
            )
            at += b - a
        scores8 = approx[0]
        scores8[~keep] = -np.inf
        n_pass = int(keep.sum())
        if n_pass == 0:
            return none
        if n_pass > n_keep:
            best = np.argpartition(scores8, n_rows - n_keep)[n_rows - n_keep :]
            best = best[np.isfinite(scores8[best])]
        else:
            best = np.flatnonzero(keep)
        cand = np.sort(rows[best])
        # 4. Exact float32 scores for the candidates.
        return cand, self._gather_dot(cand, q)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` (.npz, uncompressed) atomically (temp file + replace)."""
        target = Path(path)
        arrays: dict[str, np.ndarray] = {
            "format_version": np.array(FORMAT_VERSION),
            "settings": np.array([self.rerank], dtype=np.int64),
            "vectors": self.vectors,
            "ids": self.ids,
            "deleted": self.deleted,
            "buf_vectors": self.buf_vectors,
            "buf_ids": self.buf_ids,
        }
        for prefix, m in (("meta_", self.meta), ("buf_meta_", self.buf_meta)):
            arrays[prefix + "country"] = m.country
            arrays[prefix + "areas"] = m.areas
            arrays[prefix + "org_kind"] = m.org_kind
            arrays[prefix + "career_stage"] = m.career_stage
            arrays[prefix + "active"] = m.active
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **arrays)  # type: ignore[arg-type]  # numpy stubs: **kwds
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PartnerIndex:
        """Read an index written by :meth:`save` (no pickles are loaded). A file that is not
        one, or whose arrays break the index's constraints, raises :class:`IndexInputError`."""
        try:
            with np.load(path, allow_pickle=False) as z:
                version = int(z["format_version"])
                if version != FORMAT_VERSION:
                    raise IndexInputError(
                        f"{path}: index format version {version}, this code reads "
                        f"{FORMAT_VERSION}; rebuild the index"
                    )

                def meta(prefix: str) -> ProfileMeta:
                    return ProfileMeta(
                        country=z[prefix + "country"],
                        areas=z[prefix + "areas"],
                        org_kind=z[prefix + "org_kind"],
                        career_stage=z[prefix + "career_stage"],
                        active=z[prefix + "active"],
                    )

                arrays = {
                    "vectors": z["vectors"],
                    "ids": z["ids"],
                    "meta": meta("meta_"),
                    "deleted": z["deleted"],
                    "buf_vectors": z["buf_vectors"],
                    "buf_ids": z["buf_ids"],
                    "buf_meta": meta("buf_meta_"),
                    "rerank": int(z["settings"][0]),
                }
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
            if isinstance(exc, IndexInputError):
                raise
            raise IndexInputError(
                f"{path}: not a readable partner index ({type(exc).__name__}: {exc}); rebuild it"
            ) from exc
        vectors = arrays["vectors"]
        _check_vectors(vectors, None, f"{path}: vectors")
        _check_ids(arrays["ids"], vectors.shape[0], f"{path}: ids")
        _check_vectors(arrays["buf_vectors"], vectors.shape[1], f"{path}: buffered vectors")
        _check_ids(arrays["buf_ids"], arrays["buf_vectors"].shape[0], f"{path}: buffered ids")
        arrays["buf_meta"].validate(arrays["buf_vectors"].shape[0])
        return cls(**arrays)

    def live_arrays(self) -> tuple[F32, I64, ProfileMeta]:
        """All live profiles (vectors float32[M, D], ids int64[M], meta) — for exact checks."""
        live = np.flatnonzero(~self.deleted)
        return (
            np.concatenate([self.vectors[live], self.buf_vectors]),
            np.concatenate([self.ids[live], self.buf_ids]),
            ProfileMeta.concat([self.meta.take(live), self.buf_meta]),
        )


def _empty_meta() -> ProfileMeta:
    return ProfileMeta(
        country=np.empty(0, np.int8),
        areas=np.empty(0, np.uint64),
        org_kind=np.empty(0, np.int8),
        career_stage=np.empty(0, np.int8),
        active=np.empty(0, np.bool_),
    )


def iter_ids(result: SearchResult) -> Iterable[int]:
    """Convenience: the result ids as Python ints."""
    return (int(i) for i in result.ids)
