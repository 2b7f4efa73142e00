"""`accord send-report-reminders [--days N] [--today YYYY-MM-DD]`: e-mail leads of reports due soon."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accord.decisions.services.reports import send_report_reminders


class Command(BaseCommand):
    help = "E-mail the leads of awards whose reports are due within N days (in their language)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="how far ahead to look (days)")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_report_reminders(within_days=options["days"], today=options["today"])
        self.stdout.write(f"{sent} reminder(s) sent.")
