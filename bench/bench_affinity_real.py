"""Quality of `accord affinity` on the real-text expertise dev set (loss of Stelmakh et al. 2023).

    .venv/bin/python bench/bench_affinity_real.py [--cli]

Data: bench/data/expertise (16 reviewer profiles of paraphrased published ML abstracts, 48
submissions, 192 graded ratings written before any scoring; provenance in its README.md).
Split by reviewer: "tune" = odd reviewers (R01, R03, ...), on which every English default of
`AffinityConfig` was chosen; "test" = even reviewers, used for nothing but these figures.
Every run scores all 16 reviewers × 48 submissions, exactly as the CLI does (input read by
`accord.cli.affinity.load_inputs`, default config); only the loss is restricted to a split.
Two losses: over all ratings, and over ratings ≥ 2 only ("hard": without the easy
unrelated papers, closer to a set of papers the reviewers chose to read).

Rows: the default; the previous default (lexical share 0.2, no normalisation, MiniLM cut at
256 pieces); and the default with one lever changed at a time.
With --cli, the default is also run through `python -m accord affinity` in a subprocess and
its CSV is scored, to show that the figure is the contract's. Embeddings are cached in
$ACCORD_BENCH_CACHE (default /tmp/accord-bench-cache).

Second table, Korean and cross-language (its test columns chose nothing): the same ids, ratings and split with the Korean translations (reviewers_ko.jsonl, submissions_ko.jsonl),
default config only: KO reviewers × KO submissions, EN × KO, KO × EN, and a mixed input
(odd-numbered reviewers' publications in Korean, even in English; odd-numbered submissions in
Korean, even in English). Also the lexicon coverage of the Korean texts (as
bench_crosslingual.py prints it), and, for the mixed input, the loss over pairs of submissions
in the same language and in different languages (all 16 reviewers).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _affinity_machine import machine  # noqa: E402
from accord.cli.affinity import load_inputs  # noqa: E402
from accord.core.affinity import AffinityConfig, Embedders, compute_affinity, stelmakh_loss  # noqa: E402
from accord.core.text import EmbeddingCache, MiniLMEmbedder  # noqa: E402
from bench_crosslingual import lexicon_overlap  # noqa: E402

DATA = ROOT / "bench" / "data" / "expertise"
CACHE = Path(os.environ.get("ACCORD_BENCH_CACHE", "/tmp/accord-bench-cache"))


def read_ratings() -> list[tuple[str, str, float, str]]:
    with (DATA / "ratings.csv").open(encoding="utf-8") as fh:
        return [
            (r["reviewer_id"], r["submission_id"], float(r["rating"]), r["split"])
            for r in csv.DictReader(fh)
        ]


def losses(score_of, ratings) -> dict[str, float]:  # type: ignore[no-untyped-def]
    out = {}
    for split in ("tune", "test"):
        for name, least in (("all", 1), ("hard", 2)):
            rows = [x for x in ratings if x[3] == split and x[2] >= least]
            out[f"{split}/{name}"] = stelmakh_loss(
                np.array([score_of(r, s) for r, s, _, _ in rows]),
                np.array([y for _, _, y, _ in rows]),
                np.array([r for r, _, _, _ in rows]),
            )
    return out


def main() -> None:
    ratings = read_ratings()
    loaded = load_inputs(DATA / "reviewers.jsonl", DATA / "submissions.jsonl")
    r_index = {r.id: i for i, r in enumerate(loaded.reviewers)}
    s_index = {s.id: i for i, s in enumerate(loaded.submissions)}
    cache = EmbeddingCache(CACHE)
    print(machine())
    n_tune = sum(1 for x in ratings if x[3] == "tune")
    print(
        f"real-text dev set: {len(loaded.reviewers)} reviewers, {len(loaded.submissions)} "
        f"submissions, {len(ratings)} ratings ({n_tune} tune, {len(ratings) - n_tune} test)"
    )
    base = AffinityConfig()
    truncating = Embedders(english=MiniLMEmbedder(chunk=False))
    previous = replace(
        base, top_k=5, lexical_weight_en=0.2, submission_normalisation=False, half_life_years=10.0
    )  # with `truncating`: the defaults before the real-text dev set
    rows = [
        ("default", base, None),
        ("previous default (lex 0.2, no norm., cut at 256)", previous, truncating),
        ("  without submission normalisation", replace(base, submission_normalisation=False), None),
        ("  normalisation without prior", replace(base, normalisation_prior=0.0), None),
        (
            "  publications read in full too (windows)",
            replace(base, publications_in_full=True),
            None,
        ),
        ("  MiniLM cut at 256 pieces (no chunking)", base, truncating),
        ("  dense only (lexical share 0)", replace(base, lexical_weight_en=0.0), None),
        ("  lexical share 0.2", replace(base, lexical_weight_en=0.2), None),
        ("  lexical share 0.5", replace(base, lexical_weight_en=0.5), None),
        ("  lexical backend only", replace(base, backend="lexical"), None),
        ("  BM25 instead of TF-IDF", replace(base, lexical_method="bm25"), None),
        ("  no recency weighting", replace(base, half_life_years=None), None),
        ("  half-life 5 years", replace(base, half_life_years=5.0), None),
        ("  aggregation mean", replace(base, aggregation="mean"), None),
        ("  aggregation max", replace(base, aggregation="max"), None),
        ("  top-3", replace(base, top_k=3), None),
        ("  softmax T=1", replace(base, aggregation="softmax", temperature=1.0), None),
    ]
    print(f"{'config':<58} {'tune':>7} {'tune≥2':>7} {'test':>7} {'test≥2':>7}")
    for label, cfg, emb in rows:
        res = compute_affinity(
            loaded.reviewers, loaded.submissions, config=cfg, cache=cache,
            embedders=emb or Embedders(),
        )  # fmt: skip
        lo = losses(lambda r, s, sc=res.scores: sc[s_index[s], r_index[r]], ratings)
        print(
            f"{label:<58} {lo['tune/all']:7.4f} {lo['tune/hard']:7.4f} "
            f"{lo['test/all']:7.4f} {lo['test/hard']:7.4f}"
        )
    if "--cli" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "scores.csv"
            env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
            subprocess.run(
                [sys.executable, "-m", "accord", "affinity", "--quiet",
                 "--reviewers", str(DATA / "reviewers.jsonl"),
                 "--submissions", str(DATA / "submissions.jsonl"), "--out", str(out)],
                env=env, check=True,
            )  # fmt: skip
            with out.open(encoding="utf-8") as fh:
                csv_scores = {
                    (r["reviewer_id"], r["submission_id"]): float(r["score"])
                    for r in csv.DictReader(fh)
                }
        lo = losses(lambda r, s: csv_scores[(r, s)], ratings)
        print(
            f"{'default via `accord affinity` (CSV, 6 decimals)':<58} {lo['tune/all']:7.4f} "
            f"{lo['tune/hard']:7.4f} {lo['test/all']:7.4f} {lo['test/hard']:7.4f}"
        )
    korean_table(loaded, ratings, cache)
    print(machine())


def korean_table(loaded, ratings, cache) -> None:  # type: ignore[no-untyped-def]
    """Default config on the Korean translations and on cross-language mixes (tune/test split by
    reviewer as in the first table; ``lexical_weight_ko``, ``cross_language_offset``,
    ``gloss_weight_cross``, ``gloss_full_coverage`` and ``gloss_weight_ko`` were chosen on
    tune)."""
    ko = load_inputs(DATA / "reviewers_ko.jsonl", DATA / "submissions_ko.jsonl")
    assert [r.id for r in ko.reviewers] == [r.id for r in loaded.reviewers]
    assert [s.id for s in ko.submissions] == [s.id for s in loaded.submissions]

    def odd(x_id: str) -> bool:
        return int(x_id[1:]) % 2 == 1

    mixed_r = [k if odd(k.id) else e for k, e in zip(ko.reviewers, loaded.reviewers, strict=True)]
    mixed_s = [
        k if odd(k.id) else e for k, e in zip(ko.submissions, loaded.submissions, strict=True)
    ]
    rows = [
        ("KO reviewers × KO submissions", ko.reviewers, ko.submissions),
        ("EN reviewers × KO submissions", loaded.reviewers, ko.submissions),
        ("KO reviewers × EN submissions", ko.reviewers, loaded.submissions),
        ("mixed (odd reviewers/submissions KO, even EN)", mixed_r, mixed_s),
        ("(reference) EN reviewers × EN submissions", loaded.reviewers, loaded.submissions),
    ]
    print()
    print(
        "Korean and cross-language, default config — the Korean lexical share "
        "(lexical_weight_ko) and cross_language_offset were chosen on the tune reviewers' rows "
        "(odd reviewers) of the first and fourth inputs, the glossed-MiniLM shares and their "
        "coverage scaling (gloss_weight_cross, gloss_full_coverage: second to fourth inputs; "
        "gloss_weight_ko: first and fourth); the test columns chose nothing; no lexicon entry "
        "was chosen on these texts"
    )
    print(f"{'input':<58} {'tune':>7} {'tune≥2':>7} {'test':>7} {'test≥2':>7}")
    base = AffinityConfig()
    for label, reviewers, submissions in rows:
        res = compute_affinity(
            reviewers, submissions, config=base, cache=cache, embedders=Embedders()
        )
        r_index = {r.id: i for i, r in enumerate(reviewers)}
        s_index = {s.id: i for i, s in enumerate(submissions)}
        lo = losses(lambda r, s, sc=res.scores: sc[s_index[s], r_index[r]], ratings)  # noqa: B023
        print(
            f"{label:<58} {lo['tune/all']:7.4f} {lo['tune/hard']:7.4f} "
            f"{lo['test/all']:7.4f} {lo['test/hard']:7.4f}"
        )
        if label.startswith("mixed"):
            mixed_scores = (res.scores, s_index, r_index)
    scores, s_index, r_index = mixed_scores
    same = pair_loss(scores, s_index, r_index, ratings, lambda a, b: odd(a) == odd(b))
    cross = pair_loss(scores, s_index, r_index, ratings, lambda a, b: odd(a) != odd(b))
    print(
        f"mixed input, all 16 reviewers: loss over pairs of submissions in the same language "
        f"{same:.4f}, in different languages {cross:.4f}"
    )
    korean = [p.title + " " + p.abstract for r in ko.reviewers for p in r.publications]
    korean += [s.title + " " + s.abstract for s in ko.submissions]
    print(f"Korean texts ({len(korean)} titles + abstracts): {lexicon_overlap(korean)}")


def pair_loss(scores, s_index, r_index, ratings, keep) -> float:  # type: ignore[no-untyped-def]
    """The Stelmakh loss over only those pairs of one reviewer's rated submissions (s1, s2)
    for which keep(s1, s2) holds (e.g. the two submissions are in different languages)."""
    cost = total = 0.0
    for rid in sorted({r for r, _, _, _ in ratings}):
        rows = [(s, y) for r, s, y, _ in ratings if r == rid]
        for i, (s1, y1) in enumerate(rows):
            for s2, y2 in rows[i + 1 :]:
                if y1 == y2 or not keep(s1, s2):
                    continue
                d = scores[s_index[s1], r_index[rid]] - scores[s_index[s2], r_index[rid]]
                agree = np.sign(y1 - y2) * np.sign(d)
                total += abs(y1 - y2)
                cost += abs(y1 - y2) * (1.0 if agree < 0 else 0.5 if agree == 0 else 0.0)
    return cost / total


if __name__ == "__main__":
    main()
