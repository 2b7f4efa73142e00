"""Reads for API tokens: a user sees their own tokens only (another's is not found)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accord.api.models import ApiToken


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-pk")
