"""`accord export 360giving --out F.json [--csv F.csv]`: the published awards as open data.

Writes nothing and exits 1, printing every validation error, when the package does not validate
against the 360Giving schema.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.decisions.errors import OpenDataInvalid
from accord.decisions.selectors.opendata import flat_csv, published_package


class Command(BaseCommand):
    help = "Export the published awards as a 360Giving Data Standard package (JSON, optional CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", choices=["360giving"], help="the open-data standard")
        parser.add_argument("--out", required=True, type=Path, help="the JSON package to write")
        parser.add_argument("--csv", type=Path, default=None, help="also write the flat CSV here")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            package = published_package()
        except OpenDataInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(error)
            raise CommandError(
                f"The package does not validate ({len(invalid.errors)} error(s)); nothing written."
            ) from invalid
        options["out"].write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if options["csv"] is not None:
            options["csv"].write_text(flat_csv(package), encoding="utf-8")
        self.stdout.write(f"{len(package['grants'])} grant record(s) written to {options['out']}.")
