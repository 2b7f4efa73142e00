"""Reminders: one e-mail per recipient listing what is due or overdue for them, in their language,
and an audit entry (``remind``) for every object reminded about.

The four reminder commands (``send-review-reminders``, ``send-report-reminders``,
``send-commitment-reminders``, ``send-payment-reminders``) are thin over ``send_reminders``: each
says what is due (a selector), who hears about each item, and the subject and body of the e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.common.models import AuditAction
from accord.common.services.audit import log_action

T = TypeVar("T", bound=models.Model)


@dataclass(frozen=True)
class Recipient:
    """Where a reminder goes and the language it is written in (``en`` or ``ko``)."""

    email: str
    language: str


def user_recipient(user: Any) -> Recipient:
    """A user's address, in the language they chose (English if none)."""
    return Recipient(email=user.email or "", language=user.preferred_language or "en")


def send_reminders(
    *,
    items: Iterable[T],
    recipients: Callable[[T], Iterable[Recipient]],
    subject: Callable[[list[T]], str],
    template: str,
    context: Callable[[list[T]], Mapping[str, Any]],
    reason: str,
) -> int:
    """Group ``items`` by recipient; send each recipient one e-mail listing theirs, rendered in
    their language (``subject`` and ``context`` are called with that language active), and audit
    ``remind`` on each item it lists, with the address. A recipient without an address is
    skipped. The audit entries and the e-mail go together: if sending fails, the entries are
    rolled back. Returns how many e-mails were sent."""
    by_recipient: dict[Recipient, list[T]] = {}
    for item in items:
        for recipient in recipients(item):
            if recipient.email and item not in by_recipient.get(recipient, []):
                by_recipient.setdefault(recipient, []).append(item)
    for recipient, listed in by_recipient.items():
        with translation.override(recipient.language):
            title = str(subject(listed))
            body = render_to_string(template, dict(context(listed)))
        with transaction.atomic():
            for item in listed:
                log_action(
                    actor=None,
                    action=AuditAction.REMIND,
                    instance=item,
                    after={"to": recipient.email, "language": recipient.language},
                    reason=reason,
                )
            send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    return len(by_recipient)


# ---------------------------------------------------------------- commitments and payments


def send_commitment_reminders(*, today: dt.date | None = None, base_url: str = "") -> int:
    """One e-mail per secretariat member listing the commitments past due and not complete."""
    from accord.common.selectors.reminders import overdue_commitments, secretariat_users

    today = today or timezone.localdate()
    readers = [user_recipient(user) for user in secretariat_users()]

    def context(commitments: list[Any]) -> dict[str, Any]:
        return {
            "rows": [
                {
                    "commitment": c,
                    "link": base_url
                    + reverse("partnerships:commitments", args=[c.instrument.partnership.slug]),
                }
                for c in commitments
            ],
            "today": today,
        }

    return send_reminders(
        items=overdue_commitments(today),
        recipients=lambda commitment: readers,
        subject=lambda items: _("Accord: %(count)s commitment(s) overdue") % {"count": len(items)},
        template="common/email/commitment_reminder.txt",
        context=context,
        reason=f"commitment overdue on {today.isoformat()}",
    )


def send_payment_reminders(*, today: dt.date | None = None, base_url: str = "") -> int:
    """One e-mail per programme officer listing their funder's instalments past due and unpaid."""
    from accord.common.selectors.reminders import officers_of, overdue_payments

    today = today or timezone.localdate()
    payments = list(overdue_payments(today))
    officers = officers_of({p.side.funder_id for p in payments})

    def context(items: list[Any]) -> dict[str, Any]:
        return {
            "rows": [
                {
                    "payment": p,
                    "link": base_url + reverse("decisions:award", args=[p.side.award.reference]),
                }
                for p in items
            ],
            "today": today,
        }

    return send_reminders(
        items=payments,
        recipients=lambda p: [user_recipient(u) for u in officers[p.side.funder_id]],
        subject=lambda items: _("Accord: %(count)s payment(s) overdue") % {"count": len(items)},
        template="common/email/payment_reminder.txt",
        context=context,
        reason=f"payment overdue on {today.isoformat()}",
    )
