"""Reads that are audited (so services, not selectors): a record, an entity, a dataset's records,
an import, the link review queue and one link, and the network. Each writes its audit entry and
returns what the page shows."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator

from convenor.core import access, audit
from convenor.core.models import Partnership, User

from .. import selectors
from ..models import Dataset, DatasetImport, Entity, MatchPair, Record
from ..selectors import Flag, flags_for


def view_record(user: User, record: Record) -> list[Flag]:
    """Audit a read of one record; return its flags (matches in holdings the user may not see)."""
    audit.record(
        "threat_record_viewed", actor=user, obj=record, detail={"dataset": record.dataset_id}
    )
    return flags_for(user, record.entity)


def view_entity(user: User, entity: Entity) -> tuple[list[Record], list[Flag]]:
    """Audit a read of an entity: the records of it the user may read, and its flags."""
    records = list(
        access.visible(user, entity.records.select_related("dataset", "local_authority"))
    )
    audit.record(
        "threat_entity_viewed",
        actor=user,
        obj=entity,
        detail={"records": [r.pk for r in records[:200]]},
    )
    return records, flags_for(user, entity)


def read_dataset(
    user: User, dataset: Dataset, page_number: Any, per_page: int
) -> tuple[Page | None, int | None]:
    """A page of the dataset's records the user may read and how many it holds (None, None for
    those who may not read records); audited either way."""
    records = selectors.dataset_records(user, dataset)
    page = None
    if access.can(user, access.Action.VIEW, model=Record) and records.exists():
        page = Paginator(records, per_page).get_page(page_number)
    audit.record(
        "threat_records_listed" if page is not None else "threat_dataset_viewed",
        actor=user,
        obj=dataset,
        detail={"page": page.number, "records": [r.pk for r in page.object_list]}
        if page is not None
        else {},
    )
    return page, (page.paginator.count if page is not None else None)


def view_import(user: User, upload: DatasetImport) -> DatasetImport:
    audit.record(
        "threat_import_viewed",
        actor=user,
        obj=upload.dataset,
        detail={"import": upload.pk, "status": upload.status},
    )
    return upload


def list_links(user: User, page: Page, flags: list) -> None:
    """Audit a page of the link review queue and the partner flags shown beside it."""
    audit.record(
        "threat_links_listed",
        actor=user,
        detail={"pairs": [p.pk for p in page.object_list], "flags": len(flags)},
    )


def view_link(user: User, pair: MatchPair) -> MatchPair:
    audit.record(
        "threat_link_viewed",
        actor=user,
        obj=pair,
        detail={"records": [pair.record_a_id, pair.record_b_id]},
    )
    return pair


def read_network(
    user: User, action: str, partnership: Partnership | None, detail: dict[str, Any]
) -> None:
    """Audit a view (``threat_network_viewed``) or export (``threat_network_exported``) of the
    network: the partnership, the focus and what else the caller names in ``detail``."""
    audit.record(
        action,
        actor=user,
        detail={"partnership": partnership.pk if partnership else None, **detail},
    )
