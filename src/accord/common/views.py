"""Home and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import ListView, RedirectView, TemplateView

from accord.common.models import AuditAction
from accord.common.selectors import audit_entries, visible_models
from accord.partnerships.selectors import partnerships
from accord.programmes.selectors import programmes


class HomeView(TemplateView):
    """Public."""

    template_name = "accord/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            partnerships=partnerships(), programmes=programmes(), **kwargs
        )


def favicon(request: HttpRequest) -> HttpResponse:
    """Public: browsers ask for /favicon.ico on every site; the icon is a static SVG."""
    return HttpResponseRedirect(staticfiles_storage.url("accord/favicon.svg"))


class WorkView(LoginRequiredMixin, RedirectView):
    """Where signing in lands: the page of the user's own work, by role (signed-in users only).

    An officer's calls, a panel member's panels, a reviewer's reviews, the secretariat's
    commitments tracker, an applicant's applications; anyone else the home page.
    """

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        from accord.accounts.enums import Role

        user = self.request.user
        roles = {g.role for g in user.grants()}
        if Role.OFFICER in roles:
            return reverse("manage:calls")
        if Role.PANEL in roles and user.person_id:
            return reverse("review:panel")
        if Role.REVIEWER in roles:
            return reverse("review:assignments")
        if Role.SECRETARIAT in roles:
            first = partnerships().first()
            return (
                reverse("partnerships:commitments", args=[first.slug]) if first else reverse("home")
            )
        if user.person_id:
            return reverse("applications:mine")
        return reverse("home")


class AuditLogView(PermissionRequiredMixin, ListView):
    """Secretariat, programme officers and administrators (``common.view_audit_log``); each sees
    only the entries about objects they may see (``accord.common.selectors``)."""

    permission_required = "common.view_audit_log"
    template_name = "accord/audit_log.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self) -> Any:
        params = self.request.GET
        return audit_entries(
            user=self.request.user,
            action=params.get("action") or None,
            model=params.get("model") or None,
            query=params.get("q") or None,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            actions=AuditAction.choices,
            models=visible_models(self.request.user),
            selected_model=self.request.GET.get("model", ""),
            **kwargs,
        )
