"""`accord portfolio` end to end: CSV shape, input order, exit codes, no partial output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from accord.cli.portfolio import main
from tests.core.portfolio.helpers import application


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def instance() -> dict[str, Any]:
    return {
        "budgets": {"GBP": 100, "KRW": 1000},
        "applications": [
            application("z-last-alphabetically", 1.0, {"GBP": 60, "KRW": 100}, ["AI"]),
            application("a-first", 3.0, {"GBP": 40, "KRW": 900}, ["space"]),
            application("m-middle", 2.5, {"GBP": 50}, ["AI"]),
        ],
    }


def test_cli_writes_header_and_rows_in_input_order(tmp_path: Path) -> None:
    out = tmp_path / "funded.csv"
    code = main(["--instance", str(write(tmp_path / "i.json", instance())), "--out", str(out)])
    assert code == 0
    assert out.read_text(encoding="utf-8") == (
        "id,funded\nz-last-alphabetically,0\na-first,1\nm-middle,1\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["funded.csv", "i.json"]


def test_cli_infeasible_exits_1_names_the_constraint_and_leaves_old_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "funded.csv"
    out.write_text("previous run\n")
    source = write(
        tmp_path / "i.json", instance() | {"must_fund": ["z-last-alphabetically", "m-middle"]}
    )
    assert main(["--instance", str(source), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"accord portfolio: error: {source}: infeasible: must-fund applications cost 110 GBP "
        "against a GBP budget of 100; raise the GBP budget or take applications off must_fund\n"
    )
    assert out.read_text() == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["funded.csv", "i.json"]


def test_cli_bad_input_exits_2_with_path_and_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = instance()
    data["applications"][2]["cost"]["GBP"] = -1
    source = write(tmp_path / "i.json", data)
    out = tmp_path / "funded.csv"
    assert main(["--instance", str(source), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"accord portfolio: error: {source}: applications[2] (id 'm-middle').cost.GBP: "
        "must be >= 0, got -1\n"
    )
    assert not out.exists()


def test_cli_missing_file_and_bad_json_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "funded.csv"
    assert main(["--instance", str(tmp_path / "nope.json"), "--out", str(out)]) == 2
    assert "cannot read the file" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"budgets": }')
    assert main(["--instance", str(broken), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(
        f"accord portfolio: error: {broken}:1:13: invalid JSON"
    )
    assert not out.exists()


def test_cli_missing_argument_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--instance", "x.json"]) == 2
    assert "the following arguments are required: --out" in capsys.readouterr().err


def test_accord_command_dispatches_without_django(tmp_path: Path) -> None:
    out = tmp_path / "funded.csv"
    source = write(tmp_path / "i.json", instance())
    accord = Path(sys.executable).with_name("accord")
    completed = subprocess.run(
        [str(accord), "portfolio", "--instance", str(source), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    assert out.read_text().splitlines()[0] == "id,funded"


def test_cli_ids_never_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    data = instance()
    data["applications"][0]["id"] = "=cmd|' /C calc'!A0"
    out = tmp_path / "funded.csv"
    assert main(["--instance", str(write(tmp_path / "i.json", data)), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[1] == "'=cmd|' /C calc'!A0,0"
