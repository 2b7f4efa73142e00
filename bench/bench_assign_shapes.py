"""`accord assign` on instance shapes outside the five families, against the same baseline.

The families of ``generators.py`` are what every solver figure is reported on; this script
checks that nothing else a real call may look like falls off a cliff: exactness (our CSV has the
full-graph baseline's optimum), rounds, wall and the whole-run ratio. Each shape is built from a
family's instance (seed 0 unless ``--seed``):

- ``bids``: the ``topics`` affinities rounded down to 4 levels (0-3), as bids or graded
  self-assessments are: many exact ties.
- ``tenths``: the ``topics`` affinities rounded to one decimal (scores exported as 0.0-1.0
  with one digit): ties again, on a decimal grid.
- ``sparse``: 95 % of the affinities exactly 0 (no shared keyword), the rest uniform; 2 %
  conflicts.
- ``fewer``: half as many reviewers as proposals (a random half of the ``topics`` columns), 30 %
  of them in country 0 and 70 % in country 1, max_load ceil(3P/R) + 2.
- ``lopsided``: 1.6 x size proposals, 0.4 x size reviewers (countries drawn 50/50), from the
  ``topics`` expertise; each reviewer takes 12 reviews on average, max_load 13 (8 % spare).
  Above 10M pairs (size 5,000: 8,000 x 2,000) it is the large path's tight case.
- ``k5``: ``topics`` with k = 5 and max_load 6.
- ``exact``: ``topics`` with max_load 3 for everyone: total capacity exactly k x P.
- ``conflicts30``: ``topics`` with 30 % conflicts.
- ``scaled``: ``topics`` affinities mapped to [-50, 50] (negative and large numbers).
- ``onecountry``: ``topics`` with every reviewer in one country (no bilateral rule).
- ``popular-tight``: the ``popular`` affinities with the ``tight`` loads.

    PYTHONPATH=src .venv/bin/python bench/bench_assign_shapes.py                # 2,000
    PYTHONPATH=src .venv/bin/python bench/bench_assign_shapes.py --size 5000 --shapes bids fewer

Written after every constant of the solver was chosen (3 December 2026); what they showed
changed two things, each measured here (bench/README.md "Fourth pass"): integer costs on grids
(``bids``, ``tenths``) and TIGHT_CAPACITY, set with ``lopsided`` in view (so its figure is not a
held-out one; the other shapes tuned nothing).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_assign
from accord.core.assignment import AssignmentInstance, save_npz
from generators import make_instance


def _like(inst: AssignmentInstance, **changes: object) -> AssignmentInstance:
    fields = {
        "affinity": inst.affinity,
        "conflict": inst.conflict,
        "reviewer_country": inst.reviewer_country,
        "k": inst.k,
        "min_load": inst.min_load,
        "max_load": inst.max_load,
    }
    fields.update(changes)
    return AssignmentInstance(**fields)  # type: ignore[arg-type]


def _bids(n: int, seed: int) -> AssignmentInstance:
    inst = make_instance("topics", n, seed=seed)
    return _like(inst, affinity=np.floor(np.clip(inst.affinity, 0.0, 0.9999) * 4.0))


def _tenths(n: int, seed: int) -> AssignmentInstance:
    inst = make_instance("topics", n, seed=seed)
    return _like(inst, affinity=np.round(inst.affinity, 1))


def _sparse(n: int, seed: int) -> AssignmentInstance:
    rng = np.random.default_rng([seed, 101])
    affinity = rng.random((n, n))
    affinity[rng.random((n, n)) >= 0.05] = 0.0
    country = np.zeros(n, np.int64)
    country[n // 2 :] = 1
    return AssignmentInstance(
        affinity=affinity,
        conflict=rng.random((n, n)) < 0.02,
        reviewer_country=country,
        k=3,
        min_load=np.zeros(n, np.int64),
        max_load=np.full(n, 4, np.int64),
    )


def _fewer(n: int, seed: int) -> AssignmentInstance:
    inst = make_instance("topics", n, seed=seed)
    rng = np.random.default_rng([seed, 102])
    n_revs = n // 2
    cols = np.sort(rng.choice(n, n_revs, replace=False))
    return AssignmentInstance(
        affinity=inst.affinity[:, cols],
        conflict=inst.conflict[:, cols],
        reviewer_country=(rng.random(n_revs) >= 0.3).astype(np.int64),
        k=3,
        min_load=np.zeros(n_revs, np.int64),
        max_load=np.full(n_revs, -(-3 * n // n_revs) + 2, np.int64),
    )


def _lopsided(n: int, seed: int) -> AssignmentInstance:
    n_props, n_revs = (16 * n) // 10, (4 * n) // 10
    inst = make_instance("topics", n_props, seed=seed)
    rng = np.random.default_rng([seed, 104])
    return AssignmentInstance(
        affinity=inst.affinity[:, :n_revs],
        conflict=inst.conflict[:, :n_revs],
        reviewer_country=(rng.random(n_revs) < 0.5).astype(np.int64),
        k=3,
        min_load=np.zeros(n_revs, np.int64),
        max_load=np.full(n_revs, -(-3 * n_props // n_revs) + 1, np.int64),
    )


def _k5(n: int, seed: int) -> AssignmentInstance:
    inst = make_instance("topics", n, seed=seed)
    return _like(inst, k=5, max_load=np.full(n, 6, np.int64))


def _exact(n: int, seed: int) -> AssignmentInstance:
    inst = make_instance("topics", n, seed=seed)
    return _like(inst, max_load=np.full(n, 3, np.int64))


def _conflicts30(n: int, seed: int) -> AssignmentInstance:
    inst = make_instance("topics", n, seed=seed)
    rng = np.random.default_rng([seed, 103])
    return _like(inst, conflict=rng.random((n, n)) < 0.3)


def _scaled(n: int, seed: int) -> AssignmentInstance:
    inst = make_instance("topics", n, seed=seed)
    return _like(inst, affinity=(inst.affinity - 0.5) * 100.0)


def _onecountry(n: int, seed: int) -> AssignmentInstance:
    inst = make_instance("topics", n, seed=seed)
    return _like(inst, reviewer_country=np.zeros(n, np.int64))


def _popular_tight(n: int, seed: int) -> AssignmentInstance:
    tight = make_instance("tight", n, seed=seed)
    return _like(
        make_instance("popular", n, seed=seed), min_load=tight.min_load, max_load=tight.max_load
    )


SHAPES: dict[str, Callable[[int, int], AssignmentInstance]] = {
    "bids": _bids,
    "tenths": _tenths,
    "sparse": _sparse,
    "fewer": _fewer,
    "lopsided": _lopsided,
    "k5": _k5,
    "exact": _exact,
    "conflicts30": _conflicts30,
    "scaled": _scaled,
    "onecountry": _onecountry,
    "popular-tight": _popular_tight,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="proposals (default 2000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=list(SHAPES))
    args = parser.parse_args(argv)
    print(bench_assign.machine())
    print(f"size {args.size}, seed {args.seed}; load average at start {bench_assign.load():.2f}")
    print(
        f"{'shape':14s} {'P x R':>13s} | {'wall s':>6s} {'solve':>6s} {'rounds':>6s} "
        f"{'rel gap':>8s} | {'base e2e':>8s} {'ratio':>6s} {'same opt':>8s} | load"
    )
    t_bench = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accord-shapes-") as tmp:
        for name in args.shapes:
            inst = SHAPES[name](args.size, args.seed)
            n_props, n_revs = inst.affinity.shape
            npz, csv_path, cert = (
                str(Path(tmp) / f"{name}{ext}") for ext in (".npz", ".csv", ".json")
            )
            save_npz(inst, npz)
            del inst
            load0 = bench_assign.load()
            wall, _cpu, _peak, _text = bench_assign.run_measured(
                [
                    str(bench_assign.ROOT / ".venv" / "bin" / "accord"),
                    "assign", "--instance", npz, "--out", csv_path, "--certificate", cert,
                    "--quiet",
                ]
            )  # fmt: skip
            certificate = json.loads(Path(cert).read_text())
            base = bench_assign.child("baseline", npz, csv_path)
            print(
                f"{name:14s} {n_props:>6,} x {n_revs:<6,}| {wall:6.2f} "
                f"{certificate['timings']['total']:6.2f} {certificate['iterations']:6d} "
                f"{certificate['relative_gap']:8.1e} | {base['e2e_wall']:8.2f} "
                f"{base['e2e_wall'] / wall:6.2f} {'yes' if base['same_optimum'] else 'NO':>8s} | "
                f"{load0:.1f}/{bench_assign.load():.1f}",
                flush=True,
            )
    print(
        "wall = `accord assign` as a fresh process; solve = its solve() (certificate); base e2e = "
        "OR-Tools SimpleMinCostFlow on the full graph, a fresh process from spawn to the end of "
        "the solve; ratio = base e2e / wall; same opt = our CSV is valid and has the baseline's "
        f"optimum. bench time {time.perf_counter() - t_bench:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
