"""Who may do what with an application. Views, services and templates name these rules.

Applications are private to their team until submitted: from submission on, the call's officers
(and, to read, administrators) see them too. Only the team changes, signs, submits or withdraws;
each side's lead changes that side's budget; each funder's officer records that side's check and
overrides that side's rules. Objects: an Application, or a ``Side(application, country)``.
"""

from __future__ import annotations

from typing import Any

import rules

from accord.accounts.rules import Side, is_administrator, person_id_of
from accord.applications.enums import EDITABLE_STATES, MemberRole
from accord.programmes.rules import call_officer_side, is_officer_of_call


def officer_side(user: Any, application: Any) -> str | None:
    """The country whose side this officer's funder pays in the application's call (rules only)."""
    return call_officer_side(user, application.call)


def _member(user: Any, application: Any) -> Any:
    pid = person_id_of(user)
    if pid is None:
        return None
    return next((m for m in application.members.all() if m.person_id == pid), None)


@rules.predicate
def is_team_member(user: Any, application: Any) -> bool:
    return _member(user, application) is not None


@rules.predicate
def is_lead(user: Any, application: Any) -> bool:
    member = _member(user, application)
    return member is not None and member.role == MemberRole.LEAD


@rules.predicate
def is_call_officer(user: Any, application: Any) -> bool:
    """An officer of one of the call's funders."""
    return officer_side(user, application) is not None


@rules.predicate
def is_editable(user: Any, application: Any) -> bool:
    return application.state in EDITABLE_STATES


@rules.predicate
def was_submitted(user: Any, application: Any) -> bool:
    """Submitted at some point (a draft withdrawn before submission never was)."""
    return application.submitted_at is not None


@rules.predicate
def is_side_lead(user: Any, side: Side) -> bool:
    member = _member(user, side.of)
    return member is not None and member.role == MemberRole.LEAD and member.country == side.country


@rules.predicate
def is_side_team_member(user: Any, side: Side) -> bool:
    member = _member(user, side.of)
    return member is not None and member.country == side.country


@rules.predicate
def is_side_officer(user: Any, side: Side) -> bool:
    """An officer of the funder that pays this side of the application's call."""
    return officer_side(user, side.of) == side.country


@rules.predicate
def side_editable(user: Any, side: Side) -> bool:
    return side.of.state in EDITABLE_STATES


@rules.predicate
def side_submitted(user: Any, side: Side) -> bool:
    return side.of.submitted_at is not None


# Reading
rules.add_perm(
    "applications.view_application",
    is_team_member | (was_submitted & (is_call_officer | is_administrator)),
)
rules.add_perm("applications.view_eligibility_preview", is_team_member)
# The applicants' own actions
rules.add_perm("applications.change_application", is_team_member & is_editable)
rules.add_perm("applications.change_budget_side", is_side_lead & side_editable)
rules.add_perm("applications.invite_member", is_team_member & is_editable)
rules.add_perm("applications.upload_document", is_team_member & is_editable)
rules.add_perm("applications.sign_application", is_lead & is_editable)
rules.add_perm("applications.submit_application", is_team_member & is_editable)
rules.add_perm("applications.withdraw_application", is_lead)
# The officers' page (reading) and the call's officers' actions on a submitted application
rules.add_perm(
    "applications.view_managed_application", was_submitted & (is_call_officer | is_administrator)
)
rules.add_perm("applications.manage_application", was_submitted & is_call_officer)
rules.add_perm("applications.grant_extension", is_call_officer)
rules.add_perm("applications.record_check", is_side_officer & side_submitted)
rules.add_perm("applications.override_rule", is_side_officer & side_submitted)
# Recomputing a call's stored eligibility results (objects: Call): its officers, not administrators.
rules.add_perm("applications.recompute_eligibility", is_officer_of_call)
