"""What an application's state depends on: the sides still to sign, the outcome of both checks."""

from __future__ import annotations

from accord.applications.enums import ApplicationState, CheckStatus, MemberRole
from accord.applications.models import Application, FunderCheck


def missing_signatures(application: Application) -> list[str]:
    """The sides whose lead has not signed the current version (uses prefetched members/signoffs)."""
    signed = {s.member_id for s in application.signoffs.all() if s.version == application.version}
    missing = []
    for side in application.call.sides.all():
        leads = [
            m
            for m in application.members.all()
            if m.role == MemberRole.LEAD and m.country == side.country
        ]
        if not leads or not any(m.pk in signed for m in leads):
            missing.append(side.country)
    return missing


def eligibility_outcome(application: Application) -> str | None:
    """ELIGIBLE when every side's check passed, INELIGIBLE when one failed, else None (open)."""
    checks = {c.country: c.status for c in FunderCheck.objects.filter(application=application)}
    statuses = [checks.get(side.country) for side in application.call.sides.all()]
    if any(status == CheckStatus.FAILED for status in statuses):
        return ApplicationState.INELIGIBLE
    if statuses and all(status == CheckStatus.PASSED for status in statuses):
        return ApplicationState.ELIGIBLE
    return None
