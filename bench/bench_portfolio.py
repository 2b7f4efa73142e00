"""Benchmark: exact portfolio, 2,000 applications, 2 budgets (GBP, KRW), 10 area bounds.

    .venv/bin/python bench/bench_portfolio.py [--n 2000] [--seed 1] [--repeat 3]
                                              [--write-instance PATH] [--what-if]

Target (DESIGN.md): <= 5 s on the 2-core reference machine, proven optimal (gap 0).
The instance is seeded and can be written out to run the CLI on it:
``accord portfolio --instance PATH --out funded.csv``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy

from accord.core.portfolio import instance_from_dict, solve_portfolio

AREAS = (
    "AI",
    "semiconductors",
    "quantum",
    "space",
    "engineering biology",
    "data",
    "telecoms",
    "clean energy",
)
POPULARITY = np.array([0.24, 0.16, 0.12, 0.08, 0.12, 0.12, 0.08, 0.08])


def make_instance(n: int, seed: int) -> dict[str, Any]:
    """Seeded, realistic-looking: merits are mean panel scores (1-6, two decimals); UK costs
    50k-600k GBP; Korean costs in KRW at ~1,700 KRW/GBP with their own spread; budgets fund
    roughly a quarter of the applications; 5 area minimums and 5 area maximums."""
    rng = np.random.default_rng(seed)
    merit = np.round(np.clip(rng.normal(3.8, 0.9, n), 1.0, 6.0), 2)
    gbp = np.round(np.clip(rng.lognormal(np.log(200_000), 0.5, n), 50_000, 600_000), -3)
    krw = np.round(gbp * 1_700 * rng.uniform(0.6, 1.4, n), -6)
    primary = rng.choice(len(AREAS), size=n, p=POPULARITY)
    secondary = rng.choice(len(AREAS), size=n, p=POPULARITY)
    has_secondary = rng.random(n) < 0.35
    applications = []
    for i in range(n):
        areas = [AREAS[primary[i]]]
        if has_secondary[i] and secondary[i] != primary[i]:
            areas.append(AREAS[secondary[i]])
        applications.append(
            {
                "id": f"UKKR-{seed:02d}-{i:05d}",
                "merit": float(merit[i]),
                "cost": {"GBP": float(gbp[i]), "KRW": float(krw[i])},
                "areas": areas,
            }
        )
    funded_share = 0.25
    scale = n / 2000
    ids = [a["id"] for a in applications]
    return {
        "budgets": {
            "GBP": float(np.round(gbp.sum() * funded_share * 0.62, -3)),
            "KRW": float(np.round(krw.sum() * funded_share * 0.62, -6)),
        },
        "applications": applications,
        # minimums above what merit alone would pick in the smaller areas ...
        "area_min": {
            a: round(v * scale)
            for a, v in {
                "space": 58,
                "telecoms": 78,
                "clean energy": 90,
                "quantum": 60,
                "engineering biology": 72,
            }.items()
        },
        # ... and maximums below it in the popular ones
        "area_max": {
            a: round(v * scale)
            for a, v in {
                "AI": 110,
                "semiconductors": 80,
                "data": 70,
                "quantum": 75,
                "space": 60,
            }.items()
        },
        "must_fund": ids[:3],
        "must_not_fund": ids[3:6],
    }


def machine() -> str:
    cpu = platform.processor() or "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024**2:.1f} GB"
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"machine: {cpu}; {usable} usable cores ({os.cpu_count()} online); RAM {ram}; "
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-instance", type=Path, default=None)
    parser.add_argument("--what-if", action="store_true", help="also time a what-if")
    args = parser.parse_args(argv)

    data = make_instance(args.n, args.seed)
    if args.write_instance is not None:
        args.write_instance.write_text(json.dumps(data), encoding="utf-8")
        print(f"instance written to {args.write_instance}")
    instance = instance_from_dict(data)
    bounds = int((instance.area_min > 0).sum() + (instance.area_max >= 0).sum())
    print(
        f"instance: {instance.n} applications, {len(instance.funders)} budgets, "
        f"{len(instance.areas)} areas, {bounds} area bounds, seed {args.seed}"
    )
    times = []
    result = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = solve_portfolio(instance)
        times.append(time.perf_counter() - start)
    assert result is not None
    spend = ", ".join(
        f"{f} {result.spend[f]:,.0f} / {b:,.0f}"
        for f, b in zip(instance.funders, instance.budget, strict=True)
    )
    binding = [
        f"{a} {result.area_count[a]}"
        for k, a in enumerate(instance.areas)
        if result.area_count[a] in (instance.area_min[k], instance.area_max[k])
    ]
    print(
        f"solve: median {statistics.median(times):.3f} s, runs "
        + ", ".join(f"{t:.3f}" for t in times)
        + " s (target <= 5 s)"
    )
    print(
        f"objective {result.objective:.2f}, bound {result.bound:.2f}, gap {result.gap:.3g}, "
        f"status {result.status}"
    )
    print(
        f"funded {len(result.funded)} of {instance.n} "
        f"({100 * len(result.funded) / instance.n:.1f} %); spend {spend}"
    )
    print(f"area bounds at their limit: {', '.join(binding) or 'none'}")
    if args.what_if:
        from accord.core.portfolio.whatif import BudgetChange, what_if

        start = time.perf_counter()
        outcome = what_if(
            instance,
            [BudgetChange("GBP", float(instance.budget[0]) * 0.95)],
            base=result,
        )
        print(
            f"what-if (GBP budget -5 %, 5+5 borderline reasons): {time.perf_counter() - start:.2f} s, "
            f"{len(outcome.newly_in)} newly in, {len(outcome.newly_out)} newly out"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    print(machine())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
