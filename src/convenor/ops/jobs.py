"""Convenor's background jobs: the one place that puts work on the queue (ADR 0061).

Every job is a django-tasks ``Task`` defined here, calling the domain's own service (which checks
its row's status, so a job that finds its work already done or taken does nothing). Call sites
write one line::

    jobs.enqueue("import_dataset", upload.pk)

With the database backend (production, the demo) the job is a row written in the caller's
transaction, so it exists exactly when the work it describes was committed, and survives any
restart of the web process. With the immediate backend (the tests, ``CONVENOR_JOBS_IMMEDIATE``)
the job runs in-process once the transaction commits.

A job lost with its worker (killed, machine gone) is recovered by :mod:`convenor.ops.worker`:
retried where that is safe, otherwise failed with the reason, following its ``LostJobPolicy``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

# --- The jobs -----------------------------------------------------------------------------


@task
def import_dataset(import_id: int) -> str:
    from convenor.threat.services import run_import

    return run_import(import_id).status


@task
def link_partnership(run_id: int) -> str:
    from convenor.threat.services import run_linkage

    return run_linkage(run_id).status


@task
def build_profile(version_id: int) -> str:
    from convenor.profiles.services import run_build

    return run_build(version_id).status


@task
def purge_anonymous_reports() -> int:
    from convenor.intelligence.services import purge_expired

    return purge_expired()


@task
def write_audit_checkpoint() -> str:
    """Anchor the audit chain's end outside the database (ADR 0002)."""
    from convenor.core import audit

    return str(audit.write_checkpoint())


JOBS = {
    "write_audit_checkpoint": write_audit_checkpoint,
    "import_dataset": import_dataset,
    "link_partnership": link_partnership,
    "build_profile": build_profile,
    "purge_anonymous_reports": purge_anonymous_reports,
}


def register(name: str, job: Any) -> None:
    """Add a job defined elsewhere (a ``@task`` function) so that it can be queued by name."""
    JOBS[name] = job


def enqueue(name: str, *args: Any) -> None:
    """Put the job ``name`` on the queue with ``args`` (ids: JSON only). With the database
    backend the row joins the caller's transaction; with the immediate backend the job runs
    after that transaction commits, as a worker would see it."""
    if name not in JOBS:
        raise ValueError(f"No background job is called {name!r}; known: {', '.join(JOBS)}")
    job = JOBS[name]
    if isinstance(task_backends[job.backend], ImmediateBackend):
        transaction.on_commit(lambda: job.enqueue(*args), robust=True)
    else:
        job.enqueue(*args)


def runs_immediately() -> bool:
    return isinstance(task_backends["default"], ImmediateBackend)


# --- What happens to a job lost with its worker ---------------------------------------------


@dataclass(frozen=True)
class LostJobPolicy:
    """``attempts``: how many times the job may start in all (1: never retried). ``retry``
    puts the domain row back to its queued state; ``fail`` marks it failed with the reason.
    Both run in the transaction that changes the job's own row."""

    attempts: int = 1
    retry: Callable[..., None] | None = None
    fail: Callable[..., None] | None = None


def _import_back_to_queue(import_id: int) -> None:
    from convenor.threat.models import DatasetImport

    # All or nothing: a killed import wrote no records, and the retry checks the content hash.
    DatasetImport.objects.filter(pk=import_id, status=DatasetImport.Status.RUNNING).update(
        status=DatasetImport.Status.QUEUED, processed_rows=0, started_at=None
    )


def _import_failed(reason: str, import_id: int) -> None:
    from convenor.threat.models import DatasetImport

    unfinished = [DatasetImport.Status.QUEUED, DatasetImport.Status.RUNNING]
    DatasetImport.objects.filter(pk=import_id, status__in=unfinished).update(
        status=DatasetImport.Status.FAILED,
        message=f"{reason} Nothing was imported: start it again.",
        finished_at=timezone.now(),
    )


def _linkage_failed(reason: str, run_id: int) -> None:
    from convenor.threat.models import LinkageRun

    unfinished = [LinkageRun.Status.QUEUED, LinkageRun.Status.RUNNING]
    LinkageRun.objects.filter(pk=run_id, status__in=unfinished).update(
        status=LinkageRun.Status.FAILED,
        message=f"{reason} No links were changed: start it again.",
        finished_at=timezone.now(),
    )


def _build_failed(reason: str, version_id: int) -> None:
    from convenor.profiles.models import ProfileVersion

    unfinished = [ProfileVersion.Status.QUEUED, ProfileVersion.Status.BUILDING]
    ProfileVersion.objects.filter(pk=version_id, status__in=unfinished).update(
        status=ProfileVersion.Status.FAILED,
        stage="Failed",
        error=f"{reason} Build it again.",
    )


# Imports are all-or-nothing and idempotent by content hash: safe to run again (once). A linkage
# run killed mid-way is most often out of memory, and would be again: it fails, with the reason.
# A profile build is frozen when it ends; a lost one fails and is asked for again.
LOST_JOB_POLICIES: dict[str, LostJobPolicy] = {
    import_dataset.module_path: LostJobPolicy(
        attempts=2, retry=_import_back_to_queue, fail=_import_failed
    ),
    link_partnership.module_path: LostJobPolicy(attempts=1, fail=_linkage_failed),
    build_profile.module_path: LostJobPolicy(attempts=1, fail=_build_failed),
    purge_anonymous_reports.module_path: LostJobPolicy(attempts=3),
}
