"""A server that stops mid-job leaves nothing half-done and nothing stuck: on the next start the
job is marked failed with the reason, and a new linkage run can begin."""

from convenor.core.signals import server_starting
from convenor.threat import services
from convenor.threat.models import DatasetImport, LinkageRun


def test_jobs_left_running_are_failed_when_the_server_starts_and_linkage_can_run_again(imported):
    t = imported
    partnership = t.core.shared
    stuck_run = LinkageRun.objects.create(
        partnership=partnership, started_by=t.own_analyst, status=LinkageRun.Status.RUNNING
    )
    stuck_import = t.own_dataset.imports.get()
    DatasetImport.objects.filter(pk=stuck_import.pk).update(status=DatasetImport.Status.RUNNING)
    # While it looks running, asking again returns the same (dead) run.
    assert services.start_linkage(t.own_analyst, partnership, background=False).pk == stuck_run.pk

    server_starting.send(sender=None)

    stuck_run.refresh_from_db()
    stuck_import.refresh_from_db()
    assert stuck_run.status == LinkageRun.Status.FAILED
    assert stuck_import.status == DatasetImport.Status.FAILED
    assert "Start it again" in stuck_run.message and "Start it again" in stuck_import.message
    fresh = services.start_linkage(t.own_analyst, partnership, background=False)
    assert fresh.pk != stuck_run.pk
    assert fresh.status == LinkageRun.Status.DONE


def test_finished_jobs_are_left_alone(imported):
    done = imported.own_dataset.imports.get()
    status = done.status
    assert services.fail_interrupted_jobs() == 0
    done.refresh_from_db()
    assert done.status == status
