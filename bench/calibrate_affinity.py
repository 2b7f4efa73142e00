"""Measure the constants that accord.core.affinity ships, from the bench data (offline).

    .venv/bin/python bench/calibrate_affinity.py

1. e5 language means (for language centering): mean multilingual-e5 embedding of the English
   titles and of the Korean titles in bench/data/bilingual_titles.tsv, even rows only (odd rows
   stay unseen for bench_crosslingual.py's held-out figure) → src/accord/core/models/e5_language_means.npz.
2. (mean, std) of each component's raw similarity per language pair over all dev-set pairs
   (the cross-language ones over the even rows of the title pairs), printed for CALIBRATION in
   accord/core/affinity.py.
Embeddings are cached in $ACCORD_BENCH_CACHE (default /tmp/accord-bench-cache).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from accord.core.affinity import join_text  # noqa: E402
from accord.core.text import (  # noqa: E402
    MODELS_DIR,
    E5Embedder,
    EmbeddingCache,
    MiniLMEmbedder,
    embed_cached,
    gloss_korean_many,
    lexical_similarity,
    tokenize,
)

DATA = ROOT / "bench" / "data"
CACHE = Path(os.environ.get("ACCORD_BENCH_CACHE", "/tmp/accord-bench-cache"))


def main() -> None:
    cache = EmbeddingCache(CACHE)
    with (DATA / "bilingual_titles.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    en = [r["en"] for r in rows]
    ko = [r["ko"] for r in rows]
    e5 = E5Embedder()
    ven = embed_cached(e5, en, cache).astype(np.float64)
    vko = embed_cached(e5, ko, cache).astype(np.float64)
    means = {"en": ven[::2].mean(axis=0), "ko": vko[::2].mean(axis=0)}
    np.savez(MODELS_DIR / "e5_language_means.npz", **means)
    print("wrote", MODELS_DIR / "e5_language_means.npz")

    def centred(v: np.ndarray, lang: str) -> np.ndarray:
        c = v - means[lang]
        return c / np.linalg.norm(c, axis=1, keepdims=True)

    cen, cko = centred(ven, "en"), centred(vko, "ko")
    off = ~np.eye(len(en), dtype=bool)
    for name, m in (("en-ko", cen @ cko.T), ("ko-ko", cko @ cko.T), ("en-en", cen @ cen.T)):
        vals = m[off]
        print(f"e5 centred {name} titles: mean {vals.mean():.3f} std {vals.std():.3f}")

    subs = [json.loads(x) for x in (DATA / "dev_submissions.jsonl").read_text().splitlines()]
    revs = [json.loads(x) for x in (DATA / "dev_reviewers.jsonl").read_text().splitlines()]
    s_text = [join_text(s["title"], s["abstract"]) for s in subs]
    p_text = list(
        dict.fromkeys(join_text(p["title"], p["abstract"]) for r in revs for p in r["publications"])
    )
    mini = MiniLMEmbedder()
    vs = embed_cached(mini, s_text, cache)
    vp = embed_cached(mini, p_text, cache)
    cos = vs @ vp.T
    print(f"minilm en-en abstracts: mean {cos.mean():.3f} std {cos.std():.3f}")
    lex = lexical_similarity(
        [tokenize(t, "en") for t in p_text], [tokenize(t, "en") for t in s_text]
    )
    print(f"tfidf en-en abstracts: mean {lex.mean():.3f} std {lex.std():.3f}")
    lex_t = lexical_similarity([tokenize(t, "ko") for t in ko], [tokenize(t, "ko") for t in ko])
    print(f"tfidf ko-ko titles: mean {lex_t[off].mean():.3f} std {lex_t[off].std():.3f}")
    lex_x = lexical_similarity([tokenize(t, "ko") for t in ko], [tokenize(t, "en") for t in en])
    print(f"tfidf en-ko titles: mean {lex_x[off].mean():.3f} std {lex_x[off].std():.3f}")
    # MiniLM of the Korean titles' English glosses against the English titles: even rows only
    # (the odd rows stay held out), off-diagonal pairs (different works)
    glossed = [g.text for g in gloss_korean_many(ko[::2])]
    g_cos = embed_cached(mini, en[::2], cache) @ embed_cached(mini, glossed, cache).T
    g_off = ~np.eye(len(glossed), dtype=bool)
    print(
        f"minilm-gloss en-ko titles (even rows): mean {g_cos[g_off].mean():.3f} "
        f"std {g_cos[g_off].std():.3f}"
    )


if __name__ == "__main__":
    main()
