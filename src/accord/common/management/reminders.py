"""The shape every `accord send-*-reminders` command shares: its options, the check of them, and
the count it prints. Each command says which options it takes and which service it calls."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class ReminderCommand(BaseCommand):
    #: the default of ``--days`` (how far ahead to look); None: the command takes no ``--days``
    days: int | None = None
    #: takes ``--today YYYY-MM-DD`` (the day to judge "due" and "overdue" from)
    dated = True
    #: takes ``--base-url`` (the site's address, for links in the e-mails)
    linked = True

    def send(self, **options: Any) -> int:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        if self.days is not None:
            parser.add_argument(
                "--days",
                type=int,
                default=self.days,
                help=f"remind of what is due within this many days, and overdue (default {self.days})",
            )
        if self.dated:
            parser.add_argument(
                "--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD"
            )
        if self.linked:
            parser.add_argument(
                "--base-url",
                default="",
                help="the site's address for links in the e-mails, e.g. https://accord.example",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        given: dict[str, Any] = {}
        if self.days is not None:
            if options["days"] < 0:
                raise CommandError("--days must be 0 or more.")
            given["days"] = options["days"]
        if self.dated:
            given["today"] = options["today"]
        if self.linked:
            given["base_url"] = options["base_url"].rstrip("/")
        self.stdout.write(f"{self.send(**given)} reminder(s) sent.")
