"""Reads of organised crime groups, always within ``access.visible``: pages, the API and commands
ask here, so what a user may see and how it is fetched (in a fixed number of queries) is written
once. Reads that must be audited (a group's detail) are services: ``services.view_group``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from convenor.core.access import get_visible_or_404, visible
from convenor.core.models import Area, User
from convenor.threat.models import Entity

from .models import Assessment, GroupMember, OrganisedCrimeGroup, ThreatArea

# --- Groups ----------------------------------------------------------------------------------


def visible_groups(user: User) -> QuerySet[OrganisedCrimeGroup]:
    """The groups the user may see, with what every page shows of them."""
    return visible(
        user,
        OrganisedCrimeGroup.objects.select_related(
            "owning_organisation", "partnership", "lead_responsible_officer"
        ),
    )


def group_or_404(user: User, pk: int) -> OrganisedCrimeGroup:
    return get_visible_or_404(user, visible_groups(user), pk=pk)


@dataclass
class GroupFilters:
    """The list page's filters, cleaned: unknown values are dropped."""

    q: str = ""
    status: str = ""
    threat_area: str = ""

    @classmethod
    def from_query(cls, query) -> GroupFilters:
        status = query.get("status", "")
        return cls(
            q=query.get("q", "").strip()[:100],
            status=status if status in OrganisedCrimeGroup.Status.values else "",
            threat_area=query.get("threat_area", "")[:60],
        )


def group_list(user: User, filters: GroupFilters) -> QuerySet[OrganisedCrimeGroup]:
    """The list page's groups with their current assessment and threat areas, by name."""
    groups = visible_groups(user).with_current_assessment().prefetch_related("threat_areas")
    if filters.q:
        groups = groups.filter(Q(name__icontains=filters.q))
    if filters.status:
        groups = groups.filter(status=filters.status)
    if filters.threat_area:
        groups = groups.filter(threat_areas__code=filters.threat_area)
    return groups.order_by("name", "pk")


# --- Members, entities and assessments -------------------------------------------------------


def visible_entity_ids(user: User, entity_ids: Iterable[int | None]) -> set[int]:
    """Which of these threat entities the user may see (one query)."""
    wanted = {pk for pk in entity_ids if pk}
    if not wanted:
        return set()
    return set(visible(user, Entity.objects.filter(pk__in=wanted)).values_list("pk", flat=True))


def members_of(user: User, group: OrganisedCrimeGroup) -> list[GroupMember]:
    """The group's members, principal first, each with ``visible_entity``: its linked entity
    when the user may see that entity, else None."""
    members = sorted(
        visible(user, group.members.select_related("entity")),
        key=lambda m: (GroupMember.ROLE_ORDER[m.role], m.name.lower()),
    )
    seen = visible_entity_ids(user, (m.entity_id for m in members))
    for member in members:
        member.visible_entity = member.entity if member.entity_id in seen else None
    return members


def assessments_of(user: User, group: OrganisedCrimeGroup) -> QuerySet[Assessment]:
    """The group's assessments, latest first (the model's ordering)."""
    return visible(user, group.assessments.select_related("assessed_by"))


def assessment_or_404(user: User, group: OrganisedCrimeGroup, pk: int) -> Assessment:
    return get_visible_or_404(user, group.assessments.select_related("assessed_by"), pk=pk)


def member_or_404(user: User, group: OrganisedCrimeGroup, pk: int) -> GroupMember:
    return get_visible_or_404(user, group.members.all(), pk=pk)


# --- Rankings --------------------------------------------------------------------------------


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


@dataclass
class Ranking:
    """A ranking asked for by ONS area code and threat area code (page, API and CSV alike).
    ``problems`` names each code that matched nothing, by parameter."""

    groups: QuerySet[OrganisedCrimeGroup]
    area: Area | None
    threat_area: ThreatArea | None
    include_archived: bool
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def filters(self) -> dict[str, str]:
        return {
            "area": self.area.code if self.area else "",
            "threat_area": self.threat_area.code if self.threat_area else "",
            "archived": "1" if self.include_archived else "",
        }

    def with_places(self) -> QuerySet[OrganisedCrimeGroup]:
        """The groups with their threat areas and areas (by name), for a table or CSV."""
        return self.groups.prefetch_related(
            "threat_areas", Prefetch("areas", queryset=Area.objects.order_by("name"))
        )


def ranking(
    user: User, *, area_code: str = "", threat_area_code: str = "", include_archived=False
) -> Ranking:
    area_code, threat_area_code = area_code.strip()[:16], threat_area_code.strip()[:60]
    area = visible(user, Area.objects.all()).filter(code=area_code).first() if area_code else None
    threat_area = (
        ThreatArea.objects.filter(code=threat_area_code).first() if threat_area_code else None
    )
    problems = {}
    if area_code and area is None:
        problems["area"] = f"There is no area with the code “{area_code}”"
    if threat_area_code and threat_area is None:
        problems["threat_area"] = "There is no threat area with that code"
    groups = ranked_groups(
        user, area=area, threat_area=threat_area, include_archived=include_archived
    )
    return Ranking(groups, area, threat_area, include_archived, problems)


def ranking_area_choices(user: User) -> QuerySet[Area]:
    """The local authorities the user's visible groups operate in, by name."""
    return (
        Area.objects.filter(
            organised_crime_groups__in=visible(user, OrganisedCrimeGroup.objects.all())
        )
        .distinct()
        .order_by("name")
    )
