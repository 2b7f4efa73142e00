"""`accord affinity` on plain JSONL files: output format, warnings, bad-input errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from accord.cli.affinity import main

REVIEWERS = [
    {"id": "r1", "publications": [
        {"title": "Transmon qubit coherence", "abstract": "Two-level defects limit qubits.", "year": 2022},
        {"title": "Surface code decoding", "abstract": "", "year": 2019}]},
    {"id": 7, "publications": [
        {"title": "반도체 미세 공정의 결함", "abstract": "극자외선 리소그래피 결함 예측", "language": "ko"},
        {"title": "", "abstract": ""}]},
    {"id": "r3", "publications": []},
]  # fmt: skip
SUBMISSIONS = [
    {"id": "s1", "title": "Qubit defects", "abstract": "Transmon coherence and two-level systems."},
    {"id": "s2", "title": "반도체 결함 예측", "abstract": "리소그래피 공정"},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def run(tmp_path: Path, reviewers: list, submissions: list, *extra: str) -> tuple[int, Path]:  # type: ignore[type-arg]
    r = write_jsonl(tmp_path / "R.jsonl", reviewers)
    s = write_jsonl(tmp_path / "S.jsonl", submissions)
    out = tmp_path / "scores.csv"
    code = main(["--reviewers", str(r), "--submissions", str(s), "--out", str(out),
                 "--backend", "lexical", *extra])  # fmt: skip
    return code, out


def test_cli_writes_all_pairs_with_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(tmp_path, REVIEWERS, SUBMISSIONS, "--explain", str(tmp_path / "x.jsonl"))
    assert code == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["reviewer_id", "submission_id", "score"]
    assert [(a, b) for a, b, _ in rows[1:]] == [
        ("r1", "s1"), ("r1", "s2"), ("7", "s1"), ("7", "s2"), ("r3", "s1"), ("r3", "s2")]  # fmt: skip
    score = {(a, b): float(c) for a, b, c in rows[1:]}
    assert score[("r1", "s1")] > score[("r1", "s2")]
    assert score[("7", "s2")] > score[("7", "s1")]
    assert score[("r3", "s1")] == 0.0
    explain = [
        json.loads(x) for x in (tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(explain) == 6
    assert explain[0]["publications"][0]["title"] == "Transmon qubit coherence"
    err = capsys.readouterr().err
    assert "R.jsonl:1 (reviewer 'r1') publication #1: empty abstract; using the title only" in err
    assert "R.jsonl:2 (reviewer '7') publication #1: no title and no abstract; skipped" in err
    assert "R.jsonl:3 (reviewer 'r3'): no usable publications" in err


@pytest.mark.parametrize(
    ("reviewers", "submissions", "message"),
    [
        ([*REVIEWERS, {"id": "r1", "publications": []}], SUBMISSIONS,
         "R.jsonl:4 (reviewer 'r1'): duplicate reviewer id, first seen on line 1"),
        (REVIEWERS, [*SUBMISSIONS, {"id": "s1", "title": "x", "abstract": "y"}],
         "S.jsonl:3 (submission 's1'): duplicate submission id, first seen on line 1"),
        ([{"id": "r9"}], SUBMISSIONS, "R.jsonl:1 (reviewer 'r9'): missing field 'publications'"),
        ([{"publications": []}], SUBMISSIONS, "R.jsonl:1: missing field 'id'"),
        ([{"id": "r", "publications": [{"title": "t", "abstract": "a", "language": "xx"}]}],
         SUBMISSIONS, "R.jsonl:1 (reviewer 'r') publication #0: unknown language code 'xx'"),
        (REVIEWERS, [{"id": "s9", "title": "", "abstract": ""}],
         "S.jsonl:1 (submission 's9'): both 'title' and 'abstract' are empty"),
        (REVIEWERS, [{"id": "big", "title": "t", "abstract": "x" * 10_000_000}],
         "S.jsonl:1 (submission 'big'): 'abstract' is 10,000,000 characters; the limit is 20,000"),
    ],
)  # fmt: skip
def test_cli_bad_input_names_file_line_and_id(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    reviewers: list,
    submissions: list,
    message: str,  # type: ignore[type-arg]
) -> None:
    code, out = run(tmp_path, reviewers, submissions)
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("accord affinity: error: ")
    assert str(tmp_path / message.split(":", 1)[0]) + ":" + message.split(":", 1)[1] in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_invalid_json_reports_line_and_keeps_old_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "scores.csv").write_text("old\n", encoding="utf-8")
    r = write_jsonl(tmp_path / "R.jsonl", REVIEWERS)
    s = tmp_path / "S.jsonl"
    s.write_text(json.dumps(SUBMISSIONS[0]) + "\n{not json\n", encoding="utf-8")
    code = main(
        ["--reviewers", str(r), "--submissions", str(s), "--out", str(tmp_path / "scores.csv")]
    )
    assert code == 2
    assert f"{s}:2: invalid JSON" in capsys.readouterr().err
    assert (tmp_path / "scores.csv").read_text(encoding="utf-8") == "old\n"


def test_cli_ids_never_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    reviewers = [{**REVIEWERS[0], "id": "=1+1"}]
    code, out = run(tmp_path, reviewers, SUBMISSIONS[:1])
    assert code == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert [row[:2] for row in rows[1:]] == [["'=1+1", "s1"]]
