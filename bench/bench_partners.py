"""Benchmark the partner-finder index (accord.core.partners) on synthetic clustered profiles.

Target (DESIGN.md): top-10 over 1,000,000 profiles, p95 ≤ 20 ms per query after loading.

Data: 200 Gaussian topic clusters on the unit sphere in D = 384; each profile is its topic
centre plus isotropic noise, re-normalised. Queries are drawn the same way (fresh noise).
Metadata: country 0/1, 1–3 areas out of 12 (bitmask), 5 organisation kinds, 4 career stages,
97 % active. The "typical filter" is: other country + one area (keeps ~10 % of profiles).

Prints, per size: build time, save/load time, file size, RSS peak, p50/p95/p99 query latency
over the queries (no filter and typical filter), recall@10 against exact brute force, and the
machine. Run:  .venv/bin/python bench/bench_partners.py [--sizes 100000 1000000] [--queries 500]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy

from accord.core.partners import PartnerFilter, PartnerIndex, ProfileMeta, exact_search

D = 384
N_TOPICS = 200
N_AREAS = 12


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(x.split()[1])
            for x in Path("/proc/meminfo").read_text().splitlines()
            if x.startswith("MemTotal")
        )
        ram = f"{mem_kb / 1024**2:.1f} GiB"
    except OSError:
        ram = "unknown"
    return (
        f"cpu: {cpu}; cores: {os.cpu_count()}; RAM: {ram}; python {platform.python_version()}; "
        f"numpy {np.__version__}; scipy {scipy.__version__}; {platform.platform()}"
    )


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def clustered(n: int, topics: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """float32[n, D] unit vectors around random topic centres (chunked to bound memory)."""
    out = np.empty((n, D), dtype=np.float32)
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        t = rng.integers(0, topics.shape[0], size=m)
        x = topics[t] + rng.standard_normal((m, D), dtype=np.float32) * noise
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[s : s + m] = x
    return out


def metadata(n: int, rng: np.random.Generator) -> ProfileMeta:
    areas = np.zeros(n, dtype=np.uint64)
    for _ in range(3):
        pick = rng.integers(0, N_AREAS, size=n).astype(np.uint64)
        use = rng.random(n) < 0.6
        areas |= np.where(use, np.uint64(1) << pick, np.uint64(0))
    first = rng.integers(0, N_AREAS, size=n).astype(np.uint64)
    areas |= np.uint64(1) << first  # at least one area
    return ProfileMeta.from_arrays(
        country=rng.integers(0, 2, size=n),
        areas=areas,
        org_kind=rng.integers(0, 5, size=n),
        career_stage=rng.integers(0, 4, size=n),
        active=rng.random(n) < 0.97,
    )


def pct(xs: list[float]) -> str:
    a = np.array(xs) * 1000
    return (
        f"p50 {np.percentile(a, 50):6.2f} ms  p95 {np.percentile(a, 95):6.2f} ms  "
        f"p99 {np.percentile(a, 99):6.2f} ms  mean {a.mean():6.2f} ms"
    )


def run(n: int, n_queries: int, n_recall: int, seed: int, noise: float) -> None:
    print(f"load average at start: {loadavg()} (other processes share these cores)")
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((N_TOPICS, D)).astype(np.float32)
    topics /= np.linalg.norm(topics, axis=1, keepdims=True)
    same = 1 / (1 + noise**2 * D)  # expected cosine between two profiles of one topic
    print(
        f"\n=== N = {n:,} profiles, D = {D}, {N_TOPICS} topic clusters, noise {noise} per dim "
        f"(same-topic cosine ≈ {same:.2f}) ===",
        flush=True,
    )
    t = time.perf_counter()
    vectors = clustered(n, topics, rng, noise)
    meta = metadata(n, rng)
    queries = clustered(n_queries, topics, rng, noise)
    q_country = rng.integers(0, 2, size=n_queries)
    q_area = rng.integers(0, N_AREAS, size=n_queries)
    print(f"data generated in {time.perf_counter() - t:.1f} s; RSS {rss_now_mb():.0f} MB")

    t = time.perf_counter()
    index = PartnerIndex.build(vectors, meta)
    build_s = time.perf_counter() - t
    print(
        f"build: {build_s:.1f} s  (lists {index.n_lists}, nprobe {index.nprobe}, "
        f"exact_threshold {index.exact_threshold:,})"
    )

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "partners.npz"
        t = time.perf_counter()
        index.save(path)
        save_s = time.perf_counter() - t
        size_mb = path.stat().st_size / 1024**2
        del index
        t = time.perf_counter()
        index = PartnerIndex.load(path)
        load_s = time.perf_counter() - t
    print(f"save: {save_s:.1f} s  load: {load_s:.2f} s  file: {size_mb:.0f} MB")
    print(
        f"RSS after load: {rss_now_mb():.0f} MB (incl. the generated data); peak {rss_peak_mb():.0f} MB"
    )

    # Exact reference uses the *original* arrays (ids 0..N-1).
    def typical(i: int) -> PartnerFilter:
        return PartnerFilter(country=int(1 - q_country[i]), areas_any=1 << int(q_area[i]))

    for label, make_filter in (
        ("no filter (active only)", lambda i: PartnerFilter()),
        ("other country + one area", typical),
    ):
        for i in range(min(20, n_queries)):  # warm-up
            index.search(queries[i], 10, make_filter(i))
        lat: list[float] = []
        results = []
        for i in range(n_queries):
            f = make_filter(i)
            t = time.perf_counter()
            r = index.search(queries[i], 10, f)
            lat.append(time.perf_counter() - t)
            results.append(r)
        hits = 0
        exact_lat: list[float] = []
        for i in range(min(n_recall, n_queries)):
            f = make_filter(i)
            t = time.perf_counter()
            ref = exact_search(vectors, queries[i], 10, mask=f.mask(meta))
            exact_lat.append(time.perf_counter() - t)
            hits += len(set(ref.ids.tolist()) & set(results[i].ids.tolist()))
            # filter correctness on every returned id
            got = results[i].ids
            assert bool(np.all(f.mask(meta)[got])), "filter violated"
        recall = hits / (10 * min(n_recall, n_queries))
        kept = float(make_filter(0).mask(meta).mean())
        print(f"[{label}] keeps {kept:.1%} of profiles; {n_queries} queries; load {loadavg()}")
        print(f"  index : {pct(lat)}")
        print(f"  exact : {pct(exact_lat)}  (brute force, {len(exact_lat)} queries)")
        print(f"  recall@10 vs exact: {recall:.4f} over {min(n_recall, n_queries)} queries")

    # Recall / latency trade-off for the unfiltered query.
    sweep = []
    for nprobe in (16, 32, 64, 128):
        hits, lat = 0, []
        for i in range(min(n_recall, n_queries)):
            t = time.perf_counter()
            r = index.search(queries[i], 10, PartnerFilter(), nprobe=nprobe)
            lat.append(time.perf_counter() - t)
            ref = exact_search(vectors, queries[i], 10, mask=meta.active)
            hits += len(set(ref.ids.tolist()) & set(r.ids.tolist()))
        rec = hits / (10 * min(n_recall, n_queries))
        sweep.append(
            f"nprobe {nprobe}: recall {rec:.3f}, p95 {np.percentile(lat, 95) * 1000:.2f} ms"
        )
    print("[nprobe sweep, no filter] " + "; ".join(sweep))

    # A very selective filter (allow-list of 500 ids) must fall back to exact search.
    allow = rng.choice(n, size=500, replace=False)
    lat = []
    ok = 0
    for i in range(min(100, n_queries)):
        f = PartnerFilter(allow_ids=allow)
        t = time.perf_counter()
        r = index.search(queries[i], 10, f)
        lat.append(time.perf_counter() - t)
        ref = exact_search(
            vectors, queries[i], 10, mask=f.mask(meta) & np.isin(np.arange(n), allow)
        )
        ok += int(np.array_equal(ref.ids, r.ids))
    print(f"[allow-list of 500 ids] {pct(lat)}; identical to exact: {ok}/{len(lat)}")
    print(f"RSS peak (whole run so far): {rss_peak_mb():.0f} MB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--recall-queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--noise", type=float, nargs="+", default=[0.06, 0.10], help="per-dimension topic noise"
    )
    args = ap.parse_args()
    print(machine())
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    for n in args.sizes:
        for noise in args.noise:
            run(n, args.queries, args.recall_queries, args.seed, noise)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
