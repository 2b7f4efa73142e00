"""Who is calling: a signed-in session (CSRF-checked on writes) or ``Authorization: Bearer``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from accord.api.models import TokenScope
from accord.api.services.tokens import authenticate_token


class TokenAuth(HttpBearer):
    """A personal API token (see the account's "API tokens" page)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token)
        if found is None:
            return None
        user, api_token = found
        request.user = user
        request.api_token = api_token  # type: ignore[attr-defined]
        return user


# Every protected operation accepts either; a bearer header is tried first.
SIGNED_IN = [TokenAuth(), django_auth]


def require_write(request: HttpRequest) -> None:
    """Refuse a write made with a read-only token (403); a session may write."""
    token = getattr(request, "api_token", None)
    if token is not None and token.scope != TokenScope.WRITE:
        raise HttpError(
            403, _("This API token is read only; make a read-and-write token to write.")
        )
