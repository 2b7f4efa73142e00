"""`accord assign` end to end on small .npz files: output, exit codes, no partial output."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from accord.cli.assign import main
from accord.core.assignment import AssignmentInstance, check_assignment, save_npz, solve
from tests.core.assignment.reference import random_instance

ACCORD = Path(__file__).resolve().parents[3] / ".venv" / "bin" / "accord"


@pytest.fixture
def instance() -> AssignmentInstance:
    return random_instance(4, 12, 10, 3, conflict_rate=0.1, max_load_slack=2)


def _too_little_capacity() -> AssignmentInstance:
    """12 proposals x 3 reviews, 10 reviewers who take at most 3 each: infeasible."""
    inst = random_instance(4, 12, 10, 3)
    return AssignmentInstance(
        affinity=inst.affinity,
        conflict=inst.conflict,
        reviewer_country=inst.reviewer_country,
        k=3,
        min_load=np.zeros(10, np.int64),
        max_load=np.full(10, 3),
    )


def _run_accord_assign(instance: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user runs it (a process of its own)."""
    return subprocess.run(
        [str(ACCORD), "assign", "--instance", str(instance), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_cli_writes_header_and_one_row_per_pair(
    tmp_path: Path, instance: AssignmentInstance, capsys: pytest.CaptureFixture[str]
) -> None:
    save_npz(instance, tmp_path / "i.npz")
    out, cert = tmp_path / "a.csv", tmp_path / "cert.json"
    code = main(
        ["--instance", str(tmp_path / "i.npz"), "--out", str(out), "--certificate", str(cert)]
    )
    assert code == 0
    rows = _read(out)
    assert rows[0] == ["proposal", "reviewer"]
    pairs = np.array([[int(p), int(r)] for p, r in rows[1:]])
    assert len(pairs) == instance.k * instance.n_proposals
    assert check_assignment(instance, pairs) == []
    expected = solve(instance)
    assert pairs.tolist() == expected.pairs.tolist()
    data = json.loads(cert.read_text())
    assert data["objective"] == pytest.approx(expected.objective)
    assert data["bound"] >= data["objective"] - 1e-9
    assert data["mode"] == "total"
    assert capsys.readouterr().out.startswith(f"assigned {len(pairs)} pairs; objective ")


def test_cli_fairness_mode(tmp_path: Path, instance: AssignmentInstance) -> None:
    save_npz(instance, tmp_path / "i.npz")
    out = tmp_path / "a.csv"
    code = main(["--instance", str(tmp_path / "i.npz"), "--out", str(out), "--fairness", "--quiet"])
    assert code == 0
    pairs = np.array([[int(p), int(r)] for p, r in _read(out)[1:]])
    assert check_assignment(instance, pairs) == []


def test_cli_infeasible_exits_1_with_reason_and_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_npz(_too_little_capacity(), tmp_path / "i.npz")
    out = tmp_path / "a.csv"
    code = main(["--instance", str(tmp_path / "i.npz"), "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert err == (
        f"accord assign: error: {tmp_path / 'i.npz'}: infeasible: total max_load 30 < k*P = "
        "3*12 = 36: the reviewers cannot take all the reviews; raise max_load or add reviewers\n"
    )
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["i.npz"]


def test_cli_infeasible_writes_the_structured_reason_to_the_certificate(tmp_path: Path) -> None:
    save_npz(_too_little_capacity(), tmp_path / "i.npz")
    cert = tmp_path / "c.json"
    args = ["--instance", str(tmp_path / "i.npz"), "--out", str(tmp_path / "a.csv")]
    assert main([*args, "--certificate", str(cert)]) == 1
    reason = json.loads(cert.read_text())
    assert reason["infeasible"] == "total_max_load"
    assert reason["params"] == {
        "total": 30,
        "k": 3,
        "n_proposals": 12,
        "demand": 36,
        "with_conflicts": False,
    }
    assert not (tmp_path / "a.csv").exists()


def test_cli_bad_input_exits_2_naming_the_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    affinity = np.ones((3, 4))
    affinity[2, 1] = np.nan
    np.savez(
        tmp_path / "i.npz",
        affinity=affinity,
        conflict=np.zeros((3, 4), bool),
        reviewer_country=np.array([0, 0, 1, 1]),
        k=np.int64(2),
        min_load=np.zeros(4, np.int64),
        max_load=np.full(4, 3),
    )
    out = tmp_path / "a.csv"
    out.write_text("previous output\n")
    code = main(["--instance", str(tmp_path / "i.npz"), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("accord assign: error: ")
    assert "array 'affinity' has 1 non-finite (NaN or infinite) entries" in err
    assert "proposal 2, reviewer 1" in err
    assert out.read_text() == "previous output\n"


def test_cli_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--instance", str(tmp_path / "nope.npz"), "--out", str(tmp_path / "a.csv")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_accord_command_runs_assign(tmp_path: Path, instance: AssignmentInstance) -> None:
    save_npz(instance, tmp_path / "i.npz")
    out = tmp_path / "a.csv"
    proc = _run_accord_assign(tmp_path / "i.npz", out)
    assert proc.returncode == 0, proc.stderr
    assert len(_read(out)) == 1 + instance.k * instance.n_proposals
    # the command ends without the interpreter's teardown: its summary still reaches the pipe
    assert proc.stdout.startswith(f"assigned {instance.k * instance.n_proposals} pairs; ")
    assert proc.stdout.endswith(" s\n")


def test_accord_command_keeps_the_exit_codes(tmp_path: Path) -> None:
    save_npz(_too_little_capacity(), tmp_path / "i.npz")
    out = tmp_path / "a.csv"
    infeasible = _run_accord_assign(tmp_path / "i.npz", out)
    assert infeasible.returncode == 1
    assert "infeasible: total max_load 30 < k*P = 3*12 = 36" in infeasible.stderr
    missing = _run_accord_assign(tmp_path / "none.npz", out)
    assert missing.returncode == 2
    assert missing.stderr.startswith("accord assign: error: ")
    assert not out.exists()
