"""Gunicorn settings for production: `gunicorn -c python:accord.config.gunicorn accord.config.wsgi`.

- ``preload_app``: Django, the templates and the translations are loaded once in the master, so a
  worker that dies or is recycled is replaced in well under a second (not ~10 s of imports).
- ``timeout`` 60 s: above the heaviest remaining request, the whole-call CSV export (streamed:
  first byte at once; the whole file of a 5,000-application call took 14–16 s on the shared
  2-core bench machine at load 18, see ``bench/bench_pages.py``);
  long work (matching, assignment, award letters) runs in ``accord db_worker``, never here.
- ``when_ready`` warms the master before the first fork: every Accord module (and numpy/scipy
  behind them) imported, every template compiled, both catalogues and both languages' URL
  reverse lookups loaded — measured on the bench machine, a worker's first request otherwise
  took 7–8 s of imports (and, without the reverse lookups, ~80 ms more on its first page).
- ``max_requests`` with jitter recycles workers one at a time, bounding memory growth. Each new
  worker loads the text models again (~7 CPU-s, see ``post_fork``): at 2,000 requests a deadline
  rush at 60 requests/s recycled a worker every half minute, spending about a tenth of the two
  cores on reloading; 10,000 keeps that to about 2 %.
- Sync workers, ``2 × cores``: in the rush (``bench/bench_pages.py rush``, 2 cores) 4 sync
  workers used 36.5 ms of gunicorn CPU per request, 2 gthread workers × 4 threads 41.0 ms
  for the same throughput; requests are short and mostly CPU, so threads only add GIL switching.

Every value can be changed with the usual ``GUNICORN_CMD_ARGS`` or on the command line; the
number of workers also with ``ACCORD_WEB_WORKERS``.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

# Web workers keep their database connection between requests (not ``accord db_worker``,
# which does not read this file); an operator's own value wins.
os.environ.setdefault("ACCORD_DATABASE_CONN_MAX_AGE", "60")

wsgi_app = "accord.config.wsgi:application"
bind = os.environ.get("ACCORD_WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ACCORD_WEB_WORKERS", 2 * multiprocessing.cpu_count()))
preload_app = True
timeout = 60
graceful_timeout = 30
keepalive = 5
max_requests = 10000
max_requests_jitter = 1000
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("ACCORD_FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server: Any) -> None:
    """Load in the master, once, what each worker would otherwise load on its first request."""
    import importlib
    import pkgutil
    from pathlib import Path

    from django.template import engines
    from django.urls import URLResolver, get_resolver
    from django.utils import translation

    import accord

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    for module in pkgutil.walk_packages(accord.__path__, "accord."):
        name = module.name
        if (
            ".migrations" in name
            or ".management" in name
            or name.startswith(
                ("accord.cli", "accord.config.gunicorn", "accord.demo", "accord.__main__")
            )
        ):
            continue
        try:
            importlib.import_module(name)
        except Exception as error:  # a module that cannot load here will fail loudly when used
            server.log.warning("warm-up: %s not imported: %s", name, error)
    for language in ("en", "ko"):
        with translation.override(language):
            translation.gettext("Accord")
            # The reverse lookups of every URL name (one per resolver, namespaces included), built
            # per language on the first reverse(): ~80 ms of each worker's first request
            # otherwise (measured on the call dashboard).
            resolvers = [resolver]
            while resolvers:
                current = resolvers.pop()
                current.reverse_dict  # noqa: B018
                resolvers += [p for p in current.url_patterns if isinstance(p, URLResolver)]
    engine = engines["django"]
    for folder in engine.template_dirs:
        root = Path(folder)
        for path in root.rglob("*.html"):
            try:
                engine.get_template(str(path.relative_to(root)))
            except Exception as error:
                server.log.warning("warm-up: template %s not compiled: %s", path, error)


def post_fork(server: Any, worker: Any) -> None:
    """Each worker opens its own database connections (none is shared across the fork) and loads
    the text models in its own background thread: a model session (and the thread loading it)
    does not survive a fork, so the master loads none (see accord.config.wsgi)."""
    from django.db import connections

    from accord.matching.text_models import warm_up_in_background

    for connection in connections.all(initialized_only=True):
        connection.close()
    warm_up_in_background()
