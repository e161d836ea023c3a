"""/healthz: no sign-in, yes or no per check, 503 when any fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from convenor.ops import jobs
from convenor.ops.models import Worker

pytestmark = pytest.mark.django_db

CHECKS = {"database", "migrations", "worker", "queue"}


def beat(seconds_ago=0):
    when = timezone.now() - dt.timedelta(seconds=seconds_ago)
    Worker.objects.update_or_create(
        worker_id="w1",
        defaults={"hostname": "h", "pid": 1, "started_at": when, "last_seen": when},
    )


def test_healthy_with_a_live_worker_and_a_short_queue(client, queue):
    beat()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, True)}
    assert "no-cache" in response["Cache-Control"]


def test_no_worker_seen_in_the_last_minute_is_unhealthy(client, queue):
    beat(seconds_ago=90)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] is False


def test_a_long_queue_is_unhealthy(client, queue):
    beat()
    queue.CONVENOR_HEALTH_MAX_QUEUED_JOBS = 2
    jobs.enqueue("purge_anonymous_reports")
    assert client.get("/healthz").status_code == 200
    jobs.enqueue("purge_anonymous_reports")
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["queue"] is False


def test_an_unapplied_migration_is_unhealthy(client, queue):
    beat()
    MigrationRecorder(connection).migration_qs.filter(app="ops").delete()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["migrations"] is False


def test_open_to_a_half_signed_in_person_and_tells_nothing_more(client, world):
    client.force_login(world.people["analyst"])  # password only, no second factor yet
    response = client.get("/healthz")
    assert response.status_code == 200  # jobs run immediately here: nothing to wait for
    assert set(response.json()["checks"]) == CHECKS
    assert client.post("/healthz").status_code == 405
