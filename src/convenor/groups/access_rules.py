"""Who sees and changes organised crime groups, their members and assessments.

* **See**: every member of the owning organisation; and every member of an organisation that is,
  with the owning organisation, party to an information sharing agreement in force today in the
  partnership the group is shared in. No partnership, or no current agreement naming both: the
  owning organisation only. An expired agreement stops the sharing the day after its review date.
* **Record** a group: analysts and partnership administrators, for their own organisation.
* **Change** a group, its members, and **record an assessment**: analysts and partnership
  administrators of the owning organisation only (partners read, they do not rewrite another
  organisation's intelligence).
* Assessments are never changed or deleted by anyone: the history is kept.
* Disruptions, ancillary orders and breaches are seen with their group and recorded by those who
  may change it. A disruption is **verified** by an analyst or partnership administrator of the
  owning organisation other than the one who recorded it (ADR 0024).
* Reference taxonomies (threat areas, harm characteristics): any signed-in user reads them;
  operators change them.
"""

from __future__ import annotations

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from convenor.core.access import (
    Action,
    Rule,
    Standing,
    area_refusals,
    member_party,
    partnership_areas,
    rule_for,
)
from convenor.core.models import Area, InformationSharingAgreement, Role

from .models import (
    AncillaryOrder,
    Assessment,
    Disruption,
    DisruptionImpact,
    DisruptionType,
    GroupMember,
    HarmCharacteristic,
    OrderBreach,
    OrderType,
    OrganisedCrimeGroup,
    ThreatArea,
)

EDITING_ROLES = (Role.ANALYST, Role.PARTNERSHIP_ADMINISTRATOR)


def editing_organisations(s: Standing) -> frozenset[int]:
    """The organisations in which the user may record and change groups."""
    return frozenset().union(*(s.organisations_with_role(role) for role in EDITING_ROLES))


def visible_groups_q(s: Standing, prefix: str = "") -> Q:
    """The groups a user may see, as a filter (``prefix`` e.g. ``"group__"`` for members)."""
    shared_under_current_agreement = Exists(
        InformationSharingAgreement.objects.current()
        .filter(partnership=OuterRef(f"{prefix}partnership"))
        .filter(member_party(OuterRef(f"{prefix}owning_organisation")))
        .filter(member_party(s.organisations))
    )
    return Q(**{f"{prefix}owning_organisation__in": s.organisations}) | (
        Q(**{f"{prefix}partnership__in": s.partnerships}) & Q(shared_under_current_agreement)
    )


def group_area_choices(s: Standing) -> QuerySet[Area]:
    """The local authorities a group may be placed in: the current ones of the user's
    partnerships at every level; every current one while their partnerships name no area."""
    areas = partnership_areas(s, kinds=(Area.Kind.LOWER_TIER,))
    if not areas.exists():
        areas = Area.objects.current().filter(kind=Area.Kind.LOWER_TIER)
    return areas


@rule_for(OrganisedCrimeGroup)
class GroupRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        if not s.organisations:
            return queryset.none()
        return queryset.filter(visible_groups_q(s))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            if obj is None:
                return s.superuser or bool(s.organisations)
            return super().can(s, action, obj)
        if action == Action.CREATE:
            return s.superuser or bool(editing_organisations(s))
        if action == Action.CHANGE:
            if obj is None:
                return s.superuser or bool(editing_organisations(s))
            return s.superuser or obj.owning_organisation_id in editing_organisations(s)
        return False

    def save_refusals(self, s, instance, *, creating, m2m):
        """Besides who may record or change it: new areas of operation come from
        :func:`group_area_choices`; the areas a group holds stay (ended ones included)."""
        reasons = super().save_refusals(s, instance, creating=creating, m2m=m2m)
        if "areas" in m2m:
            held = () if creating else instance.areas.all()
            reasons.update(area_refusals(group_area_choices(s), m2m["areas"], held=held))
        return reasons


class _PartOfGroupRule(Rule):
    """Seen with its group; changed by those who may change the group."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        if not s.organisations:
            return queryset.none()
        return queryset.filter(visible_groups_q(s, prefix="group__"))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return super().can(s, action, obj) if obj is not None else bool(s.organisations)
        if obj is None:
            return s.superuser or bool(editing_organisations(s))
        return GroupRule().can(s, Action.CHANGE, obj.group)


@rule_for(GroupMember)
class GroupMemberRule(_PartOfGroupRule):
    pass


@rule_for(Assessment)
class AssessmentRule(_PartOfGroupRule):
    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action in (Action.CHANGE, Action.DELETE) and obj is not None:
            return False  # the history is never rewritten
        return super().can(s, action, obj)


@rule_for(Disruption)
class DisruptionRule(_PartOfGroupRule):
    pass


def may_verify(s: Standing, disruption: Disruption) -> bool:
    """A second person of the owning organisation who may change the group verifies."""
    return (
        disruption.verified_by_id is None
        and disruption.recorded_by_id != s.user_id
        and (s.superuser or disruption.group.owning_organisation_id in editing_organisations(s))
    )


@rule_for(AncillaryOrder)
class AncillaryOrderRule(_PartOfGroupRule):
    pass


@rule_for(OrderBreach)
class OrderBreachRule(Rule):
    """Seen with its order's group; recorded by those who may change that group."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        if not s.organisations:
            return queryset.none()
        return queryset.filter(visible_groups_q(s, prefix="order__group__"))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return super().can(s, action, obj) if obj is not None else bool(s.organisations)
        if obj is None:
            return s.superuser or bool(editing_organisations(s))
        return GroupRule().can(s, Action.CHANGE, obj.order.group)


@rule_for(ThreatArea)
@rule_for(HarmCharacteristic)
@rule_for(DisruptionType)
@rule_for(DisruptionImpact)
@rule_for(OrderType)
class ReferenceRule(Rule):
    """Taxonomies: read by every signed-in user, changed by operators."""

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        return action == Action.VIEW or s.superuser
