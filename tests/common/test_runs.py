"""Background runs survive their worker: a run whose worker died (stale heartbeat) is marked failed
with the reason, its queue row too, the page says so and offers to start again; a task delivered
twice does nothing the second time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accord.common.models import RunState
from accord.common.services.runs import reap_all_stale_runs, reap_stale_runs, working_on
from accord.matching.models import MatchRun
from accord.review.models import AssignmentRun
from accord.review.tasks import run_assignment
from tests.factories.applications import CallFactory, make_officer

pytestmark = pytest.mark.django_db


def queue_row(task_path: str, run_id: int, status: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {"run_id": run_id}},
        task_path=task_path,
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        worker_ids=["dead-worker"],
        exception_class_path="",
        traceback="",
    )


def ago(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


def test_a_run_whose_worker_died_is_failed_with_the_reason_and_its_queue_row_too():
    call = CallFactory()
    run = AssignmentRun.objects.create(
        call=call, state=RunState.RUNNING, attempts=1, heartbeat_at=ago(10)
    )
    row = queue_row("accord.review.tasks.run_assignment", run.pk, TaskResultStatus.RUNNING)
    other = queue_row("accord.matching.tasks.run_matching", run.pk, TaskResultStatus.RUNNING)

    assert reap_stale_runs(AssignmentRun, call=call) == 1

    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert "The background worker stopped working on this run" in run.error
    assert "attempt 1" in run.error
    assert run.finished_at is not None
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    other.refresh_from_db()  # another app's task with the same run id is not touched
    assert other.status == TaskResultStatus.RUNNING


def test_a_live_or_waiting_run_is_left_alone():
    call = CallFactory()
    live = MatchRun.objects.create(call=call, state=RunState.RUNNING, heartbeat_at=ago(1))
    waiting = MatchRun.objects.create(call=call, state=RunState.RUNNING, heartbeat_at=ago(30))
    queue_row("accord.matching.tasks.embed_chunk", waiting.pk, TaskResultStatus.READY)
    done = MatchRun.objects.create(call=call, state=RunState.DONE, heartbeat_at=ago(30))

    assert reap_all_stale_runs() == 0
    for run in (live, waiting, done):
        state = run.state
        run.refresh_from_db()
        assert run.state == state


def test_a_queued_run_never_started_is_failed_after_the_timeout(settings):
    settings.ACCORD_RUN_STALE_SECONDS = 60
    call = CallFactory()
    run = MatchRun.objects.create(call=call)
    MatchRun.objects.filter(pk=run.pk).update(created_at=ago(2))
    assert reap_stale_runs(MatchRun) == 1
    run.refresh_from_db()
    assert run.state == RunState.FAILED


def test_the_page_says_the_worker_stopped_and_offers_to_start_again(client):
    call = CallFactory()
    officer = make_officer(call.sides.get(country="GB").funder)
    run = AssignmentRun.objects.create(call=call, state=RunState.RUNNING, heartbeat_at=ago(10))
    client.force_login(officer)

    page = client.get(reverse("review_assign:assignment", args=[call.slug]))

    html = page.content.decode()
    assert "The background worker stopped working on this run" in html
    assert "Start the run again" in html
    assert "No assignment satisfies every rule" not in html
    run.refresh_from_db()
    assert run.state == RunState.FAILED


def test_the_matching_page_says_the_worker_stopped_and_offers_to_start_again(client):
    call = CallFactory()
    officer = make_officer(call.sides.get(country="GB").funder)
    MatchRun.objects.create(call=call, state=RunState.RUNNING, heartbeat_at=ago(10))
    client.force_login(officer)

    html = client.get(reverse("matching:call", args=[call.slug])).content.decode()

    assert "The background worker stopped working on this run" in html
    assert "Start the run again" in html


def test_a_task_for_a_finished_run_does_nothing():
    call = CallFactory()
    run = AssignmentRun.objects.create(call=call, state=RunState.DONE, message="kept")

    assert run_assignment.call(run_id=run.pk) == "skipped"

    run.refresh_from_db()
    assert (run.state, run.message, run.attempts) == (RunState.DONE, "kept", 0)


def test_claiming_counts_the_attempt_and_beats():
    call = CallFactory()
    run = MatchRun.objects.create(call=call)
    with working_on(MatchRun, run.pk) as active:
        assert active
    run.refresh_from_db()
    assert run.attempts == 1
    assert run.heartbeat_at is not None and run.started_at is not None
    with working_on(MatchRun, run.pk, first=False) as active:
        assert active
    run.refresh_from_db()
    assert run.attempts == 1
