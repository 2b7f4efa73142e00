"""A call's matching run in the web app: 40 applications × 100 reviewers, cold and warm cache.

    .venv/bin/python bench/bench_matching_run.py [--apps 40] [--reviewers 100] [--pubs 8]

Builds a throw-away Accord (SQLite database and data folder in a temporary directory, all
migrations applied, immediate task backend as in embedded mode) with one call, `--apps`
submitted joint applications and `--reviewers` people with `--pubs` title+abstract publications
each (one in five reviewers publishes in Korean), then runs the whole matching run the way the
"Recompute" button does (plan → embedding chunks → scoring, conflicts, 4,000 scores written),
three times in one process, after loading the models as a fresh worker's warm-up does (timed):

1. cold: empty embedding cache (first run of a call);
2. warm: the same call again, every embedding cached, models loaded (the target: ≤ 10 s);
3. warm after one application changed its abstract (one new text to embed).

Texts: abstracts of bench/data/expertise and corpus_part*.txt recombined (English), and the
Korean titles and abstracts of bilingual_titles.tsv and crosslingual_abstracts.txt; for timing
only. Prints wall and CPU seconds of each run and the load average before and after.
"""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from _affinity_machine import machine  # noqa: E402


def arg(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def english_sentences() -> list[str]:
    out: list[str] = []
    for path in [ROOT / "bench/data/expertise/profiles.txt", ROOT / "bench/data/expertise/submissions.txt"]:  # fmt: skip
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("P: ", "S: ")):
                out += re.split(r"(?<=[.!?])\s+", line.rsplit(" | ", 1)[-1])
    for path in sorted((ROOT / "bench/data").glob("corpus_part*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("A: "):
                out += re.split(r"(?<=[.!?])\s+", line[3:])
    return [s for s in out if len(s.split()) >= 5]


def korean_texts() -> list[tuple[str, str]]:
    import csv

    out = []
    for line in (ROOT / "bench/data/crosslingual_abstracts.txt").read_text(encoding="utf-8").splitlines():  # fmt: skip
        if line.startswith("KO: "):
            title, abstract = line[4:].split(" | ", 1)
            out.append((title, abstract))
    with (ROOT / "bench/data/bilingual_titles.tsv").open(encoding="utf-8") as fh:
        titles = [r["ko"] for r in csv.DictReader(fh, delimiter="\t")]
    out += [(t, titles[(i + 7) % len(titles)] + ". " + titles[(i + 13) % len(titles)]) for i, t in enumerate(titles)]  # fmt: skip
    return out


def main() -> None:
    n_apps, n_rev, n_pubs = arg("--apps", 40), arg("--reviewers", 100), arg("--pubs", 8)
    work = Path(tempfile.mkdtemp(prefix="accord-matchbench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="accord.config.settings",
        ACCORD_DATA_DIR=str(work),
        ACCORD_DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        ACCORD_TASKS="immediate",
        ACCORD_DEBUG="true",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import logging

    logging.getLogger("django_tasks").setLevel(logging.WARNING)  # one line per task otherwise

    from tests.factories.applications import CallFactory, make_joint_application, make_researcher
    from tests.factories.directory import PublicationFactory

    from accord.matching.models import AffinityScore, MatchRun
    from accord.matching.services.runs import start_match_run

    rng = random.Random(5)
    sentences = english_sentences()
    korean = korean_texts()

    def english() -> tuple[str, str]:
        words: list[str] = []
        while len(words) < rng.randint(120, 260):
            words += rng.choice(sentences).split()
        title = " ".join(rng.choice(sentences).split()[: rng.randint(6, 14)]).rstrip(".,;:")
        return title, " ".join(words)

    call = CallFactory()
    for _ in range(n_apps):
        title, abstract = english()
        make_joint_application(call=call, state="submitted", title_en=title, summary_en=abstract)
    for r in range(n_rev):
        person = make_researcher("KR" if r % 2 else "GB")
        for p in range(n_pubs):
            if r % 5 == 4:
                title, abstract = korean[(r * n_pubs + p) % len(korean)]
                language = "ko"
            else:
                (title, abstract), language = english(), "en"
            PublicationFactory(
                person=person, title=title, abstract=abstract, year=2012 + p, language=language
            )
    print(machine())
    print(
        f"call: {n_apps} submitted applications × {n_rev} reviewers with {n_pubs} publications "
        f"each ({n_rev * n_pubs} publications, one reviewer in five in Korean)"
    )

    from accord.matching.text_models import embedder, warm_up

    wall, cpu = time.perf_counter(), time.process_time()
    warm_up()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{'loading both models + Korean analyser (warm-up)':<44} {wall:7.1f} s wall {cpu:7.1f} "
        f"CPU-s  (paid once per process, in the background thread at start)"
    )
    wall = time.perf_counter()
    embedder("multilingual").embed(["query: graphene membranes for water desalination"])
    print(
        f"{'one free-text partner-search query (e5)':<44} {time.perf_counter() - wall:7.2f} s "
        "wall, models warm"
    )

    def timed(label: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        run = start_match_run(call=call, actor=None)  # immediate backend: runs to the end here
        run.refresh_from_db()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        scores = AffinityScore.objects.filter(call=call).count()
        print(
            f"{label:<44} {wall:7.1f} s wall {cpu:7.1f} CPU-s  state={run.state} "
            f"scores={scores}  load {os.getloadavg()[0]:.2f}"
        )

    timed("cold (empty cache, models warm)")
    timed("warm (everything cached, models loaded)")
    application = call.applications.first()
    application.summary_en += " We also release the code."
    application.save()
    timed("warm, one application's abstract edited")
    print(f"runs: {MatchRun.objects.count()}; data in {work}")
    print(machine())


if __name__ == "__main__":
    main()
