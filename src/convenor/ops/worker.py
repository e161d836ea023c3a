"""``convenor worker``: runs queued jobs, beats a heartbeat, recovers jobs lost with a dead
worker, and queues the periodic jobs (the one schedule, ADR 0061).

The job loop is django-tasks-db's ``Worker`` (claims one ready row at a time with
``SELECT ... FOR UPDATE SKIP LOCKED``, or an exclusive transaction on SQLite, so no job is run
twice). Around it, a thread of the worker beats every ``CONVENOR_WORKER_HEARTBEAT_SECONDS``:
it refreshes this worker's ``last_seen``, recovers jobs whose worker has not been seen for
``CONVENOR_WORKER_LOST_AFTER_SECONDS``, and queues any periodic job that is due.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as QueueWorker
from django_tasks_db.models import DBTaskResult

from . import jobs
from .models import ScheduledJob, Worker

logger = logging.getLogger(__name__)

WORKER_LOST = "convenor.ops.worker.WorkerLost"

# The periodic jobs: (job name, how often). Add one here; nothing else schedules work.
SCHEDULE: list[tuple[str, datetime.timedelta]] = [
    ("purge_anonymous_reports", datetime.timedelta(hours=1)),
    ("write_audit_checkpoint", datetime.timedelta(hours=1)),
]


def heartbeat_seconds() -> float:
    return float(settings.CONVENOR_WORKER_HEARTBEAT_SECONDS)


def lost_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(settings.CONVENOR_WORKER_LOST_AFTER_SECONDS))


def live_workers(now: datetime.datetime | None = None):
    now = now or timezone.now()
    return Worker.objects.filter(last_seen__gte=now - lost_after())


def recover_lost_jobs(now: datetime.datetime | None = None, *, me: str = "") -> int:
    """Jobs marked running by a worker that stopped beating: back on the queue where their
    policy allows another attempt, otherwise failed with the reason. Returns how many.
    ``me``: the worker asking, alive by definition."""
    now = now or timezone.now()
    alive = set(live_workers(now).values_list("worker_id", flat=True)) | {me}
    recovered = 0
    for job in DBTaskResult.objects.running().filter(started_at__lt=now - lost_after()):
        if job.worker_ids and job.worker_ids[-1] in alive:
            continue
        recovered += _recover(job, now)
    return recovered


def _describe_worker(worker_id: str) -> str:
    worker = Worker.objects.filter(pk=worker_id).first()
    if worker is None:
        return "The worker running this job stopped."
    return (
        f"Interrupted: the worker running this job (process {worker.pid} on {worker.hostname}) "
        "stopped."
    )


def _recover(job: DBTaskResult, now: datetime.datetime) -> int:
    policy = jobs.LOST_JOB_POLICIES.get(job.task_path, jobs.LostJobPolicy())
    args = job.args_kwargs.get("args", [])
    attempts = len(job.worker_ids)
    reason = _describe_worker(job.worker_ids[-1] if job.worker_ids else "")
    retry = attempts < policy.attempts
    with transaction.atomic():
        # started_at changes with every claim: it makes this update a compare-and-set, so two
        # workers recovering at once cannot both act on the same job.
        unchanged = DBTaskResult.objects.filter(
            pk=job.pk, status=TaskResultStatus.RUNNING, started_at=job.started_at
        )
        if retry:
            if not unchanged.update(status=TaskResultStatus.READY):
                return 0
            if policy.retry is not None:
                policy.retry(*args)
            logger.warning("Job %s (%s) lost with its worker: queued again", job.pk, job.task_path)
            return 1
        if not unchanged.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=WORKER_LOST,
            traceback=f"{reason} Attempts: {attempts}.",
        ):
            return 0
        if policy.fail is not None:
            policy.fail(reason, *args)
    logger.warning("Job %s (%s) lost with its worker: failed", job.pk, job.task_path)
    return 1


def queue_due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Queue every periodic job that is due; each is queued by exactly one worker."""
    now = now or timezone.now()
    queued = []
    for name, every in SCHEDULE:
        ScheduledJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
        with transaction.atomic():
            claimed = ScheduledJob.objects.filter(name=name, next_run_at__lte=now).update(
                next_run_at=now + every, last_queued_at=now
            )
            if claimed:
                jobs.enqueue(name)
                queued.append(name)
    return queued


class ConvenorWorker(QueueWorker):
    """django-tasks-db's worker with a heartbeat row, lost-job recovery and the schedule."""

    def __init__(self, *, beat: bool = True, **options) -> None:
        super().__init__(**options)
        self.beat = beat
        self._stop = threading.Event()

    def register(self) -> None:
        now = timezone.now()
        Worker.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "last_seen": now,
            },
        )

    def beat_once(self) -> None:
        """One heartbeat: I am alive; recover lost jobs; queue what is due."""
        asked = time.monotonic()
        if not Worker.objects.filter(pk=self.worker_id).update(last_seen=timezone.now()):
            self.register()  # never run unregistered: its jobs would look lost
        if time.monotonic() - asked > heartbeat_seconds():
            # The database kept this beat waiting (a long write on SQLite): other workers' beats
            # waited too, so their last_seen says nothing now. Judge them at a prompt beat.
            return
        recover_lost_jobs(me=self.worker_id)
        queue_due_jobs()
        # Workers gone for a day are forgotten (their jobs were recovered long ago).
        Worker.objects.filter(last_seen__lt=timezone.now() - datetime.timedelta(days=1)).delete()

    def _beating(self) -> None:
        try:
            while not self._stop.wait(heartbeat_seconds()):
                _survive(self.beat_once)
        finally:
            connections.close_all()  # this thread's own connections

    def run(self) -> None:
        self.register()
        _survive(self.beat_once)
        thread = None
        if self.beat:
            thread = threading.Thread(target=self._beating, name="convenor-heartbeat", daemon=True)
            thread.start()
        try:
            super().run()
        finally:
            self._stop.set()
            if thread is not None:
                thread.join(timeout=heartbeat_seconds() + 5)
            Worker.objects.filter(pk=self.worker_id).delete()


def _survive(step: Callable[[], object]) -> None:
    """A heartbeat step that meets a busy or restarting database tries again next beat."""
    try:
        step()
    except DatabaseError:
        logger.warning("Worker heartbeat: the database did not answer; trying again", exc_info=True)


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(0)


@contextlib.contextmanager
def worker_beside() -> Iterator[subprocess.Popen | None]:
    """Run one ``convenor worker`` as a child process while the block runs (the demo and
    ``convenor serve``), and stop it after: SIGTERM lets its current job finish first."""
    if jobs.runs_immediately():
        yield None
        return
    child = subprocess.Popen([sys.executable, "-m", "convenor.cli", "worker"])
    # SIGTERM would end this process without running ``finally`` and leave the worker behind:
    # turn it into an orderly exit (only the main thread may set a handler).
    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield child
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
