from typing import Any

from django.http import HttpRequest


def accord(request: HttpRequest) -> dict[str, Any]:
    """What the navigation needs to know about the user (one query for their roles)."""
    user = request.user
    roles = {g.role for g in user.grants()} if user.is_authenticated else set()
    return {
        "can_view_audit_log": bool(
            user.is_authenticated and user.has_perm("common.view_audit_log")
        ),
        "is_officer": "officer" in roles,
        "is_reviewer": "reviewer" in roles or "panel" in roles,
        "is_panel": "panel" in roles,
    }
