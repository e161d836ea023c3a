"""Reads of the threat picture, always within ``access.visible``: pages, the API and commands ask
here, so what a user may see and how it is fetched is written once. Reads that write an audit
entry (a record, an entity, a dataset's records, a link) are services (``services.records``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from convenor.core import access
from convenor.core.access import get_visible_or_404, visible
from convenor.core.models import Organisation, Partnership, User

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

# --- Datasets and imports --------------------------------------------------------------------


def visible_datasets(user: User) -> QuerySet[Dataset]:
    """The datasets the user knows of, with what every page shows of them."""
    return visible(
        user, Dataset.objects.select_related("organisation", "partnership", "agreement", "contact")
    )


def dataset_or_404(user: User, pk: int) -> Dataset:
    return get_visible_or_404(user, visible_datasets(user), pk=pk)


def dataset_records(user: User, dataset: Dataset) -> QuerySet[Record]:
    """The dataset's records the user may read, in row order."""
    return visible(user, dataset.records.select_related("local_authority").order_by("row_number"))


def recent_imports(user: User, dataset: Dataset, limit: int = 20) -> QuerySet[DatasetImport]:
    return visible(user, dataset.imports.defer("content"))[:limit]


def import_or_404(user: User, dataset_pk: int, import_pk: int) -> DatasetImport:
    return get_visible_or_404(
        user,
        DatasetImport.objects.select_related("dataset", "dataset__agreement"),
        pk=import_pk,
        dataset=dataset_pk,
    )


# --- Records, entities and their links -------------------------------------------------------


def record_or_404(user: User, pk: int) -> Record:
    return get_visible_or_404(
        user,
        Record.objects.select_related("dataset__organisation", "local_authority", "entity"),
        pk=pk,
    )


def entity_or_404(user: User, pk: int) -> Entity:
    return get_visible_or_404(user, Entity.objects.select_related("partnership"), pk=pk)


def visible_entity(user: User, pk: int) -> Entity | None:
    """The entity numbered ``pk`` if the user may see it."""
    return visible(user, Entity.objects.filter(pk=pk)).first()


def with_visible_records(user: User, entities: QuerySet[Entity]) -> QuerySet[Entity]:
    """Entities each with ``visible_records``: those of its records the user may read, by
    row (one query for the whole page)."""
    return entities.prefetch_related(
        Prefetch(
            "records",
            queryset=visible(user, Record.objects.only("pk", "entity_id")),
            to_attr="visible_records",
        )
    )


def entity_record_or_404(user: User, entity: Entity, pk: int) -> Record:
    """One of the entity's records that the user may read (404 otherwise)."""
    return get_visible_or_404(user, entity.records.all(), pk=pk)


def _touching(model, record_ids, first: str, second: str) -> QuerySet:
    return model.objects.filter(
        Q(**{f"{first}__in": record_ids}) | Q(**{f"{second}__in": record_ids})
    )


def relations_of(user: User, record_ids) -> QuerySet[Relation]:
    """Relations from or to these records that the user may see, with both ends' entities."""
    return visible(
        user, _touching(Relation, record_ids, "from_record", "to_record")
    ).select_related("from_record__entity", "to_record__entity")


def pairs_of(user: User, record_ids, limit: int = 100) -> QuerySet[MatchPair]:
    return visible(user, _touching(MatchPair, record_ids, "record_a", "record_b")).select_related(
        "record_a", "record_b"
    )[:limit]


def decisions_of(user: User, record_ids, limit: int = 100) -> QuerySet[LinkDecision]:
    return visible(
        user, _touching(LinkDecision, record_ids, "record_a", "record_b")
    ).select_related("decided_by", "record_a", "record_b")[:limit]


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
    hidden = entity.records.exclude(pk__in=visible(user, entity.records.all()).values("pk"))
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


def partner_flags(user: User, partnership: Partnership | None = None) -> list[dict[str, Any]]:
    """Current links where the user sees one record and not the other: what they may learn."""
    readable = visible(user, Record.objects.all()).values("pk")
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


# --- Links and linkage runs ------------------------------------------------------------------


def latest_runs() -> QuerySet:
    """Each partnership's latest finished linkage run (its pairs are the current links)."""
    latest = (
        LinkageRun.objects.filter(status=LinkageRun.Status.DONE)
        .values("partnership")
        .annotate(last=Max("pk"))
        .values("last")
    )
    return LinkageRun.objects.filter(pk__in=latest)


def current_pairs(user: User, undecided_only: bool = False) -> QuerySet[MatchPair]:
    """The current links (the latest runs' pairs) between records the user may read."""
    pairs = visible(
        user,
        MatchPair.objects.filter(run__in=latest_runs()).select_related(
            "record_a__dataset__organisation", "record_b__dataset__organisation"
        ),
    )
    if undecided_only:
        pairs = pairs.exclude(
            Exists(
                LinkDecision.objects.filter(
                    record_a=OuterRef("record_a"), record_b=OuterRef("record_b")
                )
            )
        )
    return pairs


def pair_or_404(user: User, pk: int) -> MatchPair:
    return get_visible_or_404(
        user,
        MatchPair.objects.select_related(
            "record_a__dataset__organisation", "record_b__dataset__organisation", "run"
        ),
        pk=pk,
    )


def decisions_on(pair: MatchPair) -> QuerySet[LinkDecision]:
    """Every decision on the pair's two records (the user may see both: they see the pair)."""
    return LinkDecision.objects.filter(
        record_a=pair.record_a_id, record_b=pair.record_b_id
    ).select_related("decided_by")


def recent_runs(user: User, limit: int = 5) -> QuerySet[LinkageRun]:
    return visible(user, LinkageRun.objects.select_related("partnership"))[:limit]


def run_or_404(user: User, pk: int) -> LinkageRun:
    return get_visible_or_404(user, LinkageRun.objects.select_related("partnership"), pk=pk)


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


# --- The network -----------------------------------------------------------------------------


def network_partnerships(user: User) -> list[Partnership]:
    """The partnerships with entities that the user may choose the network of."""
    return list(visible(user, Partnership.objects.filter(entities__isnull=False).distinct()))


def require_record_pages(user: User, model) -> None:
    """Pages about records exist only for those who may see records: others are not told (404)."""
    if not access.can(user, access.Action.VIEW, model=model):
        raise Http404("Not found")
