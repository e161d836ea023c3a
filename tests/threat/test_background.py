"""Imports and linkage runs on the job queue, run by a worker, with progress the pages can poll.

On PostgreSQL, with the worker in a thread beside the test (the queue's own tests in tests/ops
cover SQLite and real worker processes)."""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connections

from convenor.threat import services
from convenor.threat.models import DatasetImport, LinkageRun, Record
from tests.threat.conftest import NOMINALS_CSV, NOMINALS_MAPPING

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def wait_for(fetch, done, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = fetch()
        if done(value):
            return value
        time.sleep(0.2)
    raise AssertionError(f"still not finished: {value}")


def run_worker_beside():
    """A worker that runs what is queued now, then stops, in a thread with its own connection."""

    def work():
        try:
            call_command("worker", "--batch", stdout=io.StringIO())
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_import_and_linkage_run_in_the_background(threat, areas, settings):
    settings.CONVENOR_BACKGROUND_TASKS = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    rows = "".join(f"B{i},Person{i},Surname{i % 50},01/01/1980,,,,\n" for i in range(3000))
    content = (NOMINALS_CSV + rows).encode()
    upload = services.upload_file(threat.own_analyst, threat.own_dataset, "big.csv", content)
    started = services.start_import(threat.own_analyst, upload, NOMINALS_MAPPING)
    assert started.status == DatasetImport.Status.QUEUED  # the request returns at once
    run_worker_beside()
    seen_progress = set()

    def fetch():
        job = DatasetImport.objects.get(pk=upload.pk)
        seen_progress.add(job.processed_rows)
        return job

    job = wait_for(fetch, lambda j: j.is_finished)
    assert job.status == DatasetImport.Status.DONE, job.message
    assert job.imported_rows == 3002
    assert Record.objects.filter(dataset_import=job, kind="person").count() == 3002
    assert job.total_rows == 3002

    run = services.start_linkage(threat.own_analyst, threat.core.shared)
    run_worker_beside()
    run = wait_for(lambda: LinkageRun.objects.get(pk=run.pk), lambda r: r.is_finished, 300)
    assert run.status == LinkageRun.Status.DONE, run.message
    assert (
        run.record_count == Record.objects.filter(dataset__partnership=threat.core.shared).count()
    )
