"""Who may do what with an application. Views name these permissions; missing is forbidden."""

from __future__ import annotations

from typing import Any

import rules

from accord.accounts.rules import is_administrator, person_id_of
from accord.applications.enums import EDITABLE_STATES, MemberRole


@rules.predicate
def is_team_member(user: Any, application: Any) -> bool:
    pid = person_id_of(user)
    return pid is not None and any(m.person_id == pid for m in application.members.all())


@rules.predicate
def is_lead(user: Any, application: Any) -> bool:
    pid = person_id_of(user)
    return pid is not None and any(
        m.person_id == pid and m.role == MemberRole.LEAD for m in application.members.all()
    )


@rules.predicate
def is_call_officer(user: Any, application: Any) -> bool:
    """An officer of one of the call's funders."""
    if not getattr(user, "is_authenticated", False):
        return False
    funders = user.funder_ids()
    return bool(funders) and any(side.funder_id in funders for side in application.call.sides.all())


@rules.predicate
def is_editable(user: Any, application: Any) -> bool:
    return application.state in EDITABLE_STATES


def officer_side(user: Any, application: Any) -> str | None:
    """The country whose side this officer's funder pays in the application's call, if any."""
    funders = user.funder_ids() if getattr(user, "is_authenticated", False) else set()
    for side in application.call.sides.all():
        if side.funder_id in funders:
            return str(side.country)
    return None


rules.add_perm("applications.view_application", is_team_member | is_call_officer | is_administrator)
rules.add_perm("applications.change_application", is_team_member & is_editable)
rules.add_perm("applications.sign_application", is_lead & is_editable)
rules.add_perm("applications.withdraw_application", is_lead)
rules.add_perm("applications.manage_application", is_call_officer)
