"""Background jobs are rows on the database queue: a web process may stop at any time, a worker
runs each job once, a job that raises is recorded, and a job lost with its worker is retried
where that is safe or failed with the reason."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from convenor.ops import jobs
from convenor.ops.models import ScheduledJob, Worker
from convenor.ops.worker import WORKER_LOST, queue_due_jobs, recover_lost_jobs
from convenor.threat import services
from convenor.threat.models import DatasetImport, LinkageRun, Record
from tests.threat.conftest import NOMINALS_CSV, NOMINALS_MAPPING

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("worker", "--batch", stdout=io.StringIO())


def job_rows(name):
    return DBTaskResult.objects.filter(task_path=jobs.JOBS[name].module_path)


def upload(threat):
    return services.upload_file(
        threat.own_analyst, threat.own_dataset, "nominals.csv", NOMINALS_CSV.encode()
    )


def test_an_import_waits_on_the_queue_across_a_restart_and_a_worker_runs_it_once(
    queue, threat, areas
):
    started = services.start_import(threat.own_analyst, upload(threat), NOMINALS_MAPPING)
    assert started.status == DatasetImport.Status.QUEUED
    job = job_rows("import_dataset").get()
    assert job.status == "READY" and job.args_kwargs["args"] == [started.pk]
    # A web process restart loses nothing: the job is a row, not a thread.
    from django.db import connections

    connections.close_all()
    run_worker()
    started.refresh_from_db()
    job.refresh_from_db()
    assert started.status == DatasetImport.Status.DONE
    assert job.status == "SUCCESSFUL" and len(job.worker_ids) == 1
    records = Record.objects.count()
    run_worker()  # nothing left to do: nothing runs twice
    job.refresh_from_db()
    assert len(job.worker_ids) == 1 and Record.objects.count() == records


def test_a_linkage_run_goes_through_the_queue_with_its_progress(queue, imported):
    run = services.start_linkage(imported.own_analyst, imported.core.shared)
    assert run.status == LinkageRun.Status.QUEUED
    run_worker()
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.DONE and run.percent == 100


def test_a_job_that_raises_is_recorded_with_its_error(queue, imported):
    jobs.enqueue("link_partnership", 987654)  # its run was deleted before a worker got to it
    run_worker()
    job = job_rows("link_partnership").get()
    assert job.status == "FAILED"
    assert job.exception_class_path.endswith("DoesNotExist")
    assert "LinkageRun matching query does not exist" in job.traceback


def test_enqueue_refuses_an_unknown_job(queue):
    with pytest.raises(ValueError, match="No background job is called 'nothing'"):
        jobs.enqueue("nothing")


def test_the_worker_refuses_to_start_when_jobs_run_immediately(db):
    with pytest.raises(CommandError, match="no queue"):
        call_command("worker", "--batch")


def claimed_by_dead_worker(job, minutes_ago=5):
    """The state a worker killed mid-job leaves: its row still says running, its heartbeat stops."""
    then = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Worker.objects.update_or_create(
        worker_id="dead-worker",
        defaults={"hostname": "web-2", "pid": 4242, "started_at": then, "last_seen": then},
    )
    job.claim("dead-worker")
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=then)


def test_an_import_lost_with_its_worker_is_retried_once_then_failed_with_the_reason(
    queue, threat, areas
):
    started = services.start_import(threat.own_analyst, upload(threat), NOMINALS_MAPPING)
    job = job_rows("import_dataset").get()
    claimed_by_dead_worker(job)
    DatasetImport.objects.filter(pk=started.pk).update(status=DatasetImport.Status.RUNNING)

    assert recover_lost_jobs() == 1
    job.refresh_from_db()
    started.refresh_from_db()
    assert job.status == "READY" and started.status == DatasetImport.Status.QUEUED

    claimed_by_dead_worker(job)  # the second attempt is lost too
    DatasetImport.objects.filter(pk=started.pk).update(status=DatasetImport.Status.RUNNING)
    assert recover_lost_jobs() == 1
    job.refresh_from_db()
    started.refresh_from_db()
    assert job.status == "FAILED" and job.exception_class_path == WORKER_LOST
    assert "process 4242 on web-2" in job.traceback and "Attempts: 2" in job.traceback
    assert started.status == DatasetImport.Status.FAILED
    assert "process 4242 on web-2" in started.message and "Nothing was imported" in started.message
    assert not Record.objects.filter(dataset_import=started).exists()


def test_a_linkage_run_lost_with_its_worker_fails_with_the_reason_and_may_start_again(
    queue, imported
):
    run = services.start_linkage(imported.own_analyst, imported.core.shared)
    claimed_by_dead_worker(job_rows("link_partnership").get())
    LinkageRun.objects.filter(pk=run.pk).update(status=LinkageRun.Status.RUNNING)
    assert recover_lost_jobs() == 1
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.FAILED and "stopped" in run.message
    fresh = services.start_linkage(imported.own_analyst, imported.core.shared)
    assert fresh.pk != run.pk and fresh.status == LinkageRun.Status.QUEUED


def test_a_job_whose_worker_still_beats_is_left_alone(queue, imported):
    services.start_linkage(imported.own_analyst, imported.core.shared)
    job = job_rows("link_partnership").get()
    claimed_by_dead_worker(job)
    Worker.objects.filter(pk="dead-worker").update(last_seen=timezone.now())  # alive after all
    assert recover_lost_jobs() == 0
    job.refresh_from_db()
    assert job.status == "RUNNING"


def test_periodic_jobs_are_queued_once_however_many_workers_look(queue):
    now = timezone.now()
    periodic = ["purge_anonymous_reports", "write_audit_checkpoint"]
    assert queue_due_jobs(now) == periodic
    assert queue_due_jobs(now) == []  # a second worker at the same moment queues nothing
    assert job_rows("purge_anonymous_reports").count() == 1
    due = ScheduledJob.objects.get(name="purge_anonymous_reports").next_run_at
    assert due == now + dt.timedelta(hours=1)
    assert queue_due_jobs(due) == periodic
    run_worker()
    for name in periodic:
        assert set(job_rows(name).values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_the_schedule_anchors_the_audit_chain_outside_the_database(queue, settings, tmp_path):
    from convenor.core import audit

    settings.CONVENOR_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    audit.record("something_happened")
    queue_due_jobs(timezone.now())
    run_worker()
    lines = (tmp_path / "checkpoints.jsonl").read_text().splitlines()
    assert lines, "the worker wrote no checkpoint"
    assert audit.verify().ok
