"""Home and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView, TemplateView

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
