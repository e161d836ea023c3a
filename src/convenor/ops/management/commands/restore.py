"""convenor restore DIR: verify a backup's checksums and load it into an empty database."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from convenor.ops import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'convenor backup' into the configured database, which must be "
        "empty (a new SQLite file, or a newly created PostgreSQL database). Every checksum is "
        "checked first and the row counts after. Then run 'convenor audit verify'."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="the backup folder (holds manifest.json)")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, folder, database, **options):
        try:
            outcome = backup.restore(Path(folder), database)
        except backup.BackupError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {outcome.tables} tables ({outcome.rows} rows) from {outcome.folder}; "
                "checksums and row counts match. Next: 'convenor migrate' if this version is "
                "newer, then 'convenor audit verify'."
            )
        )
