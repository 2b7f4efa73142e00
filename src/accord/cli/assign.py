"""`accord assign --instance I.npz --out A.csv`: exact reviewer assignment on plain files.

Reads the arrays of DESIGN.md's contract (affinity, conflict, reviewer_country, k, min_load,
max_load), writes ``proposal,reviewer`` rows (0-based), and never starts Django. Exit codes:
0 done, 1 infeasible (the message says which constraint), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from typing import IO

# The solver uses no BLAS; OpenBLAS would start a thread per core at numpy's import (~0.08 s of
# CPU, which a busy 2-core machine pays in wall time). Set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from accord.core.assignment import (
    InfeasibleAssignmentError,
    InstanceError,
    load_npz,
    solve,
    solve_fair,
)
from accord.core.assignment.solve import DEFAULT_CANDIDATES

PROG = "accord assign"


def _atomic_write(path: str, write: Callable[[IO[str]], object]) -> None:
    """Write via a temporary file in the same folder, then rename: never a partial file."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".accord-assign-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Assign k reviewers to every proposal, maximising total affinity under "
        "conflicts, reviewer loads and the rule that each proposal has a reviewer from each "
        "country. Exact: prints the objective, an upper bound and the gap.",
    )
    parser.add_argument("--instance", required=True, help="input .npz with the instance arrays")
    parser.add_argument("--out", required=True, help="output CSV: proposal,reviewer (0-based)")
    parser.add_argument(
        "--fairness",
        action="store_true",
        help="maximise the worst-served proposal's total affinity first, then the total (a "
        "MILP; for a few hundred proposals, not thousands)",
    )
    parser.add_argument(
        "--certificate",
        help="also write a JSON file with objective, bound, gap and times (when infeasible: "
        "the reason as kind + params)",
    )
    parser.add_argument(
        "--candidates",
        type=int,
        default=DEFAULT_CANDIDATES,
        help=f"reviewers per proposal and country in the first LP (default {DEFAULT_CANDIDATES}; "
        "the result is exact whatever the value)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        help="seconds per MILP stage in --fairness mode (default 60)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    return parser


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def _prefetch_ortools() -> None:
    """Import OR-Tools' min-cost flow in a thread while the instance loads and the first
    candidates are computed (numpy releases the GIL in most of that): 0.05-0.14 s of import
    off the critical path at 2,000 x 2,000."""
    import contextlib
    import threading

    def load() -> None:
        with contextlib.suppress(ImportError):  # the solver reports it on first use
            from ortools.graph.python import min_cost_flow  # noqa: F401

    threading.Thread(target=load, daemon=True).start()


def main(argv: list[str]) -> int:
    """Run ``accord assign``; return 0 on success, 1 when infeasible, 2 on bad input."""
    args = _parser().parse_args(argv)
    if args.candidates < 1:
        _error(f"--candidates must be at least 1, got {args.candidates}")
        return 2
    for flag, path in (("--out", args.out), ("--certificate", args.certificate)):
        if path is not None and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            _error(f"the folder of {flag} {path!r} does not exist; create it first")
            return 2
    if not args.fairness:  # (the fairness path may load highspy, which cannot share a process)
        _prefetch_ortools()
    try:
        instance = load_npz(args.instance)
    except InstanceError as exc:
        _error(f"{args.instance}: {exc}")
        return 2
    try:
        if args.fairness:
            fair = solve_fair(instance, time_limit=args.time_limit)
            pairs = fair.pairs
            certificate: dict[str, object] = {
                "mode": "fairness",
                "min_score": fair.min_score,
                "min_score_bound": fair.min_score_bound,
                "objective": fair.objective,
                "bound": fair.bound,
                "gap": fair.gap,
                "optimal": fair.optimal,
                "timings": dict(fair.timings),
            }
            summary = (
                f"assigned {len(pairs)} pairs; worst proposal {fair.min_score:.6g} "
                f"(bound {fair.min_score_bound:.6g}); total {fair.objective:.10g} "
                f"(bound {fair.bound:.10g}, gap {fair.gap:.3g}); "
                f"{'optimal' if fair.optimal else 'time limit reached'}; "
                f"{fair.timings['total']:.2f} s"
            )
        else:
            result = solve(instance, candidates_per_country=args.candidates)
            pairs = result.pairs
            certificate = {"mode": "total", **result.certificate()}
            summary = (
                f"assigned {len(pairs)} pairs; objective {result.objective:.10g}; "
                f"bound {result.bound:.10g}; gap {result.gap:.3g} "
                f"(relative {result.relative_gap:.3g}); {result.iterations} LP round(s); "
                f"{result.timings['total']:.2f} s"
            )
    except InfeasibleAssignmentError as exc:
        _error(f"{args.instance}: infeasible: {exc}")
        if args.certificate:  # the structured reason, for programs: kind + params
            reason = {"infeasible": exc.kind, "params": exc.params, "message": str(exc)}
            _atomic_write(args.certificate, lambda h: h.write(json.dumps(reason, indent=2) + "\n"))
        return 1
    except InstanceError as exc:
        _error(f"{args.instance}: {exc}")
        return 2

    def write_csv(handle: IO[str]) -> None:
        handle.write("proposal,reviewer\n")
        handle.writelines(f"{p},{r}\n" for p, r in pairs.tolist())

    _atomic_write(args.out, write_csv)
    if args.certificate:
        _atomic_write(args.certificate, lambda h: h.write(json.dumps(certificate, indent=2) + "\n"))
    if not args.quiet:
        print(summary)
    return 0
