"""The threat picture's use cases: each checks the policy, runs in one transaction and is audited.

Imports and linkage runs are long: ``start_import`` / ``start_linkage`` record the job and put
it on the job queue (inline when ``CONVENOR_BACKGROUND_TASKS`` is off, as in the tests and the
CLI, which shows its own progress bar); the pages poll the job's progress.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.areas import PostcodeError, resolve_postcode
from convenor.core.models import Organisation, Partnership, User
from convenor.ops import jobs

from . import importing
from .access_rules import may_link
from .batches import in_batches
from .models import (
    Dataset,
    DatasetImport,
    Entity,
    LinkageRun,
    LinkDecision,
    MatchPair,
    Record,
    Relation,
)

logger = logging.getLogger(__name__)
MAX_STORED_REJECTIONS = 1000


def run_in_background() -> bool:
    return bool(getattr(settings, "CONVENOR_BACKGROUND_TASKS", True))


# --- Datasets ------------------------------------------------------------------------------


@transaction.atomic
def create_dataset(actor: User, fields: dict[str, Any]) -> Dataset:
    """Describe a new partner dataset. ``fields`` name its organisation, partnership, ISA,
    legal basis, kind, title, description, contact and extraction date."""
    organisation: Organisation = fields["organisation"]
    if not (actor.is_superuser or access.standing(actor).has_role("analyst", organisation.pk)):
        raise PermissionDenied("Only an analyst of the holding organisation can add its datasets")
    dataset = Dataset(created_by=actor, **fields)
    dataset.full_clean()
    if not access.can(actor, access.Action.VIEW, dataset.contact):
        raise ValidationError({"contact": "Choose a contact from a partner organisation"})
    dataset.save()
    audit.record(
        "dataset_created",
        actor=actor,
        obj=dataset,
        detail={"agreement": dataset.agreement_id, "legal_basis": dataset.legal_basis},
    )
    return dataset


# --- Imports -------------------------------------------------------------------------------


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def upload_file(actor: User, dataset: Dataset, file_name: str, content: bytes) -> DatasetImport:
    """Keep an uploaded file until its columns are mapped. Refuses a file Convenor cannot read
    (ImportFileError) and returns the earlier import if this exact content is already in."""
    if not access.can(actor, access.Action.CHANGE, dataset):
        raise PermissionDenied("Only an analyst of the holding organisation can import into it")
    digest = content_hash(content)
    done = dataset.imports.filter(content_sha256=digest, status=DatasetImport.Status.DONE).first()
    if done is not None:
        audit.record(
            "dataset_import_repeated",
            actor=actor,
            obj=dataset,
            detail={"import": done.pk, "file_name": file_name[:255], "sha256": digest},
        )
        return done
    table = importing.read_table(file_name, content)  # refuses unreadable files now
    upload = DatasetImport.objects.create(
        dataset=dataset,
        file_name=file_name[:255],
        content_sha256=digest,
        size_bytes=len(content),
        content=content,
        total_rows=table.total,
        created_by=actor,
    )
    audit.record(
        "dataset_file_uploaded",
        actor=actor,
        obj=dataset,
        detail={"import": upload.pk, "file_name": upload.file_name, "sha256": digest},
    )
    return upload


def read_upload(upload: DatasetImport) -> importing.Table:
    return importing.read_table(upload.file_name, bytes(upload.content or b""))


def start_import(
    actor: User,
    upload: DatasetImport,
    mapping: dict[str, str],
    *,
    background: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DatasetImport:
    """Import an uploaded file with ``mapping`` ({field: column}): in the background, or now."""
    if background is None:
        background = run_in_background()
    with transaction.atomic():
        queued = _queue_import(actor, upload, mapping)
        if queued and background:
            jobs.enqueue("import_dataset", upload.pk)
    if queued and not background:
        run_import(upload.pk, progress=progress)
        upload.refresh_from_db()
    return upload


def _queue_import(actor: User, upload: DatasetImport, mapping: dict[str, str]) -> bool:
    dataset = upload.dataset
    if not access.can(actor, access.Action.CHANGE, dataset):
        raise PermissionDenied("Only an analyst of the holding organisation can import into it")
    if upload.status != DatasetImport.Status.UPLOADED:
        return False
    table = read_upload(upload)
    mapping = importing.check_mapping(mapping, table.headers)
    upload.column_mapping = mapping
    upload.status = DatasetImport.Status.QUEUED
    upload.save(update_fields=["column_mapping", "status"])
    dataset.column_mapping = mapping
    dataset.save(update_fields=["column_mapping", "updated_at"])
    audit.record(
        "dataset_import_started",
        actor=actor,
        obj=dataset,
        detail={"import": upload.pk, "file_name": upload.file_name, "mapping": mapping},
    )
    return True


def import_file(
    actor: User,
    dataset: Dataset,
    file_name: str,
    content: bytes,
    mapping: dict[str, str],
    progress: Callable[[int, int], None] | None = None,
) -> DatasetImport:
    """Upload and import in one go, now (the CLI, the demo, the tests)."""
    upload = upload_file(actor, dataset, file_name, content)
    if upload.status == DatasetImport.Status.UPLOADED:
        start_import(actor, upload, mapping, background=False, progress=progress)
    upload.refresh_from_db()
    return upload


def _update(upload: DatasetImport, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(upload, name, value)
    DatasetImport.objects.filter(pk=upload.pk).update(**fields)


def _resolve_postcodes(
    results: list[importing.RowResult], mapping: dict[str, str]
) -> tuple[dict[str, Any], list[importing.Rejection]]:
    located: dict[str, Any] = {}
    refused: dict[str, str] = {}
    rejections = []
    for result in results:
        postcode = result.postcode
        if not postcode:
            continue
        if postcode not in located and postcode not in refused:
            try:
                located[postcode] = resolve_postcode(postcode)
            except PostcodeError as error:
                refused[postcode] = str(error)
        if postcode in refused:
            rejections.append(
                importing.Rejection(result.row_number, mapping["postcode"], refused[postcode])
            )
    return located, rejections


def run_import(pk: int, progress: Callable[[int, int], None] | None = None) -> DatasetImport:
    """Validate every row, then write all records in one transaction, or none.

    Progress (rows checked) is written outside the transaction so the page can show it.
    """
    upload = DatasetImport.objects.select_related("dataset", "dataset__partnership").get(pk=pk)
    if upload.status != DatasetImport.Status.QUEUED:
        return upload
    dataset = upload.dataset
    _update(upload, status=DatasetImport.Status.RUNNING, started_at=timezone.now())
    try:
        table = read_upload(upload)
        _update(upload, total_rows=table.total)

        def checked(rows: int) -> None:
            _update(upload, processed_rows=rows)
            if progress is not None:
                progress(rows, table.total)

        results, rejections = importing.validate_rows(
            table, upload.column_mapping, dataset.kind, timezone.localdate(), checked
        )
        located, postcode_rejections = _resolve_postcodes(results, upload.column_mapping)
        rejections = sorted(rejections + postcode_rejections, key=lambda r: (r.row, r.column))
        checked(table.total)
        if not results and not rejections:
            return _finish_rejected(
                upload, [], message="Nothing was imported: the file has no rows with data."
            )
        if rejections:
            return _finish_rejected(upload, rejections)
        with transaction.atomic():
            if DatasetImport.objects.filter(
                dataset=dataset, content_sha256=upload.content_sha256, status="done"
            ).exists():
                _update(
                    upload,
                    status=DatasetImport.Status.REJECTED,
                    message="This file was already imported into the dataset; nothing changed.",
                    content=None,
                    finished_at=timezone.now(),
                )
                return upload
            count = _write_records(upload, results, located)
            _update(
                upload,
                status=DatasetImport.Status.DONE,
                imported_rows=len(results),
                message=f"{len(results):,} rows imported as {count:,} records.",
                content=None,
                finished_at=timezone.now(),
            )
            audit.record(
                "dataset_imported",
                actor=upload.created_by,
                obj=dataset,
                detail={
                    "import": upload.pk,
                    "file_name": upload.file_name,
                    "sha256": upload.content_sha256,
                    "rows": len(results),
                    "records": count,
                },
            )
    except importing.ImportFileError as error:
        return _finish_rejected(upload, [], message=str(error))
    except ValidationError as error:
        return _finish_rejected(upload, [], message="; ".join(error.messages))
    except Exception:
        logger.exception("Import %s failed", pk)
        _update(
            upload,
            status=DatasetImport.Status.FAILED,
            message="The import failed on our side and nothing was imported. "
            "The error has been logged; try again or ask your operator.",
            finished_at=timezone.now(),
        )
    return upload


def _finish_rejected(
    upload: DatasetImport, rejections: list[importing.Rejection], message: str = ""
) -> DatasetImport:
    rows = len({r.row for r in rejections})
    if not message:
        message = (
            f"Nothing was imported: {rows:,} row{'s' if rows != 1 else ''} "
            "need correcting (listed below). Correct the file and import it again."
        )
        if len(rejections) > MAX_STORED_REJECTIONS:
            message += f" The first {MAX_STORED_REJECTIONS:,} of {len(rejections):,} are listed."
    _update(
        upload,
        status=DatasetImport.Status.REJECTED,
        rejected_rows=[r.as_dict() for r in rejections[:MAX_STORED_REJECTIONS]],
        message=message,
        content=None,
        finished_at=timezone.now(),
    )
    audit.record(
        "dataset_import_rejected",
        actor=upload.created_by,
        obj=upload.dataset,
        detail={"import": upload.pk, "rejected_rows": rows, "message": message[:300]},
    )
    return upload


def _write_records(
    upload: DatasetImport, results: list[importing.RowResult], located: dict[str, Any]
) -> int:
    dataset = upload.dataset
    drafts: list[tuple[importing.RowResult, importing.RowRecord]] = [
        (result, row_record) for result in results for row_record in result.records
    ]
    entities = Entity.objects.bulk_create(
        [Entity(partnership=dataset.partnership, kind=rr.kind) for _, rr in drafts],
        batch_size=2000,
    )
    records = []
    for (result, row_record), entity in zip(drafts, entities, strict=True):
        place = located.get(result.postcode) if row_record.fields.get("postcode") else None
        records.append(
            Record(
                dataset=dataset,
                dataset_import=upload,
                row_number=result.row_number,
                kind=row_record.kind,
                raw=result.raw,
                entity=entity,
                local_authority=place.local_authority if place else None,
                easting=place.easting if place else None,
                northing=place.northing if place else None,
                **row_record.fields,
            )
        )
    records = Record.objects.bulk_create(records, batch_size=2000)
    by_row: dict[tuple[int, str], Record] = {(r.row_number, r.kind): r for r in records}
    person_by_reference = {
        res.reference: by_row[(res.row_number, "person")]
        for res in results
        if res.reference and (res.row_number, "person") in by_row
    }
    relations = []
    for result in results:
        for kind, source, target in result.relations:
            relations.append(
                Relation(
                    kind=kind,
                    from_record=by_row[(result.row_number, source)],
                    to_record=by_row[(result.row_number, target)],
                    source_record=by_row[(result.row_number, source)],
                )
            )
        if result.associate_reference:
            person = by_row[(result.row_number, "person")]
            relations.append(
                Relation(
                    kind=Relation.Kind.ASSOCIATE_OF,
                    from_record=person,
                    to_record=person_by_reference[result.associate_reference],
                    source_record=person,
                )
            )
    Relation.objects.bulk_create(relations, batch_size=2000, ignore_conflicts=True)
    return len(records)


# --- Reading records, entities and flags ---------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """A match in a holding the user may not see: who holds it and whom to ask."""

    organisation: Organisation
    contact: User
    dataset_kind: str
    matches: int

    @property
    def contact_name(self) -> str:
        return self.contact.get_full_name() or self.contact.get_username()


def flags_for(user: User, entity: Entity | None) -> list[Flag]:
    """Records of ``entity`` the user may not see, as flag-and-contact: holder, contact, count."""
    if entity is None:
        return []
    hidden = entity.records.exclude(pk__in=access.visible(user, entity.records.all()).values("pk"))
    counts: dict[tuple[int, int, str], int] = defaultdict(int)
    for organisation_id, contact_id, kind in hidden.values_list(
        "dataset__organisation_id", "dataset__contact_id", "dataset__kind"
    ):
        counts[(organisation_id, contact_id, kind)] += 1
    organisations = Organisation.objects.in_bulk({k[0] for k in counts})
    contacts = User.objects.in_bulk({k[1] for k in counts})
    labels = dict(Dataset.Kind.choices)
    return [
        Flag(organisations[o], contacts[c], labels.get(kind, kind), n)
        for (o, c, kind), n in sorted(counts.items())
    ]


def view_record(user: User, record: Record) -> list[Flag]:
    """Audit a read of one record; return its flags (matches in holdings the user may not see)."""
    audit.record(
        "threat_record_viewed", actor=user, obj=record, detail={"dataset": record.dataset_id}
    )
    return flags_for(user, record.entity)


def view_entity(user: User, entity: Entity) -> tuple[QuerySet, list[Flag]]:
    records = access.visible(user, entity.records.select_related("dataset", "local_authority"))
    audit.record(
        "threat_entity_viewed",
        actor=user,
        obj=entity,
        detail={"records": list(records.values_list("pk", flat=True)[:200])},
    )
    return records, flags_for(user, entity)


def partner_flags(user: User, partnership: Partnership | None = None) -> list[dict[str, Any]]:
    """Current links where the user sees one record and not the other: what they may learn."""
    readable = access.visible(user, Record.objects.all()).values("pk")
    pairs = MatchPair.objects.filter(run__in=latest_runs()).select_related(
        "record_a__dataset__organisation",
        "record_a__dataset__contact",
        "record_b__dataset__organisation",
        "record_b__dataset__contact",
    )
    if partnership is not None:
        pairs = pairs.filter(partnership=partnership)
    out = []
    for pair in pairs.filter(record_a__in=readable).exclude(record_b__in=readable)[:500]:
        out.append({"record": pair.record_a, "hidden": pair.record_b.dataset})
    for pair in pairs.filter(record_b__in=readable).exclude(record_a__in=readable)[:500]:
        out.append({"record": pair.record_b, "hidden": pair.record_a.dataset})
    return out


# --- Linkage -------------------------------------------------------------------------------


def latest_runs() -> QuerySet:
    """Each partnership's latest finished linkage run (its pairs are the current links)."""
    from django.db.models import Max

    latest = (
        LinkageRun.objects.filter(status=LinkageRun.Status.DONE)
        .values("partnership")
        .annotate(last=Max("pk"))
        .values("last")
    )
    return LinkageRun.objects.filter(pk__in=latest)


def start_linkage(
    actor: User,
    partnership: Partnership,
    *,
    background: bool | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> LinkageRun:
    """Link the partnership's records again, in the background or now; one run at a time."""
    if background is None:
        background = run_in_background()
    with transaction.atomic():
        run, queued = _queue_linkage(actor, partnership)
        if queued and background:
            jobs.enqueue("link_partnership", run.pk)
    if queued and not background:
        run = run_linkage(run.pk, progress=progress)
    return run


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
    import pandas as pd

    columns = [
        "pk",
        "dataset_id",
        "kind",
        "first_name",
        "surname",
        "date_of_birth",
        "postcode",
        "phone",
        "email",
        "vehicle_registration",
        "company_name",
        "company_number",
        "licence_number",
        "address",
    ]
    rows = Record.objects.filter(dataset__partnership=partnership).values_list(*columns)
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    frame = frame.rename(columns={"pk": "record_id", "dataset_id": "source"})
    frame["record_id"] = frame["record_id"].astype(str)
    frame["source"] = frame["source"].astype(str)
    frame["date_of_birth"] = frame["date_of_birth"].map(
        lambda d: d.isoformat() if d is not None else None
    )
    for column in frame.columns:
        if column not in ("record_id", "source", "date_of_birth"):
            frame[column] = frame[column].map(lambda v: v if v not in ("", None) else None)
    return frame


def current_decisions(partnership: Partnership) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    """The latest decision on each pair: (confirmed pairs, rejected pairs) of record ids."""
    latest: dict[frozenset[str], str] = {}
    for a, b, decision in (
        LinkDecision.objects.filter(partnership=partnership)
        .order_by("decided_at", "pk")
        .values_list("record_a_id", "record_b_id", "decision")
    ):
        latest[frozenset((str(a), str(b)))] = decision
    confirmed = {pair for pair, d in latest.items() if d == LinkDecision.Decision.CONFIRM}
    rejected = {pair for pair, d in latest.items() if d == LinkDecision.Decision.REJECT}
    return confirmed, rejected


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
                    ["record_id_l", "record_id_r", "match_probability", "match_weight", "agreeing"]
                ].itertuples(index=False, name=None)
            )
            summary = result.model_summary or {}
        report("Saving entities and links", 0.95)
        with transaction.atomic():
            entity_count = _store_clusters(run, clusters)
            pair_count = _store_pairs(run, pairs)
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
    _hand_over_references(
        {
            old: max(targets, key=lambda t: (targets[t], -t))
            for old, targets in moved.items()
            if old not in assignment
        }
    )
    _delete_empty_entities(Entity.objects.filter(partnership=run.partnership))
    now = timezone.now()
    for batch in in_batches(assignment):
        Entity.objects.filter(pk__in=batch).update(updated_at=now)
    return len(assignment)


def _store_pairs(run: LinkageRun, pairs: Iterable[tuple]) -> int:
    objects = []
    for left, right, probability, weight, agreeing in pairs:
        a, b = sorted((int(left), int(right)))
        if a == b:
            continue
        objects.append(
            MatchPair(
                run=run,
                partnership=run.partnership,
                record_a_id=a,
                record_b_id=b,
                match_probability=min(1.0, max(0.0, float(probability))),
                match_weight=float(weight) if weight == weight else 0.0,
                agreeing=[str(f) for f in (list(agreeing) if agreeing is not None else [])],
            )
        )
    MatchPair.objects.bulk_create(objects, batch_size=2000, ignore_conflicts=True)
    # Only the latest run's pairs are current; earlier runs keep their summary, not their pairs.
    MatchPair.objects.filter(partnership=run.partnership).exclude(run=run).delete()
    return len(objects)


# --- Decisions: confirm, reject, merge, split ----------------------------------------------


def _ordered(a: Record, b: Record) -> tuple[Record, Record]:
    return (a, b) if a.pk < b.pk else (b, a)


def _check_pair(actor: User, a: Record, b: Record) -> None:
    if a.pk == b.pk:
        raise ValidationError({"record_b": "Choose two different records"})
    if a.dataset.partnership_id != b.dataset.partnership_id:
        raise ValidationError({"record_b": "The records belong to different partnerships"})
    for record in (a, b):
        if not access.can(actor, access.Action.VIEW, record):
            raise PermissionDenied("You may only decide on records you can see")
    if not access.can(actor, access.Action.CREATE, model=LinkDecision):
        raise PermissionDenied("Only analysts decide on links")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the next analyst will read it"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "Keep the reason under 2,000 characters"})
    return reason


def _references_to_entities() -> list[tuple[type, str]]:
    """Other apps' foreign keys to Entity (e.g. a group member), as (model, field name)."""
    return [
        (rel.related_model, rel.field.name)
        for rel in Entity._meta.related_objects
        if rel.related_model is not Record and rel.one_to_many
    ]


def _hand_over_references(successors: dict[int, int]) -> None:
    """Point other apps' references from entities that are going away to their successors,
    so a group member stays attached to the person when entities merge."""
    if not successors:
        return
    for model, name in _references_to_entities():
        referenced = {
            old
            for batch in in_batches(successors)
            for old in model._base_manager.filter(**{f"{name}__in": batch}).values_list(
                name, flat=True
            )
        }
        for old in referenced:
            model._base_manager.filter(**{name: old}).update(**{name: successors[old]})


def _delete_empty_entities(entities: QuerySet) -> None:
    """Delete entities left with no record, except those another app protects (e.g. a group
    member pointing at one): they stay, empty and so invisible to everyone."""
    empty = entities.filter(records__isnull=True)
    try:
        with transaction.atomic():
            empty.delete()
    except ProtectedError:
        for entity in empty:
            try:
                with transaction.atomic():
                    entity.delete()
            except ProtectedError:
                continue


def _merge_entities(keep: Entity, other: Entity) -> None:
    if keep.pk == other.pk:
        return
    Record.objects.filter(entity=other).update(entity=keep)
    _hand_over_references({other.pk: keep.pk})
    _delete_empty_entities(Entity.objects.filter(pk=other.pk))


def _split_off(record: Record) -> Entity:
    entity = Entity.objects.create(partnership=record.dataset.partnership, kind=record.kind)
    Record.objects.filter(pk=record.pk).update(entity=entity)
    record.entity = entity
    return entity


@transaction.atomic
def decide_pair(
    actor: User,
    record_a: Record,
    record_b: Record,
    decision: str,
    reason: str,
    via: str = LinkDecision.Via.PAIR,
) -> LinkDecision:
    """Record an analyst's decision on two records and apply it now: confirming puts them in
    one entity; rejecting takes the second record out of the first's entity. The next linkage
    run obeys it too (confirmed pairs always link; rejected never, not even through a third)."""
    _check_pair(actor, record_a, record_b)
    if decision not in LinkDecision.Decision.values:
        raise ValidationError({"decision": "Choose same or not the same"})
    reason = _reason(reason)
    a, b = _ordered(record_a, record_b)
    made = LinkDecision.objects.create(
        partnership=a.dataset.partnership,
        record_a=a,
        record_b=b,
        decision=decision,
        via=via,
        reason=reason,
        decided_by=actor,
    )
    record_a.refresh_from_db(fields=["entity"])
    record_b.refresh_from_db(fields=["entity"])
    if decision == LinkDecision.Decision.CONFIRM:
        if record_a.entity and record_b.entity:
            _merge_entities(record_a.entity, record_b.entity)
    elif record_a.entity_id is not None and record_a.entity_id == record_b.entity_id:
        _split_off(record_b)
    audit.record(
        "link_decided",
        actor=actor,
        obj=made,
        detail={"records": [a.pk, b.pk], "decision": decision, "via": via},
    )
    return made


@transaction.atomic
def merge_entities(actor: User, keep: Entity, other: Entity, reason: str) -> Entity:
    """Merge ``other`` into ``keep``: confirmed as one pair between them, so re-runs keep it."""
    if keep.pk == other.pk:
        raise ValidationError({"other": "Choose a different entity to merge with"})
    if keep.partnership_id != other.partnership_id:
        raise ValidationError({"other": "The entities belong to different partnerships"})
    if keep.kind != other.kind:
        raise ValidationError({"other": "Only entities of the same kind can be merged"})
    mine = access.visible(actor, keep.records.all()).first()
    theirs = access.visible(actor, other.records.all()).first()
    if mine is None or theirs is None:
        raise PermissionDenied("You may only merge entities you can see")
    decide_pair(actor, mine, theirs, LinkDecision.Decision.CONFIRM, reason, LinkDecision.Via.MERGE)
    keep.refresh_from_db()
    return keep


@transaction.atomic
def split_record(actor: User, record: Record, reason: str) -> Entity:
    """Take ``record`` out of its entity: rejected against every other record of the entity."""
    if not access.can(actor, access.Action.VIEW, record):
        raise PermissionDenied("You may only split records you can see")
    if not access.can(actor, access.Action.CREATE, model=LinkDecision):
        raise PermissionDenied("Only analysts decide on links")
    reason = _reason(reason)
    if record.entity is None:
        raise ValidationError({"record": "The record is not part of an entity"})
    others = list(record.entity.records.exclude(pk=record.pk))
    if not others:
        raise ValidationError({"record": "The record is already on its own"})
    decisions = []
    for other in others:
        a, b = _ordered(record, other)
        decisions.append(
            LinkDecision(
                partnership=record.dataset.partnership,
                record_a=a,
                record_b=b,
                decision=LinkDecision.Decision.REJECT,
                via=LinkDecision.Via.SPLIT,
                reason=reason,
                decided_by=actor,
            )
        )
    LinkDecision.objects.bulk_create(decisions)
    entity = _split_off(record)
    audit.record(
        "entity_split",
        actor=actor,
        obj=record,
        detail={"new_entity": entity.pk, "rejected_with": [o.pk for o in others]},
    )
    return entity
