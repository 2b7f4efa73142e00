"""`accord send-commitment-reminders [--today YYYY-MM-DD] [--base-url URL]`: e-mail the
secretariat the commitments past due and not complete."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accord.common.services.reminders import send_commitment_reminders


class Command(BaseCommand):
    help = (
        "E-mail every secretariat member the Accord's commitments that are past their due date "
        "and not complete (one e-mail each, in their language)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address for links in the e-mails, e.g. https://accord.example",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_commitment_reminders(
            today=options["today"], base_url=options["base_url"].rstrip("/")
        )
        self.stdout.write(f"{sent} reminder(s) sent.")
