"""Create, revoke and authenticate personal API tokens. Creating and revoking are audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.enums import Role
from accord.api.models import ApiToken, TokenScope
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot

PREFIX = "acc_"
# How often the "last used" moment is written (a busy integration must not write on every call).
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)
AUDITED = ("name", "prefix", "role", "scope", "expires_at", "revoked_at")


def digest_of(secret: str) -> str:
    """The stored form of a token. The secret has 256 random bits, so a plain SHA-256 suffices."""
    return hashlib.sha256(secret.encode()).hexdigest()


def roles_of(user: Any) -> list[str]:
    """The roles a token of ``user`` may act as: the roles they hold (administrator for superusers)."""
    roles = {grant.role for grant in user.grants()}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return [role.value for role in Role if role.value in roles]


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once; never stored


def create_token(
    *, user: Any, name: str, role: str, scope: str, days: int | None, actor: Any
) -> NewToken:
    """A new token for ``user`` acting as ``role`` (one they hold), expiring after ``days`` days."""
    name = name.strip()
    if not name:
        raise ValidationError(
            {"name": _("Give the token a name, e.g. the system that will use it.")}
        )
    if role not in roles_of(user):
        raise ValidationError({"role": _("You can only make a token for a role you hold.")})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose read only, or read and write.")})
    if days is not None and not 1 <= days <= 366:
        raise ValidationError({"days": _("A token lasts between 1 and 366 days.")})
    secret = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=name,
            prefix=secret[:12],
            digest=digest_of(secret),
            role=role,
            scope=scope,
            expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
        )
        token.full_clean()
        token.save()
        log_action(
            actor=actor, action=AuditAction.CREATE, instance=token, after=snapshot(token, AUDITED)
        )
    return NewToken(token=token, secret=secret)


def revoke_token(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke ``token`` now (revoking twice changes nothing and writes nothing)."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            log_action(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=locked,
                before={"revoked_at": None},
                after={"revoked_at": locked.revoked_at},
                reason=_("API token revoked"),
            )
        return locked


def authenticate_token(secret: str) -> tuple[Any, ApiToken] | None:
    """The user a bearer token acts for, limited to the token's role; None when it is not valid.

    Not valid: unknown, revoked, expired, an inactive user, or a role the user no longer holds.
    The returned user object holds only the token's role grants (and is a superuser only for an
    administrator token), so every permission and selector sees the token's role alone.
    """
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    user = token.user
    if not user.is_active:
        return None
    grants = [grant for grant in user.role_grants.all() if grant.role == token.role]
    superuser = user.is_superuser and token.role == Role.ADMIN
    if not grants and not superuser:
        return None
    user._grants_cache = grants
    user.is_superuser = superuser  # in memory only: this request acts as the token's role
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return user, token
