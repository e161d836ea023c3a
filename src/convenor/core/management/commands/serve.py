from django.core.management import call_command
from django.core.management.base import BaseCommand

from convenor.ops.worker import worker_beside


class Command(BaseCommand):
    help = "Migrate, then serve Convenor (Django's server with static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        with worker_beside():  # background jobs run in a worker process beside the server
            call_command("runserver", options["address"], use_reloader=False)
