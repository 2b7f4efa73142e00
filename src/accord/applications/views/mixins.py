"""What every officer page shares: the officer's calls, their side of an application, and the mixin
that finds a call by slug among them (404 for anyone else, never "forbidden")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from accord.accounts.rules import Side, is_administrator
from accord.applications.models import Application
from accord.applications.selectors import calls_of_officer
from accord.programmes.models import Call


def officer_calls(user: Any) -> QuerySet[Call]:
    """The calls this user manages: their funders' calls; every call for an administrator."""
    if is_administrator(user):
        return Call.objects.select_related("programme").order_by("-closes_at")
    return calls_of_officer(user)


def own_side(user: Any, application: Application) -> str | None:
    """The side whose check this user records (``applications.record_check``), if any."""
    return next(
        (
            str(s.country)
            for s in application.call.sides.all()
            if user.has_perm("applications.record_check", Side(application, s.country))
        ),
        None,
    )


def default_side(user: Any, application: Application) -> str:
    """The officer's own side; an administrator starts on the call's first side."""
    own = own_side(user, application)
    if own:
        return own
    sides = list(application.call.sides.all())
    return str(sides[0].country) if sides else ""


def side_label(country: str) -> str:
    """CSV column stem: ``uk`` for Great Britain (as people say it), else the country code."""
    return "uk" if country == "GB" else country.lower()


class OfficerMixin(LoginRequiredMixin):
    """Signed-in users only (anonymous → sign-in page); the call comes from ``officer_calls``."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_call(self, queryset: QuerySet[Call] | None = None) -> Call:
        qs = queryset if queryset is not None else officer_calls(self.request.user)
        call = qs.filter(slug=self.kwargs["slug"]).first()
        if call is None:
            raise Http404
        return call


class CallChangeMixin(OfficerMixin):
    """A change to a call's set-up: the call's officers only (administrators read, 403)."""

    def require_change(self, call: Call) -> None:
        if not self.request.user.has_perm("programmes.change_call", call):  # type: ignore[union-attr]
            raise PermissionDenied  # administrators read the settings; only officers change them


__all__ = [
    "CallChangeMixin",
    "OfficerMixin",
    "default_side",
    "officer_calls",
    "own_side",
    "side_label",
]
