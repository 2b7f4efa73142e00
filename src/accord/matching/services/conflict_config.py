"""The one write of a call's conflict-of-interest settings (reading them: ``selectors.conflict_config``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from accord.common.services.audit import save_with_audit
from accord.matching.selectors.conflict_config import conflict_rules_of, parse_conflict_rules
from accord.programmes.models import Call


def set_conflict_rules(*, call: Call, rules: Mapping[str, Any], actor: Any) -> Call:
    """Check ``rules`` and store them, written out in full, on ``call`` (audited).

    Raises ValidationError naming the key when the core could not use them.
    """
    stored = conflict_rules_of(parse_conflict_rules(rules))
    with transaction.atomic():
        obj, _written = save_with_audit(call, actor=actor, values={"conflict_rules": stored})
    assert isinstance(obj, Call)
    return obj
