"""`accord affinity`: reviewer × submission expertise scores from JSONL files (no Django).

    accord affinity --reviewers R.jsonl --submissions S.jsonl --out scores.csv
                    [--backend hybrid|dense|lexical] [--aggregation softmax|topk|max|mean]
                    [--explain explain.jsonl] [--cache-dir DIR] [--quiet]

Everything is read and validated before any scoring; output files are written to a temporary
file in the same folder and moved into place, so an error never leaves a partial file.
Exit codes: 0 success, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from accord.core import csvsafe

PROG = "accord affinity"
MAX_FIELD_CHARS = 20_000  # a title or abstract longer than this is an input error
MAX_LINE_BYTES = 50_000_000


class InputError(Exception):
    """Bad input; the message says what is wrong, where, and what to fix."""


@dataclass
class Loaded:
    reviewers: list[Any]
    submissions: list[Any]
    warnings: list[str]


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        for lineno, raw in enumerate(handle, start=1):
            if len(raw) > MAX_LINE_BYTES:
                raise InputError(
                    f"{path}:{lineno}: line is {len(raw):,} bytes; the limit is "
                    f"{MAX_LINE_BYTES:,}: shorten the abstracts"
                )
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{path}:{lineno}: not valid UTF-8 (byte {exc.start}): save the file as UTF-8"
                ) from exc
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{path}:{lineno}: invalid JSON ({exc.msg} at column {exc.colno}): "
                    "each line must be one JSON object"
                ) from exc
            if not isinstance(obj, dict):
                raise InputError(
                    f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}"
                )
            yield lineno, obj


def _id(obj: dict[str, Any], where: str) -> str:
    if "id" not in obj:
        raise InputError(f"{where}: missing field 'id'")
    value = obj["id"]
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise InputError(f"{where}: 'id' must be a non-empty string or integer, got {value!r}")
    return str(value)


def _text(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}: '{key}' must be a string, got {type(value).__name__}")
    if len(value) > MAX_FIELD_CHARS:
        raise InputError(
            f"{where}: '{key}' is {len(value):,} characters; the limit is "
            f"{MAX_FIELD_CHARS:,}: give the abstract only, not the full text"
        )
    return value.strip()


def _language(obj: dict[str, Any], where: str) -> str | None:
    from accord.core.text import TextError, normalise_language

    value = obj.get("language")
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f'{where}: \'language\' must be a string such as "en" or "ko"')
    try:
        return normalise_language(value)
    except TextError as exc:
        raise InputError(f"{where}: {exc}") from exc


def load_inputs(reviewers_path: Path, submissions_path: Path) -> Loaded:
    """Read and validate both files completely; raise InputError on the first real error."""
    from accord.core.affinity import Publication, Reviewer, Submission

    warnings: list[str] = []
    reviewers: list[Reviewer] = []
    seen: dict[str, int] = {}
    for lineno, obj in _read_jsonl(reviewers_path):
        where = f"{reviewers_path}:{lineno}"
        rid = _id(obj, where)
        where = f"{where} (reviewer {rid!r})"
        if rid in seen:
            raise InputError(
                f"{where}: duplicate reviewer id, first seen on line {seen[rid]}: "
                "merge the two records or rename one"
            )
        seen[rid] = lineno
        if "publications" not in obj:
            raise InputError(f"{where}: missing field 'publications' (a list, may be empty)")
        pubs_raw = obj["publications"]
        if not isinstance(pubs_raw, list):
            raise InputError(f"{where}: 'publications' must be a list of objects")
        pubs: list[Publication] = []
        for j, p in enumerate(pubs_raw):
            pw = f"{where} publication #{j}"
            if not isinstance(p, dict):
                raise InputError(f"{pw}: expected an object with 'title' and 'abstract'")
            title = _text(p, "title", pw)
            abstract = _text(p, "abstract", pw)
            year = p.get("year")
            if year is not None and (
                isinstance(year, bool) or not isinstance(year, int | float | str)
            ):
                raise InputError(f"{pw}: 'year' must be a number such as 2021, got {year!r}")
            if year is not None and year != "":
                try:
                    year_i = int(float(year))
                except ValueError as exc:
                    raise InputError(
                        f"{pw}: 'year' must be a number such as 2021, got {year!r}"
                    ) from exc
                if not 1800 <= year_i <= 2200:
                    raise InputError(f"{pw}: 'year' {year_i} is out of range 1800–2200")
            else:
                year_i = None
            language = _language(p, pw)
            if not title and not abstract:
                warnings.append(f"{pw}: no title and no abstract; skipped")
                continue
            if not abstract:
                warnings.append(f"{pw}: empty abstract; using the title only")
            pubs.append(Publication(title, abstract, year_i, language))
        if not pubs:
            warnings.append(f"{where}: no usable publications; all their scores will be 0")
        reviewers.append(Reviewer(rid, tuple(pubs)))

    submissions: list[Submission] = []
    seen = {}
    for lineno, obj in _read_jsonl(submissions_path):
        where = f"{submissions_path}:{lineno}"
        sid = _id(obj, where)
        where = f"{where} (submission {sid!r})"
        if sid in seen:
            raise InputError(
                f"{where}: duplicate submission id, first seen on line {seen[sid]}: "
                "submission ids must be unique"
            )
        seen[sid] = lineno
        missing = [k for k in ("title", "abstract") if k not in obj]
        if len(missing) == 2:
            raise InputError(f"{where}: missing fields 'title' and 'abstract'")
        title = _text(obj, "title", where)
        abstract = _text(obj, "abstract", where)
        language = _language(obj, where)
        if not title and not abstract:
            raise InputError(f"{where}: both 'title' and 'abstract' are empty: nothing to match")
        if not abstract:
            warnings.append(f"{where}: empty or missing abstract; using the title only")
        elif not title:
            warnings.append(f"{where}: empty or missing title; using the abstract only")
        submissions.append(Submission(sid, title, abstract, language))
    if not reviewers:
        raise InputError(f"{reviewers_path}: no reviewers (the file has no JSON lines)")
    if not submissions:
        raise InputError(f"{submissions_path}: no submissions (the file has no JSON lines)")
    return Loaded(reviewers, submissions, warnings)


def _atomic_write(path: Path, write: Callable[[TextIO], None]) -> None:
    directory = path.resolve().parent
    if not directory.is_dir():
        raise InputError(f"{path}: folder {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage != self.stage or done >= total or now - self.last > 2.0:
            elapsed = now - self.start
            detail = f" {done}/{total}" if total > 1 else ""
            print(f"{PROG}: [{elapsed:6.1f}s] {stage}{detail}", file=sys.stderr, flush=True)
            self.stage, self.last = stage, now


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("--reviewers", required=True, type=Path, help="JSONL: {id, publications}")
    p.add_argument("--submissions", required=True, type=Path, help="JSONL: {id, title, abstract}")
    p.add_argument("--out", required=True, type=Path, help="CSV: reviewer_id,submission_id,score")
    p.add_argument("--backend", choices=["hybrid", "dense", "lexical"], default="hybrid")
    p.add_argument("--aggregation", choices=["softmax", "topk", "max", "mean"], default=None)
    p.add_argument("--half-life", type=float, default=None, help="recency half-life, years")
    p.add_argument("--explain", type=Path, default=None, help="JSONL: top publications per pair")
    p.add_argument(
        "--cache-dir", type=Path, default=os.environ.get("ACCORD_CACHE_DIR") or None,
        help="reuse embeddings across runs (default: $ACCORD_CACHE_DIR, else in memory)",
    )  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="no progress or warnings on stderr")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from accord.core.affinity import AffinityConfig, compute_affinity
    from accord.core.text import EmbeddingCache

    loaded = load_inputs(args.reviewers, args.submissions)
    for path in (args.out, args.explain):
        if path is not None and not path.resolve().parent.is_dir():
            raise InputError(f"{path}: folder {path.resolve().parent} does not exist")
    if not args.quiet:
        shown = loaded.warnings[:20]
        for w in shown:
            print(f"{PROG}: warning: {w}", file=sys.stderr)
        if len(loaded.warnings) > len(shown):
            print(
                f"{PROG}: warning: ... and {len(loaded.warnings) - len(shown)} more like these",
                file=sys.stderr,
            )
    config = AffinityConfig(backend=args.backend)
    if args.aggregation:
        config = replace(config, aggregation=args.aggregation)
    if args.half_life is not None:
        config = replace(config, half_life_years=args.half_life if args.half_life > 0 else None)
    cache = EmbeddingCache(args.cache_dir)
    progress = _Progress(enabled=not args.quiet)
    n_r, n_s = len(loaded.reviewers), len(loaded.submissions)
    progress(f"scoring {n_r} reviewers × {n_s} submissions", 0, 1)
    result = compute_affinity(
        loaded.reviewers, loaded.submissions, config=config, cache=cache, progress=progress
    )
    scores = result.scores

    def write_csv(handle: TextIO) -> None:
        w = csvsafe.writer(handle, lineterminator="\n")
        w.writerow(["reviewer_id", "submission_id", "score"])
        for r, rev in enumerate(loaded.reviewers):
            for s, sub in enumerate(loaded.submissions):
                w.writerow([rev.id, sub.id, f"{scores[s, r]:.6f}"])

    def write_explain(handle: TextIO) -> None:
        for r, rev in enumerate(loaded.reviewers):
            for s, sub in enumerate(loaded.submissions):
                pubs = []
                for t in range(result.top_publications.shape[2]):
                    j = int(result.top_publications[s, r, t])
                    if j < 0:
                        continue
                    pub = rev.publications[j]
                    pubs.append(
                        {
                            "index": j,
                            "title": pub.title,
                            "year": pub.year,
                            "similarity": round(float(result.top_similarity[s, r, t]), 4),
                            "weight": round(float(result.top_weight[s, r, t]), 4),
                        }
                    )
                record = {
                    "reviewer_id": rev.id,
                    "submission_id": sub.id,
                    "score": round(float(scores[s, r]), 6),
                    "publications": pubs,
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    if args.explain is not None:
        _atomic_write(args.explain, write_explain)
    _atomic_write(args.out, write_csv)
    progress(f"wrote {n_r * n_s} scores to {args.out}", 1, 1)
    return 0
