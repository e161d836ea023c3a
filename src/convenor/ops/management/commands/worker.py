"""convenor worker: run background jobs from the database queue, and the periodic schedule."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string

from convenor.ops import jobs
from convenor.ops.worker import ConvenorWorker


class Command(BaseCommand):
    help = (
        "Run queued background jobs (imports, linkage runs, profile builds, the anonymous-report "
        "purge) until stopped; any number of workers may run, on any machine that reaches the "
        "database. SIGTERM lets the current job finish first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued now, then exit"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue"
        )
        parser.add_argument("--max-jobs", type=int, default=None, help="Exit after this many jobs")

    def handle(self, *args, **options):
        if jobs.runs_immediately():
            raise CommandError(
                "Jobs run immediately in this configuration (CONVENOR_JOBS_IMMEDIATE or the "
                "tests): there is no queue for a worker to take them from."
            )
        if options["max_jobs"] is not None and options["max_jobs"] < 1:
            raise CommandError("--max-jobs must be 1 or more")
        worker = ConvenorWorker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=max(0.1, options["interval"]),
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=options["max_jobs"],
            worker_id=get_random_string(32),
            beat=not options["batch"],
        )
        self.stdout.write(f"Convenor worker {worker.worker_id} taking jobs")
        self.stdout.flush()
        if not options["batch"]:
            worker.configure_signals()
        worker.run()
