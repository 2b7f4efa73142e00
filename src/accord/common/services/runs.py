"""Background runs that survive their worker: claim, heartbeat, and reaping of dead runs.

A task working on a ``BackgroundRun`` wraps its work in ``working_on(Model, run_id)``: that
claims the run (one more attempt, the time it started) unless it is already finished — so a
task delivered twice does nothing the second time — and keeps ``heartbeat_at`` fresh from a
small thread while the work goes on. A worker that is killed stops the heartbeat.

``reap_stale_runs`` (called by the run pages and by ``accord db_worker`` between tasks) marks a
queued or running run failed when its heartbeat is older than ``ACCORD_RUN_STALE_SECONDS`` and no
task of it is still waiting in the queue; its task rows still marked running are marked failed
too, so the queue does not claim a dead run forever. The page then says what happened and offers
to start again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Iterator

from django.conf import settings
from django.db import close_old_connections, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from accord.common.models import BackgroundRun, RunState

log = logging.getLogger(__name__)

#: Seconds between heartbeats; a run with no heartbeat for ``stale_after()`` is dead.
HEARTBEAT_SECONDS = 10


def stale_after() -> dt.timedelta:
    """How long without a sign of life before a run counts as abandoned (default 5 minutes)."""
    return dt.timedelta(seconds=int(getattr(settings, "ACCORD_RUN_STALE_SECONDS", 300)))


def _beat(model: type[BackgroundRun], run_id: int, stop: threading.Event, every: float) -> None:
    try:
        while not stop.wait(every):
            try:
                model.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())
            except Exception:  # a database blip: the next beat tries again
                log.warning("heartbeat of %s %s failed", model.__name__, run_id, exc_info=True)
                close_old_connections()
    finally:
        connection.close()


def _in_worker() -> bool:
    """A heartbeat thread only makes sense outside a request's or a test's transaction, with
    the database queue (the immediate backend runs the task inside the request)."""
    backend = settings.TASKS["default"]["BACKEND"]
    return not connection.in_atomic_block and not backend.endswith("ImmediateBackend")


@contextlib.contextmanager
def working_on(
    model: type[BackgroundRun],
    run_id: int,
    *,
    first: bool = True,
    every: float = HEARTBEAT_SECONDS,
) -> Iterator[bool]:
    """Claim the run and keep its heartbeat while the block runs.

    ``first`` marks the task that starts the run (one more attempt, ``started_at``); later
    steps of the same run (matching's embedding chunks) only keep the heartbeat. Yields False
    (and claims nothing) when the run is already done or failed: the caller then does no work,
    which makes every run task idempotent.
    """
    now = timezone.now()
    values: dict[str, object] = {"heartbeat_at": now}
    if first:
        values.update(attempts=F("attempts") + 1, started_at=now)
    claimed = model.objects.filter(pk=run_id, state__in=[RunState.QUEUED, RunState.RUNNING]).update(
        **values
    )
    if not claimed:
        yield False
        return
    stop = threading.Event()
    beater = None
    if every > 0 and _in_worker():
        beater = threading.Thread(
            target=_beat, args=(model, run_id, stop, every), daemon=True, name=f"heartbeat-{run_id}"
        )
        beater.start()
    try:
        yield True
    finally:
        stop.set()
        if beater is not None:
            beater.join(timeout=every + 5)


def _task_rows(model: type[BackgroundRun], run_id: int) -> models.QuerySet:
    """The queue rows of this run's tasks (their module is the run's app's ``tasks``)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path__startswith=f"{model._meta.app_config.name}.tasks.",  # type: ignore[union-attr]
        args_kwargs__kwargs__run_id=run_id,
    )


def reap_stale_runs(model: type[BackgroundRun], **filters: object) -> int:
    """Mark failed every active run of ``model`` (matching ``filters``) whose worker is gone.

    A run counts as gone when its last sign of life (heartbeat, or creation for one never
    started) is older than ``stale_after()`` and none of its tasks is waiting in the queue (a
    waiting task means only that no worker is free or running: the run is not dead). Returns how
    many runs were marked failed.
    """
    from django_tasks.base import TaskResultStatus

    limit = timezone.now() - stale_after()
    candidates = model.objects.filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit),
        state__in=[RunState.QUEUED, RunState.RUNNING],
        **filters,
    )
    reaped = 0
    for run in candidates:
        rows = _task_rows(model, run.pk)
        if rows.filter(status=TaskResultStatus.READY).exists():
            continue
        last = run.heartbeat_at or run.created_at
        reason = gettext(
            "The background worker stopped working on this run (last sign of life %(when)s UTC, "
            "attempt %(attempts)s). Nothing from this run was kept; start it again."
        ) % {"when": f"{last:%Y-%m-%d %H:%M:%S}", "attempts": run.attempts}
        with transaction.atomic():
            done = model.objects.filter(
                pk=run.pk,
                state__in=[RunState.QUEUED, RunState.RUNNING],
                heartbeat_at=run.heartbeat_at,
            ).update(state=RunState.FAILED, error=reason, finished_at=timezone.now())
            if done:
                rows.filter(status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=timezone.now(),
                    exception_class_path="accord.common.services.runs.WorkerLost",
                    traceback=reason,
                )
        if done:
            log.warning("%s %s: %s", model.__name__, run.pk, reason)
            reaped += done
    return reaped


def checked(run: BackgroundRun | None) -> BackgroundRun | None:
    """The run as a page should show it: reaped first if it is active but its worker is gone.

    Costs no query unless the run is active and silent for longer than the timeout.
    """
    if run is None or not run.is_active:
        return run
    last = run.heartbeat_at or run.created_at
    if last >= timezone.now() - stale_after():
        return run
    if reap_stale_runs(type(run), pk=run.pk):
        run.refresh_from_db()
    return run


def fail_run(model: type[BackgroundRun], run_id: int, error: BaseException) -> None:
    """Record that the machinery failed the run (an unexpected exception in its task)."""
    model.objects.filter(pk=run_id, state__in=[RunState.QUEUED, RunState.RUNNING]).update(
        state=RunState.FAILED,
        error=f"{type(error).__name__}: {error}"[:2000],
        finished_at=timezone.now(),
    )


def all_run_models() -> list[type[BackgroundRun]]:
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, BackgroundRun) and not m._meta.abstract]


def reap_all_stale_runs() -> int:
    return sum(reap_stale_runs(model) for model in all_run_models())
