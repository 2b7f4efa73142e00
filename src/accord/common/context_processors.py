from typing import Any

from django.http import HttpRequest


def accord(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "can_view_audit_log": bool(
            user.is_authenticated and user.has_perm("common.view_audit_log")
        ),
    }
