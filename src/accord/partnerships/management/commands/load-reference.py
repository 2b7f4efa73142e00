"""`accord load-reference [FILE]`: load the accord's reference data (idempotent)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.partnerships.services.reference import DEFAULT_FILE, ReferenceDataError, load_reference


class Command(BaseCommand):
    help = "Load (or update in place) an accord's reference data from a TOML file. Running it twice changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=DEFAULT_FILE,
            help="TOML file (default: the UK–ROK Accord)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_reference(path=options["file"])
        except ReferenceDataError as exc:
            raise CommandError(f"{options['file']}: {exc} Nothing was changed.") from exc
        self.stdout.write(
            f"Reference data loaded from {options['file'].name}: {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged."
        )
