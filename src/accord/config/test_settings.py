"""Test settings: the real settings, then a temporary data folder and an in-memory mail outbox."""

import os
import tempfile

os.environ.setdefault("ACCORD_DATA_DIR", tempfile.mkdtemp(prefix="accord-test-"))
# Production is anything not explicitly development; the tests are development (and so are the
# `accord` subprocesses they start, which inherit this).
os.environ.setdefault("ACCORD_DEBUG", "true")

from accord.config.settings import *  # noqa: F403 -- test settings extend the one settings module

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; tests only
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
