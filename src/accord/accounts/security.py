"""Sign-in protection around Django's own views: django-axes throttles failed sign-ins per account
and per address (site and /admin/ alike), staff sessions end after an idle spell, and staff prove
a second factor (TOTP through django-otp) when the operator requires it or they have enrolled.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from accord.accounts.rules import is_staff_member
from accord.common.middleware import unavailable_response

LAST_SEEN = "accord_last_seen"
ENROLLED = "accord_totp_enrolled"
STAFF = "accord_staff"  # whether the session's user was staff when they signed in
SEEN_RESOLUTION = 60  # seconds: the session is written at most once a minute, not on every request
EXEMPT_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/static/")


def client_ip(request: HttpRequest) -> str:
    """The address a sign-in comes from. In production the proxy in front of gunicorn appends the
    connecting address to X-Forwarded-For (its last entry); anything before it is the client's word."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded:
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def locked_out(request: HttpRequest, credentials: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """What django-axes answers once an account or an address has failed too often: 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


@receiver(user_logged_in)
def staff_signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Note in a new session whether its user is staff and, for staff, when it started and
    whether they have enrolled an authenticator, so that later requests need no query for any."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[STAFF] = is_staff_member(user)
    if request.session[STAFF]:
        request.session[LAST_SEEN] = time.time()
        request.session[ENROLLED] = user_has_device(user, confirmed=True)


def _is_staff_session(request: HttpRequest) -> bool:
    """Staff by the session's note (a role granted later counts from the next sign-in)."""
    staff = request.session.get(STAFF)
    if staff is None:  # a session from before this note existed
        staff = request.session[STAFF] = is_staff_member(request.user)
    return bool(staff)


def second_factor_required(request: HttpRequest) -> bool:
    """Staff when the operator requires it, or when they have enrolled an authenticator."""
    return bool(settings.ACCORD_STAFF_TOTP or request.session.get(ENROLLED))


class StaffSessionMiddleware:
    """After django-otp's middleware: end idle staff sessions; send staff who must prove a second
    factor (and have not in this session) to the two-factor page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.check(request)
        except (OperationalError, InterfaceError):
            # Reading the user or the session is this request's first query: during a database
            # outage answer the calm 503 page here (the view's own errors reach
            # DatabaseUnavailableMiddleware, which sits inside this one).
            return unavailable_response()
        return response if response is not None else self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        """A redirect when the staff session has ended or needs its second factor, else None."""
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PATHS)
            and _is_staff_session(request)
        ):
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.ACCORD_STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.ACCORD_STAFF_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - last > SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
            if second_factor_required(request) and not user.is_verified():  # type: ignore[union-attr]
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('two_factor')}?{query}")
        return None
