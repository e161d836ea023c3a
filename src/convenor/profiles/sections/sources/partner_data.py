"""Partners' linked records: counts of records and of those in groups' networks."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q

from ...wording import label_metrics
from .. import BuildContext, SectionResult, Source, public_view, section
from ..area import register_point_source
from .common import GROUPS, THREAT, area_ids

# --- Partners' data -----------------------------------------------------------------------

label_metrics(
    {
        "partner_data.records": "Partners' records in the area",
        "partner_data.linked_records": "Partners' records linked to group networks",
    }
)


def _group_entity_ids(ctx: BuildContext) -> set[int] | None:
    """Entities that are members of the groups in this profile (None: no link recorded yet)."""
    from convenor.groups.models import GroupMember

    if "entity" not in {f.name for f in GroupMember._meta.get_fields()}:
        return None
    group_ids = (
        [g["id"] for g in ctx.results["groups"].figures["groups"]]
        if "groups" in (ctx.results)
        else []
    )
    return set(
        GroupMember.objects.filter(group__in=group_ids, entity__isnull=False).values_list(
            "entity_id", flat=True
        )
    )


def _network_records(ctx: BuildContext, entity_ids: set[int]):
    """Records of group members' entities and the records directly related to them (the
    businesses they direct, the licences they hold, the addresses they live at...)."""
    from convenor.threat.models import Record, Relation

    direct = Record.objects.filter(entity__in=entity_ids)
    related_to = Relation.objects.filter(from_record__entity__in=entity_ids).values("to_record")
    related_from = Relation.objects.filter(to_record__entity__in=entity_ids).values("from_record")
    return Record.objects.filter(
        Q(pk__in=direct.values("pk")) | Q(pk__in=related_to) | Q(pk__in=related_from)
    )


def _partner_records(ctx: BuildContext):
    from convenor.threat.models import Record

    return Record.objects.filter(
        dataset__partnership=ctx.partnership, local_authority_id__in=area_ids(ctx)
    )


@section(
    "partner_data",
    "What partners' data shows",
    40,
    needs=(THREAT, GROUPS),
    description="Partners' records in the area (licences, contracts, tenancies, benefit and tax "
    "flags...) and how many are linked to the networks of the groups in this profile: counts "
    "only; the records themselves stay with those allowed to see them.",
)
def partner_data_section(ctx: BuildContext) -> SectionResult:
    from convenor.threat.models import Dataset

    kinds = dict(Dataset.Kind.choices)
    in_area = _partner_records(ctx)
    per_dataset = {
        row["dataset"]: row["n"] for row in in_area.values("dataset").annotate(n=Count("pk"))
    }
    dataset_rows = list(Dataset.objects.filter(pk__in=per_dataset).select_related("organisation"))
    totals: dict[tuple[str, str], int] = Counter()
    for d in dataset_rows:
        totals[(d.kind, d.organisation.name)] += per_dataset[d.pk]
    entity_ids = _group_entity_ids(ctx)
    linked: dict[tuple[str, str], int] = {}
    notes = []
    if entity_ids is None:
        notes.append("Group members are not linked to partners' records in this installation.")
    elif entity_ids:
        by_dataset = {d.pk: d for d in dataset_rows}
        linked = Counter()
        for row in _network_in_area(ctx, entity_ids).values("dataset").annotate(n=Count("pk")):
            d = by_dataset.get(row["dataset"])
            if d is not None:
                linked[(d.kind, d.organisation.name)] += row["n"]
    rows = [
        {
            "kind": kind,
            "label": kinds.get(kind, kind),
            "holder": holder,
            "records": n,
            "linked_to_groups": linked.get((kind, holder), 0),
        }
        for (kind, holder), n in sorted(totals.items())
    ]
    return SectionResult(
        figures={"datasets": rows, "linked_total": sum(linked.values())},
        sources=[
            Source(
                f"{d.title} ({kinds.get(d.kind, d.kind)})",
                "dataset",
                (d.extracted_on.isoformat() if getattr(d, "extracted_on", None) else ""),
                d.organisation.name,
            )
            for d in sorted(dataset_rows, key=lambda d: d.title)
        ],
        metrics={
            "partner_data.records": sum(totals.values()),
            "partner_data.linked_records": sum(linked.values()),
        },
        notes=notes,
    )


@public_view(
    "partner_data",
    description="The kinds of records partners shared with the partnership for this profile.",
)
def partner_data_public(figures: dict, threshold: int) -> dict:
    """Which partners' data the profile draws on; no counts (how many of a trade's records are
    linked to groups is for the partnership, not for the public)."""
    return {
        "datasets": [
            {"label": d["label"], "holder": d["holder"], "records": "", "linked_to_groups": ""}
            for d in figures["datasets"]
        ],
        "public": True,
    }


def _network_in_area(ctx: BuildContext, entity_ids: set[int]):
    return _network_records(ctx, entity_ids).filter(
        dataset__partnership=ctx.partnership, local_authority_id__in=area_ids(ctx)
    )


def _network_points(ctx: BuildContext):
    entity_ids = _group_entity_ids(ctx)
    if not entity_ids:
        return [], [], "partner records linked to group networks"
    rows = (
        _network_in_area(ctx, entity_ids)
        .exclude(easting__isnull=True)
        .exclude(northing__isnull=True)
        .values_list("easting", "northing")
    )
    partner = ctx.results.get("partner_data")
    return (
        list(rows),
        list(partner.sources) if partner else [],
        ("partner records linked to group networks"),
    )


register_point_source(_network_points, needs=(THREAT, GROUPS))
