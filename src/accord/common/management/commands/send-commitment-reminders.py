"""`accord send-commitment-reminders [--today YYYY-MM-DD] [--base-url URL]`: e-mail the
secretariat the commitments past due and not complete."""

from typing import Any

from accord.common.management.reminders import ReminderCommand
from accord.common.services.reminders import send_commitment_reminders


class Command(ReminderCommand):
    help = (
        "E-mail every secretariat member the Accord's commitments that are past their due date "
        "and not complete (one e-mail each, in their language)."
    )

    def send(self, **options: Any) -> int:
        return send_commitment_reminders(**options)
