"""A second process on the same database as a `convenor worker`: seeds a world, starts jobs as
the web process would, and reports the state as JSON. Used by test_worker_processes.py."""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenor.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from convenor.core.models import Partnership, User  # noqa: E402
from convenor.threat import services  # noqa: E402
from convenor.threat.models import Dataset, DatasetImport, LinkageRun, MatchPair, Record  # noqa: E402
from tests.conftest import build_world  # noqa: E402
from tests.threat.conftest import NOMINALS_CSV, NOMINALS_MAPPING, build_threat  # noqa: E402


def seed() -> dict:
    threat = build_threat(build_world())
    return {"dataset": threat.own_dataset.pk}


def prepare(rows: int) -> dict:
    """Migrate, seed, and queue an import of ``rows`` rows (one process: each start is slow)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed()
    return start_import(rows)


def start_import(rows: int) -> dict:
    dataset = Dataset.objects.get(title="Own nominals")
    analyst = User.objects.get(username=dataset.created_by.username)
    body = "".join(f"B{i},Person{i},Surname{i % 97},01/01/1980,,,,\n" for i in range(rows))
    upload = services.upload_file(
        analyst, dataset, f"big-{rows}.csv", (NOMINALS_CSV + body).encode()
    )
    upload = services.start_import(analyst, upload, NOMINALS_MAPPING, background=True)
    return {"import": upload.pk, "status": upload.status}


def start_linkage() -> dict:
    dataset = Dataset.objects.get(title="Own nominals")
    analyst = User.objects.get(username=dataset.created_by.username)
    partnership = Partnership.objects.get(pk=dataset.partnership_id)
    run = services.start_linkage(analyst, partnership, background=True)
    return {"run": run.pk, "status": run.status}


def state() -> dict:
    return {
        "imports": list(
            DatasetImport.objects.values(
                "pk", "status", "message", "processed_rows", "imported_rows"
            ).order_by("pk")
        ),
        "records_by_import": {
            str(row["dataset_import"]): row["n"]
            for row in Record.objects.values("dataset_import").annotate(n=Count("pk"))
        },
        "runs": list(LinkageRun.objects.values("pk", "status", "message", "stage").order_by("pk")),
        "pairs_by_run": {
            str(row["run"]): row["n"]
            for row in MatchPair.objects.values("run").annotate(n=Count("pk"))
        },
        "jobs": [
            {
                "task": job.task_path.rsplit(".", 1)[-1],
                "args": job.args_kwargs["args"],
                "status": job.status,
                "attempts": len(job.worker_ids),
                "error": job.exception_class_path,
                "reason": job.traceback[-300:],
            }
            for job in DBTaskResult.objects.order_by("enqueued_at")
        ],
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    actions = {"prepare": prepare, "start-import": start_import, "start-linkage": start_linkage}
    actions["state"] = state
    print(json.dumps(actions[command](*[int(a) for a in args]), default=str))
