"""Reads of SOC local profiles, always within ``access.visible``: pages and the API ask here.
Reading a built version's figures is audited, so that stays a service
(``services.read_version``)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from convenor.core import access
from convenor.core.access import get_visible_or_404, visible
from convenor.core.models import Area, Membership, Organisation, Partnership, User
from convenor.core.selectors import areas_for_user

from .models import Profile, ProfileVersion, PublicSummary


def builder_partnerships(user: User) -> QuerySet[Partnership]:
    """Partnerships in which the user may create a profile."""
    s = access.standing(user)
    orgs = s.organisations_with_role("analyst") | s.organisations_with_role(
        "partnership_administrator"
    )
    partnerships = visible(user, Partnership.objects.all())
    if s.superuser:
        return partnerships
    return partnerships.filter(organisations__in=orgs).distinct()


def profile_area_choices(user: User) -> QuerySet[Area]:
    """The areas a new profile may be built for: the current local authorities, counties and
    police force areas of the user's partnerships (``core.selectors.areas_for_user``)."""
    return areas_for_user(
        user, kinds=(Area.Kind.LOWER_TIER, Area.Kind.UPPER_TIER, Area.Kind.POLICE_FORCE)
    )


def visible_profiles(user: User) -> QuerySet[Profile]:
    return visible(user, Profile.objects.select_related("partnership", "owner_organisation"))


def profile_list(user: User) -> QuerySet[Profile]:
    return visible_profiles(user).prefetch_related("areas").order_by("title")


def profile_list_page(user: User) -> dict:
    """The profiles the user may see, and whether they may build one."""
    return {
        "profiles": profile_list(user),
        "can_create": access.can(user, access.Action.CREATE, model=Profile),
    }


def profiles_with_versions(user: User) -> QuerySet[Profile]:
    """Profiles with their areas and the versions the user may see (``seen_versions``), for
    the API: a fixed number of queries however many profiles there are."""
    versions = visible(user, ProfileVersion.objects.order_by("number"))
    return visible_profiles(user).prefetch_related(
        "areas", Prefetch("versions", queryset=versions, to_attr="seen_versions")
    )


def profile_or_404(user: User, pk: int) -> Profile:
    return get_visible_or_404(user, visible_profiles(user), pk=pk)


def versions_of(user: User, profile: Profile, *, built_only: bool = False) -> list[ProfileVersion]:
    """The profile's versions the user may see, newest first."""
    versions = profile.versions.all()
    if built_only:
        versions = versions.filter(status=ProfileVersion.Status.BUILT)
    return list(visible(user, versions).order_by("-number"))


def version_or_404(user: User, pk: int, number: int) -> ProfileVersion:
    return get_visible_or_404(
        user,
        ProfileVersion.objects.select_related(
            "profile__partnership", "profile__owner_organisation", "requested_by"
        ),
        profile_id=pk,
        number=number,
    )


def summary_of(version: ProfileVersion) -> PublicSummary | None:
    """The version's public summary, prepared or published (seen with the version)."""
    return PublicSummary.objects.filter(version=version).first()


def summary_or_404(user: User, pk: int) -> PublicSummary:
    return get_visible_or_404(
        user, PublicSummary.objects.select_related("version__profile__partnership"), pk=pk
    )


def published_summaries(user: User) -> QuerySet[PublicSummary]:
    return visible(
        user,
        PublicSummary.objects.filter(published_at__isnull=False).select_related("version__profile"),
    ).order_by("-published_at")


def action_owners(user: User, version: ProfileVersion) -> tuple[QuerySet, QuerySet]:
    """Who may be given a board action made from the version's opportunity: the partnership's
    organisations, and their current members the user may see (by name)."""
    organisations: QuerySet[Organisation] = version.profile.partnership.organisations.all()
    holders = Membership.objects.filter(
        access.current_memberships(), organisation__in=organisations
    )
    people = visible(
        user, User.objects.filter(is_active=True, pk__in=holders.values("user_id"))
    ).order_by("last_name", "first_name")
    return organisations, people


def figures_for_reader(user: User, figures: dict) -> dict:
    """A version's figures as ``user`` may read them: the facts a profile draws from a group
    (what shows exploitation in it) only for the groups the reader may see, each linked to its
    page; the others are folded into the count. The frozen figures are not changed."""
    section = (figures or {}).get("sections", {}).get("vulnerabilities")
    kinds = section.get("figures", {}).get("exploitation") if section else None
    if not kinds:
        return figures
    from django.apps import apps
    from django.urls import reverse

    ids = {n["id"] for kind in kinds for n in kind.get("named", [])}
    seen: set[int] = set()
    if ids and apps.is_installed("convenor.groups"):
        from convenor.groups.models import OrganisedCrimeGroup

        seen = set(
            visible(user, OrganisedCrimeGroup.objects.filter(pk__in=ids)).values_list(
                "pk", flat=True
            )
        )
    read = []
    for kind in kinds:
        named = [
            {**n, "url": reverse("groups:detail", args=[n["id"]])}
            for n in kind.get("named", [])
            if n["id"] in seen
        ]
        hidden = len(kind.get("named", [])) - len(named)
        read.append({**kind, "named": named, "not_named": kind.get("not_named", 0) + hidden})
    vulnerabilities = {**section, "figures": {**section["figures"], "exploitation": read}}
    return {**figures, "sections": {**figures["sections"], "vulnerabilities": vulnerabilities}}
