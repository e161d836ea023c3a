from django.core.management.base import BaseCommand, CommandError

from convenor.core import audit


class Command(BaseCommand):
    help = "Audit chain operations. 'verify' walks the chain and names the first entry that fails."

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args, **options):
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at entry {result.first_break.entry_id}: "
                f"{result.first_break.reason}. {result.checked} entries before it are intact."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {result.checked} entries verified.")
        )
