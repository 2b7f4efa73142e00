"""Reminders of reports coming due, e-mailed to the award's leads in their own language."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.applications.models import TeamMember
from accord.decisions.models import Report
from accord.decisions.selectors.reports import reports_due


def _address_and_language(member: TeamMember) -> tuple[str, str]:
    person = member.person
    user = getattr(person, "user", None)
    email = (user.email if user is not None else "") or person.email
    language = user.preferred_language if user is not None else ""
    return email, language or ("ko" if member.country == "KR" else "en")


def send_report_reminders(*, within_days: int, today: dt.date | None = None) -> int:
    """One e-mail per lead listing their reports due soon, in their language. Returns the count."""
    today = today or timezone.localdate()
    by_lead: dict[tuple[str, str], list[Report]] = defaultdict(list)
    for report in reports_due(today=today, within_days=within_days):
        for member in report.award.application.members.all():
            email, language = _address_and_language(member)
            if email:
                by_lead[(email, language)].append(report)
    for (email, language), reports in by_lead.items():
        with translation.override(language):
            body = render_to_string(
                "decisions/email/report_reminder.txt", {"reports": reports, "today": today}
            )
            subject = _("Accord: %(count)s report(s) due soon") % {"count": len(reports)}
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    return len(by_lead)
