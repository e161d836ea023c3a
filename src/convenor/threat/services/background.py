"""Long work (imports, linkage) queued on the job queue, or run at once where there is none."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import transaction

from convenor.ops import jobs

Work = TypeVar("Work")


def run_in_background() -> bool:
    return bool(getattr(settings, "CONVENOR_BACKGROUND_TASKS", True))


def queue_or_run(
    queue: Callable[[], tuple[Work, bool]],
    job: str,
    run_now: Callable[[Work], Work],
    background: bool | None,
) -> Work:
    """``queue()`` marks the work queued (returning it and whether it was newly queued, inside
    a transaction); then the job named ``job`` runs it in the background, or ``run_now`` here."""
    if background is None:
        background = run_in_background()
    with transaction.atomic():
        work, queued = queue()
        if queued and background:
            jobs.enqueue(job, work.pk)
    if queued and not background:
        work = run_now(work)
    return work
