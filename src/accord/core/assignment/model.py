"""The reviewer-assignment instance and result types, validation, NPZ input/output and checking.

Shapes: ``P`` proposals, ``R`` reviewers.

- ``affinity``: float64[P, R], higher = better match; finite.
- ``conflict``: bool[P, R], True = the pair may not be assigned.
- ``reviewer_country``: int64[R], values in {0, 1}.
- ``k``: int, reviewers per proposal, 1 <= k <= R.
- ``min_load``, ``max_load``: int64[R], 0 <= min_load <= max_load.

The bilateral rule (at least one reviewer from each country per proposal) applies when
``reviewer_country`` contains both 0 and 1.
"""

from __future__ import annotations

import mmap
import os
import struct
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from accord.core.assignment.errors import InstanceError
from accord.core.assignment.messages import Violation, describe_violation

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

REQUIRED_ARRAYS = ("affinity", "conflict", "reviewer_country", "k", "min_load", "max_load")
DEFAULT_COUNTRY_NAMES = ("country 0", "country 1")
#: .npz members at least this large are memory-mapped (copy-on-write) rather than read.
MAP_BYTES = 1 << 20


def _as_int_vector(name: str, value: Any, length: int) -> IntArray:
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.shape[0] != length:
        raise InstanceError(
            name, f"array '{name}' must have shape [R] = [{length}], got {list(arr.shape)}"
        )
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise InstanceError(name, f"array '{name}' must hold integers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InstanceError(name, f"array '{name}' must hold integers; entry {i} is {arr[i]!r}")
    return arr.astype(np.int64, copy=False)


@dataclass(frozen=True, eq=False)
class AssignmentInstance:
    """A validated assignment instance (see the module docstring for shapes).

    Construct it with keyword arguments; the constructor converts dtypes (without copying
    arrays that already have the right dtype) and raises :class:`InstanceError` naming the
    array when something is wrong.
    """

    affinity: FloatMatrix
    conflict: BoolMatrix
    reviewer_country: IntArray
    k: int
    min_load: IntArray
    max_load: IntArray
    country_names: tuple[str, str] = DEFAULT_COUNTRY_NAMES

    def __post_init__(self) -> None:
        aff = np.asarray(self.affinity)
        if aff.ndim != 2:
            raise InstanceError(
                "affinity", f"array 'affinity' must be 2-D [P, R], got shape {list(aff.shape)}"
            )
        if not (np.issubdtype(aff.dtype, np.floating) or np.issubdtype(aff.dtype, np.integer)):
            raise InstanceError(
                "affinity", f"array 'affinity' must hold numbers, got dtype {aff.dtype}"
            )
        aff = aff.astype(np.float64, copy=False)
        n_props, n_revs = aff.shape
        finite = np.isfinite(aff)
        if not finite.all():
            p, r = (int(v) for v in np.argwhere(~finite)[0])
            count = int(aff.size - np.count_nonzero(finite))
            raise InstanceError(
                "affinity",
                f"array 'affinity' has {count} non-finite (NaN or infinite) entries, the first at "
                f"proposal {p}, reviewer {r}; replace them with numbers (use 'conflict' to forbid a pair)",
            )
        con = np.asarray(self.conflict)
        if con.shape != aff.shape:
            raise InstanceError(
                "conflict",
                f"array 'conflict' must have the shape of 'affinity' [P, R] = "
                f"[{n_props}, {n_revs}], got {list(con.shape)}",
            )
        if con.dtype != np.bool_:
            if not np.issubdtype(con.dtype, np.integer) or not np.isin(con, (0, 1)).all():
                raise InstanceError(
                    "conflict", f"array 'conflict' must be boolean (or 0/1), got dtype {con.dtype}"
                )
            con = con.astype(np.bool_)
        country = _as_int_vector("reviewer_country", self.reviewer_country, n_revs)
        bad = (country != 0) & (country != 1)
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise InstanceError(
                "reviewer_country",
                f"array 'reviewer_country' must hold 0 or 1; reviewer {r} has {int(country[r])}",
            )
        k_arr = np.asarray(self.k)
        if k_arr.size != 1 or not np.issubdtype(k_arr.dtype, np.integer):
            raise InstanceError("k", f"'k' must be one integer, got {k_arr!r}")
        k = int(k_arr.reshape(()))
        if k < 1:
            raise InstanceError("k", f"'k' (reviewers per proposal) must be at least 1, got {k}")
        if k > n_revs:
            raise InstanceError(
                "k", f"'k' = {k} reviewers per proposal is more than the R = {n_revs} reviewers"
            )
        min_load = _as_int_vector("min_load", self.min_load, n_revs)
        max_load = _as_int_vector("max_load", self.max_load, n_revs)
        for name, arr in (("min_load", min_load), ("max_load", max_load)):
            if (arr < 0).any():
                r = int(np.flatnonzero(arr < 0)[0])
                raise InstanceError(
                    name, f"array '{name}' must be >= 0; reviewer {r} has {int(arr[r])}"
                )
        if (min_load > max_load).any():
            r = int(np.flatnonzero(min_load > max_load)[0])
            raise InstanceError(
                "min_load",
                f"reviewer {r} has min_load {int(min_load[r])} > max_load {int(max_load[r])}",
            )
        names = tuple(str(n) for n in self.country_names)
        if len(names) != 2:
            raise InstanceError("country_names", "'country_names' must hold exactly two names")
        object.__setattr__(self, "affinity", aff)
        object.__setattr__(self, "conflict", con)
        object.__setattr__(self, "reviewer_country", country)
        object.__setattr__(self, "k", k)
        object.__setattr__(self, "min_load", min_load)
        object.__setattr__(self, "max_load", max_load)
        object.__setattr__(self, "country_names", names)

    @property
    def n_proposals(self) -> int:
        """P, the number of proposals (rows)."""
        return int(self.affinity.shape[0])

    @property
    def n_reviewers(self) -> int:
        """R, the number of reviewers (columns)."""
        return int(self.affinity.shape[1])

    @property
    def bilateral(self) -> bool:
        """True when both countries are present, so each proposal needs one of each."""
        return bool((self.reviewer_country == 0).any() and (self.reviewer_country == 1).any())

    def country_label(self, country: int) -> str:
        """'Korean (country 1)' when names are given, else 'country 1'."""
        name = self.country_names[country]
        default = DEFAULT_COUNTRY_NAMES[country]
        return default if name == default else f"{name} ({default})"


def load_npz(path: str | os.PathLike[str]) -> AssignmentInstance:
    """Read an instance from an ``.npz`` file with the arrays of :data:`REQUIRED_ARRAYS`.

    An optional string array ``country_names`` [2] names the two countries in messages.
    Raises :class:`InstanceError` naming the missing or malformed array.
    """
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InstanceError("file", f"instance file {os.fspath(path)!r} does not exist") from None
    except (OSError, ValueError) as exc:
        raise InstanceError(
            "file", f"instance file {os.fspath(path)!r} is not a readable .npz archive ({exc})"
        ) from None
    with data:
        if not hasattr(data, "files"):
            raise InstanceError(
                "file", f"instance file {os.fspath(path)!r} is a single array, not an .npz archive"
            )
        missing = [name for name in REQUIRED_ARRAYS if name not in data.files]
        if missing:
            raise InstanceError(
                missing[0],
                f"instance file {os.fspath(path)!r} lacks the array(s) {', '.join(missing)}; "
                f"it needs {', '.join(REQUIRED_ARRAYS)}",
            )
        try:
            with open(path, "rb") as raw_file:
                stored: dict[str, np.ndarray | None] = {
                    name: _read_stored(raw_file, data.zip.getinfo(f"{name}.npy"))
                    for name in REQUIRED_ARRAYS
                    if f"{name}.npy" in data.zip.namelist()
                }
            arrays: dict[str, Any] = {
                name: data[name] if stored.get(name) is None else stored[name]
                for name in REQUIRED_ARRAYS
            }
            names: tuple[str, str] = DEFAULT_COUNTRY_NAMES
            if "country_names" in data.files:
                raw = data["country_names"]
                if raw.shape != (2,):
                    raise InstanceError(
                        "country_names", "array 'country_names' must hold exactly two strings"
                    )
                names = (str(raw[0]), str(raw[1]))
        except ValueError as exc:  # object arrays need pickle, which we refuse
            raise InstanceError("file", f"instance file {os.fspath(path)!r}: {exc}") from None
    return AssignmentInstance(
        affinity=arrays["affinity"],
        conflict=arrays["conflict"],
        reviewer_country=arrays["reviewer_country"],
        k=arrays["k"],  # validated and converted to int in __post_init__
        min_load=arrays["min_load"],
        max_load=arrays["max_load"],
        country_names=names,
    )


def _read_stored(handle: Any, info: zipfile.ZipInfo) -> np.ndarray | None:
    """The array of an uncompressed ``.npy`` member, mapped from the file; None otherwise.

    ``np.load`` reads a member of an .npz through ``zipfile`` (a CRC over every byte, chunked
    copies into fresh memory): about 0.8 s CPU for a 5,000 x 5,000 instance, most of it the
    kernel's page faults. A copy-on-write memory map of the file costs a tenth of that (the
    pages come from the page cache, and writing to the array never touches the file). Anything
    unusual (compressed, object dtype, a header version we do not parse, a size that does not
    add up) returns None, and the caller falls back to ``np.load``, which also raises the
    errors.
    """
    if info.compress_type != zipfile.ZIP_STORED:
        return None
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        return None
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    data_start = info.header_offset + 30 + name_len + extra_len
    handle.seek(data_start)
    try:
        version = np.lib.format.read_magic(handle)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
        else:
            return None
    except ValueError:
        return None
    if dtype.hasobject:
        return None
    count = int(np.prod(shape, dtype=np.int64))
    offset = handle.tell()
    if offset - data_start + count * dtype.itemsize != info.file_size:
        return None
    if count * dtype.itemsize < MAP_BYTES:
        arr = np.empty(count, dtype=dtype)
        if count and handle.readinto(arr.data.cast("B")) != arr.nbytes:
            return None
    else:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_COPY)
        arr = np.ndarray((count,), dtype=dtype, buffer=mapped, offset=offset)
    return arr.reshape(shape, order="F" if fortran else "C")


def save_npz(instance: AssignmentInstance, path: str | os.PathLike[str]) -> None:
    """Write ``instance`` in the format :func:`load_npz` reads (uncompressed)."""
    extra: dict[str, Any] = {}
    if instance.country_names != DEFAULT_COUNTRY_NAMES:
        extra["country_names"] = np.array(instance.country_names)
    np.savez(
        path,
        affinity=instance.affinity,
        conflict=instance.conflict,
        reviewer_country=instance.reviewer_country,
        k=np.int64(instance.k),
        min_load=instance.min_load,
        max_load=instance.max_load,
        **extra,
    )


@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """An optimal assignment with its optimality certificate.

    - ``pairs``: int64[N, 2] rows ``(proposal, reviewer)``, sorted, N = k * P.
    - ``objective``: total affinity of ``pairs``.
    - ``bound``: an upper bound on the total affinity of any feasible assignment, from LP duals
      priced over every non-conflicted pair of the full matrix (a Lagrangian bound).
    - ``gap``: ``max(0, bound - objective)``; ``relative_gap`` = gap / max(1, |objective|).
    - ``iterations``: LP solves (column-generation rounds, phase 1 included).
    - ``n_candidates``: pairs in the final LP (out of ``P * R``).
    - ``timings``: seconds per stage (``candidates``, ``lp``, ``pricing``, ``verify``, ``total``).
    """

    pairs: IntArray
    objective: float
    bound: float
    gap: float
    relative_gap: float
    iterations: int
    n_candidates: int
    timings: Mapping[str, float] = field(default_factory=dict)

    def as_matrix(self, n_proposals: int, n_reviewers: int) -> BoolMatrix:
        """The assignment as bool[P, R]."""
        out = np.zeros((n_proposals, n_reviewers), dtype=np.bool_)
        out[self.pairs[:, 0], self.pairs[:, 1]] = True
        return out

    def reviewers_of(self, proposal: int) -> IntArray:
        """int64[k]: the reviewers assigned to ``proposal``."""
        sel = self.pairs[:, 0] == proposal
        out: IntArray = self.pairs[sel, 1]
        return out

    def certificate(self) -> dict[str, Any]:
        """A JSON-ready summary: objective, bound, gap, iterations, timings."""
        return {
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "relative_gap": self.relative_gap,
            "iterations": self.iterations,
            "n_pairs": int(self.pairs.shape[0]),
            "n_candidates": self.n_candidates,
            "timings": dict(self.timings),
        }


def as_pairs(pairs: Any, instance: AssignmentInstance, *, name: str = "pairs") -> IntArray:
    """Validate and convert a list of ``(proposal, reviewer)`` pairs to int64[N, 2]."""
    arr = np.asarray(pairs, dtype=np.int64)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    arr = arr.astype(np.int64, copy=False)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise InstanceError(name, f"'{name}' must be [N, 2] (proposal, reviewer) pairs")
    n_props, n_revs = instance.affinity.shape
    bad = (arr[:, 0] < 0) | (arr[:, 0] >= n_props) | (arr[:, 1] < 0) | (arr[:, 1] >= n_revs)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InstanceError(
            name,
            f"'{name}' row {i} = ({arr[i, 0]}, {arr[i, 1]}) is outside P = {n_props}, R = {n_revs}",
        )
    return arr


def violations(instance: AssignmentInstance, pairs: Any) -> list[Violation]:
    """Every rule the assignment ``pairs`` (int[N, 2]) breaks, structured (at most 5 per kind).

    See :class:`accord.core.assignment.messages.Violation` for the kinds; [] when valid.
    """
    arr = as_pairs(pairs, instance)
    n_props, n_revs = instance.affinity.shape
    found: list[Violation] = []
    keys = arr[:, 0] * n_revs + arr[:, 1]
    uniq, counts = np.unique(keys, return_counts=True)
    for key in uniq[counts > 1][:5]:
        found.append(
            Violation("duplicate", {"proposal": int(key // n_revs), "reviewer": int(key % n_revs)})
        )
    conflicted = instance.conflict[arr[:, 0], arr[:, 1]]
    for i in np.flatnonzero(conflicted)[:5]:
        found.append(
            Violation("conflict", {"proposal": int(arr[i, 0]), "reviewer": int(arr[i, 1])})
        )
    per_prop = np.bincount(arr[:, 0], minlength=n_props)
    for p in np.flatnonzero(per_prop != instance.k)[:5]:
        found.append(
            Violation(
                "reviewer_count", {"proposal": int(p), "count": int(per_prop[p]), "k": instance.k}
            )
        )
    if instance.bilateral:
        countries = instance.reviewer_country[arr[:, 1]]
        for c in (0, 1):
            per_c = np.bincount(arr[countries == c, 0], minlength=n_props)
            for p in np.flatnonzero(per_c < 1)[:5]:
                found.append(Violation("no_country", {"proposal": int(p), "country": c}))
    load = np.bincount(arr[:, 1], minlength=n_revs)
    for r in np.flatnonzero(load > instance.max_load)[:5]:
        found.append(
            Violation(
                "over_max_load",
                {"reviewer": int(r), "load": int(load[r]), "max_load": int(instance.max_load[r])},
            )
        )
    for r in np.flatnonzero(load < instance.min_load)[:5]:
        found.append(
            Violation(
                "under_min_load",
                {"reviewer": int(r), "load": int(load[r]), "min_load": int(instance.min_load[r])},
            )
        )
    return found


def check_assignment(instance: AssignmentInstance, pairs: Any) -> list[str]:
    """Every constraint the assignment ``pairs`` (int[N, 2]) violates, in words; [] when valid."""
    labels = [instance.country_label(0), instance.country_label(1)]
    return [describe_violation(v, labels) for v in violations(instance, pairs)]


def total_affinity(instance: AssignmentInstance, pairs: Sequence[Any] | IntArray) -> float:
    """Sum of ``affinity`` over ``pairs`` (int[N, 2])."""
    arr = as_pairs(pairs, instance)
    return float(instance.affinity[arr[:, 0], arr[:, 1]].sum())
