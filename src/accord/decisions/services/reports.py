"""Reminders of reports coming due, e-mailed to the award's leads in their own language."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from accord.applications.models import TeamMember
from accord.common.services.reminders import Recipient, send_reminders
from accord.decisions.selectors.reports import reports_due


def _recipient(member: TeamMember) -> Recipient:
    person = member.person
    user = getattr(person, "user", None)
    email = (user.email if user is not None else "") or person.email
    language = user.preferred_language if user is not None else ""
    return Recipient(email, language or ("ko" if member.country == "KR" else "en"))


def send_report_reminders(*, within_days: int, today: dt.date | None = None) -> int:
    """One e-mail per lead listing their reports due soon, in their language. Returns the count."""
    today = today or timezone.localdate()
    return send_reminders(
        items=reports_due(today=today, within_days=within_days),
        recipients=lambda report: [_recipient(m) for m in report.award.application.members.all()],
        subject=lambda reports: _("Accord: %(count)s report(s) due soon") % {"count": len(reports)},
        template="decisions/email/report_reminder.txt",
        context=lambda reports: {"reports": reports, "today": today},
        reason=f"report due within {within_days} day(s) of {today.isoformat()}",
    )
