"""convenor backup DIR: the database and a manifest with checksums (never a key)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from convenor.ops import backup


class Command(BaseCommand):
    help = (
        "Back up Convenor's database into a new folder: SQLite by the online backup API, "
        "PostgreSQL by pg_dump -Fc, with manifest.json (SHA-256 of every file, version, "
        "migrations, row counts). Keys and audit checkpoints are not included: keep them apart."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new (or empty) folder to write the backup into")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, folder, database, **options):
        try:
            outcome = backup.backup(Path(folder), database)
        except backup.BackupError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {outcome.vendor} database ({outcome.tables} tables, "
                f"{outcome.rows} rows) to {outcome.folder}. The keys are not in it: keep them "
                "in their own custody."
            )
        )
