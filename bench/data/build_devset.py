"""Build the labelled development set for `accord affinity` from corpus_part*.txt.

    .venv/bin/python bench/data/build_devset.py

Writes (deterministically, seed 7) into bench/data/:
  dev_reviewers.jsonl, dev_submissions.jsonl  — the CLI's input format;
  dev_ratings.csv                            — reviewer_id,submission_id,rating (1–5);
  dev_reviewers_ko.jsonl                     — the same reviewers, but every 4th reviewer's
                                               publications are the Korean titles from
                                               bilingual_titles.tsv (cross-lingual profile).
Ratings reflect topical closeness of the submission's subfield to the reviewer's interests:
5 own (primary) subfield, 4 secondary subfield, 3 same area, 2 a declared related subfield,
1 unrelated. Some reviewers also carry an old publication from a far field (their PhD topic),
which the ratings ignore — current expertise is what counts.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_corpus() -> dict[str, dict]:
    subs: dict[str, dict] = {}
    current = None
    for path in sorted(HERE.glob("corpus_part*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                name, area, rel = (x.strip() for x in line[3:].split("|"))
                related = [r.strip() for r in rel.removeprefix("related:").split(",") if r.strip()]
                current = {"name": name, "area": area, "related": related, "papers": []}
                subs[name] = current
            elif line.startswith("T: "):
                current["papers"].append({"title": line[3:].strip(), "abstract": ""})
            elif line.startswith("A: "):
                current["papers"][-1]["abstract"] = line[3:].strip()
    for s in subs.values():
        assert len(s["papers"]) == 5, s["name"]
    return subs


def rating(sub: str, primary: str, secondary: str | None, subs: dict[str, dict]) -> int:
    if sub == primary:
        return 5
    if sub == secondary:
        return 4
    area = subs[sub]["area"]
    if area == subs[primary]["area"] or (secondary and area == subs[secondary]["area"]):
        return 3
    if sub in subs[primary]["related"] or (secondary and sub in subs[secondary]["related"]):
        return 2
    return 1


def main() -> None:
    rng = random.Random(7)
    subs = load_corpus()
    names = list(subs)
    korean = {}
    with (HERE / "bilingual_titles.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            korean[row["en"]] = row["ko"]

    submissions = []
    sub_field = {}
    for name in names:
        for k, paper in enumerate(subs[name]["papers"][3:]):
            sid = f"{name}-s{k}"
            submissions.append({"id": sid, **paper})
            sub_field[sid] = name

    reviewers, reviewers_ko, ratings = [], [], []
    plan = []
    for name in names:
        plan.append((name, subs[name]["related"][0]))
    for name in rng.sample(names, 12):
        same_area = [n for n in names if subs[n]["area"] == subs[name]["area"] and n != name]
        plan.append((name, rng.choice(same_area)))
    for i, (primary, secondary) in enumerate(plan):
        rid = f"R{i:02d}-{primary}"
        pubs = []
        for p in rng.sample(subs[primary]["papers"][:3], rng.choice([2, 3])):
            pubs.append({**p, "year": rng.randint(2019, 2024)})
        for p in rng.sample(subs[secondary]["papers"][:3], rng.choice([1, 2])):
            pubs.append({**p, "year": rng.randint(2015, 2023)})
        if i % 2 == 0:
            far = [
                n
                for n in names
                if subs[n]["area"] not in (subs[primary]["area"], subs[secondary]["area"])
                and n not in subs[primary]["related"]
                and n not in subs[secondary]["related"]
            ]
            p = rng.choice(subs[rng.choice(far)]["papers"][:3])
            pubs.append({**p, "year": rng.randint(2004, 2010)})
        rng.shuffle(pubs)
        reviewers.append({"id": rid, "publications": pubs})
        if i % 4 == 0 and all(p["title"] in korean for p in pubs):
            ko_pubs = [
                {"title": korean[p["title"]], "abstract": "", "year": p["year"], "language": "ko"}
                for p in pubs
            ]
            reviewers_ko.append({"id": rid, "publications": ko_pubs})
        else:
            reviewers_ko.append({"id": rid, "publications": pubs})
        # Rate: both submissions of primary and secondary, plus a graded mix of others.
        pool = {1: [], 2: [], 3: [], 4: [], 5: []}
        for s in submissions:
            pool[rating(sub_field[s["id"]], primary, secondary, subs)].append(s["id"])
        chosen = pool[5] + pool[4]
        for level, n in ((3, 3), (2, 3), (1, 5)):
            chosen += rng.sample(pool[level], min(n, len(pool[level])))
        for sid in chosen:
            ratings.append((rid, sid, rating(sub_field[sid], primary, secondary, subs)))

    def dump(path: Path, rows: list[dict]) -> None:
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    dump(HERE / "dev_reviewers.jsonl", reviewers)
    dump(HERE / "dev_reviewers_ko.jsonl", reviewers_ko)
    dump(HERE / "dev_submissions.jsonl", submissions)
    with (HERE / "dev_ratings.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["reviewer_id", "submission_id", "rating"])
        w.writerows(ratings)
    n_ko = sum(1 for a, b in zip(reviewers, reviewers_ko, strict=True) if a != b)
    print(
        f"{len(reviewers)} reviewers ({n_ko} with Korean profiles in the _ko variant), "
        f"{len(submissions)} submissions, {len(ratings)} ratings"
    )


if __name__ == "__main__":
    main()
