"""REGRESSION ONLY — synthetic set: `accord affinity` on bench/data/dev_*.jsonl (Stelmakh loss).

    .venv/bin/python bench/bench_affinity_quality.py [--quick]

bench/data/dev_*.jsonl is synthetic (built by bench/data/build_devset.py): its ratings come
from topic labels and its distracting old papers are always dated 2004–2010. The previous
defaults and the calibration constants of `core/affinity.py` were chosen on it, so its
figures say nothing about real reviewers; they only catch regressions. Quality on real text
is bench/bench_affinity_real.py (tune/test split); see bench/README.md.

Runs the same path as the CLI (accord.cli.affinity.load_inputs → compute_affinity) on
bench/data/dev_reviewers.jsonl × dev_submissions.jsonl, and prints the pooled loss against
bench/data/dev_ratings.csv for each backend and aggregation (lower is better), then the
cross-lingual variant where every 4th reviewer's profile is in Korean (dev_reviewers_ko.jsonl).
Embeddings are cached in $ACCORD_BENCH_CACHE.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _affinity_machine import machine  # noqa: E402
from accord.cli.affinity import load_inputs  # noqa: E402
from accord.core.affinity import AffinityConfig, Embedders, compute_affinity, stelmakh_loss  # noqa: E402
from accord.core.text import EmbeddingCache  # noqa: E402

DATA = ROOT / "bench" / "data"
CACHE = Path(os.environ.get("ACCORD_BENCH_CACHE", "/tmp/accord-bench-cache"))


def loss_for(loaded, ratings, config, cache, embedders) -> float:  # type: ignore[no-untyped-def]
    result = compute_affinity(
        loaded.reviewers, loaded.submissions, config=config, cache=cache, embedders=embedders
    )
    r_index = {r.id: i for i, r in enumerate(loaded.reviewers)}
    s_index = {s.id: i for i, s in enumerate(loaded.submissions)}
    scores, labels, groups = [], [], []
    for rid, sid, y in ratings:
        scores.append(result.scores[s_index[sid], r_index[rid]])
        labels.append(y)
        groups.append(r_index[rid])
    return stelmakh_loss(np.array(scores), np.array(labels), np.array(groups))


def main() -> None:
    quick = "--quick" in sys.argv
    with (DATA / "dev_ratings.csv").open(encoding="utf-8") as fh:
        ratings = [
            (r["reviewer_id"], r["submission_id"], float(r["rating"])) for r in csv.DictReader(fh)
        ]
    loaded = load_inputs(DATA / "dev_reviewers.jsonl", DATA / "dev_submissions.jsonl")
    cache = EmbeddingCache(CACHE)
    embedders = Embedders()
    print(machine())
    print(
        f"dev set: {len(loaded.reviewers)} reviewers, {len(loaded.submissions)} submissions, "
        f"{len(ratings)} ratings"
    )
    base = AffinityConfig()
    print(f"default: {base}")
    rows = []
    for backend in ("lexical", "dense", "hybrid"):
        for agg in ("mean", "max", "topk", "softmax"):
            for hl in (None, 10.0):
                cfg = replace(base, backend=backend, aggregation=agg, half_life_years=hl)
                t = time.perf_counter()
                loss = loss_for(loaded, ratings, cfg, cache, embedders)
                rows.append((backend, agg, hl, loss, time.perf_counter() - t))
    if not quick:
        for lm in ("bm25",):
            for agg in ("mean", "softmax"):
                cfg = replace(base, backend="lexical", lexical_method=lm, aggregation=agg)
                rows.append(
                    (
                        "lexical-bm25",
                        agg,
                        cfg.half_life_years,
                        loss_for(loaded, ratings, cfg, cache, embedders),
                        0.0,
                    )
                )
        for w in (0.0, 0.35):
            cfg = replace(base, lexical_weight_en=w)
            rows.append(
                (
                    f"hybrid lexw={w}",
                    cfg.aggregation,
                    cfg.half_life_years,
                    loss_for(loaded, ratings, cfg, cache, embedders),
                    0.0,
                )
            )
        for temp in (0.5, 2.0):
            cfg = replace(base, aggregation="softmax", temperature=temp)
            rows.append(
                (
                    f"hybrid T={temp}",
                    cfg.aggregation,
                    cfg.half_life_years,
                    loss_for(loaded, ratings, cfg, cache, embedders),
                    0.0,
                )
            )
    print(f"{'backend':<18} {'aggregation':<9} {'half-life':>9} {'loss':>7} {'seconds':>8}")
    for backend, agg, hl, loss, sec in rows:
        print(f"{backend:<18} {agg:<9} {hl if hl else '-':>9} {loss:7.4f} {sec:8.1f}")

    ko = load_inputs(DATA / "dev_reviewers_ko.jsonl", DATA / "dev_submissions.jsonl")
    ko_ids = {r.id for r in ko.reviewers if any(p.language == "ko" for p in r.publications)}
    ko_ratings = [x for x in ratings if x[0] in ko_ids]
    print(
        f"\ncross-lingual variant: {len(ko_ids)} reviewers with Korean-title profiles, "
        f"English submissions ({len(ko_ratings)} ratings of those reviewers)"
    )
    for backend in ("lexical", "hybrid"):
        cfg = replace(base, backend=backend)
        all_loss = loss_for(ko, ratings, cfg, cache, embedders)
        sub_loss = loss_for(ko, ko_ratings, cfg, cache, embedders)
        en_titles = [
            replace(r, publications=tuple(replace(p, abstract="") for p in r.publications))
            for r in loaded.reviewers
        ]
        en_loaded = replace(loaded, reviewers=en_titles)
        en_loss = loss_for(en_loaded, ko_ratings, cfg, cache, embedders)
        print(
            f"{backend:<8} all reviewers {all_loss:.4f}; Korean-profile reviewers {sub_loss:.4f} "
            f"(same reviewers with English titles only: {en_loss:.4f})"
        )


if __name__ == "__main__":
    main()
