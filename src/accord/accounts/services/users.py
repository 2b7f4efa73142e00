"""Writes for accounts: create users and grant roles, each audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accord.accounts.enums import Role
from accord.accounts.models import RoleGrant, User
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot


def create_user(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    person: Any = None,
    preferred_language: str = "en",
    is_staff: bool = False,
    is_superuser: bool = False,
    actor: Any = None,
) -> User:
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            person=person,
            preferred_language=preferred_language,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        after = snapshot(user)
        after.pop("password", None)
        log_action(actor=actor, action=AuditAction.CREATE, instance=user, after=after)
        return user


def grant_role(*, user: User, role: Role, funder: Any = None, actor: Any = None) -> RoleGrant:
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role, funder=funder)
        if created:
            grant.full_clean()
            log_action(actor=actor, action=AuditAction.GRANT, instance=grant, after=snapshot(grant))
        return grant


def link_person(*, user: User, person: Any, actor: Any = None) -> User:
    """Tie an account to a directory person (their profile, publications and memberships)."""
    from accord.common.services.audit import save_with_audit

    obj, _written = save_with_audit(user, actor=actor, values={"person": person})
    assert isinstance(obj, User)
    return obj
