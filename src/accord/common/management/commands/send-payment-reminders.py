"""`accord send-payment-reminders [--today YYYY-MM-DD] [--base-url URL]`: e-mail programme
officers their funder's award payments past due and not paid."""

from typing import Any

from accord.common.management.reminders import ReminderCommand
from accord.common.services.reminders import send_payment_reminders


class Command(ReminderCommand):
    help = (
        "E-mail every programme officer the instalments of their funder's awards that are past "
        "their due date and not paid (one e-mail each, in their language)."
    )

    def send(self, **options: Any) -> int:
        return send_payment_reminders(**options)
