"""`accord seed-demo`: the demo that `make run` serves. Deterministic; running it again reuses what exists."""

import logging
from typing import Any

from django.core.management.base import BaseCommand

from accord.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the reference data and build the demo (researchers, accounts for every role) through the services."

    def handle(self, *args: Any, **options: Any) -> None:
        # The seed runs dozens of tasks in-process (letters, runs); their start/finish lines are
        # for a worker's log, not for the person waiting for the accounts.
        tasks_log = logging.getLogger("django_tasks")
        level = tasks_log.level
        tasks_log.setLevel(logging.WARNING)
        try:
            result = seed_demo()
        finally:
            tasks_log.setLevel(level)
        self.stdout.write(f"Demo ready: {result['person_count']} people in the directory.")
        self.stdout.write("Demo accounts (user name / password — role):")
        for account in result["accounts"]:
            self.stdout.write(
                f"  {account.username:<14} {account.password:<22} {account.description}"
            )
