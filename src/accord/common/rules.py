"""Who may read the audit log and which of its entries (the audience is the selector's query)."""

from __future__ import annotations

from typing import Any

import rules

from accord.accounts.rules import can_read_audit_log


@rules.predicate
def may_see_entry(user: Any, entry: Any) -> bool:
    from accord.common.selectors import can_view_entry

    return can_view_entry(user, entry)


rules.add_perm("common.view_audit_entry", can_read_audit_log & may_see_entry)
