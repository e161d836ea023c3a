"""Imports of partner files: keep the upload, map its columns, then validate every row and write
all records in one transaction, or none (``importing`` does the reading and validating)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.areas import PostcodeError, resolve_postcode
from convenor.core.models import User

from .. import importing
from ..models import Dataset, DatasetImport, Entity, Record, Relation
from .background import queue_or_run

logger = logging.getLogger(__name__)
MAX_STORED_REJECTIONS = 1000


def _audit_import(action: str, actor: User, upload: DatasetImport, **detail: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=upload.dataset,
        detail={"import": upload.pk, "file_name": upload.file_name, **detail},
    )


def require_import(actor: User, dataset: Dataset) -> None:
    """The one rule for importing into a dataset (pages, API, CLI): its holder's analysts."""
    if not access.can(actor, access.Action.CHANGE, dataset):
        raise PermissionDenied("Only an analyst of the holding organisation can import into it")


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def upload_file(actor: User, dataset: Dataset, file_name: str, content: bytes) -> DatasetImport:
    """Keep an uploaded file until its columns are mapped. Refuses a file Convenor cannot read
    (ImportFileError) and returns the earlier import if this exact content is already in."""
    require_import(actor, dataset)
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
    _audit_import("dataset_file_uploaded", actor, upload, sha256=digest)
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

    def run_now(upload: DatasetImport) -> DatasetImport:
        run_import(upload.pk, progress=progress)
        upload.refresh_from_db()
        return upload

    return queue_or_run(
        lambda: (upload, _queue_import(actor, upload, mapping)),
        "import_dataset",
        run_now,
        background,
    )


def _queue_import(actor: User, upload: DatasetImport, mapping: dict[str, str]) -> bool:
    dataset = upload.dataset
    require_import(actor, dataset)
    if upload.status != DatasetImport.Status.UPLOADED:
        return False
    table = read_upload(upload)
    mapping = importing.check_mapping(mapping, table.headers)
    upload.column_mapping = mapping
    upload.status = DatasetImport.Status.QUEUED
    upload.save(update_fields=["column_mapping", "status"])
    dataset.column_mapping = mapping
    dataset.save(update_fields=["column_mapping", "updated_at"])
    _audit_import("dataset_import_started", actor, upload, mapping=mapping)
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
            _audit_import(
                "dataset_imported",
                upload.created_by,
                upload,
                sha256=upload.content_sha256,
                rows=len(results),
                records=count,
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
