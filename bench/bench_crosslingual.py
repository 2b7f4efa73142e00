"""Cross-lingual matching, English ↔ Korean, of titles and of whole abstracts.

    .venv/bin/python bench/bench_crosslingual.py

Two sets, each a list of (English, Korean) versions of the same work:

* bench/data/bilingual_titles.tsv — 120 title pairs. Its even rows were used to fit the e5
  language means, the cross-language offset, the translated-lexical share and its calibration;
  figures are given for the even rows (tuning) and the odd rows (held out) separately.
* bench/data/crosslingual_abstracts.txt — 40 abstract pairs in eight fields, five close topics
  each (provenance in the file). TEST ONLY: written after every constant and the lexicon were
  fixed, and used to choose nothing. Scored twice: titles alone, and title + abstract.

Every text of a set is one one-publication "reviewer" and one "submission" in a single
`compute_affinity` call (the default config, the contract's path), so all figures come from one
score matrix per set and variant: Korean → English top-1 (candidates: the English texts),
English → Korean top-1, and the mixed pool (candidates: every other text, both languages;
the query's own translation must win) for Korean queries and for English queries. Targets:
≥ 95 % both ways, ≥ 90 % mixed. Also printed: how much of the Korean text the lexicon covers and
how many lexicon keys of two or more morphemes occur in each set (overlap with the lexicon).
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _affinity_machine import machine  # noqa: E402
from accord.core.affinity import (  # noqa: E402
    AffinityConfig,
    Embedders,
    Publication,
    Reviewer,
    Submission,
    compute_affinity,
)
from accord.core.text import EmbeddingCache, _korean_units_many, load_lexicon  # noqa: E402

DATA = ROOT / "bench" / "data"
CACHE = Path(os.environ.get("ACCORD_BENCH_CACHE", "/tmp/accord-bench-cache"))


def title_pairs() -> list[tuple[str, str]]:
    with (DATA / "bilingual_titles.tsv").open(encoding="utf-8") as fh:
        return [(r["en"], r["ko"]) for r in csv.DictReader(fh, delimiter="\t")]


def abstract_pairs() -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """((English title, abstract), (Korean title, abstract)) per work."""
    en: list[tuple[str, str]] = []
    ko: list[tuple[str, str]] = []
    for line in (DATA / "crosslingual_abstracts.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith(("EN: ", "KO: ")):
            title, abstract = (x.strip() for x in line[4:].split(" | ", 1))
            (en if line.startswith("EN") else ko).append((title, abstract))
    if len(en) != len(ko):
        raise SystemExit("crosslingual_abstracts.txt: every work needs one EN and one KO line")
    return list(zip(en, ko, strict=True))


def matrix(
    en: list[tuple[str, str]], ko: list[tuple[str, str]], cfg: AffinityConfig,
    cache: EmbeddingCache, embedders: Embedders,
) -> np.ndarray:  # fmt: skip
    """float[2n, 2n] affinity of query i (row) to candidate j; texts = English then Korean."""
    texts = [(t, a, "en") for t, a in en] + [(t, a, "ko") for t, a in ko]
    reviewers = [Reviewer(str(i), (Publication(t, a, None, lang),)) for i, (t, a, lang) in enumerate(texts)]  # fmt: skip
    subs = [Submission(str(j), t, a, lang) for j, (t, a, lang) in enumerate(texts)]
    res = compute_affinity(reviewers, subs, config=cfg, cache=cache, embedders=embedders)
    return res.scores.T


def top1(m: np.ndarray, n: int) -> dict[str, np.ndarray]:
    en, ko = np.arange(n), np.arange(n, 2 * n)
    mixed = np.array(m, copy=True)
    np.fill_diagonal(mixed, -np.inf)
    return {
        "ko→en": np.argmax(m[np.ix_(ko, en)], axis=1) == np.arange(n),
        "en→ko": np.argmax(m[np.ix_(en, ko)], axis=1) == np.arange(n),
        "mixed ko": np.argmax(mixed[ko], axis=1) == en,
        "mixed en": np.argmax(mixed[en], axis=1) == ko,
    }


def lexicon_overlap(korean: list[str]) -> str:
    lex = load_lexicon()
    analysed = _korean_units_many(korean)
    units = [u for us in analysed for u, keep in us if keep]
    covered = sum(1 for u in units if (u,) in lex.entries)
    multi = [k for k in lex.entries if len(k) >= 2]
    seqs = [tuple(u for u, _ in us) for us in analysed]
    used = {k for k in multi for s in seqs if any(s[i : i + len(k)] == k for i in range(len(s)))}
    return (
        f"lexicon {len(lex)} keys: {covered / max(len(units), 1):.1%} of the Korean content "
        f"morphemes are keys on their own; {len(used)} of its {len(multi)} multi-morpheme keys "
        f"occur in this set"
    )


def pruned_lexicon(korean: list[str]):  # type: ignore[no-untyped-def]
    """The shipped lexicon without any key that occurs in `korean` (a pessimistic bound: a
    lexicon that shares no term with the test texts, as if built with no knowledge of them)."""
    from accord.core.text import Lexicon

    lex = load_lexicon()
    seqs = [tuple(u for u, _ in us) for us in _korean_units_many(korean)]
    keep = {
        k: v
        for k, v in lex.entries.items()
        if not any(s[i : i + len(k)] == k for s in seqs for i in range(len(s) - len(k) + 1))
    }
    glosses = {k: v for k, v in lex.glosses.items() if k in keep}
    return Lexicon(keep, max((len(k) for k in keep), default=0), glosses)


def main() -> None:
    cache = EmbeddingCache(CACHE)
    embedders = Embedders()
    print(machine())
    base = AffinityConfig()
    variants = {
        "default": base,
        "without submission normalisation": replace(base, submission_normalisation=False),
        "e5 only (no translated lexical, no gloss)": replace(
            base, lexical_weight_cross=0.0, gloss_weight_cross=0.0, gloss_weight_ko=0.0
        ),
        "without the glossed MiniLM": replace(base, gloss_weight_cross=0.0, gloss_weight_ko=0.0),
        "without the cross-language offset": replace(base, cross_language_offset=0.0),
        "translated lexical only (backend='lexical')": replace(base, backend="lexical"),
    }
    titles = title_pairs()
    abstracts = abstract_pairs()
    sets = {
        "bilingual_titles.tsv, titles (120; even rows tuned the constants)": (
            [(e, "") for e, _ in titles], [(k, "") for _, k in titles], True,
        ),
        "crosslingual_abstracts.txt, titles only (40; test only)": (
            [(e[0], "") for e, _ in abstracts], [(k[0], "") for _, k in abstracts], False,
        ),
        "crosslingual_abstracts.txt, title + abstract (40; test only)": (
            [e for e, _ in abstracts], [k for _, k in abstracts], False,
        ),
    }  # fmt: skip
    for name, (en, ko, split) in sets.items():
        print(f"\n== {name}")
        print("   " + lexicon_overlap([t + " " + a for t, a in ko]))
        n = len(en)
        for label, cfg in variants.items():
            hits = top1(matrix(en, ko, cfg, cache, embedders), n)
            cells = []
            for key, hit in hits.items():
                if split:
                    odd = np.arange(n) % 2 == 1
                    cells.append(f"{key} {hit[~odd].mean():5.1%}/{hit[odd].mean():5.1%}")
                else:
                    cells.append(f"{key} {hit.mean():6.1%}")
            suffix = "  (even/odd rows)" if split else ""
            print(f"   {label:<44} " + "  ".join(cells) + suffix)
        import accord.core.text as core_text

        shipped = core_text.load_lexicon
        pruned = pruned_lexicon([t + " " + a for t, a in ko])
        core_text.load_lexicon = lambda path=None, lex=pruned: lex  # type: ignore[assignment]
        try:
            pruned_hits = {
                label: top1(matrix(en, ko, cfg, cache, embedders), n)
                for label, cfg in (
                    ("default", base),
                    ("without the glossed MiniLM", variants["without the glossed MiniLM"]),
                )
            }
        finally:
            core_text.load_lexicon = shipped  # type: ignore[assignment]
        removed = len(load_lexicon()) - len(pruned)
        for which, hits in pruned_hits.items():
            label = f"{which}, lexicon minus this set's {removed} keys"
            print(f"   {label:<44} " + "  ".join(f"{k} {h.mean():6.1%}" for k, h in hits.items()))
    print(machine())


if __name__ == "__main__":
    main()
