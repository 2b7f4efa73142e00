"""Middleware: a calm 503 for database outages, and Accord's own 404 in every mode.

A database outage answers a calm 503 page, not a bare 500.

When PostgreSQL restarts or a connection drops, the request's transaction is rolled back, so
nothing half-written is kept: the page says exactly that, in English and Korean, and asks to try
again in a moment (``Retry-After``). The page is rendered without the request's context
processors, which would query the database again.

Accord's own "page not found" in every mode.

With DEBUG on (the embedded mode of ``make run``), Django answers a missing page with its
technical page, which lists every URL pattern of the site. Accord shows its styled 404 page
instead, in the reader's language, in development as in production.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import is_valid_path
from django.views.defaults import page_not_found

log = logging.getLogger(__name__)

#: Seconds a browser or client is asked to wait before trying again.
RETRY_AFTER = 15


def unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.error("database unavailable for %s %s: %s", request.method, request.path, exception)
        return unavailable_response()


class StyledNotFoundMiddleware:
    """Last in MIDDLEWARE, so the page knows the user and the language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG and not self._resolves(request):
            return page_not_found(request, Http404())
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None

    @staticmethod
    def _resolves(request: HttpRequest) -> bool:
        urlconf = getattr(request, "urlconf", None)
        path = request.path_info
        if is_valid_path(path, urlconf):
            return True
        # CommonMiddleware redirects /page to /page/ when that exists.
        return (
            settings.APPEND_SLASH and not path.endswith("/") and is_valid_path(f"{path}/", urlconf)
        )
