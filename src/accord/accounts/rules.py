"""The policy: every permission question is one named rule (django-rules). Missing is forbidden.

Each app declares its rules in its own ``rules.py`` (``rules.add_perm("app.name", predicate)``);
views, services, templates and exports ask them through ``user.has_perm(name, obj)`` or, in
services, :func:`require`. A rule of the policy is answered by its predicate only: an active
superuser gets no implicit domain rights (see ``User.has_perm``). The administrator role reads
everything and acts on nothing that belongs to an applicant, a reviewer or a funder.

Rules that concern one side of a joint application or call take a :class:`Side` — the object and
the country of the side — so "which side" is part of the question, not a check in a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from accord.accounts.enums import Role


@dataclass(frozen=True)
class Side:
    """One side of a joint object: ``of`` is an Application or a Call; ``country`` the side."""

    of: Any
    country: str


def person_id_of(user: Any) -> int | None:
    """The directory person a signed-in user is, if any (None for anonymous users)."""
    return getattr(user, "person_id", None) if getattr(user, "is_authenticated", False) else None


def is_policy_rule(perm: str) -> bool:
    return bool(rules.perm_exists(perm))


def policy_allows(user: Any, perm: str, obj: Any = None) -> bool:
    """The policy's answer, without Django's superuser shortcut."""
    return bool(rules.has_perm(perm, user, obj))


def require(user: Any, perm: str, obj: Any = None, message: str = "") -> None:
    """Raise PermissionDenied (with ``message``) unless the policy allows ``perm`` on ``obj``.

    ``user`` None is the system itself (the command line and the demo seed), which the policy
    trusts; every request has a user.
    """
    if user is None:
        return
    if not (getattr(user, "is_active", True) and policy_allows(user, perm, obj)):
        raise PermissionDenied(message or _("You may not do this."))


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
# Reading only: no rule that changes something names the administrator.
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
