"""`accord send-review-reminders [--days N] [--base-url URL]`: e-mail reviewers whose reviews are due."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.review.services.reviews import send_review_reminders


class Command(BaseCommand):
    help = (
        "E-mail every reviewer with a published assignment and no submitted review that is due "
        "within N days or overdue (one e-mail per reviewer, in their language)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=3, help="remind when due within this many days (default 3)"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="the site's address for links in the e-mails, e.g. https://accord.example",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            raise CommandError("--days must be 0 or more.")
        sent = send_review_reminders(days=options["days"], base_url=options["base_url"].rstrip("/"))
        self.stdout.write(f"{sent} reminder(s) sent.")
