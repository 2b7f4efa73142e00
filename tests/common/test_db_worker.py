"""`accord db_worker` survives a database outage: its connection is killed and the database
refuses connections for a while; afterwards the worker reconnects and runs the next task.

PostgreSQL only (an outage of one database is real there: ``ALLOW_CONNECTIONS false`` and
``pg_terminate_backend``); SQLite has no server to lose.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accord.common.management.commands.db_worker import ResilientWorker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server"),
]


@task()
def echo(*, value: int) -> int:
    return value


def admin_connection():
    import psycopg

    params = connection.get_connection_params()
    params = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}
    return psycopg.connect(dbname="postgres", autocommit=True, **params)


def test_the_worker_reconnects_after_an_outage_and_runs_the_next_task(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    name = connection.settings_dict["NAME"]
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0.1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    )

    def run() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.5)  # the worker is polling the queue
    with admin_connection() as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            time.sleep(2.5)  # the worker meets the outage at least once
            assert thread.is_alive(), "the worker exited on the outage"
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    connection.close()
    result = echo.enqueue(value=42)
    thread.join(timeout=60)

    assert not thread.is_alive()
    assert worker.outages >= 1
    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.return_value) == (TaskResultStatus.SUCCESSFUL, 42)
