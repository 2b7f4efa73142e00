"""Who may change a call: its settings (the call's officers), a side's rules (that side's funder's
officer only) and rules spanning both sides (proposed by one funder, agreed by the other).

Objects: a Call, an EligibilityRule (saved or about to be), a JointRuleChange.
"""

from __future__ import annotations

from typing import Any

import rules


def call_officer_side(user: Any, call: Any) -> str | None:
    """The country whose side this officer's funder pays in ``call``, if any.

    The one place the policy maps an officer to a side; only rules (and rule modules) use it.
    """
    funders = user.funder_ids() if getattr(user, "is_authenticated", False) else set()
    for side in call.sides.all():
        if side.funder_id in funders:
            return str(side.country)
    return None


def rule_side(rule: Any) -> str | None:
    """The side an eligibility rule belongs to (its ``country``); None for a rule of both sides."""
    params = rule.params if isinstance(rule.params, dict) else {}
    country = params.get("country")
    return str(country) if country else None


@rules.predicate
def is_officer_of_call(user: Any, call: Any) -> bool:
    return call_officer_side(user, call) is not None


@rules.predicate
def is_officer_of_rules_side(user: Any, rule: Any) -> bool:
    side = rule_side(rule)
    return side is not None and call_officer_side(user, rule.call) == side


@rules.predicate
def is_officer_of_other_side(user: Any, change: Any) -> bool:
    """An officer of the call's funder other than the one that proposed the change."""
    side = call_officer_side(user, change.call)
    return side is not None and side != change.proposed_side


@rules.predicate
def is_pending(user: Any, change: Any) -> bool:
    return change.state == "pending"


rules.add_perm("programmes.change_call", is_officer_of_call)
rules.add_perm("programmes.change_side_rule", is_officer_of_rules_side)
rules.add_perm("programmes.propose_joint_rule_change", is_officer_of_call)
rules.add_perm("programmes.answer_joint_rule_change", is_officer_of_other_side & is_pending)
