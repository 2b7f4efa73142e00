"""`accord send-review-reminders [--days N] [--base-url URL]`: e-mail reviewers whose reviews are due."""

from typing import Any

from accord.common.management.reminders import ReminderCommand
from accord.review.services.reviews import send_review_reminders


class Command(ReminderCommand):
    help = (
        "E-mail every reviewer with a published assignment and no submitted review that is due "
        "within N days or overdue (one e-mail per reviewer, in their language)."
    )
    days = 3
    dated = False

    def send(self, **options: Any) -> int:
        return send_review_reminders(**options)
