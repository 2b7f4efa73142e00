"""Review permissions. Visibility of applications is decided by the selectors (404 otherwise)."""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def is_officer_of_call(user: Any, call: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    funders = user.funder_ids()
    return bool(funders) and any(side.funder_id in funders for side in call.sides.all())


rules.add_perm("review.manage_call", is_officer_of_call)
