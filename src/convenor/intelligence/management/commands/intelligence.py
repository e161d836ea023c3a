import datetime

from django.core.management.base import BaseCommand, CommandError

from convenor.intelligence import services


class Command(BaseCommand):
    help = (
        "Intelligence operations. 'purge' destroys anonymous reports whose retention period has "
        "ended (their content, conversation and files); only a count per channel remains."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["purge"])
        parser.add_argument(
            "--on",
            help="Purge as if today were this date (YYYY-MM-DD); defaults to today",
        )

    def handle(self, *args, **options):
        on = None
        if options.get("on"):
            try:
                on = datetime.date.fromisoformat(options["on"])
            except ValueError as problem:
                raise CommandError("--on must be a date like 2027-01-31") from problem
        count = services.purge_expired(on)
        self.stdout.write(
            self.style.SUCCESS(
                f"Destroyed {count} anonymous report{'s' if count != 1 else ''} "
                "past their retention period."
            )
        )
