"""Reviewer assignment for a call: solve it exactly in the background, adjust by hand, publish, and
re-solve incrementally when a reviewer declines.

The call is encoded as a core instance, and the core's structured errors and broken rules are
worded, by ``selectors.assignment`` (``build_instance``, ``failure_message``, ``broken_rules``).
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accord.accounts.rules import require
from accord.applications.enums import ApplicationState
from accord.applications.models import Application
from accord.applications.services.lifecycle import transition_application
from accord.common.models import AuditAction
from accord.common.services.audit import log_action
from accord.common.tasking import enqueue_on_commit
from accord.core.assignment import (
    AssignmentInstance,
    InfeasibleAssignmentError,
    InstanceError,
    resolve,
    solve,
    solve_fair,
)
from accord.directory.models import Person
from accord.programmes.models import Call
from accord.review.enums import AssignmentMode, AssignmentState
from accord.review.models import Assignment, AssignmentRun, ReviewerInvitation
from accord.review.selectors.assignment import (
    ASSIGNED_STATES,
    LIVE_STATES,
    broken_rules,
    build_instance,
    failure_message,
    live_pairs,
)
from accord.review.selectors.pool import addresses_of
from accord.review.services.pool import send_in_language

log = logging.getLogger(__name__)


# Run states (the model keeps them as plain text) and the stages shown while a run works;
# the stage texts are translated when shown ({% translate run.stage %}).
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STAGE_LOADING = gettext_noop("Reading the pool, the applications and the conflicts")
STAGE_SOLVING = gettext_noop("Solving")
STAGE_SAVING = gettext_noop("Saving the assignment")
STAGE_DONE = gettext_noop("Finished")
ASSIGNED_SUBJECT = gettext_noop("Accord: applications for you to review in %(call)s")


def _as_array(pairs: Iterable[tuple[int, int]]) -> np.ndarray:
    return np.asarray(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def _finite(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _lock(call: Call) -> Call:
    """Serialise the writes to a call's assignment (runs, hand changes, publication, declines)."""
    return Call.objects.select_for_update().get(pk=call.pk)


# --- runs --------------------------------------------------------------------------------------


def create_assignment_run(*, call: Call, mode: str, actor: Any) -> AssignmentRun:
    """A queued run, audited; :func:`compute_assignment` does its work (in the caller's process
    and transaction when the caller needs the result at once, as the demo does)."""
    require(actor, "review.manage_call", call, _("Only the call's officers assign its reviewers."))
    if mode not in AssignmentMode.values:
        raise ValidationError({"mode": _("Choose how to assign.")})
    with transaction.atomic():
        run = AssignmentRun.objects.create(
            call=call,
            mode=mode,
            state=QUEUED,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        log_action(
            actor=actor,
            action=AuditAction.CREATE,
            instance=run,
            after={"call": call.pk, "mode": mode},
        )
    return run


def start_assignment_run(*, call: Call, mode: str, actor: Any) -> AssignmentRun:
    """Create a run and hand it to the background worker (run at once in embedded mode)."""
    run = create_assignment_run(call=call, mode=mode, actor=actor)
    enqueue_on_commit("accord.review.tasks.run_assignment", run_id=run.pk)
    return run


def compute_assignment(*, run: AssignmentRun) -> AssignmentRun:
    """The work of one run.

    Solves the call (mode total: :func:`solve`; fair: :func:`solve_fair`). Once assignments are
    published, it re-solves with :func:`resolve` instead, keeping every published pair it can and
    recording how many moved. Then, in one transaction: the call's proposed assignments are
    replaced by the new ones, published pairs the re-solve dropped are removed, the certificate
    (objective, bound, gap, seconds) is stored on the run, and the audit log is written. When no
    assignment exists the run fails with the reason in words and nothing else changes.
    """
    AssignmentRun.objects.filter(pk=run.pk).update(state=RUNNING, stage=STAGE_LOADING)
    call = run.call
    applications: list[Application] = []
    reviewers: list[Person] = []
    try:
        instance, applications, reviewers = build_instance(call)
        published = {(a, r): pk for a, r, pk in _published(call, applications, reviewers)}
        AssignmentRun.objects.filter(pk=run.pk).update(stage=STAGE_SOLVING)
        started = time.perf_counter()
        moved: int | None = None
        if published:
            outcome = resolve(instance, _as_array(published))
            result: Any = outcome.result
            moved = outcome.moved
        elif run.mode == AssignmentMode.FAIR:
            result = solve_fair(instance)
        else:
            result = solve(instance)
        seconds = time.perf_counter() - started
        AssignmentRun.objects.filter(pk=run.pk).update(stage=STAGE_SAVING)
        pairs = {(int(p), int(r)) for p, r in result.pairs}
        with transaction.atomic():
            _lock(call)
            _total, deleted = Assignment.objects.filter(
                call=call, state=AssignmentState.PROPOSED
            ).delete()
            removed_proposed = deleted.get(Assignment._meta.label, 0)
            dropped = [pk for pair, pk in published.items() if pair not in pairs]
            Assignment.objects.filter(pk__in=dropped).delete()
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        call=call,
                        application=applications[p],
                        reviewer=reviewers[r],
                        run=run,
                        affinity=float(instance.affinity[p, r]),
                        state=AssignmentState.PROPOSED,
                    )
                    for p, r in sorted(pairs)
                    if (p, r) not in published
                ],
                batch_size=2000,
            )
            values = {
                "state": DONE,
                "stage": STAGE_DONE,
                "objective": _finite(result.objective),
                "bound": _finite(result.bound),
                "gap": _finite(result.gap),
                "seconds": seconds,
                "moved": moved,
                "message": "",
                "finished_at": timezone.now(),
            }
            AssignmentRun.objects.filter(pk=run.pk).update(**values)
            log_action(
                actor=run.created_by,
                action=AuditAction.STATE,
                instance=run,
                before={"state": QUEUED},
                after={
                    **values,
                    "pairs": len(pairs),
                    "proposed_replaced": removed_proposed,
                    "published_dropped": dropped,
                },
            )
    except (InfeasibleAssignmentError, InstanceError) as exc:
        _fail(run, failure_message(exc, call, applications, reviewers))
    except Exception as exc:  # the run records what went wrong; nothing half-written is kept
        log.exception("assignment run %s failed", run.pk)
        _fail(run, str(exc))
    run.refresh_from_db()
    return run


def _published(
    call: Call, applications: list[Application], reviewers: list[Person]
) -> list[tuple[int, int, int]]:
    rows = {a.pk: i for i, a in enumerate(applications)}
    cols = {p.pk: j for j, p in enumerate(reviewers)}
    return [
        (rows[a], cols[r], pk)
        for a, r, pk in Assignment.objects.filter(
            call=call, state=AssignmentState.PUBLISHED
        ).values_list("application_id", "reviewer_id", "pk")
        if a in rows and r in cols
    ]


def _fail(run: AssignmentRun, message: str) -> None:
    with transaction.atomic():
        AssignmentRun.objects.filter(pk=run.pk).update(
            state=FAILED, message=message[:4000], finished_at=timezone.now()
        )
        log_action(
            actor=run.created_by,
            action=AuditAction.STATE,
            instance=run,
            before={"state": QUEUED},
            after={"state": FAILED},
            reason=message[:4000],
        )


# --- by hand -----------------------------------------------------------------------------------


def set_assignment_by_hand(
    *,
    call: Call,
    application: Application,
    reviewer: Person,
    assign: bool,
    actor: Any,
    instead_of: Person | None = None,
) -> Assignment | None:
    """Add (``assign``) or remove one pair; with ``instead_of``, add the pair in place of
    ``instead_of``'s pair on the same application (a swap, checked as one change).

    The resulting set of proposed and published pairs is checked against every constraint
    (``check_assignment``: reviewers per application, each country, conflicts, loads); if any is
    violated, a ValidationError gives the core's reasons and nothing changes. Audited. Returns
    the new assignment, or None after a removal.
    """
    with transaction.atomic():
        _lock(call)
        try:
            instance, applications, reviewers = build_instance(call)
        except (InstanceError, InfeasibleAssignmentError) as exc:
            raise ValidationError(failure_message(exc, call, [], [])) from None
        rows = {a.pk: i for i, a in enumerate(applications)}
        cols = {p.pk: j for j, p in enumerate(reviewers)}
        if application.pk not in rows:
            raise ValidationError(
                {"application": _("Only eligible applications and those in review are assigned.")}
            )
        for field, person in (("reviewer", reviewer), ("instead_of", instead_of)):
            if person is not None and person.pk not in cols:
                raise ValidationError(
                    {
                        field: _("%(name)s has not accepted to review for this call.")
                        % {"name": person.name_en}
                    }
                )
        p, r = rows[application.pk], cols[reviewer.pk]
        current = live_pairs(call, applications, reviewers)
        wanted = set(current)
        if assign:
            if (p, r) in current:
                raise ValidationError(
                    {
                        "reviewer": _("%(name)s already reviews this application.")
                        % {"name": reviewer.name_en}
                    }
                )
            wanted.add((p, r))
            if instead_of is not None:
                q = cols[instead_of.pk]
                if (p, q) not in current:
                    raise ValidationError(
                        {
                            "instead_of": _("%(name)s does not review this application.")
                            % {"name": instead_of.name_en}
                        }
                    )
                wanted.discard((p, q))
        else:
            if (p, r) not in current:
                raise ValidationError(
                    {
                        "reviewer": _("%(name)s does not review this application.")
                        % {"name": reviewer.name_en}
                    }
                )
            wanted.discard((p, r))
        problems = broken_rules(instance, _as_array(wanted), call, applications, reviewers)
        if problems:
            raise ValidationError(
                _("Refused; the assignment would break these rules: %(problems)s.")
                % {"problems": problems},
                code="constraint",
            )
        removed = [reviewer] if not assign else ([instead_of] if instead_of is not None else [])
        for person in removed:
            old = Assignment.objects.get(
                call=call, application=application, reviewer=person, state__in=LIVE_STATES
            )
            log_action(
                actor=actor,
                action=AuditAction.DELETE,
                instance=old,
                before={"application": application.pk, "reviewer": person.pk, "state": old.state},
                reason=_("set by hand"),
            )
            old.delete()
        if not assign:
            return None
        created = Assignment.objects.create(
            call=call,
            application=application,
            reviewer=reviewer,
            affinity=float(instance.affinity[p, r]),
            state=AssignmentState.PROPOSED,
            by_hand=True,
        )
        log_action(
            actor=actor,
            action=AuditAction.CREATE,
            instance=created,
            after={
                "application": application.pk,
                "reviewer": reviewer.pk,
                "instead_of": instead_of.pk if instead_of is not None else None,
                "by_hand": True,
            },
        )
        return created


# --- publication and declines --------------------------------------------------------------------


def publish_assignments(*, call: Call, actor: Any, base_url: str = "") -> list[Assignment]:
    """Publish the call's proposed assignments.

    Checks the whole assignment (proposed and published pairs) against every constraint first;
    then each proposed assignment becomes published (audited), each assigned application that is
    eligible moves to in review (``transition_application``), and each reviewer gets one e-mail,
    in their language, listing only their own new applications.
    """
    with transaction.atomic():
        _lock(call)
        try:
            instance, applications, reviewers = build_instance(call)
        except (InstanceError, InfeasibleAssignmentError) as exc:
            raise ValidationError(failure_message(exc, call, [], [])) from None
        problems = broken_rules(
            instance,
            _as_array(live_pairs(call, applications, reviewers)),
            call,
            applications,
            reviewers,
        )
        if problems:
            raise ValidationError(
                _("Not published; the assignment breaks these rules: %(problems)s.")
                % {"problems": problems},
                code="constraint",
            )
        proposed = list(
            Assignment.objects.filter(
                call=call,
                state=AssignmentState.PROPOSED,
                application__state__in=ASSIGNED_STATES,
            )
            .select_related("application", "reviewer")
            .order_by("reviewer_id", "application__reference")
        )
        if not proposed:
            raise ValidationError(_("There is nothing to publish."), code="empty")
        _publish(proposed, actor=actor)
        _notify(call, proposed, base_url=base_url)
        return proposed


def _publish(assignments: list[Assignment], *, actor: Any) -> None:
    """Mark ``assignments`` published (audited) and move their eligible applications to review."""
    moving: dict[int, Application] = {}
    for assignment in assignments:
        assignment.state = AssignmentState.PUBLISHED
        assignment.save(update_fields=["state", "updated_at"])
        log_action(
            actor=actor,
            action=AuditAction.STATE,
            instance=assignment,
            before={"state": AssignmentState.PROPOSED},
            after={"state": AssignmentState.PUBLISHED},
        )
        if assignment.application.state == ApplicationState.ELIGIBLE:
            moving[assignment.application_id] = assignment.application
    for application in moving.values():
        transition_application(application=application, to=ApplicationState.IN_REVIEW, actor=actor)


def _notify(call: Call, assignments: list[Assignment], *, base_url: str) -> None:
    """One e-mail per reviewer with their own new assignments (never anyone else's)."""
    mine: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        mine[assignment.reviewer_id].append(assignment)
    people = {a.reviewer_id: a.reviewer for a in assignments}
    addresses = addresses_of(people.values())
    due = dict(
        ReviewerInvitation.objects.filter(call=call, person_id__in=list(people)).values_list(
            "person_id", "due"
        )
    )
    link = base_url + reverse("review:assignments")
    decline_link = base_url + reverse("review_assign:invitations")
    for person_id, own in mine.items():
        address = addresses.get(person_id)
        if not address:
            continue
        send_in_language(
            person=people[person_id],
            address=address,
            subject=ASSIGNED_SUBJECT,
            template="review/assign/email/assigned.txt",
            context={
                "call": call,
                "assignments": own,
                "due": due.get(person_id),
                "link": link,
                "decline_link": decline_link,
            },
        )


def decline_assignment(
    *, assignment: Assignment, user: Any, reason: str, base_url: str = ""
) -> AssignmentRun:
    """The reviewer declines one published assignment (a reason is required).

    In one short transaction: the pair becomes declined (forbidden from now on), a queued run
    is created, both audited; the re-solve that replaces the reviewer
    (:func:`resolve_after_decline`) runs in the background task
    :func:`accord.review.tasks.resolve_decline`, not in the request, and the officers' page
    follows the run's progress. Returns the queued run.
    """
    person_id = (
        getattr(user, "person_id", None) if getattr(user, "is_authenticated", False) else None
    )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the programme officers why you decline.")})
    with transaction.atomic():
        call = _lock(assignment.call)
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if person_id is None or locked.reviewer_id != person_id:
            raise ValidationError(_("Only the assigned reviewer can decline."), code="not_reviewer")
        if (
            locked.state != AssignmentState.PUBLISHED
            or not Application.objects.filter(
                pk=locked.application_id, state__in=ASSIGNED_STATES
            ).exists()
        ):
            raise ValidationError(_("This assignment cannot be declined."), code="not_published")
        run = AssignmentRun.objects.create(
            call=call,
            mode=AssignmentMode.TOTAL,
            state=QUEUED,
            created_by=user,
        )
        locked.state = AssignmentState.DECLINED
        locked.decline_reason = reason
        locked.save(update_fields=["state", "decline_reason", "updated_at"])
        log_action(
            actor=user,
            action=AuditAction.STATE,
            instance=locked,
            before={"state": AssignmentState.PUBLISHED},
            after={"state": AssignmentState.DECLINED},
            reason=reason,
        )
        log_action(
            actor=user,
            action=AuditAction.CREATE,
            instance=run,
            after={"call": call.pk, "mode": AssignmentMode.TOTAL, "declined": locked.pk},
        )
    enqueue_on_commit(
        "accord.review.tasks.resolve_decline",
        run_id=run.pk,
        assignment_id=locked.pk,
        base_url=base_url,
    )
    return run


#: Attempts of a re-solve whose inputs changed while it solved (another decline, a hand edit).
RESOLVE_ATTEMPTS = 3


def resolve_after_decline(
    *, run: AssignmentRun, assignment: Assignment, base_url: str = ""
) -> AssignmentRun:
    """The work of the re-solve after ``assignment`` was declined (a background task).

    Solves outside any lock (``resolve``: the fewest moved pairs first, then the largest total
    affinity), then, in one transaction with the call locked, checks that the live pairs are
    still those it solved for (else solves again, up to :data:`RESOLVE_ATTEMPTS` times), and
    writes: pairs the re-solve had to move are removed, the replacements are created, those of
    applications already in review are published at once (their reviewers e-mailed), the
    certificate and ``moved`` are stored on the run; all audited. If no replacement exists the
    decline still stands and the run fails with the reason, for the officers to act on.
    """
    user = run.created_by
    AssignmentRun.objects.filter(pk=run.pk).update(state=RUNNING, stage=STAGE_LOADING)
    call = run.call
    applications: list[Application] = []
    reviewers: list[Person] = []
    try:
        for _attempt in range(RESOLVE_ATTEMPTS):
            instance, applications, reviewers = build_instance(call)
            rows = {a.pk: i for i, a in enumerate(applications)}
            cols = {p.pk: j for j, p in enumerate(reviewers)}
            live = live_pairs(call, applications, reviewers)
            declined_pair = None
            if assignment.application_id in rows and assignment.reviewer_id in cols:
                declined_pair = (rows[assignment.application_id], cols[assignment.reviewer_id])
            previous = live | ({declined_pair} if declined_pair else set())
            AssignmentRun.objects.filter(pk=run.pk).update(stage=STAGE_SOLVING)
            started = time.perf_counter()
            outcome = resolve(
                instance,
                _as_array(previous),
                declined=[declined_pair] if declined_pair else [],
            )
            seconds = time.perf_counter() - started
            AssignmentRun.objects.filter(pk=run.pk).update(stage=STAGE_SAVING)
            with transaction.atomic():
                _lock(call)
                if live_pairs(call, applications, reviewers) != live:
                    continue  # changed while solving: solve again on the new state
                _apply_resolve(
                    run, call, instance, applications, reviewers, outcome, declined_pair, user,
                    seconds, base_url,
                )  # fmt: skip
                break
        else:
            _fail(run, _("The assignment kept changing while it was re-solved; run it again."))
    except (InfeasibleAssignmentError, InstanceError) as exc:
        _fail(run, failure_message(exc, call, applications, reviewers))
    except Exception as exc:  # the run records what went wrong; nothing half-written is kept
        log.exception("re-solve run %s failed", run.pk)
        _fail(run, str(exc))
    run.refresh_from_db()
    return run


def _apply_resolve(
    run: AssignmentRun,
    call: Call,
    instance: AssignmentInstance,
    applications: list[Application],
    reviewers: list[Person],
    outcome: Any,
    declined_pair: tuple[int, int] | None,
    user: Any,
    seconds: float,
    base_url: str,
) -> None:
    """Write a re-solve's outcome (inside the caller's transaction, call locked)."""
    for p, r in outcome.removed:
        if (int(p), int(r)) == declined_pair:
            continue
        gone = Assignment.objects.get(
            call=call, application=applications[p], reviewer=reviewers[r], state__in=LIVE_STATES
        )
        log_action(
            actor=user,
            action=AuditAction.DELETE,
            instance=gone,
            before={
                "application": gone.application_id,
                "reviewer": gone.reviewer_id,
                "state": gone.state,
            },
            reason=_("moved by the re-solve after a decline"),
        )
        gone.delete()
    added = [
        Assignment.objects.create(
            call=call,
            application=applications[p],
            reviewer=reviewers[r],
            run=run,
            affinity=float(instance.affinity[p, r]),
            state=AssignmentState.PROPOSED,
        )
        for p, r in outcome.added
    ]
    for new in added:
        log_action(
            actor=user,
            action=AuditAction.CREATE,
            instance=new,
            after={"application": new.application_id, "reviewer": new.reviewer_id, "run": run.pk},
        )
    # Applications already in review get their replacement published at once.
    now_published = [a for a in added if a.application.state == ApplicationState.IN_REVIEW]
    _publish(now_published, actor=user)
    _notify(call, now_published, base_url=base_url)
    values = {
        "state": DONE,
        "stage": STAGE_DONE,
        "objective": _finite(outcome.result.objective),
        "bound": _finite(outcome.result.bound),
        "gap": _finite(outcome.result.gap),
        "seconds": seconds,
        "moved": outcome.moved,
        "message": "",
        "finished_at": timezone.now(),
    }
    AssignmentRun.objects.filter(pk=run.pk).update(**values)
    log_action(
        actor=user,
        action=AuditAction.STATE,
        instance=run,
        before={"state": QUEUED},
        after={k: v for k, v in values.items() if k != "finished_at"},
    )
