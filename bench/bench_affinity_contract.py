"""Wall time of the `accord affinity` contract run on a held-out-sized input (~1,600 texts).

    .venv/bin/python bench/bench_affinity_contract.py [--reviewers 58] [--pubs 19] [--subs 500]
                                                      [--keep DIR] [--src DIR]
                                                      [-- extra CLI arguments]

Writes a reviewers/submissions pair shaped like the held-out expertise set (58 reviewers with 19
title+abstract publications each, 500 submissions: 1,602 texts, English, abstracts of 120–300
words, 314 word pieces on average: 73 % exceed MiniLM's 256), then runs `python -m accord
affinity` on it in a fresh process with an empty embedding cache (models loaded once, nothing
cached: the cold contract run) and prints the wall time, the peak memory and the load average
before and after. The texts are sentences of bench/data/expertise and bench/data/corpus_part*
abstracts recombined at random (seed 3), so every text is unique; they are for timing only.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _affinity_machine import machine  # noqa: E402


def sentences() -> list[str]:
    out: list[str] = []
    for path in [
        ROOT / "bench/data/expertise/profiles.txt",
        ROOT / "bench/data/expertise/submissions.txt",
    ]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("P: ", "S: ")):
                out += re.split(r"(?<=[.!?])\s+", line.rsplit(" | ", 1)[-1])
    for path in sorted((ROOT / "bench/data").glob("corpus_part*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("A: "):
                out += re.split(r"(?<=[.!?])\s+", line[3:])
    return [s for s in out if len(s.split()) >= 5]


def make_text(rng: random.Random, pool: list[str]) -> tuple[str, str]:
    target = rng.randint(120, 300)
    words: list[str] = []
    while len(words) < target:
        words += rng.choice(pool).split()
    title = " ".join(rng.choice(pool).split()[: rng.randint(6, 14)]).rstrip(".,;:")
    return title, " ".join(words)


def arg(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main() -> None:
    n_rev, n_pub, n_sub = arg("--reviewers", 58), arg("--pubs", 19), arg("--subs", 500)
    extra = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    rng = random.Random(3)
    pool = sentences()
    keep = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    work = keep or Path(tempfile.mkdtemp(prefix="accord-contract-"))
    work.mkdir(parents=True, exist_ok=True)
    with (work / "reviewers.jsonl").open("w", encoding="utf-8") as fh:
        for r in range(n_rev):
            pubs = []
            for _ in range(n_pub):
                title, abstract = make_text(rng, pool)
                pubs.append({"title": title, "abstract": abstract, "year": rng.randint(2010, 2022)})
            fh.write(json.dumps({"id": f"r{r}", "publications": pubs}) + "\n")
    with (work / "submissions.jsonl").open("w", encoding="utf-8") as fh:
        for s in range(n_sub):
            title, abstract = make_text(rng, pool)
            fh.write(json.dumps({"id": f"s{s}", "title": title, "abstract": abstract}) + "\n")
    n_texts = n_rev * n_pub + n_sub
    print(machine())
    print(
        f"input: {n_rev} reviewers × {n_pub} publications + {n_sub} submissions = {n_texts} texts"
    )
    # --src DIR: time another checkout's code on the same input (e.g. the previous version).
    src = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv else str(ROOT / "src")
    env = dict(os.environ, PYTHONPATH=src)
    env.pop("ACCORD_CACHE_DIR", None)
    cmd = [
        sys.executable, "-m", "accord", "affinity",
        "--reviewers", str(work / "reviewers.jsonl"),
        "--submissions", str(work / "submissions.jsonl"),
        "--out", str(work / "scores.csv"), *extra,
    ]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"accord affinity failed ({proc.returncode}):\n{proc.stderr}")
    stages = [x for x in proc.stderr.splitlines() if "] " in x and "warning" not in x]
    seen: set[str] = set()
    for line in stages:  # the first line of each stage, and the last line
        stage = re.sub(r" \d+/\d+$", "", line.rsplit("] ", 1)[1])
        if stage not in seen or line == stages[-1]:
            print("   ", line)
            seen.add(stage)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    print(
        f"accord affinity: {wall:.1f} s wall, {cpu:.1f} CPU-s (user+sys), {rss:.0f} MB peak, "
        f"{n_texts / wall:.0f} texts/s (target ≤ 60 s wall on two idle cores; under load the "
        "CPU seconds are the steadier figure: two idle cores give at most 2 CPU-s per second)"
    )
    print(machine())


if __name__ == "__main__":
    main()
