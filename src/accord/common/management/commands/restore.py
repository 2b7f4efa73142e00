"""`accord restore BACKUP`: replace the database and the media folder by a backup's."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.common.services.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a folder written by `accord backup`: checks every checksum first, then "
        "REPLACES the database and the media folder. Stop the web and worker services first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="the accord-backup-… folder")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the current data"
        )

    def handle(self, *args: Any, backup: Path, yes: bool, **options: Any) -> None:
        try:
            manifest = read_manifest(backup)
            if not yes:
                answer = input(
                    f"Replace this Accord's database and media folder by the backup of "
                    f"{manifest['created_at']}? Type 'yes': "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing was restored.")
            manifest = restore_backup(backup)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: the {manifest['database']['vendor']} "
            f"database and {len(manifest['media'])} media files."
        )
