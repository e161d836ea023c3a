"""Who sees, builds and disseminates SOC local profiles (see ADR 0050).

* See a profile and its versions: every member (any role) of the owning organisation, and of
  each organisation that is a party, with the owner, to an information sharing agreement of the
  profile's partnership in force today. An expired agreement disseminates nothing.
* Create a profile: an analyst or partnership administrator, for a partnership of their
  organisation (the profile is then owned by that organisation).
* Build a new version, prepare a public summary: analysts and partnership administrators of the
  owning organisation.
* Publish or withdraw a public summary: partnership administrators of the owning organisation or
  of the partnership's lead organisation.
* A published public summary is public (``public = True``): anyone may read it, signed in or
  not. An unpublished one is seen only by those who see the profile.
"""

from __future__ import annotations

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from convenor.core.access import (
    Action,
    Rule,
    Standing,
    area_refusals,
    local_authorities_within,
    member_party,
    partnership_areas,
    rule_for,
)
from convenor.core.models import InformationSharingAgreement, Role

from .models import Profile, ProfileVersion, PublicSummary

BUILDERS = (Role.ANALYST, Role.PARTNERSHIP_ADMINISTRATOR)


def _visible_profiles_q(s: Standing, prefix: str = "") -> Q:
    shared = (
        InformationSharingAgreement.objects.current()
        .filter(partnership=OuterRef(f"{prefix}partnership"))
        .filter(member_party(OuterRef(f"{prefix}owner_organisation")))
        .filter(member_party(s.organisations))
    )
    return Q(**{f"{prefix}owner_organisation__in": s.organisations}) | Q(
        Exists(shared), **{f"{prefix}partnership__in": s.partnerships}
    )


def may_build(s: Standing, profile: Profile) -> bool:
    return s.superuser or any(s.has_role(role, profile.owner_organisation_id) for role in BUILDERS)


def may_publish(s: Standing, profile: Profile) -> bool:
    return s.superuser or any(
        s.has_role(Role.PARTNERSHIP_ADMINISTRATOR, org)
        for org in (profile.owner_organisation_id, profile.partnership.lead_organisation_id)
    )


@rule_for(Profile)
class ProfileRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(_visible_profiles_q(s))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return obj is None or super().can(s, action, obj)
        if obj is None:
            return action == Action.CREATE and (
                s.superuser or any(s.has_role(role) for role in BUILDERS)
            )
        if action == Action.CHANGE:
            return may_build(s, obj) and super().can(s, Action.VIEW, obj)
        return False

    def save_refusals(self, s, instance, *, creating, m2m):
        """Besides who may build it: a profile covers local authorities within the current
        areas of the user's partnerships (those its picker offers, every level); a profile
        keeps the ones it holds."""
        if creating:
            reasons = {} if self.can(s, Action.CREATE, None) else {None: "You may not build one"}
        else:
            reasons = super().save_refusals(s, instance, creating=creating, m2m=m2m)
        if "areas" in m2m:
            allowed = local_authorities_within(partnership_areas(s))
            held = () if creating else instance.areas.all()
            reasons.update(area_refusals(allowed, m2m["areas"], held=held))
        return reasons


@rule_for(ProfileVersion)
class ProfileVersionRule(Rule):
    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(_visible_profiles_q(s, "profile__"))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return obj is not None and super().can(s, action, obj)
        return obj is not None and ProfileRule().can(s, Action.CHANGE, obj.profile)


@rule_for(PublicSummary)
class PublicSummaryRule(Rule):
    public = True

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        published = Q(published_at__isnull=False)
        if not s.authenticated:
            return queryset.filter(published)
        if s.superuser:
            return queryset
        return queryset.filter(published | _visible_profiles_q(s, "version__profile__"))

    def can(self, s: Standing, action: Action, obj: Model | None) -> bool:
        if action == Action.VIEW:
            return obj is not None and super().can(s, action, obj)
        if not s.authenticated or obj is None:
            return False
        profile = obj.version.profile
        if action == Action.CHANGE:  # publish or withdraw
            return may_publish(s, profile) and ProfileRule().can(s, Action.VIEW, profile)
        return False
