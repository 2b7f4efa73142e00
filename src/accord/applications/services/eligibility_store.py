"""Stored automatic eligibility: each application's rule results, kept up to date, so pages about
a whole call read a few aggregates instead of evaluating every application on every request.

- ``store_evaluations`` evaluates applications (in bulk: the call's rules once, everyone's other
  applications in one query) and replaces their stored results. It is called
  - by ``transition_application`` for the application and the other applications of its people
    in the call (the "applications per person" rule counts them), and
  - by ``bump_version`` for an application edited after submission;
- ``start_eligibility_run`` recomputes a whole call in the background (an ``EligibilityRun``
  with progress) after one of its rules, its areas or its dates change;
- ``eligibility_summary`` is the dashboard's table: per rule, how many applications pass and
  fail (officers' overrides applied), from SQL aggregates.

The evaluation itself is ``selectors.eligibility.evaluate_application``: one business rule in one
place; only the automatic result is stored (overrides are applied when counting).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.rules import require
from accord.applications.enums import ApplicationState
from accord.applications.models import (
    Application,
    EligibilityEvaluation,
    EligibilityRun,
    RuleOutcome,
    TeamMember,
)
from accord.applications.selectors.eligibility import (
    INACTIVE_STATES,
    core_rule,
    facts_for,
    for_evaluation,
)
from accord.applications.selectors.officer import eligibility_counts
from accord.common.models import AuditAction, RunState
from accord.common.services.audit import log_action
from accord.common.services.runs import checked
from accord.common.tasking import enqueue_on_commit
from accord.core import eligibility as core
from accord.programmes.models import Call, EligibilityRule

#: Applications with stored results: every one that has left the draft.
STORED_EXCLUDED = (ApplicationState.DRAFT,)
#: Applications evaluated per step of a background recompute (one progress update each).
CHUNK = 200


def _other_counts(call_id: int, person_ids: list[int]) -> dict[int, int]:
    rows = (
        TeamMember.objects.filter(application__call_id=call_id, person_id__in=person_ids)
        .exclude(application__state__in=INACTIVE_STATES)
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["person_id"]: row["n"] for row in rows}


def store_evaluations(application_ids: Iterable[int]) -> int:
    """Evaluate these applications (drafts are skipped) and replace their stored results."""
    ids = sorted(set(application_ids))
    if not ids:
        return 0
    applications = list(
        for_evaluation(
            Application.objects.filter(pk__in=ids).exclude(state__in=STORED_EXCLUDED)
        ).order_by("pk")
    )
    everyone: dict[int, int] = {}
    by_call: dict[int, list[int]] = {}
    for application in applications:
        by_call.setdefault(application.call_id, []).extend(
            m.person_id for m in application.members.all()
        )
    for call_id, people in by_call.items():
        everyone.update(_other_counts(call_id, people))
    now = timezone.now()
    evaluations, outcomes = [], []
    for application in applications:
        itself = 0 if application.state in INACTIVE_STATES else 1
        others = {
            m.person_id: everyone.get(m.person_id, 0) - itself for m in application.members.all()
        }
        evaluation = EligibilityEvaluation(application=application, computed_at=now)
        try:
            rules = [core_rule(r) for r in application.call.rules.all()]
            results = core.evaluate(rules, _facts(application, others))
        except ValueError as exc:  # a misconfigured rule or an incomplete application
            evaluation.problem = str(exc)
            results = []
        evaluation.passed = None if evaluation.problem else all(r.passed for r in results)
        evaluations.append((evaluation, results))
    with transaction.atomic():
        EligibilityEvaluation.objects.filter(
            application_id__in=[a.pk for a in applications]
        ).delete()
        EligibilityEvaluation.objects.bulk_create([e for e, _r in evaluations])
        for evaluation, results in evaluations:
            outcomes += [
                RuleOutcome(
                    evaluation=evaluation,
                    application_id=evaluation.application_id,
                    rule_key=r.key,
                    passed=r.passed,
                )
                for r in results
            ]
        RuleOutcome.objects.bulk_create(outcomes, batch_size=2000)
    return len(applications)


def _facts(application: Application, others: dict[int, int]) -> core.ApplicationFacts:
    return facts_for(application, other_counts=others)


def application_changed(application: Application, *, state_changed: bool) -> None:
    """Keep the stored results of ``application`` (and, when its state changed, of the other
    applications of its people in the call) in step, when the current transaction commits."""
    if application.state in STORED_EXCLUDED and not state_changed:
        return
    ids = {application.pk}
    if state_changed:
        people = TeamMember.objects.filter(application=application).values("person_id")
        ids |= set(
            TeamMember.objects.filter(
                application__call_id=application.call_id, person_id__in=people
            )
            .exclude(application__state__in=STORED_EXCLUDED)
            .values_list("application_id", flat=True)
        )
    store_evaluations(ids)


def start_eligibility_run(*, call: Call, actor: Any) -> EligibilityRun:
    """Recompute the call's stored results in the background (or now, in embedded mode)."""
    require(
        actor,
        "applications.recompute_eligibility",
        call,
        _("Only the call's officers recompute its eligibility results."),
    )
    with transaction.atomic():
        run = EligibilityRun.objects.create(
            call=call, created_by=actor if getattr(actor, "pk", None) else None
        )
        log_action(actor=actor, action=AuditAction.CREATE, instance=run, after={"call": call.pk})
    enqueue_on_commit("accord.applications.tasks.recompute_eligibility", run_id=run.pk)
    return run


def recompute_call(*, run: EligibilityRun) -> EligibilityRun:
    """The work of an ``EligibilityRun``: every non-draft application, a chunk at a time."""
    ids = list(
        Application.objects.filter(call_id=run.call_id)
        .exclude(state__in=STORED_EXCLUDED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    EligibilityRun.objects.filter(pk=run.pk).update(
        state=RunState.RUNNING, stage="evaluating", done=0, total=len(ids)
    )
    for start in range(0, len(ids), CHUNK):
        store_evaluations(ids[start : start + CHUNK])
        EligibilityRun.objects.filter(pk=run.pk).update(done=min(start + CHUNK, len(ids)))
    EligibilityRun.objects.filter(pk=run.pk).update(
        state=RunState.DONE, stage="done", done=len(ids), finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def eligibility_summary(
    call: Call, rules: list[EligibilityRule], counts: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Per rule, how many checked applications pass and fail it (overrides applied), from SQL
    (``selectors.officer.eligibility_counts``; ``counts`` if the caller has them), and the
    call's last recompute run, reaped first if its worker died."""
    return {
        **(counts if counts is not None else eligibility_counts(call, rules)),
        "run": checked(EligibilityRun.objects.filter(call=call).first()),
    }
