"""Organised crime groups: counted by band, named only when shared in the partnership."""

from __future__ import annotations

from collections import Counter

from django.db.models import OuterRef, Subquery

from convenor.core.access import visible

from ...disclosure import count as published_count
from ...wording import label_metrics
from .. import BuildContext, SectionResult, Source, public_view, section
from .common import GROUPS, latest_iso

# --- Organised crime groups ---------------------------------------------------------------


label_metrics(
    {
        "groups.total": "Organised crime groups operating here",
        "groups.active": "Active organised crime groups",
        "groups.unassessed": "Groups not yet assessed",
        "groups.highest_score": "Highest group threat score",
        "groups.not_shared_here": "Groups not shared in this partnership (counted, not named)",
        "groups.band_1": "Groups in band 1 (high)",
        "groups.band_2": "Groups in band 2 (medium)",
        "groups.band_3": "Groups in band 3 (low)",
    }
)


def groups_in_area(ctx: BuildContext) -> list:
    """The groups the builder may see operating in the area (not archived), with their band as
    assessed by the end of the period: read once, shared by the sections that need them."""

    def read() -> list:
        from convenor.groups.models import Assessment, OrganisedCrimeGroup

        latest = Assessment.objects.filter(
            group=OuterRef("pk"), assessed_on__lte=ctx.period.end
        ).order_by("-assessed_on", "-recorded_at", "-pk")
        return list(
            visible(ctx.user, OrganisedCrimeGroup.objects.all())
            .filter(areas__code__in=ctx.area_codes)
            .exclude(status=OrganisedCrimeGroup.Status.ARCHIVED)
            .distinct()
            .annotate(
                period_score=Subquery(latest.values("score")[:1]),
                period_band=Subquery(latest.values("band")[:1]),
                period_band_label=Subquery(latest.values("band_label")[:1]),
                period_assessed_on=Subquery(latest.values("assessed_on")[:1]),
            )
            .select_related("owning_organisation")
            .prefetch_related("threat_areas", "harm_characteristics")
        )

    return ctx.cached("groups_in_area", read)


def shared_here(ctx: BuildContext, group) -> bool:
    """A group is named in the profile only when it is shared in the profile's partnership."""
    return group.partnership_id == ctx.partnership.pk


@section(
    "groups",
    "Organised crime groups",
    20,
    needs=(GROUPS,),
    description="Groups operating in the area, with their band and threat areas as assessed by "
    "the end of the period. Groups shared in this partnership are named; other groups the "
    "builder may see are counted only.",
)
def groups_section(ctx: BuildContext) -> SectionResult:
    from convenor.groups.models import GroupMember, OrganisedCrimeGroup

    groups = groups_in_area(ctx)
    shared = [g for g in groups if shared_here(ctx, g)]
    members = Counter(
        (row["group"], row["role"])
        for row in GroupMember.objects.filter(group__in=[g.pk for g in shared]).values(
            "group", "role"
        )
    )
    listed = []
    for g in sorted(shared, key=lambda g: (-(g.period_score or -1), g.name)):
        listed.append(
            {
                "id": g.pk,
                "name": g.name,
                "status": g.get_status_display(),
                "active": g.status == OrganisedCrimeGroup.Status.ACTIVE,
                "score": float(g.period_score) if g.period_score is not None else None,
                "band": g.period_band or "",
                "band_label": g.period_band_label or "Not assessed",
                "assessed_on": g.period_assessed_on.isoformat() if g.period_assessed_on else "",
                "threat_areas": [t.name for t in g.threat_areas.all()],
                "harm_characteristics": [h.name for h in g.harm_characteristics.all()],
                "members": {
                    role: members[(g.pk, role)]
                    for role in ("principal", "significant", "peripheral")
                },
                "owner": g.owning_organisation.name,
            }
        )
    bands = Counter(g.period_band or "unassessed" for g in groups)
    band_labels = {g.period_band: g.period_band_label for g in groups if g.period_band}
    scores = [float(g.period_score) for g in groups if g.period_score is not None]
    metrics = {
        "groups.total": len(groups),
        "groups.active": sum(1 for g in groups if g.status == OrganisedCrimeGroup.Status.ACTIVE),
        "groups.unassessed": bands.get("unassessed", 0),
        "groups.highest_score": max(scores) if scores else 0,
        "groups.not_shared_here": len(groups) - len(shared),
    }
    for band in ("1", "2", "3"):
        metrics[f"groups.band_{band}"] = bands.get(band, 0)
    owners = sorted({g.owning_organisation.name for g in groups})
    return SectionResult(
        figures={
            "groups": listed,
            "not_shared_here": len(groups) - len(shared),
            "by_band": [
                {"band": b, "label": band_labels.get(b, "Not assessed"), "count": n}
                for b, n in sorted(bands.items())
            ],
        },
        sources=[
            Source(
                "Organised crime group register and assessments",
                "register",
                latest_iso(g.period_assessed_on for g in groups),
                ", ".join(owners),
            )
        ],
        metrics=metrics,
    )


@public_view(
    "groups",
    description="How many organised crime groups the partnership knows to operate in the area.",
)
def groups_public(figures: dict, threshold: int) -> dict:
    """How many groups, small numbers suppressed: no names (they may identify people) and no
    threat bands (the partnership's assessment is not published)."""
    total = sum(b["count"] for b in figures["by_band"])
    return {"total": published_count(total, threshold).text}
