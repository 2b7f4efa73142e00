"""Who may do what with decisions and awards. Views name these permissions; missing is forbidden.

Visibility comes first from the selectors (404 for anyone else); these rules then decide what a
visible page lets the user do. A side's decision and payments belong to that side: only an
officer of that side's own funder records them (objects: ``Side(application, country)``).
"""

from __future__ import annotations

from typing import Any

import rules

from accord.accounts.rules import is_administrator
from accord.applications.rules import is_call_officer, is_lead, is_side_officer, is_team_member
from accord.review.rules import is_officer_of_call


@rules.predicate
def is_award_officer(user: Any, award: Any) -> bool:
    return bool(is_call_officer(user, award.application))


@rules.predicate
def is_award_team_member(user: Any, award: Any) -> bool:
    return bool(is_team_member(user, award.application))


@rules.predicate
def is_award_lead(user: Any, award: Any) -> bool:
    return bool(is_lead(user, award.application))


# The call's decision pages: portfolio, decisions, disagreements (objects: Call) — reading.
rules.add_perm("decisions.manage_call", is_officer_of_call | is_administrator)
# Acting on them (running a portfolio scenario): the call's officers only (objects: Call).
rules.add_perm("decisions.act_on_call", is_officer_of_call)
# The officer's award page and its forms (objects: Award).
rules.add_perm("decisions.manage_award", is_award_officer | is_administrator)
# Acting on an award (outputs, reports, letters, publishing): its call's officers only.
rules.add_perm("decisions.act_on_award", is_award_officer)
# Award letters (objects: Award): the award's team and the call's officers only.
rules.add_perm("decisions.view_letters", is_award_team_member | is_award_officer)
# One side's funding decision on an application (objects: Side(application, country)).
rules.add_perm("decisions.decide_side", is_side_officer)
# One side's payments of an award (objects: Side(application, country)).
rules.add_perm("decisions.record_payment", is_side_officer)
# Accepting an offered award (objects: Award): a lead of the application, or one of its call's
# officers recording the lead's acceptance on their behalf (e.g. a signed letter by post).
rules.add_perm("decisions.accept_award", is_award_lead | is_award_officer)
