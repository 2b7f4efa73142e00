"""Accord's own "page not found" in every mode.

With DEBUG on (the embedded mode of ``make run``), Django answers a missing page with its
technical page, which lists every URL pattern of the site. Accord shows its styled 404 page
instead, in the reader's language, in development as in production.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import is_valid_path
from django.views.defaults import page_not_found


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
