"""Reads for the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.common.models import AuditEntry


def audit_entries(
    *, action: str | None = None, model: str | None = None, query: str | None = None
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("content_type")
    if action:
        qs = qs.filter(action=action)
    if model:
        qs = qs.filter(content_type__model=model)
    if query:
        qs = qs.filter(object_repr__icontains=query)
    return qs.order_by("-at", "-id")
