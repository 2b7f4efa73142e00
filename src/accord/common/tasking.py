"""How services hand work to the background: by the task's dotted path, never by importing it.

Tasks are thin wrappers that call services (``accord.<app>.tasks`` imports ``services``); a
service that imported its tasks module would close that loop. So a service names the task —
``enqueue("accord.review.tasks.run_assignment", run_id=run.pk)`` — and this module resolves it
when the work is queued, the way a message queue addresses a worker by name.
``tests/test_layers.py`` checks that no service imports a tasks module.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue(task: str, /, **kwargs: Any) -> Any:
    """Queue the task at dotted path ``task`` with keyword arguments; its result handle."""
    return import_string(task).enqueue(**kwargs)


def enqueue_on_commit(task: str, /, **kwargs: Any) -> None:
    """Queue ``task`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, **kwargs))


def runs_in_caller() -> bool:
    """Whether enqueueing runs the task on the spot, in this process (the immediate backend of
    the embedded mode)."""
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(_default_backend(), ImmediateBackend)


def queue_is_transactional() -> bool:
    """Whether queued tasks are rows in our own database (the database backend): then a task
    enqueued inside a transaction exists exactly when that transaction commits."""
    try:
        from django_tasks_db import DatabaseBackend
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return False
    return isinstance(_default_backend(), DatabaseBackend)


def _default_backend() -> Any:
    """The backend every Accord task uses (not django-tasks' proxy object, which is no instance
    of any backend class)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    return task_backends[DEFAULT_TASK_BACKEND_ALIAS]
