"""`accord seed-demo`: the demo that `make run` serves. Deterministic; running it again reuses what exists."""

from typing import Any

from django.core.management.base import BaseCommand

from accord.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the reference data and build the demo (researchers, accounts for every role) through the services."

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo()
        self.stdout.write(f"Demo ready: {result['person_count']} people in the directory.")
        self.stdout.write("Demo accounts (user name / password — role):")
        for account in result["accounts"]:
            self.stdout.write(
                f"  {account.username:<14} {account.password:<22} {account.description}"
            )
