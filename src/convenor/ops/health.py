"""``/healthz`` for the proxy or orchestrator: yes or no per check, never any detail.

200 when the database answers, every migration is applied, a worker beat in the last minute and
the queue holds fewer than ``CONVENOR_HEALTH_MAX_QUEUED_JOBS`` waiting jobs; otherwise 503.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import jobs

WORKER_SEEN_WITHIN = datetime.timedelta(minutes=1)


def checks() -> dict[str, bool]:
    result = {"database": False, "migrations": False, "worker": False, "queue": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        result["database"] = True
        executor = MigrationExecutor(connection)
        result["migrations"] = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        if jobs.runs_immediately():  # jobs run in the web process itself: nothing to wait on
            result["worker"] = result["queue"] = True
            return result
        from django_tasks_db.models import DBTaskResult

        from .models import Worker

        since = timezone.now() - WORKER_SEEN_WITHIN
        result["worker"] = Worker.objects.filter(last_seen__gte=since).exists()
        waiting = DBTaskResult.objects.ready().count()
        result["queue"] = waiting < settings.CONVENOR_HEALTH_MAX_QUEUED_JOBS
    except DatabaseError:
        pass
    return result


@never_cache
@require_GET
def healthz(request):
    found = checks()
    healthy = all(found.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": found},
        status=200 if healthy else 503,
    )
