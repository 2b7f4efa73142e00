"""`accord db_worker`: django-tasks-db's worker, made to survive database outages.

The library's worker exits on any database error between tasks (a restart of PostgreSQL, a
dropped connection), and then matching, assignment and award letters silently stop. This one:

- on a database error, closes the connection, waits (1 s, doubling up to 30 s) and carries on;
- when the outage interrupted a task it was running, puts that task back in the queue (tasks
  are idempotent: a run already finished is skipped) — at most three tries, then it is failed;
- between tasks, marks failed the runs whose worker died (``reap_all_stale_runs``), so their
  pages say so and offer to start again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("django_tasks_db")

#: A task interrupted by an outage this many times is failed rather than tried again.
MAX_TRIES = 3
#: Seconds between sweeps for dead runs.
REAP_EVERY = 60.0


class ResilientWorker(library.Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current: str | None = None
        self.last_reap = 0.0
        self.outages = 0

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = str(db_task_result.pk)
        super().run_task(db_task_result)
        self.current = None  # only reached when the result was recorded
        self.reap()

    def reap(self) -> None:
        if time.monotonic() - self.last_reap < REAP_EVERY:
            return
        self.last_reap = time.monotonic()
        from accord.common.services.runs import reap_all_stale_runs

        try:
            reap_all_stale_runs()
        except (OperationalError, InterfaceError):
            raise
        except Exception:  # never let the sweep stop the worker
            logger.exception("sweeping dead runs failed")

    def requeue_interrupted(self) -> None:
        """The task the outage interrupted goes back to the queue, or fails after MAX_TRIES."""
        if self.current is None:
            return
        row = DBTaskResult.objects.filter(pk=self.current, status=TaskResultStatus.RUNNING).first()
        self.current = None
        if row is None:
            return
        if len(row.worker_ids) >= MAX_TRIES:
            row.status = TaskResultStatus.FAILED
            row.finished_at = timezone.now()
            row.exception_class_path = "django.db.utils.OperationalError"
            row.traceback = f"interrupted by database outages {len(row.worker_ids)} times"
            row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            logger.warning("task %s failed after %s interruptions", row.pk, len(row.worker_ids))
        else:
            row.status = TaskResultStatus.READY
            row.save(update_fields=["status"])
            logger.warning("task %s was interrupted by the outage: queued again", row.pk)

    def run(self) -> None:
        delay = 1.0
        while self.running:
            try:
                self.requeue_interrupted()
                self.reap()
                super().run()
                return  # --batch or --max-tasks finished normally
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    return
                self.outages += 1
                logger.warning(
                    "database unavailable (%s); the worker tries again in %.0f s",
                    str(error).strip().splitlines()[0] if str(error).strip() else type(error),
                    delay,
                )
                for connection in connections.all(initialized_only=True):
                    try:
                        connection.close()
                    except Exception:  # already broken: nothing to close
                        connection.connection = None
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                close_old_connections()
                self.startup_delay = False
            else:
                delay = 1.0


class Command(library.Command):
    help = (
        "Run a database background worker that survives database outages "
        "(reconnects, requeues the interrupted task, fails runs whose worker died)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        original = library.Worker
        library.Worker = ResilientWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            library.Worker = original  # type: ignore[misc]
