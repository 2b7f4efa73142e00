"""Instance validation names the failing array; NPZ round trip; the assignment checker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from accord.core.assignment import (
    AssignmentInstance,
    InstanceError,
    check_assignment,
    load_npz,
    save_npz,
)


def _arrays(**changes: Any) -> dict[str, Any]:
    arrays: dict[str, Any] = {
        "affinity": np.array([[0.5, 0.2, 0.9], [0.1, 0.8, 0.3]]),
        "conflict": np.zeros((2, 3), bool),
        "reviewer_country": np.array([0, 1, 1]),
        "k": 2,
        "min_load": np.zeros(3, np.int64),
        "max_load": np.full(3, 2),
    }
    arrays.update(changes)
    return arrays


@pytest.mark.parametrize(
    ("changes", "array", "message"),
    [
        (
            {"affinity": np.array([[0.5, np.nan, 0.9], [0.1, 0.8, 0.3]])},
            "affinity",
            "array 'affinity' has 1 non-finite (NaN or infinite) entries, the first at proposal "
            "0, reviewer 1; replace them with numbers (use 'conflict' to forbid a pair)",
        ),
        (
            {"affinity": np.zeros(3)},
            "affinity",
            "array 'affinity' must be 2-D [P, R], got shape [3]",
        ),
        (
            {"conflict": np.zeros((3, 2), bool)},
            "conflict",
            "array 'conflict' must have the shape of 'affinity' [P, R] = [2, 3], got [3, 2]",
        ),
        (
            {"reviewer_country": np.array([0, 1])},
            "reviewer_country",
            "array 'reviewer_country' must have shape [R] = [3], got [2]",
        ),
        (
            {"reviewer_country": np.array([0, 2, 1])},
            "reviewer_country",
            "array 'reviewer_country' must hold 0 or 1; reviewer 1 has 2",
        ),
        ({"k": 4}, "k", "'k' = 4 reviewers per proposal is more than the R = 3 reviewers"),
        ({"k": 0}, "k", "'k' (reviewers per proposal) must be at least 1, got 0"),
        (
            {"min_load": np.array([0, -1, 0])},
            "min_load",
            "array 'min_load' must be >= 0; reviewer 1 has -1",
        ),
        (
            {"max_load": np.array([2, 2])},
            "max_load",
            "array 'max_load' must have shape [R] = [3], got [2]",
        ),
        (
            {"min_load": np.array([0, 3, 0])},
            "min_load",
            "reviewer 1 has min_load 3 > max_load 2",
        ),
    ],
)
def test_instance_validation_names_the_array(
    changes: dict[str, Any], array: str, message: str
) -> None:
    with pytest.raises(InstanceError) as info:
        AssignmentInstance(**_arrays(**changes))
    assert info.value.array == array
    assert str(info.value) == message


def test_load_npz_round_trip(tmp_path: Path) -> None:
    inst = AssignmentInstance(**_arrays(), country_names=("UK", "Korean"))
    path = tmp_path / "i.npz"
    save_npz(inst, path)
    back = load_npz(path)
    assert np.array_equal(back.affinity, inst.affinity)
    assert np.array_equal(back.conflict, inst.conflict)
    assert back.reviewer_country.tolist() == [0, 1, 1]
    assert back.k == 2
    assert back.max_load.tolist() == [2, 2, 2]
    assert back.country_names == ("UK", "Korean")


def test_load_npz_maps_large_arrays_copy_on_write(tmp_path: Path) -> None:
    """Members of at least MAP_BYTES are memory-mapped: same values; writes never reach the file."""
    rng = np.random.default_rng(3)
    affinity = rng.random((400, 400))  # 1.28 MB, above MAP_BYTES
    conflict = rng.random((400, 400)) < 0.1
    country = np.repeat([0, 1], 200)
    path = tmp_path / "big.npz"
    save_npz(
        AssignmentInstance(
            affinity=affinity,
            conflict=conflict,
            reviewer_country=country,
            k=3,
            min_load=np.zeros(400, np.int64),
            max_load=np.full(400, 4),
        ),
        path,
    )
    back = load_npz(path)
    assert back.affinity.dtype == np.float64
    assert np.array_equal(back.affinity, affinity)
    assert np.array_equal(back.conflict, conflict)
    back.affinity[0, 0] = 7.0
    with np.load(path) as raw:
        assert raw["affinity"][0, 0] == affinity[0, 0]


def test_load_npz_reads_compressed_and_fortran_members(tmp_path: Path) -> None:
    """The fast path declines what it does not handle; np.load then reads it the same."""
    arrays = _arrays()
    path = tmp_path / "c.npz"
    np.savez_compressed(path, **{**arrays, "affinity": np.asfortranarray(arrays["affinity"])})
    back = load_npz(path)
    assert back.affinity.tolist() == [[0.5, 0.2, 0.9], [0.1, 0.8, 0.3]]
    assert back.max_load.tolist() == [2, 2, 2]


def test_load_npz_missing_array_is_named(tmp_path: Path) -> None:
    arrays = _arrays()
    del arrays["max_load"]
    path = tmp_path / "i.npz"
    np.savez(path, **arrays)
    with pytest.raises(InstanceError) as info:
        load_npz(path)
    assert info.value.array == "max_load"
    assert "lacks the array(s) max_load" in str(info.value)


def test_load_npz_not_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "i.npz"
    path.write_text("not numpy")
    with pytest.raises(InstanceError) as info:
        load_npz(path)
    assert info.value.array == "file"


def test_check_assignment_reports_each_broken_constraint() -> None:
    inst = AssignmentInstance(**_arrays(conflict=np.array([[0, 0, 1], [0, 0, 0]], bool)))
    assert check_assignment(inst, [[0, 0], [0, 1], [1, 0], [1, 2]]) == []
    problems = check_assignment(inst, [[0, 1], [0, 2], [1, 1], [1, 1], [1, 2]])
    assert problems == [
        "pair (1, 1) is assigned more than once",
        "pair (0, 2) has a conflict",
        "proposal 1 has 3 reviewers, not k = 2",
        "proposal 0 has no country 0 reviewer",
        "proposal 1 has no country 0 reviewer",
        "reviewer 1 has load 3 > max_load 2",
    ]
