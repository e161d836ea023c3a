"""The workers that run background jobs, and the periodic schedule they share.

The jobs themselves are django-tasks-db rows (``DBTaskResult``); these tables add what a
production queue needs around them: who is alive (a heartbeat) and when each periodic job
last went on the queue (so two workers never both queue it).
"""

from __future__ import annotations

from django.db import models


class Worker(models.Model):
    """A ``convenor worker`` process. ``last_seen`` is its heartbeat: a job whose worker stopped
    beating is lost and recovered (ADR 0061)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class ScheduledJob(models.Model):
    """A periodic job and when it is next due; a worker queues it by moving ``next_run_at`` on
    in one conditional update, so exactly one worker does each time."""

    name = models.CharField(max_length=100, primary_key=True)
    next_run_at = models.DateTimeField()
    last_queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
