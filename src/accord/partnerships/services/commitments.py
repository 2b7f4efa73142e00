"""The secretariat keeps each commitment's status and its evidence of delivery (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from accord.common.services.audit import save_with_audit
from accord.partnerships.models import Commitment


def update_commitment(
    *,
    commitment: Commitment,
    status: str,
    add_evidence: dict[str, Any] | None = None,
    remove_evidence: list[int] | None = None,
    actor: Any,
    reason: str = "",
) -> Commitment:
    """Set the status; add one piece of evidence ({title, url, date}); remove some by position.

    One audited write with the status and the whole evidence list before and after.
    """
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        drop = set(remove_evidence or [])
        evidence = [e for i, e in enumerate(locked.evidence or []) if i not in drop]
        if add_evidence and add_evidence.get("title"):
            item = {"title": add_evidence["title"]}
            if add_evidence.get("url"):
                item["url"] = add_evidence["url"]
            when = add_evidence.get("date")
            if when:
                item["date"] = when.isoformat() if isinstance(when, dt.date) else str(when)
            evidence.append(item)
        obj, _written = save_with_audit(
            locked, actor=actor, values={"status": status, "evidence": evidence}, reason=reason
        )
        assert isinstance(obj, Commitment)
        return obj
