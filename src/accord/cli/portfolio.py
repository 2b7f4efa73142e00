"""`accord portfolio --instance I.json --out F.csv`: the funded portfolio, exactly.

Output: CSV with header ``id,funded`` and one row per application in input order (1 or 0).
Exit codes: 0 solved, 2 bad input, 1 infeasible (or the solver failed). On any error the
output file is left untouched: the CSV is written to a temporary file in the same folder and
moved into place only when complete.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from accord.core import csvsafe
from accord.core.portfolio import (
    InstanceError,
    PortfolioInfeasible,
    PortfolioResult,
    SolverError,
    instance_from_dict,
    solve_portfolio,
    unknown_keys,
)
from accord.core.portfolio.parse import load_json

PROG = "accord portfolio"
EXIT_INFEASIBLE = 1
EXIT_BAD_INPUT = 2


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def write_csv_atomically(path: Path, ids: tuple[str, ...], result: PortfolioResult) -> None:
    """Write ``id,funded`` rows for ``ids`` (input order) via a temp file + os.replace."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            writer = csvsafe.writer(stream, lineterminator="\n")
            writer.writerow(["id", "funded"])
            for application_id, funded in zip(ids, result.funded_mask, strict=True):
                writer.writerow([application_id, 1 if funded else 0])
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Choose the applications to fund: maximise total merit under every "
        "funder's budget, area minimums/maximums and must-fund / must-not-fund lists.",
    )
    parser.add_argument("--instance", required=True, type=Path, help="instance JSON file")
    parser.add_argument("--out", required=True, type=Path, help="output CSV (id,funded)")
    parser.add_argument(
        "--time-limit", type=float, default=None, help="seconds; best found is written"
    )
    parser.add_argument("--quiet", action="store_true", help="no summary on stderr")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse already printed the usage error
        return EXIT_BAD_INPUT if exit_.code else 0

    out: Path = args.out
    if out.is_dir():
        _error(f"--out {out} is a folder; give a file path such as {out / 'funded.csv'}")
        return EXIT_BAD_INPUT
    if not out.parent.exists() and str(out.parent):
        _error(f"--out {out}: folder {out.parent} does not exist; create it first")
        return EXIT_BAD_INPUT
    try:
        data = load_json(args.instance)  # errors name the file (and line:column)
    except InstanceError as error:
        _error(str(error))
        return EXIT_BAD_INPUT
    try:
        instance = instance_from_dict(data)
    except InstanceError as error:  # errors name the JSON path and application id
        _error(f"{args.instance}: {error}")
        return EXIT_BAD_INPUT
    for key in unknown_keys(data):
        print(f"{PROG}: warning: {args.instance}: ignoring unknown key {key!r}", file=sys.stderr)
    try:
        result = solve_portfolio(instance, time_limit=args.time_limit)
    except PortfolioInfeasible as error:
        _error(f"{args.instance}: infeasible: {error.message}")
        return EXIT_INFEASIBLE
    except SolverError as error:
        _error(f"{args.instance}: {error}")
        return EXIT_INFEASIBLE
    try:
        write_csv_atomically(out, instance.ids, result)
    except OSError as error:
        _error(f"cannot write {out}: {error.strerror}")
        return EXIT_BAD_INPUT
    if not args.quiet:
        spend = ", ".join(f"{f} {s:,.0f}" for f, s in result.spend.items())
        print(
            f"{PROG}: funded {len(result.funded)} of {instance.n}, merit {result.objective:.6g}, "
            f"gap {result.gap:.2g} ({result.status}), spend {spend}, {result.seconds:.2f} s",
            file=sys.stderr,
        )
    return 0
