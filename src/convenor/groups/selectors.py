"""Reads of organised crime groups, always within ``access.visible``: pages, the API and commands
ask here, so what a user may see and how it is fetched (in a fixed number of queries) is written
once. Reads that must be audited (a group's detail) are services: ``services.view_group``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from convenor.core.access import get_visible_or_404, visible
from convenor.core.models import Area, Organisation, User
from convenor.core.selectors import areas_for_user
from convenor.threat.models import Entity

from .models import (
    AncillaryOrder,
    Assessment,
    Disruption,
    GroupMember,
    OrderBreach,
    OrganisedCrimeGroup,
    ThreatArea,
)
from .statistics import DisruptionFact

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


RANKING_SORTS = {"score": "current score", "disrupted": "most recently disrupted"}


def ranked_groups(
    user,
    *,
    area: Area | None = None,
    threat_area: ThreatArea | None = None,
    include_archived: bool = False,
    disrupted_only: bool = False,
    sort: str = "score",
) -> QuerySet[OrganisedCrimeGroup]:
    """The groups the user may see, highest current score first (never assessed last), or most
    recently disrupted first; ``disrupted_only``: those with a verified disruption in the last
    12 months. Each carries ``disruptions_12m`` and ``last_disrupted_on``."""
    groups = visible(user, OrganisedCrimeGroup.objects.all())
    if not include_archived:
        groups = groups.exclude(status=OrganisedCrimeGroup.Status.ARCHIVED)
    if area is not None:
        groups = groups.filter(areas__in=local_authorities_of(area))
    if threat_area is not None:
        groups = groups.filter(threat_areas=threat_area)
    ids = groups.values("pk")
    ranked = (
        OrganisedCrimeGroup.objects.filter(pk__in=ids)
        .select_related("owning_organisation", "lead_responsible_officer")
        .ranked()
        .with_disruption_summary(timezone.localdate())
    )
    if disrupted_only:
        ranked = ranked.filter(disruptions_12m__gt=0)
    if sort == "disrupted":
        ranked = ranked.order_by(
            F("last_disrupted_on").desc(nulls_last=True),
            F("current_score").desc(nulls_last=True),
            "name",
            "pk",
        )
    return ranked


@dataclass
class Ranking:
    """A ranking asked for by ONS area code and threat area code (page, API and CSV alike).
    ``problems`` names each code that matched nothing, by parameter."""

    groups: QuerySet[OrganisedCrimeGroup]
    area: Area | None
    threat_area: ThreatArea | None
    include_archived: bool
    problems: dict[str, str] = field(default_factory=dict)
    disrupted_only: bool = False
    sort: str = "score"

    @property
    def filters(self) -> dict[str, str]:
        return {
            "area": self.area.code if self.area else "",
            "threat_area": self.threat_area.code if self.threat_area else "",
            "archived": "1" if self.include_archived else "",
            "disrupted": "12m" if self.disrupted_only else "",
            "sort": self.sort if self.sort != "score" else "",
        }

    def with_places(self) -> QuerySet[OrganisedCrimeGroup]:
        """The groups with their threat areas and areas (by name), for a table or CSV."""
        return self.groups.prefetch_related(
            "threat_areas", Prefetch("areas", queryset=Area.objects.order_by("name"))
        )


def ranking(
    user: User,
    *,
    area_code: str = "",
    threat_area_code: str = "",
    include_archived=False,
    disrupted: str = "",
    sort: str = "",
) -> Ranking:
    area_code, threat_area_code = area_code.strip()[:16], threat_area_code.strip()[:60]
    area = ranking_area_choices(user).filter(code=area_code).first() if area_code else None
    threat_area = (
        ThreatArea.objects.filter(code=threat_area_code).first() if threat_area_code else None
    )
    problems = {}
    if area_code and area is None:
        known = visible(user, Area.objects.all()).filter(code=area_code).first()
        problems["area"] = (
            f"Choose from the current areas of your partnerships: {known.name} is not among them"
            if known
            else f"There is no area with the code “{area_code}”"
        )
    if threat_area_code and threat_area is None:
        problems["threat_area"] = "There is no threat area with that code"
    if disrupted not in ("", "12m"):
        problems["disrupted"] = "Use disrupted=12m for groups disrupted in the last 12 months"
    if sort not in ("", *RANKING_SORTS):
        problems["sort"] = "Sort by score or disrupted"
    disrupted_only = disrupted == "12m"
    sort = sort if sort in RANKING_SORTS else "score"
    groups = ranked_groups(
        user,
        area=area,
        threat_area=threat_area,
        include_archived=include_archived,
        disrupted_only=disrupted_only,
        sort=sort,
    )
    return Ranking(groups, area, threat_area, include_archived, problems, disrupted_only, sort)


def ranking_area_choices(user: User) -> QuerySet[Area]:
    """The areas a ranking may be asked for: the current areas of the user's partnerships at
    every level (``core.selectors.areas_for_user``)."""
    return areas_for_user(user)


# --- Disruptions -----------------------------------------------------------------------------


def _disruptions() -> QuerySet[Disruption]:
    return Disruption.objects.select_related(
        "disruption_type", "impact", "lead_agency", "recorded_by", "verified_by", "group"
    ).prefetch_related(
        Prefetch("contributing_partners", queryset=Organisation.objects.order_by("name")),
        Prefetch("members", queryset=GroupMember.objects.order_by("name")),
    )


def disruptions_of(user: User, group: OrganisedCrimeGroup) -> QuerySet[Disruption]:
    """The group's disruptions, latest first (the timeline on the group's page)."""
    return visible(user, _disruptions().filter(group=group))


def disruption_or_404(user: User, group: OrganisedCrimeGroup, pk: int) -> Disruption:
    return get_visible_or_404(user, _disruptions().filter(group=group), pk=pk)


def visible_disruptions(user: User) -> QuerySet[Disruption]:
    return visible(user, _disruptions())


def disruption_facts(
    user: User, start: datetime.date, end: datetime.date, groups=None
) -> list[DisruptionFact]:
    """The disruptions the user may see between ``start`` and ``end`` (inclusive), as facts for
    :func:`convenor.groups.statistics.disruption_statistics` (names, not codes)."""
    disruptions = visible_disruptions(user).filter(occurred_on__range=(start, end))
    if groups is not None:
        disruptions = disruptions.filter(group__in=groups)
    return [
        DisruptionFact(
            disruption_type=d.disruption_type.name,
            p=d.get_p_display(),
            impact=d.impact.name,
            partners=frozenset(
                {d.lead_agency.name, *(o.name for o in d.contributing_partners.all())}
            ),
            verified=d.verified,
        )
        for d in disruptions
    ]


# --- Ancillary orders ------------------------------------------------------------------------


def _orders() -> QuerySet[AncillaryOrder]:
    return AncillaryOrder.objects.select_related(
        "order_type",
        "subject",
        "monitoring_officer",
        "recorded_by",
        "group",
        "group__owning_organisation",
    ).annotate(breach_count=Count("breaches"))


def visible_orders(user: User) -> QuerySet[AncillaryOrder]:
    """The register: orders on members of the groups the user may see, soonest to expire first."""
    return visible(user, _orders()).order_by(F("expires_on").asc(nulls_last=True), "-made_on", "pk")


def orders_of(user: User, group: OrganisedCrimeGroup) -> QuerySet[AncillaryOrder]:
    return visible_orders(user).filter(group=group)


def order_or_404(user: User, group: OrganisedCrimeGroup, pk: int) -> AncillaryOrder:
    return get_visible_or_404(user, _orders().filter(group=group), pk=pk)


def expiring_orders(user: User, days: int) -> QuerySet[AncillaryOrder]:
    """Orders the user may see that expire from today to ``days`` days ahead, soonest first."""
    today = timezone.localdate()
    return visible_orders(user).filter(
        expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days)
    )


def breaches_of(user: User, order: AncillaryOrder) -> QuerySet[OrderBreach]:
    return visible(user, order.breaches.select_related("recorded_by"))


# --- What an entity's page shows of groups -----------------------------------------------------


def memberships_of_entity(user: User, entity: Entity) -> QuerySet[GroupMember]:
    """The entity's places in groups the user may see (one query)."""
    return visible(user, GroupMember.objects.filter(entity=entity).select_related("group"))


def orders_on_entity(user: User, entity: Entity) -> QuerySet[AncillaryOrder]:
    """Orders on members linked to the entity, in groups the user may see (one query)."""
    return visible_orders(user).filter(subject__entity=entity)
