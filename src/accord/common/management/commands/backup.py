"""`accord backup FOLDER`: the database and the media folder, with a manifest and checksums."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.common.services.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format on PostgreSQL, the online-backup API on "
        "SQLite) and the media folder into FOLDER/accord-backup-<UTC time>/, with a manifest "
        "of checksums. Safe while Accord runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="where to write the backup folder")

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            summary = make_backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written to {summary.path}: database {summary.database_bytes:,} bytes, "
            f"{summary.files} media files ({summary.media_bytes:,} bytes)."
        )
