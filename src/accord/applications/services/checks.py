"""Eligibility as two keys: each funder checks its own side; the state follows both checks.

An application becomes eligible only when every side's check has passed; one failed side makes
it ineligible. Each funder's officer records that side's check and overrides that side's rules
(an override of a rule that spans both sides is recorded on the officer's own side), always with
a reason. Who may: ``applications.record_check`` / ``applications.override_rule`` on a ``Side``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accord.accounts.rules import Side, policy_allows, require
from accord.applications.enums import ApplicationState
from accord.applications.errors import ApplicationError
from accord.applications.models import Application, EligibilityOverride, FunderCheck
from accord.applications.selectors.lifecycle import eligibility_outcome
from accord.common.models import AuditAction
from accord.common.services.audit import log_action


def require_check_right(actor: Any, application: Application, country: str) -> None:
    """PermissionDenied unless ``actor`` may record the ``country`` side's check (the API asks
    this before a write, so the refusal is the same wherever it comes from)."""
    require(
        actor,
        "applications.record_check",
        Side(application, country),
        _("Only an officer of the %(country)s funder records that side's check.")
        % {"country": country},
    )


def record_funder_check(
    *,
    application: Application,
    country: str,
    status: str,
    notes: str,
    actor: Any,
    now: dt.datetime | None = None,
) -> FunderCheck:
    """Record the check of one side (only that side's funder's officer), then settle the state."""
    from accord.applications.services.lifecycle import transition_application

    require_check_right(actor, application, country)
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
        locked = Application.objects.select_for_update().get(pk=application.pk)
        outcome = eligibility_outcome(locked)
        settles = {
            ApplicationState.ELIGIBLE: {ApplicationState.SUBMITTED, ApplicationState.INELIGIBLE},
            ApplicationState.INELIGIBLE: {ApplicationState.SUBMITTED, ApplicationState.ELIGIBLE},
        }
        if outcome is not None and locked.state in settles[outcome]:
            transition_application(
                application=locked,
                to=outcome,
                actor=actor,
                reason=_("Checks of both funders: %(checks)s")
                % {
                    "checks": ", ".join(
                        f"{c.country} {c.get_status_display()}"
                        for c in FunderCheck.objects.filter(application=locked).order_by("country")
                    )
                },
                now=now,
            )
        return check


def override_eligibility(
    *,
    application: Application,
    rule_key: str,
    passed: bool,
    reason: str,
    actor: Any,
    country: str | None = None,
) -> EligibilityOverride:
    """Override one rule's result on one side: a side's rule on its own side; a rule that spans
    both sides on the officer's side (``country``, or the first side the officer may act for)."""
    rule = application.call.rules.filter(key=rule_key).first()
    if rule is None:
        raise ApplicationError(
            _("This call has no rule %(key)s.") % {"key": rule_key}, code="unknown_rule"
        )
    rule_side = (rule.params or {}).get("country") if isinstance(rule.params, dict) else None
    sides = [s.country for s in application.call.sides.all()]
    if rule_side:
        if country not in (None, rule_side):
            raise ApplicationError(
                _("Rule %(key)s belongs to the %(country)s side.")
                % {"key": rule_key, "country": rule_side},
                code="other_side",
            )
        country = rule_side
    elif country is None:
        country = next(
            (
                c
                for c in sides
                if policy_allows(actor, "applications.override_rule", Side(application, c))
            ),
            sides[0] if sides else "",
        )
    require(
        actor,
        "applications.override_rule",
        Side(application, country),
        _("Only an officer of the %(country)s funder overrides that side's rules.")
        % {"country": country},
    )
    if not reason.strip():
        raise ApplicationError(
            _("Give the reason for the override; it is recorded."), code="reason"
        )
    with transaction.atomic():
        override, _created = EligibilityOverride.objects.update_or_create(
            application=application,
            rule_key=rule_key,
            country=country,
            defaults={"passed": passed, "reason": reason, "by": actor},
        )
        log_action(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=application,
            after={"override": rule_key, "side": country, "passed": passed},
            reason=reason,
        )
        return override
