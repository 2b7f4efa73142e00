"""The API instance: every app's router, the shared error handlers. Served at /api/."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from accord import __version__
from accord.applications.api import router as applications
from accord.decisions.api import router as decisions
from accord.partnerships.api import router as partnerships
from accord.programmes.api import router as programmes
from accord.review.api import router as review

api = NinjaAPI(
    urls_namespace="api",
    title="Accord API",
    version=__version__,
    description=(
        "Public reads are open. Everything else needs a signed-in session or a personal API token "
        "(`Authorization: Bearer acc_…`, made on the account's API tokens page): a token acts as "
        "one role of its user, and only a read-and-write token may write. An object one may not "
        "see is not found (404); one that one may see but not change is forbidden (403). "
        "Lists are paginated: `limit` (at most 100) and `offset`; `count` is the total."
    ),
)
for router in (partnerships, programmes, applications, review, decisions):
    api.add_router("/", router)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):  # type: ignore[no-untyped-def]
    """A refused input: 400, all messages in ``detail`` and per field in ``errors``."""
    errors = (
        {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"__all__": [str(m) for m in exc.messages]}
    )
    detail = " ".join(str(m) for m in exc.messages)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc: PermissionDenied):  # type: ignore[no-untyped-def]
    """Visible but not yours to change: 403 with the service's reason when it gave one."""
    return api.create_response(
        request, {"detail": str(exc) or _("You may not do this.")}, status=403
    )
