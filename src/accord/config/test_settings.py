"""Test settings: the real settings, then a temporary data folder and an in-memory mail outbox."""

import os
import tempfile
from pathlib import Path

_data_dir = Path(os.environ.setdefault("ACCORD_DATA_DIR", tempfile.mkdtemp(prefix="accord-test-")))
# Under pytest-xdist each worker gets a folder of its own (media, caches, the SQLite files of the
# `accord` subprocesses some tests start), which those subprocesses inherit through the variable.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and _data_dir.name != _worker:
    os.environ["ACCORD_DATA_DIR"] = str(_data_dir / _worker)
# Production is anything not explicitly development; the tests are development (and so are the
# `accord` subprocesses they start, which inherit this).
os.environ.setdefault("ACCORD_DEBUG", "true")

from accord.config.settings import *  # noqa: E402, F403 -- test settings extend the one settings module (after the environment above)

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; tests only
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
