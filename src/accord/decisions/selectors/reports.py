"""Reports coming due (for the reminders)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from accord.applications.enums import MemberRole
from accord.applications.models import TeamMember
from accord.decisions.enums import AwardState
from accord.decisions.models import Report


def reports_due(*, today: dt.date, within_days: int) -> QuerySet[Report]:
    """Reports not yet submitted, due by ``within_days`` after ``today`` (inclusive) — overdue
    ones included: a report that is late is reminded until it is submitted."""
    leads = TeamMember.objects.filter(role=MemberRole.LEAD).select_related("person__user")
    return (
        Report.objects.filter(
            submitted_at__isnull=True,
            due_on__lte=today + dt.timedelta(days=within_days),
        )
        .exclude(award__state=AwardState.CLOSED)
        .select_related("award__application")
        .prefetch_related(Prefetch("award__application__members", queryset=leads))
        .order_by("due_on", "award__reference")
    )
