"""Throughput of each text backend on realistic ~200-word English abstracts (and Korean).

    .venv/bin/python bench/bench_embed.py [--n 200] [--e5-n 20]

Each backend runs in its own subprocess so its peak memory (max RSS) is its own. Texts are
built from the dev corpus (bench/data/corpus_part*.txt): abstracts concatenated to ≥ 200 words,
so every one fills MiniLM's 256-token window. Nothing is cached. The target is ≥ 50 texts/s
for the English dense model on this 2-core machine; the machine's load average is printed
because other jobs may share the CPU.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def texts(n: int) -> list[str]:
    paras = []
    for path in sorted((ROOT / "bench" / "data").glob("corpus_part*.txt")):
        paras += [
            x[3:] for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("A: ")
        ]
    out, i = [], 0
    while len(out) < n:
        words: list[str] = []
        while len(words) < 200:
            words += paras[i % len(paras)].split()
            i += 1
        out.append(" ".join(words[:210]))
    return out


def korean_texts(n: int) -> list[str]:
    import csv

    with (ROOT / "bench" / "data" / "bilingual_titles.tsv").open(encoding="utf-8") as fh:
        ko = [r["ko"] for r in csv.DictReader(fh, delimiter="\t")]
    return [" ".join(ko[(i + k) % len(ko)] for k in range(12)) for i in range(n)]


def run_one(backend: str, n: int) -> dict[str, float]:
    from accord.core.text import E5Embedder, MiniLMEmbedder, tokenize

    data = korean_texts(n) if backend.endswith("-ko") else texts(n)
    if backend.startswith("minilm"):
        model = MiniLMEmbedder(max_tokens=int(backend.split("-")[1]), chunk=False)  # one window
        model.embed(data[:4])
        start = time.perf_counter()
        model.embed(data)
    elif backend.startswith("e5"):
        e5 = E5Embedder()
        e5.embed(data[:1])
        start = time.perf_counter()
        e5.embed(data)
    else:
        lang = "ko" if backend.endswith("-ko") else "en"
        tokenize(data[0], lang)
        start = time.perf_counter()
        for t in data:
            tokenize(t, lang)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "texts": len(data),
        "seconds": seconds,
        "per_s": len(data) / seconds,
        "peak_mb": peak_mb,
    }


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "--one":
        print(json.dumps(run_one(sys.argv[2], int(sys.argv[3]))))
        return
    n = int(sys.argv[sys.argv.index("--n") + 1]) if "--n" in sys.argv else 200
    e5_n = int(sys.argv[sys.argv.index("--e5-n") + 1]) if "--e5-n" in sys.argv else 20
    from _affinity_machine import machine

    print(machine())
    sample = texts(1)[0]
    print(f"English texts: {len(sample.split())} words each")
    plan = [
        ("lexical-en", n),
        ("lexical-ko", n),
        ("minilm-256", n),
        ("minilm-128", n),
        ("e5-en", e5_n),
    ]
    print(f"{'backend':<12} {'texts':>6} {'seconds':>8} {'texts/s':>8} {'peak MB':>8}")
    for backend, count in plan:
        out = subprocess.run(
            [sys.executable, __file__, "--one", backend, str(count)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{backend:<12} {r['texts']:>6} {r['seconds']:8.2f} {r['per_s']:8.1f} {r['peak_mb']:8.0f}"
        )
    print(machine())


if __name__ == "__main__":
    main()
