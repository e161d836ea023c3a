"""Ranked lists of organised crime groups per area and per threat area, always within what the
policy lets the user see."""

from __future__ import annotations

from django.db.models import QuerySet

from convenor.core.access import visible
from convenor.core.models import Area

from .models import OrganisedCrimeGroup, ThreatArea


def local_authorities_of(area: Area) -> QuerySet[Area]:
    """The lower-tier (or unitary) local authorities an area covers."""
    if area.kind == Area.Kind.LOWER_TIER:
        return Area.objects.filter(pk=area.pk)
    if area.kind == Area.Kind.UPPER_TIER:
        return Area.objects.filter(kind=Area.Kind.LOWER_TIER).filter(
            pk__in=[area.pk, *area.children.values_list("pk", flat=True)]
        )
    if area.kind == Area.Kind.POLICE_FORCE:
        return area.local_authorities.all()
    return Area.objects.filter(
        kind=Area.Kind.LOWER_TIER, police_force_areas__parent=area
    ).distinct()


def ranked_groups(
    user,
    *,
    area: Area | None = None,
    threat_area: ThreatArea | None = None,
    include_archived: bool = False,
) -> QuerySet[OrganisedCrimeGroup]:
    """The groups the user may see, highest current score first (never assessed last)."""
    groups = visible(user, OrganisedCrimeGroup.objects.all())
    if not include_archived:
        groups = groups.exclude(status=OrganisedCrimeGroup.Status.ARCHIVED)
    if area is not None:
        groups = groups.filter(areas__in=local_authorities_of(area))
    if threat_area is not None:
        groups = groups.filter(threat_areas=threat_area)
    ids = groups.values("pk")
    return (
        OrganisedCrimeGroup.objects.filter(pk__in=ids)
        .select_related("owning_organisation", "lead_responsible_officer")
        .ranked()
    )
