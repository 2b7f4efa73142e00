"""Reads for the reminders that are not one app's own: the secretariat's overdue commitments and
the funders' overdue instalments, and who hears about them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from accord.accounts.enums import Role
from accord.accounts.models import User
from accord.decisions.enums import PaymentState
from accord.decisions.models import Payment
from accord.partnerships.enums import CommitmentStatus
from accord.partnerships.models import Commitment

# A commitment is complete once delivered; an ongoing activity has no end to be late for.
COMPLETE = (CommitmentStatus.DELIVERED, CommitmentStatus.ONGOING)


def overdue_commitments(today: dt.date) -> QuerySet[Commitment]:
    """Commitments past their due date (before ``today``) and not complete (as ``Commitment.overdue``)."""
    return (
        Commitment.objects.filter(due__lt=today)
        .exclude(status__in=COMPLETE)
        .select_related("instrument__partnership", "owner")
        .order_by("due", "slug")
    )


def secretariat_users() -> list[User]:
    """The active accounts that hold the secretariat role."""
    return list(
        User.objects.filter(is_active=True, role_grants__role=Role.SECRETARIAT)
        .distinct()
        .order_by("pk")
    )


def overdue_payments(today: dt.date) -> QuerySet[Payment]:
    """Instalments past their due date (before ``today``) and not paid."""
    return (
        Payment.objects.filter(due_on__lt=today)
        .exclude(state=PaymentState.PAID)
        .select_related("side__award__application", "side__funder")
        .order_by("due_on", "side__award__reference", "side__country")
    )


def officers_of(funder_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active programme officers of each funder (by the funder's id)."""
    officers: dict[int, list[User]] = {pk: [] for pk in funder_ids}
    for user in (
        User.objects.filter(
            is_active=True, role_grants__role=Role.OFFICER, role_grants__funder_id__in=officers
        )
        .distinct()
        .order_by("pk")
    ):
        for grant in user.role_grants.filter(role=Role.OFFICER, funder_id__in=officers):
            officers[grant.funder_id].append(user)  # type: ignore[index]
    return officers
