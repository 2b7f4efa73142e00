"""Build the JSONL/CSV files of the real-text expertise dev set from its three text files.

    python bench/data/expertise/build.py

Reads profiles.txt, submissions.txt and ratings.txt (beside this file) and writes, in the
`accord affinity` input format: reviewers.jsonl, submissions.jsonl, and ratings.csv
(reviewer_id,submission_id,rating,split). See README.md for provenance and the split.

Also reads the Korean translations, profiles_ko.txt and submissions_ko.txt (same format, same
ids, years and order), and writes reviewers_ko.jsonl and submissions_ko.jsonl, with
"language": "ko" on every publication and submission; the ratings are the same.
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
    write_korean(reviewers, submissions)


def write_korean(reviewers: list[dict], submissions: list[dict]) -> None:
    """The Korean version: same ids, years and structure, every text translated."""
    ko_reviewers = parse_profiles((HERE / "profiles_ko.txt").read_text(encoding="utf-8"))
    ko_submissions = parse_submissions((HERE / "submissions_ko.txt").read_text(encoding="utf-8"))
    assert [r["id"] for r in ko_reviewers] == [r["id"] for r in reviewers], "reviewer ids"
    for en, ko in zip(reviewers, ko_reviewers, strict=True):
        years = [p["year"] for p in en["publications"]]
        assert [p["year"] for p in ko["publications"]] == years, f"{ko['id']}: publications"
    assert [s["id"] for s in ko_submissions] == [s["id"] for s in submissions], "submission ids"
    with (HERE / "reviewers_ko.jsonl").open("w", encoding="utf-8") as fh:
        for r in ko_reviewers:
            pubs = [{**p, "language": "ko"} for p in r["publications"]]
            fh.write(json.dumps({"id": r["id"], "publications": pubs}, ensure_ascii=False) + "\n")
    with (HERE / "submissions_ko.jsonl").open("w", encoding="utf-8") as fh:
        for s in ko_submissions:
            fh.write(json.dumps({**s, "language": "ko"}, ensure_ascii=False) + "\n")
    n_pubs = sum(len(r["publications"]) for r in ko_reviewers)
    print(
        f"Korean: {len(ko_reviewers)} reviewers ({n_pubs} publications), {len(ko_submissions)} submissions"
    )


if __name__ == "__main__":
    main()
