"""Partner-finder index: top-k cosine search over profile vectors with metadata filters.

Arrays in, arrays out. Profiles are identified by caller-supplied ``int64`` ids (the Django
side passes primary keys); vectors are ``float32[N, D]`` and L2-normalised (the embedders in
``accord.core.text`` produce them), so the score is the cosine similarity ``v · q``.

How it is built (an inverted-file index written in numpy, no extra dependency):

* k-means (spherical, on a sample) gives ``L ≈ 2·sqrt(N)`` centroids; every profile goes to its
  nearest centroid and the main arrays are stored *sorted by (list, country)*: a list is a
  contiguous slice ``[offsets[l], offsets[l+1])`` and, inside it, each country is a contiguous
  *cell* (``cells``), so the partner finder's "other country" filter reads only its own cells.
  Each cell also keeps the OR of its profiles' area bitmasks, so an area filter skips cells
  where nobody has a wanted area.
* A query scores the centroids and probes the ``nprobe`` nearest lists (that have an eligible
  cell), ranking every passing profile in them exactly (no quantisation, so the scores
  returned are the true cosines).
* Filters are evaluated only on the rows of the probed cells (gathers of int8/uint64 columns);
  dense survivors are scored with one contiguous mat-vec per cell, sparse ones are gathered in
  cache-sized blocks first. The fraction of rows passing the filter, measured on the first
  ``nprobe`` lists, sets how many more lists to probe (about ``1/sqrt(fraction)`` times as
  many); when few profiles pass (``≤ exact_threshold``), every eligible cell is scanned, so a
  selective filter never misses, and an allow-list is answered exactly from its own rows.
  A returned profile always passes the filter.
* Updates do not rebuild: new or replaced profiles go to an append buffer searched exactly, and
  removed or replaced main-index rows are tombstoned. ``compact()`` merges the buffer into the
  lists (re-using the centroids); ``build`` again to re-train them.

Results are deterministic: ties in score are broken by the smaller id.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

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

# Everything but the index itself is shared with the product's module (the same types, filters,
# checks and exact search), so the baseline differs from accord.core.partners only in the index.
from accord.core.partners import (
    F32,
    I64,
    BoolArr,
    IndexInputError,
    PartnerFilter,
    ProfileMeta,
    SearchResult,
    UnknownProfileError,
    _blas_limit,
    _check_ids,
    _check_vectors,
    _empty_meta,
    _ranges_to_rows,
    _top_k,
    exact_search,
)

FORMAT_VERSION = 2  # 2: rows sorted by (list, country), cell offsets
_NORM_TOLERANCE = 1e-3
_GATHER_COST = 4  # cost of scoring one scattered row, in contiguous-row units (measured)
_GATHER_BLOCK = 1024  # rows gathered per block before a mat-vec (stays in cache; measured)


def _mask_at(
    f: PartnerFilter, meta: ProfileMeta, rows: NDArray[np.intp], *, country_done: bool
) -> BoolArr:
    """bool[len(rows)]: which of ``rows`` pass the metadata part of ``f`` (not the id lists).

    Only the given rows' metadata is read; ``country_done`` skips the country test when the
    rows were taken from the filter's country cells already.
    """
    m = meta.active[rows] if f.active_only else np.ones(rows.shape[0], dtype=np.bool_)
    if f.country is not None and not country_done:
        m &= meta.country[rows] == np.int8(f.country)
    if f.areas_any is not None:
        m &= (meta.areas[rows] & np.uint64(f.areas_any)) != 0
    if f.org_kinds is not None:
        m &= np.isin(meta.org_kind[rows], np.asarray(f.org_kinds, dtype=np.int8))
    if f.career_stages is not None:
        m &= np.isin(meta.career_stage[rows], np.asarray(f.career_stages, dtype=np.int8))
    return m


def _kmeans(sample: F32, n_lists: int, *, iterations: int, rng: np.random.Generator) -> F32:
    """Spherical k-means: centroids float32[L, D], unit norm (empty clusters re-seeded)."""
    n = sample.shape[0]
    cent = sample[rng.choice(n, size=n_lists, replace=False)].copy()
    for _ in range(iterations):
        assign = _nearest(sample, cent)
        order = np.argsort(assign, kind="stable")
        counts = np.bincount(assign, minlength=n_lists)
        sums = np.zeros(cent.shape, dtype=np.float64)
        nonempty = np.flatnonzero(counts)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[nonempty]
        sums[nonempty] = np.add.reduceat(sample[order], starts, axis=0, dtype=np.float64)
        empty = np.flatnonzero(counts == 0)
        if empty.size:
            sums[empty] = sample[rng.choice(n, size=empty.size, replace=False)]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        cent = (sums / norms).astype(np.float32)
    return cent


def _nearest(x: F32, cent: F32, chunk: int = 65536) -> NDArray[np.intp]:
    """Index of the most similar centroid for each row of ``x`` (chunked to bound memory)."""
    out = np.empty(x.shape[0], dtype=np.intp)
    for s in range(0, x.shape[0], chunk):
        out[s : s + chunk] = np.argmax(x[s : s + chunk] @ cent.T, axis=1)
    return out


class PartnerIndex:
    """IVF index with exact re-ranking, metadata filters, an update buffer and tombstones.

    Build with :meth:`build`, query with :meth:`search`, update with :meth:`add`,
    :meth:`replace`, :meth:`remove`, persist with :meth:`save` / :meth:`load`.

    Layout: rows are sorted by (list, country), so list ``l`` is the contiguous slice
    ``offsets[l]:offsets[l+1]`` and, inside it, the profiles of country ``country_codes[c]`` are
    the *cell* ``cells[l*C + c]:cells[l*C + c + 1]`` (``C = len(country_codes)``). A country filter
    therefore only ever touches its own cells. ``cell_areas[l*C + c]`` is the OR of the area
    bitmasks in that cell, so an area filter skips cells where no profile has a wanted area.
    """

    def __init__(
        self,
        *,
        centroids: F32,
        vectors: F32,
        ids: I64,
        meta: ProfileMeta,
        country_codes: NDArray[np.int8],
        cells: I64,
        deleted: BoolArr | None = None,
        buf_vectors: F32 | None = None,
        buf_ids: I64 | None = None,
        buf_meta: ProfileMeta | None = None,
        nprobe: int = 64,
        exact_threshold: int = 2_000,
    ) -> None:
        """Internal: use :meth:`build` or :meth:`load`. Arrays are stored sorted by (list, country).

        centroids: float32[L, D]; vectors: float32[N, D]; ids: int64[N]; meta: N rows;
        country_codes: int8[C], strictly increasing; cells: int64[L*C + 1], non-decreasing from
        0 to N, and every row of cell ``l*C + c`` has country ``country_codes[c]``;
        deleted: bool[N].
        """
        n_lists, dim = centroids.shape
        if vectors.shape[1:] != (dim,):
            raise IndexInputError(f"vectors must be float32[N, {dim}], got {list(vectors.shape)}")
        n = vectors.shape[0]
        if ids.shape != (n,):
            raise IndexInputError(f"ids must have shape [{n}], got {list(ids.shape)}")
        meta.validate(n)
        n_c = int(country_codes.shape[0])
        if country_codes.ndim != 1 or n_c < 1 or bool(np.any(np.diff(country_codes) <= 0)):
            raise IndexInputError("country_codes must be int8[C], C ≥ 1, strictly increasing")
        if (
            cells.shape != (n_lists * n_c + 1,)
            or cells[0] != 0
            or cells[-1] != n
            or bool(np.any(np.diff(cells) < 0))
        ):
            raise IndexInputError(
                f"cells must be int64[{n_lists * n_c + 1}], non-decreasing from 0 to {n}"
            )
        cell_country = np.repeat(np.tile(country_codes, n_lists), np.diff(cells))
        if not np.array_equal(cell_country, meta.country):
            bad = int(np.flatnonzero(cell_country != meta.country)[0])
            raise IndexInputError(f"row {bad} is not in the cell of its country (corrupt layout)")
        if deleted is not None and deleted.shape != (n,):
            raise IndexInputError(f"deleted must be bool[{n}], got {list(deleted.shape)}")
        self.dim = int(dim)
        self.centroids = centroids
        self.vectors = vectors
        self.ids = ids
        self.meta = meta
        self.country_codes = country_codes.astype(np.int8)
        self.cells = cells
        self.offsets: I64 = np.ascontiguousarray(cells[::n_c])  # int64[L + 1]
        # OR of the area bitmasks per cell (uint64[L*C]) and per list (uint64[L]).
        self.cell_areas = np.zeros(n_lists * n_c, dtype=np.uint64)
        nonempty = np.flatnonzero(np.diff(cells))
        if nonempty.size:
            self.cell_areas[nonempty] = np.bitwise_or.reduceat(meta.areas, cells[nonempty])
        self.list_areas = np.bitwise_or.reduce(self.cell_areas.reshape(n_lists, n_c), axis=1)
        self.deleted = np.zeros(n, dtype=np.bool_) if deleted is None else deleted
        self.buf_vectors = (
            np.empty((0, dim), dtype=np.float32) if buf_vectors is None else buf_vectors
        )
        self.buf_ids = np.empty(0, dtype=np.int64) if buf_ids is None else buf_ids
        self.buf_meta = buf_meta if buf_meta is not None else _empty_meta()
        self.nprobe = nprobe
        self.exact_threshold = exact_threshold
        # id -> row in the main arrays (sorted ids + their rows, for vectorised lookup)
        self._id_order = np.argsort(ids, kind="stable")
        self._sorted_ids = ids[self._id_order]
        self._n_deleted = int(self.deleted.sum())

    @classmethod
    def _from_assignment(
        cls,
        *,
        centroids: F32,
        vectors: F32,
        ids: I64,
        meta: ProfileMeta,
        assign: NDArray[np.intp],
        nprobe: int,
        exact_threshold: int,
    ) -> PartnerIndex:
        """Lay out rows (given their list ``assign`` intp[N]) sorted by (list, country)."""
        n_lists = int(centroids.shape[0])
        codes = np.unique(meta.country) if len(meta) else np.zeros(1, dtype=np.int8)
        n_c = int(codes.shape[0])
        cell = assign.astype(np.int64) * n_c + np.searchsorted(codes, meta.country)
        order = np.argsort(cell, kind="stable")
        cells = np.zeros(n_lists * n_c + 1, dtype=np.int64)
        np.cumsum(np.bincount(cell, minlength=n_lists * n_c), out=cells[1:])
        return cls(
            centroids=centroids,
            vectors=np.ascontiguousarray(vectors[order]),
            ids=ids[order],
            meta=meta.take(order),
            country_codes=codes.astype(np.int8),
            cells=cells,
            nprobe=nprobe,
            exact_threshold=exact_threshold,
        )

    # ------------------------------------------------------------------ building
    @classmethod
    def build(
        cls,
        vectors: ArrayLike,
        meta: ProfileMeta,
        ids: ArrayLike | None = None,
        *,
        n_lists: int | None = None,
        nprobe: int = 64,
        exact_threshold: int = 2_000,
        train_size: int = 100_000,
        iterations: int = 10,
        seed: int = 0,
    ) -> PartnerIndex:
        """Build from vectors float32[N, D] (unit norm), metadata (N rows), ids int64[N].

        ``n_lists`` defaults to about 2·sqrt(N) (at least 1); ``nprobe`` lists are probed per
        query; filters that keep ≤ ``exact_threshold`` profiles are answered exactly.
        """
        v = _check_vectors(vectors, None, "vectors")
        n = v.shape[0]
        id_arr = np.arange(n, dtype=np.int64) if ids is None else _check_ids(ids, n, "ids")
        meta.validate(n)
        if n == 0:
            raise IndexInputError("vectors must have at least one row to build an index")
        lists = n_lists if n_lists is not None else max(1, round(2 * math.sqrt(n)))
        lists = min(lists, n)
        if lists < 1:
            raise IndexInputError(f"n_lists must be ≥ 1, got {n_lists}")
        rng = np.random.default_rng(seed)
        sample = v if n <= train_size else v[np.sort(rng.choice(n, train_size, replace=False))]
        cent = _kmeans(sample, lists, iterations=iterations, rng=rng)
        return cls._from_assignment(
            centroids=cent,
            vectors=v,
            ids=id_arr,
            meta=meta,
            assign=_nearest(v, cent),
            nprobe=nprobe,
            exact_threshold=exact_threshold,
        )

    # ------------------------------------------------------------------ introspection
    @property
    def n_lists(self) -> int:
        return int(self.centroids.shape[0])

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

    def _main_rows(self, ids: ArrayLike) -> NDArray[np.intp]:
        """Rows (intp, ascending) of the main arrays holding the given ids (unknown ids and
        tombstoned rows are left out)."""
        q = np.unique(np.asarray(ids, dtype=np.int64))
        pos = np.searchsorted(self._sorted_ids, q)
        pos = pos[pos < self._sorted_ids.shape[0]]
        hit = pos[np.isin(self._sorted_ids[pos], q)]
        rows = np.sort(self._id_order[hit]).astype(np.intp)
        return rows[~self.deleted[rows]] if self._n_deleted else rows

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
        """Merge the buffer into the lists and drop tombstones (centroids are kept)."""
        live = np.flatnonzero(~self.deleted)
        vec = np.concatenate([self.vectors[live], self.buf_vectors])
        ids = np.concatenate([self.ids[live], self.buf_ids])
        meta = ProfileMeta.concat([self.meta.take(live), self.buf_meta])
        merged = PartnerIndex._from_assignment(
            centroids=self.centroids,
            vectors=vec,
            ids=ids,
            meta=meta,
            assign=_nearest(vec, self.centroids),
            nprobe=self.nprobe,
            exact_threshold=self.exact_threshold,
        )
        self.__dict__.update(merged.__dict__)

    # ------------------------------------------------------------------ search
    def search(
        self,
        query: ArrayLike,
        k: int = 10,
        filters: PartnerFilter | None = None,
        *,
        nprobe: int | None = None,
        exact: bool = False,
        blas_threads: int | None = 1,
    ) -> SearchResult:
        """Top-k profiles for ``query`` float32[D] (unit norm) that pass ``filters``.

        ``filters=None`` means ``PartnerFilter()``: active profiles only, no other constraint.

        Returns ids int64[k'] and cosine scores float32[k'] (k' < k only when fewer profiles
        pass the filter). ``exact=True`` scans every row (the reference for recall).
        ``blas_threads`` caps BLAS threads during the query (None: leave as configured).
        """
        with _blas_limit(blas_threads):
            return self._search(query, k, filters, nprobe=nprobe, exact=exact)

    def _search(
        self,
        query: ArrayLike,
        k: int,
        filters: PartnerFilter | None,
        *,
        nprobe: int | None,
        exact: bool,
    ) -> SearchResult:
        if k < 1:
            raise IndexInputError(f"k must be ≥ 1, got {k}")
        q = _check_vectors(np.asarray(query).reshape(1, -1), self.dim, "query")[0]
        f = filters if filters is not None else PartnerFilter()

        parts_ids: list[I64] = []
        parts_scores: list[F32] = []
        # Buffer: always exact.
        buf_mask = f.mask(self.buf_meta)
        if f.allow_ids is not None:
            buf_mask &= np.isin(self.buf_ids, np.asarray(f.allow_ids, dtype=np.int64))
        if f.exclude_ids is not None:
            buf_mask &= ~np.isin(self.buf_ids, np.asarray(f.exclude_ids, dtype=np.int64))
        if buf_mask.any():
            rows = np.flatnonzero(buf_mask)
            parts_ids.append(self.buf_ids[rows])
            parts_scores.append(self.buf_vectors[rows] @ q)

        if self.ids.shape[0]:
            probe = nprobe if nprobe is not None else self.nprobe
            main_rows, main_scores = self._main_candidates(q, k, f, max(1, probe), exact)
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

    def _score_probed(
        self, q: F32, starts: I64, ends: I64, rows: NDArray[np.intp], m: BoolArr
    ) -> tuple[NDArray[np.intp], F32]:
        """Scores of the rows ``rows[m]``, where ``rows`` are the ranges ``[starts, ends)``.

        Dense survivors: one contiguous mat-vec per range, then select; sparse survivors:
        gather them (a gathered row costs about ``_GATHER_COST`` contiguous ones).
        """
        kept = rows[m]
        if kept.shape[0] * _GATHER_COST < rows.shape[0]:
            return kept, self._gather_dot(kept, q)
        parts = [self.vectors[a:b] @ q for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]
        scores: F32 = np.concatenate(parts) if parts else np.empty(0, np.float32)
        return kept, scores[m]

    def _main_candidates(
        self, q: F32, k: int, f: PartnerFilter, nprobe: int, exact: bool
    ) -> tuple[NDArray[np.intp], F32]:
        """Rows of the main arrays (intp[M]) that pass ``f``, are live, and were probed, with
        their exact scores (float32[M]).

        The metadata masks are evaluated only on the rows of the probed cells (cheap int8 /
        uint64 gathers), so dot products are done only where needed.
        """
        n = int(self.ids.shape[0])
        ex_rows = self._main_rows(f.exclude_ids) if f.exclude_ids is not None else None
        allow_mask: BoolArr | None = None

        def keep(rows: NDArray[np.intp], country_done: bool) -> BoolArr:
            m = _mask_at(f, self.meta, rows, country_done=country_done)
            if self._n_deleted:
                m &= ~self.deleted[rows]
            if allow_mask is not None:
                m &= allow_mask[rows]
            if ex_rows is not None and ex_rows.size:
                m &= ~np.isin(rows, ex_rows)
            return m

        def gathered(rows: NDArray[np.intp]) -> tuple[NDArray[np.intp], F32]:
            kept = rows[keep(rows, country_done=False)]
            return kept, self._gather_dot(kept, q)

        none: tuple[NDArray[np.intp], F32] = (np.empty(0, np.intp), np.empty(0, np.float32))

        if f.allow_ids is not None:
            allowed = self._main_rows(f.allow_ids)
            # Scoring a gathered row costs about _GATHER_COST contiguous ones.
            if (
                exact
                or allowed.size <= self.exact_threshold
                or allowed.size * _GATHER_COST <= nprobe * n / self.n_lists
            ):
                return gathered(allowed)
            allow_mask = np.zeros(n, dtype=np.bool_)
            allow_mask[allowed] = True

        if exact:
            m = keep(np.arange(n, dtype=np.intp), country_done=False)
            return np.flatnonzero(m), (self.vectors @ q)[m]
        # The slice of every list that the country filter allows, and its area union.
        n_c = int(self.country_codes.shape[0])
        if f.country is not None:
            ci = int(np.searchsorted(self.country_codes, f.country))
            if ci == n_c or int(self.country_codes[ci]) != f.country:
                return none
            starts, ends = self.cells[ci:-1:n_c], self.cells[ci + 1 :: n_c]
            unions = self.cell_areas[ci::n_c]
        else:
            starts, ends = self.offsets[:-1], self.offsets[1:]
            unions = self.list_areas
        eligible = ends > starts
        if f.areas_any is not None:
            eligible &= (unions & np.uint64(f.areas_any)) != 0
        elig = np.flatnonzero(eligible)
        if elig.size == 0:
            return none
        # Probe lists by centroid score, best first, skipping lists with nothing eligible.
        cs = self.centroids @ q
        order = elig[np.argsort(-cs[elig], kind="stable")]
        country_done = f.country is not None
        first = min(nprobe, order.size)

        def probe(lists: NDArray[np.intp]) -> tuple[NDArray[np.intp], F32, int]:
            st, en = starts[lists], ends[lists]
            rows = _ranges_to_rows(st, en)
            m = keep(rows, country_done)
            kept, scores = self._score_probed(q, st, en, rows, m)
            return kept, scores, int(rows.shape[0])

        got, got_scores, n_scanned = probe(order[:first])
        wanted = first
        if first < order.size:
            # Fraction of all rows that pass, estimated on the probed rows: a filter keeping a
            # fraction s thins every list by s, so probe about 1/sqrt(s) times more lists to see
            # enough passing candidates near the query; answer exactly when few rows pass.
            elig_rows = int((ends[elig] - starts[elig]).sum())
            s = elig_rows / n * got.shape[0] / max(1, n_scanned)
            if s <= 0 or s * n <= self.exact_threshold:
                wanted = order.size
            else:
                wanted = min(order.size, math.ceil(nprobe / math.sqrt(min(1.0, s))))
        rows_parts, score_parts = [got], [got_scores]
        if wanted > first:
            more, more_scores, _ = probe(order[first:wanted])
            rows_parts.append(more)
            score_parts.append(more_scores)
        if sum(p.shape[0] for p in rows_parts) < k and wanted < order.size:
            # Too few passing candidates near the query: scan the rest as well (exact).
            rest, rest_scores, _ = probe(order[wanted:])
            rows_parts.append(rest)
            score_parts.append(rest_scores)
        return np.concatenate(rows_parts), np.concatenate(score_parts)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` (.npz, uncompressed) atomically (temp file + replace)."""
        target = Path(path)
        arrays: dict[str, np.ndarray] = {
            "format_version": np.array(FORMAT_VERSION),
            "settings": np.array([self.nprobe, self.exact_threshold], dtype=np.int64),
            "centroids": self.centroids,
            "vectors": self.vectors,
            "ids": self.ids,
            "country_codes": self.country_codes,
            "cells": self.cells,
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
        """Read an index written by :meth:`save` (no pickles are loaded)."""
        with np.load(path, allow_pickle=False) as z:
            version = int(z["format_version"])
            if version != FORMAT_VERSION:
                raise IndexInputError(
                    f"{path}: index format version {version}, this code reads {FORMAT_VERSION}; "
                    "rebuild the index"
                )

            def meta(prefix: str) -> ProfileMeta:
                return ProfileMeta(
                    country=z[prefix + "country"],
                    areas=z[prefix + "areas"],
                    org_kind=z[prefix + "org_kind"],
                    career_stage=z[prefix + "career_stage"],
                    active=z[prefix + "active"],
                )

            settings = z["settings"]
            return cls(
                centroids=z["centroids"],
                vectors=z["vectors"],
                ids=z["ids"],
                meta=meta("meta_"),
                country_codes=z["country_codes"],
                cells=z["cells"],
                deleted=z["deleted"],
                buf_vectors=z["buf_vectors"],
                buf_ids=z["buf_ids"],
                buf_meta=meta("buf_meta_"),
                nprobe=int(settings[0]),
                exact_threshold=int(settings[1]),
            )

    def live_arrays(self) -> tuple[F32, I64, ProfileMeta]:
        """All live profiles (vectors float32[M, D], ids int64[M], meta) — for exact checks."""
        live = np.flatnonzero(~self.deleted)
        return (
            np.concatenate([self.vectors[live], self.buf_vectors]),
            np.concatenate([self.ids[live], self.buf_ids]),
            ProfileMeta.concat([self.meta.take(live), self.buf_meta]),
        )
