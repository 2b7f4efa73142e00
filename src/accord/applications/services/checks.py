"""Each funder's own checks of its side, and officers' eligibility overrides."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accord.applications.errors import ApplicationError
from accord.applications.models import Application, EligibilityOverride, FunderCheck
from accord.applications.rules import officer_side
from accord.common.models import AuditAction
from accord.common.services.audit import log_action


def record_funder_check(
    *, application: Application, country: str, status: str, notes: str, actor: Any
) -> FunderCheck:
    """Record the check of one side. Only an officer of that side's funder may."""
    if officer_side(actor, application) != country:
        raise PermissionDenied(
            _("Only an officer of the %(country)s funder records that side's check.")
            % {"country": country}
        )
    with transaction.atomic():
        check, _created = FunderCheck.objects.select_for_update().get_or_create(
            application=application, country=country
        )
        before = {"status": check.status, "notes": check.notes}
        check.status, check.notes, check.checked_by = status, notes, actor
        check.full_clean(exclude=["application"])
        check.save()
        log_action(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=application,
            before={f"check_{country}": before},
            after={f"check_{country}": {"status": status, "notes": notes}},
        )
        return check


def override_eligibility(
    *, application: Application, rule_key: str, passed: bool, reason: str, actor: Any
) -> EligibilityOverride:
    if officer_side(actor, application) is None:
        raise PermissionDenied(_("Only an officer of this call's funders may override a result."))
    if not reason.strip():
        raise ApplicationError(
            _("Give the reason for the override; it is recorded."), code="reason"
        )
    if not application.call.rules.filter(key=rule_key).exists():
        raise ApplicationError(
            _("This call has no rule %(key)s.") % {"key": rule_key}, code="unknown_rule"
        )
    with transaction.atomic():
        override, _created = EligibilityOverride.objects.update_or_create(
            application=application,
            rule_key=rule_key,
            defaults={"passed": passed, "reason": reason, "by": actor},
        )
        log_action(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=application,
            after={"override": rule_key, "passed": passed},
            reason=reason,
        )
        return override
