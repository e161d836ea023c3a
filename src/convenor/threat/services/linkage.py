"""Linkage runs: link a partnership's records again (one run at a time), keep entities' numbers
where most of their records stay together, and store the run's candidate links."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.models import Partnership, User

from ..access_rules import may_link
from ..batches import in_batches
from ..models import Entity, LinkageRun, MatchPair, Record
from ..selectors import current_decisions
from .background import queue_or_run
from .entities import delete_empty_entities, hand_over_references

logger = logging.getLogger(__name__)


def start_linkage(
    actor: User,
    partnership: Partnership,
    *,
    background: bool | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> LinkageRun:
    """Link the partnership's records again, in the background or now; one run at a time."""
    return queue_or_run(
        lambda: _queue_linkage(actor, partnership),
        "link_partnership",
        lambda run: run_linkage(run.pk, progress=progress),
        background,
    )


def _queue_linkage(actor: User, partnership: Partnership) -> tuple[LinkageRun, bool]:
    if not access.can(actor, access.Action.CREATE, model=LinkageRun) or not may_link(
        access.standing(actor), partnership
    ):
        raise PermissionDenied("Only an analyst of one of the partnership's organisations can")
    running = partnership.linkage_runs.filter(
        status__in=[LinkageRun.Status.QUEUED, LinkageRun.Status.RUNNING]
    ).first()
    if running is not None:
        return running, False
    run = LinkageRun.objects.create(partnership=partnership, started_by=actor)
    audit.record("linkage_started", actor=actor, obj=run, detail={"partnership": partnership.pk})
    return run, True


def linkage_frame(partnership: Partnership):
    """The partnership's records as the linkage library wants them (one row per record)."""
    columns = _frame_columns()
    rows = Record.objects.filter(dataset__partnership=partnership).values_list(*columns)
    return _frame(list(rows), columns)


def records_frame(records: Iterable[Record]):
    """These records (already fetched) as the linkage library wants them."""
    columns = _frame_columns()
    return _frame([tuple(getattr(record, name) for name in columns) for record in records], columns)


_STORED_AS = {"record_id": "pk", "source": "dataset_id"}


def _frame_columns() -> list[str]:
    from convenor.linkage.normalise import RECORD_COLUMNS

    return [_STORED_AS.get(name, name) for name in RECORD_COLUMNS]


def _frame(rows: list[tuple], columns: list[str]):
    import pandas as pd

    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame = frame.rename(columns={v: k for k, v in _STORED_AS.items()})
    frame["record_id"] = frame["record_id"].astype(str)
    frame["source"] = frame["source"].astype(str)
    frame["date_of_birth"] = frame["date_of_birth"].map(
        lambda d: d.isoformat() if d is not None else None
    )
    for column in frame.columns:
        if column not in ("record_id", "source", "date_of_birth"):
            frame[column] = frame[column].map(lambda v: v if v not in ("", None) else None)
    return frame


def run_linkage(pk: int, progress: Callable[[str, float], None] | None = None) -> LinkageRun:
    run = LinkageRun.objects.select_related("partnership").get(pk=pk)
    if run.status != LinkageRun.Status.QUEUED:
        return run
    LinkageRun.objects.filter(pk=pk).update(
        status=LinkageRun.Status.RUNNING, started_at=timezone.now(), stage="Reading records"
    )

    def report(stage: str, fraction: float) -> None:
        LinkageRun.objects.filter(pk=pk).update(
            stage=str(stage)[:200], progress=max(0.0, min(0.95, float(fraction)))
        )
        if progress is not None:
            progress(stage, fraction)

    try:
        from convenor.linkage import Decisions, link_records

        frame = linkage_frame(run.partnership)
        confirmed, rejected = current_decisions(run.partnership)
        if len(frame) == 0:
            clusters, pairs, summary = {}, [], {}
        else:

            def linking(stage: str, fraction: float) -> None:
                if stage != "done":  # saving comes after the library is done: 0-90% is its share
                    report(stage, 0.9 * fraction)

            result = link_records(
                frame, decisions=Decisions(confirmed=confirmed, rejected=rejected), progress=linking
            )
            clusters = dict(
                zip(
                    result.clusters["record_id"].astype(int),
                    result.clusters["cluster_id"].astype(str),
                    strict=True,
                )
            )
            pairs = list(
                result.pairs[
                    [
                        "record_id_l",
                        "record_id_r",
                        "match_probability",
                        "match_weight",
                        "agreeing",
                        "comparison_vector",
                    ]
                ].itertuples(index=False, name=None)
            )
            summary = result.model_summary or {}
        report("Saving entities and links", 0.95)
        with transaction.atomic():
            entity_count = _store_clusters(run, clusters)
            pair_count = _store_pairs(run, pairs, summary)
            LinkageRun.objects.filter(pk=pk).update(
                status=LinkageRun.Status.DONE,
                stage="Finished",
                progress=1.0,
                record_count=len(frame),
                pair_count=pair_count,
                entity_count=entity_count,
                model_summary=_jsonable(summary),
                finished_at=timezone.now(),
            )
            audit.record(
                "linkage_finished",
                actor=run.started_by,
                obj=run,
                detail={"records": len(frame), "pairs": pair_count, "entities": entity_count},
            )
        if progress is not None:
            progress("Finished", 1.0)
    except Exception:
        logger.exception("Linkage run %s failed", pk)
        LinkageRun.objects.filter(pk=pk).update(
            status=LinkageRun.Status.FAILED,
            message="Linking failed on our side; the earlier entities and links stand. "
            "The error has been logged.",
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def _jsonable(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))


def _store_clusters(run: LinkageRun, clusters: dict[int, str]) -> int:
    """Records of one cluster share one entity: reuse the entity most of them had, so entity
    pages (and groups' members linked to them) keep their identity across runs."""
    records = dict(
        Record.objects.filter(dataset__partnership=run.partnership).values_list("pk", "entity_id")
    )
    members: dict[str, list[int]] = defaultdict(list)
    for record_id in records:
        members[clusters.get(record_id, f"alone-{record_id}")].append(record_id)
    kinds = dict(
        Record.objects.filter(dataset__partnership=run.partnership).values_list("pk", "kind")
    )
    taken: set[int] = set()
    assignment: dict[int, list[int]] = {}
    new_entities: list[tuple[str, list[int]]] = []
    for _, ids in sorted(members.items(), key=lambda kv: -len(kv[1])):
        counts: dict[int, int] = defaultdict(int)
        for record_id in ids:
            if records[record_id] is not None:
                counts[records[record_id]] += 1
        choice = next(
            (
                e
                for e, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                if e not in taken
            ),
            None,
        )
        if choice is None:
            new_entities.append((kinds[ids[0]], ids))
        else:
            taken.add(choice)
            assignment[choice] = ids
    for kind, ids in new_entities:
        entity = Entity.objects.create(partnership=run.partnership, kind=kind)
        assignment[entity.pk] = ids
    moved: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for entity_id, ids in assignment.items():
        changed = [i for i in ids if records[i] != entity_id]
        for record_id in changed:
            if records[record_id] is not None:
                moved[records[record_id]][entity_id] += 1
        if changed:
            Record.objects.filter(pk__in=changed).update(entity_id=entity_id)
    # An entity none of whose records stayed hands its references to where most of them went.
    hand_over_references(
        {
            old: max(targets, key=lambda t: (targets[t], -t))
            for old, targets in moved.items()
            if old not in assignment
        }
    )
    delete_empty_entities(Entity.objects.filter(partnership=run.partnership))
    now = timezone.now()
    for batch in in_batches(assignment):
        Entity.objects.filter(pk__in=batch).update(updated_at=now)
    return len(assignment)


def _store_pairs(run: LinkageRun, pairs: Iterable[tuple], summary: dict) -> int:
    """The run's pairs. `agreeing` names the record columns whose values the model found the same
    or close (the library names comparisons: "address" for postcode and address together, which
    agrees when only the postcode sector does)."""
    from convenor.linkage.explain import agreeing_columns

    columns_agreeing = agreeing_columns(summary)
    objects = []
    for left, right, probability, weight, agreeing, vector in pairs:
        a, b = sorted((int(left), int(right)))
        if a == b:
            continue
        if isinstance(vector, dict) and vector:
            agreeing = columns_agreeing(vector)
        objects.append(
            MatchPair(
                run=run,
                partnership=run.partnership,
                record_a_id=a,
                record_b_id=b,
                match_probability=min(1.0, max(0.0, float(probability))),
                match_weight=float(weight) if weight == weight else 0.0,
                agreeing=[str(f) for f in (list(agreeing) if agreeing is not None else [])],
                comparison_vector=vector if isinstance(vector, dict) else {},
            )
        )
    MatchPair.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=True)
    # Only the latest run's pairs are current; earlier runs keep their summary, not their pairs.
    MatchPair.objects.filter(partnership=run.partnership).exclude(run=run).delete()
    return len(objects)
