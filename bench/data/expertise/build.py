"""Build the JSONL/CSV files of the real-text expertise dev set from its three text files.

    python bench/data/expertise/build.py

Reads profiles.txt, submissions.txt and ratings.txt (beside this file) and writes, in the
`accord affinity` input format: reviewers.jsonl, submissions.jsonl, and ratings.csv
(reviewer_id,submission_id,rating,split). See README.md for provenance and the split.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse_profiles(text: str) -> list[dict]:
    reviewers: list[dict] = []
    for line in text.splitlines():
        if line.startswith("## "):
            rid, area = (x.strip() for x in line[3:].split("|", 1))
            reviewers.append({"id": rid, "area": area, "publications": []})
        elif line.startswith("P: "):
            year, title, abstract = (x.strip() for x in line[3:].split(" | ", 2))
            reviewers[-1]["publications"].append(
                {"title": title, "abstract": abstract, "year": int(year)}
            )
    return reviewers


def parse_submissions(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        if line.startswith("S: "):
            sid, title, abstract = (x.strip() for x in line[3:].split(" | ", 2))
            out.append({"id": sid, "title": title, "abstract": abstract})
    return out


def parse_ratings(text: str) -> list[tuple[str, str, int, str]]:
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rid, rest = line.split(":", 1)
        split = "tune" if int(rid[1:]) % 2 == 1 else "test"
        for item in rest.split():
            sid, value = item.split("=")
            rows.append((rid.strip(), sid, int(value), split))
    return rows


def main() -> None:
    reviewers = parse_profiles((HERE / "profiles.txt").read_text(encoding="utf-8"))
    submissions = parse_submissions((HERE / "submissions.txt").read_text(encoding="utf-8"))
    ratings = parse_ratings((HERE / "ratings.txt").read_text(encoding="utf-8"))
    sids = {s["id"] for s in submissions}
    rids = {r["id"] for r in reviewers}
    assert all(r in rids and s in sids for r, s, _, _ in ratings), "rating of unknown id"
    assert len({(r, s) for r, s, _, _ in ratings}) == len(ratings), "duplicate rating"
    with (HERE / "reviewers.jsonl").open("w", encoding="utf-8") as fh:
        for r in reviewers:
            fh.write(json.dumps({"id": r["id"], "publications": r["publications"]}) + "\n")
    with (HERE / "submissions.jsonl").open("w", encoding="utf-8") as fh:
        for s in submissions:
            fh.write(json.dumps(s) + "\n")
    with (HERE / "ratings.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["reviewer_id", "submission_id", "rating", "split"])
        w.writerows(ratings)
    print(f"{len(reviewers)} reviewers, {len(submissions)} submissions, {len(ratings)} ratings")


if __name__ == "__main__":
    main()
