"""Permission predicates for roles. Missing is forbidden: a user with no grant may do nothing here."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import prefetch_related_objects

from accord.accounts.enums import Role


def person_id_of(user: Any) -> int | None:
    """The directory person a signed-in user is, if any (None for anonymous users)."""
    return getattr(user, "person_id", None) if getattr(user, "is_authenticated", False) else None


def _role(role: Role) -> rules.Predicate:
    @rules.predicate(name=f"has_role_{role.value}")
    def check(user: object) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.has_role(role)  # type: ignore[attr-defined]

    return check


is_secretariat = _role(Role.SECRETARIAT)
is_officer = _role(Role.OFFICER)
is_applicant = _role(Role.APPLICANT)
is_reviewer = _role(Role.REVIEWER)
is_panel_member = _role(Role.PANEL)
is_administrator = _role(Role.ADMIN) | rules.is_superuser

can_read_audit_log = is_secretariat | is_officer | is_administrator
rules.add_perm("common.view_audit_log", can_read_audit_log)


def is_staff_member(user: Any) -> bool:
    """Officers, the secretariat and administrators (and anyone who may open the Django admin):
    the accounts an idle timeout and, when the operator turns it on, a second factor protect."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    # Through the prefetch cache, which the views' own prefetch of role_grants then reuses.
    prefetch_related_objects([user], "role_grants")
    return any(user.has_role(role) for role in (Role.OFFICER, Role.SECRETARIAT, Role.ADMIN))
