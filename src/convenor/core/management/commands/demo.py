from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from convenor.cli import DEMO_CONFIGURATION
from convenor.core.demo import load_demo
from convenor.ops.worker import worker_beside


class Command(BaseCommand):
    help = "Migrate, load the demo partnership (new one-time passwords each run) and serve it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the demo, do not serve it"
        )
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        accounts = load_demo()
        for name in settings.CONVENOR_APPS[1:]:
            if find_spec(f"{name}.demo"):
                loaded = import_module(f"{name}.demo").load_demo()
                summary = f": {loaded}" if loaded else ""
                self.stdout.write(f"Loaded the {name.rsplit('.', 1)[-1]} demo{summary}")
        out = self.stdout
        out.write(self.style.SUCCESS("\nThe demo partnership is loaded.\n"))
        out.write(f"Sign in at http://{options['address']}/ with one of these accounts.\n")
        out.write(
            "Second factor: add the TOTP secret to any authenticator app, or run\n"
            "  .venv/bin/convenor totp-code USERNAME\n"
            "(demo only) in another terminal to print the current code.\n\n"
        )
        out.write(f"{'username':<14} {'one-time password':<18} {'TOTP secret':<34} role\n")
        for a in accounts:
            out.write(f"{a.username:<14} {a.password:<18} {a.totp_secret:<34} {a.roles}\n")
        out.write("\n")
        if settings.DEMO and not settings.TESTING:
            # The console commands run against this database need no CONVENOR_DEMO=1 (cli.py).
            (settings.VAR_DIR / DEMO_CONFIGURATION).write_text(
                "# Written by `convenor demo`: this folder holds the demo's database.\n"
                "CONVENOR_DEMO=1\n"
            )
        if not settings.DEMO:
            out.write(
                self.style.WARNING(
                    "CONVENOR_DEMO is not set: cookies are Secure, so sign-in needs HTTPS.\n"
                )
            )
        if not options["no_serve"]:
            with worker_beside():  # background jobs run in a worker process beside the server
                call_command("runserver", options["address"], use_reloader=False)
