"""Recompute a call's affinities and conflicts in the background, with progress shown to the officer.

A run is split so that several workers (``accord db_worker`` processes) can share it:

1. ``plan_match_run`` (task ``run_matching``) collects every text ``compute_affinity`` will embed,
   per model, leaves out those already in the shared embedding cache, and enqueues one
   ``embed_chunk`` task per ~64 texts; stage "embedding", ``done``/``total`` count chunks.
2. ``embed_match_chunk`` embeds its texts into the shared cache, then adds one to ``done`` with
   an atomic update; the chunk that brings ``done`` to ``total`` enqueues the final task.
3. ``finish_match_run`` (task ``finish_matching``) claims the run (stage "scoring") and calls
   ``compute_matching``, which now finds every embedding cached.

With the immediate backend (embedded mode) each task runs when it is enqueued, so the whole run
happens in order in one process. ``compute_matching`` on its own still does everything (the demo
seed and tests call it directly); the chunks only do its slowest part first, in parallel.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.rules import require
from accord.common.models import AuditAction
from accord.common.services.audit import log_action
from accord.common.tasking import enqueue, queue_is_transactional, runs_in_caller
from accord.core import affinity as core_affinity
from accord.core import conflicts as core_conflicts
from accord.core import text as core_text
from accord.matching.models import AffinityScore, Conflict, MatchRun, RunState
from accord.matching.selectors import matched_applications, reviewer_pool
from accord.matching.selectors.conflict_config import conflict_config_for
from accord.matching.selectors.encode import (
    conflict_inputs,
    embedding_cache,
    reference_date,
    reviewers_of,
    submission_of,
)
from accord.matching.text_models import embedder
from accord.programmes.models import Call

# The background tasks of a run (accord.matching.tasks), named, not imported: see common.tasking.
RUN_MATCHING = "accord.matching.tasks.run_matching"
EMBED_CHUNK = "accord.matching.tasks.embed_chunk"
FINISH_MATCHING = "accord.matching.tasks.finish_matching"


log = logging.getLogger(__name__)


def create_match_run(*, call: Call, actor: Any) -> MatchRun:
    """A new run, audited; :func:`compute_matching` does its work (in the caller's process when
    the caller needs the result at once, as the demo does)."""
    require(actor, "review.manage_call", call, _("Only the call's officers run its matching."))
    with transaction.atomic():
        run = MatchRun.objects.create(
            call=call, created_by=actor if getattr(actor, "pk", None) else None
        )
        log_action(actor=actor, action=AuditAction.CREATE, instance=run, after={"call": call.pk})
    return run


def start_match_run(*, call: Call, actor: Any, background: bool = False) -> MatchRun:
    """Create a run and hand it to the background worker (or run it now in embedded mode).

    With ``background=True`` (a web request) the caller never waits for the work: with the
    database task backend a worker runs it; with the immediate backend (embedded mode) it runs
    in a daemon thread of this process (:func:`run_in_thread`). Either way the page polls the
    run's progress.
    """
    run = create_match_run(call=call, actor=actor)
    transaction.on_commit(lambda: _dispatch(run.pk, background=background))
    return run


_threads: dict[int, threading.Thread] = {}


def _dispatch(run_id: int, *, background: bool) -> None:
    if background and runs_in_caller():
        run_in_thread(run_id)
    else:
        enqueue(RUN_MATCHING, run_id=run_id)


def run_in_thread(run_id: int) -> threading.Thread:
    """Run the whole of run ``run_id`` (plan, chunks, scoring) in a daemon thread; return it.

    The thread closes its database connections when done. :func:`background_thread` finds it.
    """
    from django.db import connections

    def work() -> None:
        try:
            enqueue(RUN_MATCHING, run_id=run_id)
        except Exception:  # the run records its own failures; this is only the last resort
            log.exception("matching run %s failed in its background thread", run_id)
            MatchRun.objects.filter(
                pk=run_id, state__in=[RunState.QUEUED, RunState.RUNNING]
            ).update(state=RunState.FAILED, finished_at=timezone.now())
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name=f"accord-match-run-{run_id}", daemon=True)
    _threads[run_id] = thread
    thread.start()
    return thread


def background_thread(run_id: int) -> threading.Thread | None:
    """The thread :func:`run_in_thread` started for run ``run_id`` in this process, if any."""
    return _threads.get(run_id)


#: Texts per embedding task: about half a minute of MiniLM, a few of e5, on one core.
CHUNK_SIZE = 64


def texts_to_embed(
    reviewers: Sequence[core_affinity.Reviewer],
    submissions: Sequence[core_affinity.Submission],
    config: core_affinity.AffinityConfig | None = None,
) -> dict[str, list[str]]:
    """The texts ``compute_affinity`` will embed, per model ("english", "english-head",
    "multilingual"), unique.

    Follows ``core.affinity.compute_affinity`` / ``pair_similarity``: MiniLM embeds the English
    submissions and publications when there is an English–English pair (the publications only
    up to their first window unless ``config.publications_in_full``), and for the pairs with
    Korean the English side and the Korean side's English gloss (``core.affinity.gloss_pairs``);
    e5 embeds the Korean texts and, when the other side has Korean, the English ones too. A
    lexical-only config embeds nothing.
    """
    config = config or core_affinity.AffinityConfig()
    sub_texts = [s.text for s in submissions]
    sub_langs = [
        core_text.normalise_language(s.language) if s.language else core_text.detect_language(t)
        for s, t in zip(submissions, sub_texts, strict=True)
    ]
    pub_texts: list[str] = []
    pub_langs: list[str] = []
    for reviewer in reviewers:
        for pub in reviewer.publications:
            text = pub.text
            if not text:
                continue
            pub_texts.append(text)
            pub_langs.append(
                core_text.normalise_language(pub.language)
                if pub.language
                else core_text.detect_language(text)
            )
    work: dict[str, list[str]] = {}
    if config.backend == "lexical" or not sub_texts or not pub_texts:
        return work
    s_ko = np.array([lang == "ko" for lang in sub_langs], dtype=bool)
    p_ko = np.array([lang == "ko" for lang in pub_langs], dtype=bool)
    subs: list[str] = []  # MiniLM reads these in full ...
    pubs: list[str] = []  # ... and these up to their first window (unless publications_in_full)
    if (~s_ko).any() and (~p_ko).any():
        subs += [t for t, ko in zip(sub_texts, s_ko, strict=True) if not ko]
        pubs += [t for t, ko in zip(pub_texts, p_ko, strict=True) if not ko]
    # MiniLM also reads the pairs with Korean that the config glosses (a Korean side as its
    # English gloss)
    _, s_gloss, _, p_gloss = core_affinity.gloss_pairs(sub_texts, s_ko, pub_texts, p_ko, config)
    subs += [g.text for g in s_gloss]
    pubs += [g.text for g in p_gloss]
    if subs or pubs:
        if config.publications_in_full:
            work["english"] = list(dict.fromkeys(subs + pubs))
        else:
            work["english"] = list(dict.fromkeys(subs))
            work["english-head"] = list(dict.fromkeys(pubs))
    if s_ko.any() or p_ko.any():  # a Korean–Korean or English–Korean pair exists
        s_need = s_ko | bool(p_ko.any())
        p_need = p_ko | bool(s_ko.any())
        texts = [t for t, need in zip(sub_texts, s_need, strict=True) if need]
        texts += [t for t, need in zip(pub_texts, p_need, strict=True) if need]
        if texts:
            work["multilingual"] = list(dict.fromkeys(texts))
    return work


def embedding_chunks(
    work: dict[str, list[str]], shared: core_text.EmbeddingCache, size: int = CHUNK_SIZE
) -> list[tuple[str, list[str]]]:
    """(model, texts) chunks of at most ``size`` texts that are not in ``shared`` yet."""
    chunks: list[tuple[str, list[str]]] = []
    for kind, texts in work.items():
        model = embedder(kind)
        cached = shared.get_many(model.model_id, texts, model.dim)
        missing = [t for t, v in zip(texts, cached, strict=True) if v is None]
        chunks += [(kind, missing[i : i + size]) for i in range(0, len(missing), size)]
    return chunks


def plan_match_run(
    *, run: MatchRun, config: core_affinity.AffinityConfig | None = None
) -> MatchRun:
    """First step of a batched run: enqueue one embedding task per chunk of uncached texts.

    With nothing to embed, the final step is enqueued at once.
    """
    try:
        conflict_config_for(run.call)  # a bad setting fails the run now, not after the embedding
        applications = matched_applications(run.call)
        pool = reviewer_pool(run.call)
        work = texts_to_embed(reviewers_of(pool), [submission_of(a) for a in applications], config)
        with _cache() as shared:
            chunks = embedding_chunks(work, shared)
    except Exception as exc:
        log.exception("matching run %s failed while planning", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    transactional = queue_is_transactional()
    with transaction.atomic() if transactional else contextlib.nullcontext():
        MatchRun.objects.filter(pk=run.pk).update(
            state=RunState.RUNNING, stage="embedding", done=0, total=len(chunks)
        )
        if not chunks:
            enqueue(FINISH_MATCHING, run_id=run.pk)
        for kind, texts in chunks:
            enqueue(EMBED_CHUNK, run_id=run.pk, model=kind, texts=texts)
    run.refresh_from_db()
    return run


def embed_match_chunk(*, run_id: int, model: str, texts: list[str]) -> int:
    """Embed one chunk into the shared cache, count it done; the last chunk enqueues the scoring.

    Returns how many texts were new. A chunk that fails is logged and still counted: the final
    step embeds whatever is missing, so one bad chunk slows a run down but does not stop it.
    """
    new = 0
    try:
        with _cache() as shared:
            new = core_text.embed_into_cache(embedder(model), texts, shared)
    except Exception:
        log.exception("matching run %s: an embedding chunk failed; scoring will redo it", run_id)
    transactional = queue_is_transactional()
    with transaction.atomic():
        # The UPDATE locks the row until commit, so concurrent chunks count one after another
        # and exactly one of them reads done == total.
        MatchRun.objects.filter(pk=run_id).update(done=F("done") + 1)
        done, total = MatchRun.objects.filter(pk=run_id).values_list("done", "total").get()
        last = done == total
        if last and transactional:
            enqueue(FINISH_MATCHING, run_id=run_id)
    if last and not transactional:
        enqueue(FINISH_MATCHING, run_id=run_id)
    return new


def finish_match_run(
    *, run: MatchRun, config: core_affinity.AffinityConfig | None = None
) -> MatchRun:
    """Last step of a batched run: claim it (stage "scoring") and compute scores and conflicts.

    The claim is a conditional update, so even a duplicate final task computes only once.
    """
    claimed = MatchRun.objects.filter(pk=run.pk, state=RunState.RUNNING, stage="embedding").update(
        stage="scoring", done=0, total=0
    )
    if not claimed:
        run.refresh_from_db()
        return run
    return compute_matching(run=run, config=config, stage="scoring")


class _Progress:
    """Writes progress to the run at most every half second, so the page can show it.

    With a fixed ``stage`` (the final step of a batched run) the core's sub-stages are not
    shown; only its embedding counts are (texts a chunk could not embed), else done/total are 0.
    """

    def __init__(self, run: MatchRun, stage: str | None = None) -> None:
        self.run = run
        self.stage = stage
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        if self.stage is not None:
            if not stage.startswith("embedding"):
                done = total = 0
            stage = self.stage
        MatchRun.objects.filter(pk=self.run.pk).update(stage=stage[:60], done=done, total=total)


class _ProcessEmbedders(core_affinity.Embedders):
    """The models of this process (loaded once per worker, not once per run or chunk)."""

    def get_english(self) -> core_text.Embedder:
        return embedder("english")

    def get_multilingual(self) -> core_text.Embedder:
        return embedder("multilingual")


@contextlib.contextmanager
def _cache() -> Iterator[core_text.EmbeddingCache]:
    shared = embedding_cache()
    try:
        yield shared
    finally:
        shared.close()


def compute_matching(
    *,
    run: MatchRun,
    config: core_affinity.AffinityConfig | None = None,
    conflict_config: core_conflicts.ConflictConfig | None = None,
    stage: str | None = None,
) -> MatchRun:
    """The work of one run: affinity of every pool member to every matched application, and conflicts.

    ``conflict_config`` defaults to the call's own settings (``conflict_config_for``); ``stage`` names
    the whole computation on the progress bar (the batched run's "scoring").
    """
    MatchRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, stage=stage or "loading")
    call = run.call
    try:
        if conflict_config is None:
            conflict_config = conflict_config_for(call)
        applications = matched_applications(call)
        pool = reviewer_pool(call)
        with _cache() as shared:
            result = core_affinity.compute_affinity(
                reviewers_of(pool),
                [submission_of(a) for a in applications],
                config=config,
                cache=shared,
                embedders=_ProcessEmbedders(),
                progress=_Progress(run, stage),
            )
        report = core_conflicts.detect_conflicts(
            reference_date=reference_date(applications),
            config=conflict_config,
            **conflict_inputs(applications, pool),  # type: ignore[arg-type]
        )
        scores = []
        pubs_of = [list(person.publications.all()) for person in pool]
        for s, application in enumerate(applications):
            for r, person in enumerate(pool):
                pubs = pubs_of[r]
                explanation = [
                    {
                        "publication": pubs[int(i)].pk,
                        "title": pubs[int(i)].title,
                        "year": pubs[int(i)].year,
                        "similarity": round(float(result.top_similarity[s, r, t]), 4),
                        "weight": round(float(result.top_weight[s, r, t]), 4),
                    }
                    for t, i in enumerate(result.top_publications[s, r])
                    if i >= 0
                ]
                scores.append(
                    AffinityScore(
                        call=call,
                        application=application,
                        reviewer=person,
                        score=float(result.scores[s, r]),
                        explanation=explanation,
                    )
                )
        conflicts = [
            Conflict(
                call=call,
                application_id=c.application_id,
                reviewer_id=c.reviewer_id,
                type=str(c.type),
                severity=str(c.severity),
                rules=list(c.rules),
                evidence=_jsonable(c.evidence),
                sentence=c.sentence,
                source=c.source,
            )
            for c in report.conflicts
        ]
        with transaction.atomic():
            AffinityScore.objects.filter(call=call).delete()
            AffinityScore.objects.bulk_create(scores, batch_size=2000)
            Conflict.objects.filter(call=call).delete()
            Conflict.objects.bulk_create(conflicts, batch_size=2000, ignore_conflicts=True)
            MatchRun.objects.filter(pk=run.pk).update(
                state=RunState.DONE,
                stage="done",
                done=len(scores),
                total=len(scores),
                finished_at=timezone.now(),
                message=_(
                    "%(scores)s scores for %(apps)s applications and %(people)s reviewers; %(conflicts)s conflicts found."
                )
                % {
                    "scores": len(scores),
                    "apps": len(applications),
                    "people": len(pool),
                    "conflicts": len(conflicts),
                },
            )
    except Exception as exc:  # the run records what went wrong; nothing half-written is kept
        log.exception("matching run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
