"""The gunicorn master's warm-up (accord.config.gunicorn.when_ready): what a forked worker inherits."""

from __future__ import annotations

import logging

from django.urls import URLResolver, get_resolver

from accord.config import gunicorn


class _Server:
    log = logging.getLogger("test-gunicorn")


def _resolvers() -> list[URLResolver]:
    found, todo = [], [get_resolver()]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += [p for p in current.url_patterns if isinstance(p, URLResolver)]
    return found


def test_when_ready_builds_every_reverse_lookup_in_both_languages(caplog) -> None:
    for resolver in _resolvers():
        resolver._reverse_dict.clear()
        resolver._namespace_dict.clear()
        resolver._app_dict.clear()
    with caplog.at_level(logging.WARNING, logger="test-gunicorn"):
        gunicorn.when_ready(_Server())
    assert caplog.records == []  # every module imported, every template compiled
    resolvers = _resolvers()
    assert len(resolvers) > 5  # the namespaced includes too
    for resolver in resolvers:
        assert {"en", "ko"} <= set(resolver._reverse_dict), resolver
