"""convenor link --partnership SLUG --user USERNAME"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from convenor.core import access
from convenor.core.models import Partnership, User
from convenor.threat import services
from convenor.threat.models import LinkageRun


class Command(BaseCommand):
    help = (
        "Link a partnership's datasets (Splink): entities, links and their why, following every "
        "analyst decision. Shows a progress bar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", required=True, help="The partnership's slug")
        parser.add_argument("--user", required=True, help="Username of the analyst running it")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user called {options['user']!r}")
        partnership = (
            access.visible(user, Partnership.objects.all())
            .filter(slug=options["partnership"])
            .first()
        )
        if partnership is None:
            raise CommandError(
                f"--partnership: {user} is in no partnership {options['partnership']!r}"
            )
        bar = tqdm(total=100, unit="%", desc="Linking", file=self.stderr._out)

        def progress(stage: str, fraction: float) -> None:
            bar.set_description(str(stage)[:40])
            bar.n = int(max(0.0, min(1.0, fraction)) * 100)
            bar.refresh()

        try:
            run = services.start_linkage(user, partnership, background=False, progress=progress)
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        if run.status != LinkageRun.Status.DONE:
            raise CommandError(f"Linkage run {run.pk}: {run.get_status_display()}. {run.message}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Linkage run {run.pk}: {run.record_count} records, {run.pair_count} links, "
                f"{run.entity_count} entities."
            )
        )
