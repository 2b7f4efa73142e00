"""Recompute a call's affinities and conflicts in the background, with progress shown to the officer."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.applications.enums import ApplicationState
from accord.applications.models import Application, TeamMember
from accord.common.models import AuditAction
from accord.common.services.audit import log_action
from accord.core import affinity as core_affinity
from accord.core import conflicts as core_conflicts
from accord.directory.models import Person, Publication
from accord.matching.models import AffinityScore, Conflict, MatchRun, RunState
from accord.matching.services.encode import (
    conflict_inputs,
    embedding_cache,
    reference_date,
    reviewers_of,
    submission_of,
)
from accord.programmes.models import Call

log = logging.getLogger(__name__)

# Applications that are matched: everything submitted and not withdrawn or ruled out.
MATCHED_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.ELIGIBLE,
    ApplicationState.IN_REVIEW,
    ApplicationState.AT_PANEL,
)


def reviewer_pool(call: Call) -> list[Person]:
    """People who can review: everyone in the directory with a publication record."""
    return list(
        Person.objects.filter(publications__isnull=False)
        .distinct()
        .select_related("organisation")
        .prefetch_related(Prefetch("publications", queryset=Publication.objects.order_by("id")))
        .order_by("pk")
    )


def matched_applications(call: Call) -> list[Application]:
    return list(
        Application.objects.filter(call=call, state__in=MATCHED_STATES)
        .select_related("call")
        .prefetch_related(Prefetch("members", queryset=TeamMember.objects.select_related("person")))
        .order_by("pk")
    )


def start_match_run(*, call: Call, actor: Any) -> MatchRun:
    """Create a run and hand it to the background worker (or run it now in embedded mode)."""
    from accord.matching.tasks import run_matching

    with transaction.atomic():
        run = MatchRun.objects.create(
            call=call, created_by=actor if getattr(actor, "pk", None) else None
        )
        log_action(actor=actor, action=AuditAction.CREATE, instance=run, after={"call": call.pk})
    transaction.on_commit(lambda: run_matching.enqueue(run_id=run.pk))
    return run


class _Progress:
    """Writes progress to the run at most every half second, so the page can show it."""

    def __init__(self, run: MatchRun) -> None:
        self.run = run
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        MatchRun.objects.filter(pk=self.run.pk).update(stage=stage[:60], done=done, total=total)


def compute_matching(
    *, run: MatchRun, config: core_affinity.AffinityConfig | None = None
) -> MatchRun:
    """The work of one run: affinity of every pool member to every matched application, and conflicts."""
    MatchRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, stage="loading")
    call = run.call
    try:
        applications = matched_applications(call)
        pool = reviewer_pool(call)
        result = core_affinity.compute_affinity(
            reviewers_of(pool),
            [submission_of(a) for a in applications],
            config=config,
            cache=embedding_cache(),
            progress=_Progress(run),
        )
        report = core_conflicts.detect_conflicts(
            reference_date=reference_date(applications), **conflict_inputs(applications, pool)
        )  # type: ignore[arg-type]
        scores = []
        for s, application in enumerate(applications):
            for r, person in enumerate(pool):
                pubs = list(person.publications.all())
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
