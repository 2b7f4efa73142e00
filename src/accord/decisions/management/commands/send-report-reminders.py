"""`accord send-report-reminders [--days N] [--today YYYY-MM-DD]`: e-mail leads of reports due soon."""

from typing import Any

from accord.common.management.reminders import ReminderCommand
from accord.decisions.services.reports import send_report_reminders


class Command(ReminderCommand):
    help = "E-mail the leads of awards whose reports are due within N days (in their language)."
    days = 30
    linked = False

    def send(self, **options: Any) -> int:
        return send_report_reminders(within_days=options["days"], today=options["today"])
