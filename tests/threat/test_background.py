"""Imports and linkage runs in the background worker, with progress the pages can poll.

On PostgreSQL only: the tests' in-memory SQLite locks whole tables between threads."""

from __future__ import annotations

import time

import pytest

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


def test_import_and_linkage_run_in_the_background(threat, areas, settings):
    settings.CONVENOR_BACKGROUND_TASKS = True
    rows = "".join(f"B{i},Person{i},Surname{i % 50},01/01/1980,,,,\n" for i in range(3000))
    content = (NOMINALS_CSV + rows).encode()
    upload = services.upload_file(threat.own_analyst, threat.own_dataset, "big.csv", content)
    started = services.start_import(threat.own_analyst, upload, NOMINALS_MAPPING)
    assert started.status == DatasetImport.Status.QUEUED  # the request returns at once
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
    run = wait_for(lambda: LinkageRun.objects.get(pk=run.pk), lambda r: r.is_finished, 300)
    assert run.status == LinkageRun.Status.DONE, run.message
    assert (
        run.record_count == Record.objects.filter(dataset__partnership=threat.core.shared).count()
    )
