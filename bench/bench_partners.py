"""Partner search side by side: accord.core.partners vs faiss (HNSW, IVF) vs the former
hand-written IVF vs numpy brute force, per data family and size, in one run.

Target (DESIGN.md, issue 14): 1,000,000 profiles (D = 384, unit norm), top-10, filtered
p95 ≤ 20 ms and recall@10 ≥ 0.95 against exact search, on the hardest family (no cluster
structure) and on vectors shaped like real embeddings.

Families (all D = 384, L2-normalised):
  tight  200 topic centres + Gaussian noise 0.06 per dimension (same-topic cosine ≈ 0.42)
  loose  200 topic centres + noise 0.20 (same-topic cosine ≈ 0.06: barely any structure)
  none   isotropic Gaussian noise: no structure at all (the hardest case for any index)
  real   shaped like real embeddings: ~3,000 English research texts from bench/data and the
         demo directory (titles, abstracts, their sentences, pairs of abstracts) embedded with
         the bundled MiniLM (accord.core.text.MiniLMEmbedder); profiles are sampled from a
         Gaussian with their mean and covariance (PCA, all 384 components), re-normalised.
Metadata: country 0/1; 1–4 of 12 technology areas (bitmask); 5 organisation kinds; 4 career
stages; 97 % active. Queries are fresh draws from the same family.

Queries:
  unfiltered  active profiles only
  filtered    the other country + 1 or 2 areas (alternating) + an eligibility allow-list
              (70 % of that country, as the partner finder passes for a call) + the searcher
              excluded — the partner finder's filter (keeps ≈ 7–13 % of profiles)

Indexes:
  accord      accord.core.partners.PartnerIndex (exact scan of the filtered rows: int8 codes,
              numkong SIMD kernel, float32 re-score of the best 100)
  old-ivf     the hand-written IVF it replaced (bench/_partners_ivf.py, nprobe 64)
  faiss-hnsw  faiss IndexHNSWFlat (M 32, efConstruction 64, efSearch --ef), filters as an
              IDSelectorBitmap; built only up to --hnsw-max profiles (minutes per 100k here)
  faiss-ivf   faiss IndexIVFFlat (2·√N lists, nprobe --faiss-nprobe), IDSelectorBitmap
  brute       numpy exact search (float32 BLAS mat-vec over the filter mask) = the reference

Every query runs single-threaded (BLAS and OpenMP capped at 1): the machine is shared. The
load average is printed with every figure; "p50 / p95" are wall-clock latencies, "(cpu a/b)"
the p50/p95 CPU time of the querying thread (what a query costs on a core of its own; the
wall figures include waiting for a core, which dominates at load ≫ 2). "mem" is what the index holds: the bytes of its
arrays (accord, old-ivf: vectors, int8 codes, ids, metadata, id lookup), its serialised size
(faiss: its own copy of the vectors + graph or lists), the float32 matrix (brute).
Constant tuned: accord's rerank = 100, on families "none" and "real" at 100k with --seed 1
(--rerank-sweep 10 20 30 50 100: recall 1.000 from 20 on; 100 keeps a 5x margin for about
0.1 ms); every other figure uses --seed 7 (default).

Run:  PYTHONPATH=src .venv/bin/python bench/bench_partners.py \
        [--sizes 100000 1000000] [--families tight loose none real] [--queries 200]
        [--indexes accord old-ivf faiss-hnsw faiss-ivf brute] [--hnsw-max 100000]
Time: the default run takes well over an hour on the shared 2-core machine (at load ~18:
HNSW builds ~4 min per 100k, the old IVF's and faiss IVF's k-means 4-8 min at 1M, the brute
force ~1 s per 1M query); bound it with --sizes / --families / --indexes / --queries.
The MiniLM embeddings of the texts are cached in the temp directory (90 s to compute).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import _partners_ivf as old  # noqa: E402  (the former hand-written IVF, kept as a baseline)
from accord.core import partners as acc  # noqa: E402

D = 384
N_TOPICS = 200
N_AREAS = 12


# ----------------------------------------------------------------------------- machine
def machine() -> str:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(x.split()[1])
        for x in Path("/proc/meminfo").read_text().splitlines()
        if x.startswith("MemTotal")
    )
    libs = []
    for name in ("faiss", "numkong"):
        try:
            libs.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            libs.append(f"{name} missing")
    return (
        f"cpu: {cpu}; cores: {os.cpu_count()}; RAM: {mem_kb / 1024**2:.1f} GiB; "
        f"python {platform.python_version()}; numpy {np.__version__}; scipy {scipy.__version__}; "
        f"{'; '.join(libs)}; {platform.platform()}"
    )


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


# ----------------------------------------------------------------------------- data
def unit_rows(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def real_texts(n: int, rng: np.random.Generator) -> list[str]:
    """~n distinct English research texts from the bench corpus and the demo directory."""
    data = ROOT / "bench" / "data"
    full: set[str] = set()
    for path in sorted(data.glob("corpus_part*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("T: ", "A: ")):
                full.add(line[3:])
    for name in ("dev_reviewers.jsonl", "dev_submissions.jsonl"):
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for pub in row.get("publications", [row]):
                full.update([pub["title"], pub["abstract"], f"{pub['title']}. {pub['abstract']}"])
    demo = json.loads((ROOT / "src/accord/demo/data/researchers.json").read_text("utf-8"))
    for person in demo["people"]:
        for pub in person.get("publications", []):
            full.update([pub["title"], pub.get("abstract", "")])
    for line in (data / "bilingual_titles.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        full.add(line.split("\t")[0])
    full = {t for t in full if len(t.split()) >= 4}
    sentences = {s for t in full for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) >= 5}
    texts = sorted(full | sentences)
    base = sorted(full)
    while len(texts) < n:  # a profile of two publications
        a, b = rng.choice(len(base), size=2, replace=False)
        texts.append(f"{base[a]} {base[b]}")
    return texts[:n]


def real_spread(n_texts: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Mean float64[D], PCA components float64[D, D], std per component, number of texts."""
    texts = real_texts(n_texts, np.random.default_rng(0))
    key = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"accord-bench-partners-minilm-{key}.npy"
    if cache.exists():
        emb = np.load(cache)
    else:
        from accord.core.text import MiniLMEmbedder

        t = time.perf_counter()
        emb = MiniLMEmbedder(threads=1).embed(texts)
        print(f"embedded {len(texts)} texts with MiniLM in {time.perf_counter() - t:.0f} s")
        np.save(cache, emb)
    emb = emb.astype(np.float64)
    mean = emb.mean(axis=0)
    _, s, vt = np.linalg.svd(emb - mean, full_matrices=False)
    std = s / np.sqrt(emb.shape[0] - 1)
    return mean, vt, std, len(texts)


def family_vectors(
    family: str, n: int, rng: np.random.Generator, spread: dict[str, object]
) -> np.ndarray:
    out = np.empty((n, D), dtype=np.float32)
    if family in ("tight", "loose"):
        topics = spread.setdefault(
            "topics", unit_rows(np.random.default_rng(1).standard_normal((N_TOPICS, D)))
        )
        noise = 0.06 if family == "tight" else 0.20
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        if family in ("tight", "loose"):
            t = rng.integers(0, N_TOPICS, size=m)
            x = topics[t] + noise * rng.standard_normal((m, D))  # type: ignore[index]
        elif family == "none":
            x = rng.standard_normal((m, D))
        elif family == "real":
            mean, vt, std, _ = spread["real"]  # type: ignore[misc]
            x = mean + (rng.standard_normal((m, D)) * std) @ vt
        else:
            raise SystemExit(f"unknown family {family!r}")
        out[s : s + m] = unit_rows(x).astype(np.float32)
    return out


def metadata(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    areas = np.zeros(n, dtype=np.uint64)
    for _ in range(3):
        pick = rng.integers(0, N_AREAS, size=n).astype(np.uint64)
        areas |= np.where(rng.random(n) < 0.6, np.uint64(1) << pick, np.uint64(0))
    areas |= np.uint64(1) << rng.integers(0, N_AREAS, size=n).astype(np.uint64)
    return {
        "country": rng.integers(0, 2, size=n).astype(np.int8),
        "areas": areas,
        "org_kind": rng.integers(0, 5, size=n).astype(np.int8),
        "career_stage": rng.integers(0, 4, size=n).astype(np.int8),
        "active": rng.random(n) < 0.97,
    }


# ----------------------------------------------------------------------------- queries
class Query:
    def __init__(self, vec: np.ndarray, country: int | None, areas: int | None, allow, exclude):
        self.vec, self.country, self.areas, self.allow, self.exclude = (
            vec,
            country,
            areas,
            allow,
            exclude,
        )

    def mask(self, m: dict[str, np.ndarray]) -> np.ndarray:
        out = m["active"].copy()
        if self.country is not None:
            out &= m["country"] == self.country
        if self.areas is not None:
            out &= (m["areas"] & np.uint64(self.areas)) != 0
        if self.allow is not None:
            allowed = np.zeros(out.shape[0], dtype=bool)
            allowed[self.allow] = True
            out &= allowed
        if self.exclude is not None:
            out[self.exclude] = False
        return out


def make_queries(
    qv: np.ndarray, m: dict[str, np.ndarray], rng: np.random.Generator, filtered: bool
) -> list[Query]:
    if not filtered:
        return [Query(v, None, None, None, None) for v in qv]
    n = m["country"].shape[0]
    eligible = [np.flatnonzero((m["country"] == c) & (rng.random(n) < 0.7)) for c in (0, 1)]
    out = []
    for i, v in enumerate(qv):
        other = int(rng.integers(0, 2))
        a = rng.choice(N_AREAS, size=1 + i % 2, replace=False)
        bits = int(sum(1 << int(x) for x in a))
        searcher = np.array([int(rng.integers(0, n))], dtype=np.int64)
        out.append(Query(v, other, bits, eligible[other], searcher))
    return out


# ----------------------------------------------------------------------------- indexes
Search = Callable[[Query], np.ndarray]
Built = tuple[Search, int]  # the search function and the bytes the index holds


def _nbytes(obj: object) -> int:
    """Bytes of the numpy arrays an index object holds (its own copies, ids, metadata)."""
    total = 0
    for value in vars(obj).values():
        if isinstance(value, np.ndarray):
            total += value.nbytes
        elif hasattr(value, "__dataclass_fields__"):
            total += _nbytes(value)
    return total


def _faiss_bytes(index: object) -> int:
    import faiss

    return int(faiss.serialize_index(index).nbytes)


def build_accord(x: np.ndarray, m: dict[str, np.ndarray], args: argparse.Namespace) -> Built:
    index = acc.PartnerIndex.build(x, acc.ProfileMeta(**m))

    def search(q: Query, rerank: int | None = None) -> np.ndarray:
        f = acc.PartnerFilter(
            country=q.country, areas_any=q.areas, allow_ids=q.allow, exclude_ids=q.exclude
        )
        return index.search(q.vec, 10, f, rerank=rerank).ids

    return search, _nbytes(index)


def build_old(x: np.ndarray, m: dict[str, np.ndarray], args: argparse.Namespace) -> Built:
    index = old.PartnerIndex.build(x, old.ProfileMeta(**m))

    def search(q: Query) -> np.ndarray:
        f = old.PartnerFilter(
            country=q.country, areas_any=q.areas, allow_ids=q.allow, exclude_ids=q.exclude
        )
        return index.search(q.vec, 10, f).ids

    return search, _nbytes(index)


def _faiss_search(index, m: dict[str, np.ndarray], params_cls, **kw) -> Search:
    import faiss

    def search(q: Query) -> np.ndarray:
        mask = q.mask(m)  # part of the query: the caller must build the bitmap
        sel = faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))
        _, ids = index.search(q.vec[None], 10, params=params_cls(sel=sel, **kw))
        return ids[0][ids[0] >= 0]

    return search


def build_faiss_hnsw(x: np.ndarray, m: dict[str, np.ndarray], args: argparse.Namespace) -> Built:
    import faiss

    faiss.omp_set_num_threads(args.build_threads)
    index = faiss.IndexHNSWFlat(D, 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 64
    index.add(x)
    faiss.omp_set_num_threads(1)
    return _faiss_search(index, m, faiss.SearchParametersHNSW, efSearch=args.ef), _faiss_bytes(
        index
    )


def build_faiss_ivf(x: np.ndarray, m: dict[str, np.ndarray], args: argparse.Namespace) -> Built:
    import faiss

    faiss.omp_set_num_threads(args.build_threads)
    lists = round(2 * np.sqrt(x.shape[0]))
    quant = faiss.IndexFlatIP(D)
    index = faiss.IndexIVFFlat(quant, D, lists, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = 10  # as the hand-written IVF's k-means
    sample = x[np.random.default_rng(0).choice(x.shape[0], min(x.shape[0], 50 * lists), False)]
    index.train(sample)
    index.add(x)
    faiss.omp_set_num_threads(1)
    return (
        _faiss_search(index, m, faiss.SearchParametersIVF, nprobe=args.faiss_nprobe),
        _faiss_bytes(index),
    )


def build_brute(x: np.ndarray, m: dict[str, np.ndarray], args: argparse.Namespace) -> Built:
    def search(q: Query) -> np.ndarray:
        return acc.exact_search(x, q.vec, 10, mask=q.mask(m)).ids

    return search, x.nbytes


BUILDERS = {
    "accord": build_accord,
    "old-ivf": build_old,
    "faiss-hnsw": build_faiss_hnsw,
    "faiss-ivf": build_faiss_ivf,
    "brute": build_brute,
}


# ----------------------------------------------------------------------------- run
def ms(xs: list[float], p: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, p))


def run(family: str, n: int, args: argparse.Namespace, spread: dict[str, object]) -> list[str]:
    rng = np.random.default_rng(args.seed)
    t = time.perf_counter()
    x = family_vectors(family, n, rng, spread)
    m = metadata(n, rng)
    qv = family_vectors(family, args.queries, rng, spread)
    sets = {
        "unfiltered": make_queries(qv, m, rng, filtered=False),
        "filtered": make_queries(qv, m, rng, filtered=True),
    }
    kept = float(np.mean([q.mask(m).mean() for q in sets["filtered"][:20]]))
    print(
        f"\n=== family {family}, N = {n:,}: data in {time.perf_counter() - t:.0f} s; "
        f"filtered queries keep {kept:.1%} of profiles; load {load()} ===",
        flush=True,
    )
    # Exact reference (brute force), over the recall queries.
    n_rec = min(args.recall_queries, args.queries)
    ref = {
        label: [
            set(acc.exact_search(x, q.vec, 10, mask=q.mask(m)).ids.tolist()) for q in qs[:n_rec]
        ]
        for label, qs in sets.items()
    }
    rows = []
    for name in args.indexes:
        if name == "faiss-hnsw" and n > args.hnsw_max:
            rows.append(f"{family:6} {n:>9,} {name:11} skipped: N > --hnsw-max {args.hnsw_max:,}")
            print(rows[-1], flush=True)
            continue
        t = time.perf_counter()
        search, nbytes = BUILDERS[name](x, m, args)
        build_s = time.perf_counter() - t
        cells = [
            f"{family:6} {n:>9,} {name:10} build {build_s:6.1f} s  mem {nbytes / 2**20:5.0f} MB"
        ]
        for label, qs in sets.items():
            for q in qs[:5]:  # warm-up
                search(q)
            lat, cpu, hits = [], [], 0
            for i, q in enumerate(qs):
                c = time.thread_time()
                t = time.perf_counter()
                got = search(q)
                lat.append(time.perf_counter() - t)
                cpu.append(time.thread_time() - c)
                if i < n_rec:
                    hits += len(ref[label][i] & set(got.tolist()))
                    assert q.mask(m)[got].all(), f"{name} returned a profile the filter forbids"
            cells.append(
                f"{label} p50 {ms(lat, 50):6.1f} p95 {ms(lat, 95):6.1f} ms "
                f"(cpu {ms(cpu, 50):5.1f}/{ms(cpu, 95):5.1f}) recall {hits / (10 * n_rec):.3f}"
            )
        rows.append("  ".join(cells) + f"  load {load()}")
        print(rows[-1], flush=True)
        if name == "accord" and args.rerank_sweep:
            sweep = []
            for r in args.rerank_sweep:
                for label, qs in sets.items():
                    hits = sum(
                        len(ref[label][i] & set(search(q, rerank=r).tolist()))  # type: ignore[call-arg]
                        for i, q in enumerate(qs[:n_rec])
                    )
                    sweep.append(f"rerank {r} {label} {hits / (10 * n_rec):.3f}")
            print(f"{family:6} {n:>9,} accord recall@10 by rerank: " + "; ".join(sweep))
        del search
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--families", nargs="+", default=["tight", "loose", "none", "real"])
    ap.add_argument("--indexes", nargs="+", default=list(BUILDERS), choices=list(BUILDERS))
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--recall-queries", type=int, default=100)
    ap.add_argument("--hnsw-max", type=int, default=100_000, help="largest N to build HNSW at")
    ap.add_argument("--ef", type=int, default=256, help="faiss HNSW efSearch")
    ap.add_argument("--faiss-nprobe", type=int, default=64)
    ap.add_argument("--build-threads", type=int, default=2)
    ap.add_argument("--real-texts", type=int, default=3000)
    ap.add_argument(
        "--rerank-sweep", type=int, nargs="*", default=[], help="accord recall at these rerank"
    )
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(machine())
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"load average at start (1/5/15 min): {load()} — other jobs share these cores")
    spread: dict[str, object] = {}
    if "real" in args.families:
        mean, vt, std, n_texts = real_spread(args.real_texts)
        spread["real"] = (mean, vt, std, n_texts)
        top = float((std[:10] ** 2).sum() / (std**2).sum())
        print(
            f"family real: fitted to {n_texts} MiniLM text embeddings; mean norm "
            f"{np.linalg.norm(mean):.2f}; top-10 PCA components hold {top:.0%} of the variance"
        )
    rows = []
    t0 = time.perf_counter()
    with threadpool_limits(limits=1):
        for n in args.sizes:
            for family in args.families:
                rows += run(family, n, args, spread)
    print("\n=== summary (single-threaded queries; load = 1/5/15-min averages on 2 cores) ===")
    print("\n".join(rows))
    print(f"total {time.perf_counter() - t0:.0f} s; load at end {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
