"""The use cases of SOC local profiles. Each checks the access policy, runs in a transaction and
writes the audit entry; pages, the API and the ``convenor profile`` command call these."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.access import Action
from convenor.core.models import Area, Partnership, User
from convenor.ops import jobs

from .builder import build_figures
from .config import current_config
from .models import Profile, ProfileVersion, PublicSummary
from .periods import Period, PeriodError
from .public import sanitise

logger = logging.getLogger(__name__)

LOCAL_AUTHORITY = Area.Kind.LOWER_TIER
MAX_AREAS = 60
# A build that has not finished this long after it was asked for was lost (the process that ran
# it stopped): it is marked failed so that the profile shows it and a new one can be built.
STALE_BUILD = datetime.timedelta(hours=2)


def fail_lost_builds(profile: Profile | None = None) -> int:
    """Mark builds that can no longer finish as failed; returns how many."""
    lost = ProfileVersion.objects.filter(
        status__in=[ProfileVersion.Status.QUEUED, ProfileVersion.Status.BUILDING],
        requested_at__lt=timezone.now() - STALE_BUILD,
    )
    if profile is not None:
        lost = lost.filter(profile=profile)
    return lost.update(
        status=ProfileVersion.Status.FAILED,
        stage="Failed",
        error="The build was interrupted (the server stopped while it ran): build it again.",
    )


def resolve_areas(codes: list[str]) -> list[Area]:
    """The lower-tier local authorities named by ``codes``; a police force area or upper tier
    stands for the current local authorities it covers. Raises ValidationError naming the
    field."""
    cleaned = sorted({str(c).strip().upper() for c in codes if str(c).strip()})
    if not cleaned:
        raise ValidationError({"areas": "Choose at least one local authority"})
    if any(len(c) > 16 or "\x00" in c for c in cleaned):
        raise ValidationError({"areas": "An ONS code is at most 16 characters, like E07000123"})
    found = {a.code: a for a in Area.objects.filter(code__in=cleaned)}
    unknown = [c for c in cleaned if c not in found]
    if unknown:
        raise ValidationError({"areas": f"Not an ONS area code: {', '.join(unknown[:5])}"})
    result: dict[str, Area] = {}
    for area in found.values():
        if area.kind == LOCAL_AUTHORITY:
            result[area.code] = area
        elif area.kind == Area.Kind.POLICE_FORCE:
            result.update({a.code: a for a in area.local_authorities.current()})
        elif area.kind == Area.Kind.UPPER_TIER:
            result.update({a.code: a for a in area.children.current().filter(kind=LOCAL_AUTHORITY)})
        else:
            raise ValidationError(
                {"areas": f"{area} is a region: choose local authorities or a police force area"}
            )
    if not result:
        raise ValidationError({"areas": "Those areas cover no local authority"})
    if len(result) > MAX_AREAS:
        raise ValidationError({"areas": f"A profile covers at most {MAX_AREAS} local authorities"})
    return sorted(result.values(), key=lambda a: a.code)


def parse_period(raw: object) -> Period:
    try:
        return Period.parse(raw)
    except PeriodError as problem:
        raise ValidationError({"period": str(problem)}) from problem


def _owner_for(actor: User, partnership: Partnership):
    """The actor's organisation in the partnership in which they may build profiles."""
    s = access.standing(actor)
    members = set(partnership.organisations.values_list("pk", flat=True))
    for role in ("analyst", "partnership_administrator"):
        for org_id in sorted(s.organisations_with_role(role)):
            if org_id in members:
                return partnership.organisations.get(pk=org_id)
    return None


@transaction.atomic
def create_profile(
    actor: User, partnership: Partnership, area_codes: list[str], title: str = ""
) -> Profile:
    """A new profile of these areas for the partnership, owned by the actor's organisation."""
    if not access.visible(actor, Partnership.objects.filter(pk=partnership.pk)).exists():
        raise PermissionDenied("You are not a member of that partnership")
    owner = _owner_for(actor, partnership)
    if owner is None and not actor.is_superuser:
        raise PermissionDenied(
            "Only analysts and partnership administrators of a member organisation build profiles"
        )
    if owner is None:
        owner = partnership.lead_organisation
    areas = resolve_areas(area_codes)
    key = ",".join(a.code for a in areas)
    existing = Profile.objects.filter(partnership=partnership, area_codes=key).first()
    if existing is not None:
        raise ValidationError({"areas": f"{partnership} already has a profile of these areas"})
    title = (title or "").strip()[:200] or (
        "SOC local profile: "
        + ", ".join(a.name for a in areas[:3])
        + (f" and {len(areas) - 3} more" if len(areas) > 3 else "")
    )
    profile = Profile(
        title=title,
        partnership=partnership,
        owner_organisation=owner,
        area_codes=key,
        created_by=actor,
    )
    access.validate_save(actor, profile, creating=True, m2m={"areas": areas})
    profile.save()
    profile.areas.set(areas)
    audit.record("profile_created", actor=actor, obj=profile, detail={"areas": key})
    return profile


@transaction.atomic
def request_build(
    actor: User, profile: Profile, period: object, *, background: bool = True
) -> ProfileVersion:
    """Queue a new version of the profile for ``period``; it builds in the background (or, with
    ``background=False``, when the caller runs :func:`run_build` itself)."""
    if not access.can(actor, Action.CHANGE, profile):
        raise PermissionDenied(
            "Only analysts and partnership administrators of the owning organisation build it"
        )
    period = parse_period(period)
    Profile.objects.select_for_update().filter(pk=profile.pk).first()
    fail_lost_builds(profile)
    number = (profile.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProfileVersion.objects.create(
        profile=profile,
        number=number,
        period=str(period),
        requested_by=actor,
        stage="Waiting to start",
    )
    audit.record(
        "profile_build_requested",
        actor=actor,
        obj=profile,
        detail={"version": number, "period": str(period)},
    )
    if background:
        jobs.enqueue("build_profile", version.pk)
    return version


@transaction.atomic
def create_profile_and_build(
    actor: User, partnership: Partnership, area_codes: list[str], title: str, period: object
) -> ProfileVersion:
    """A new profile with its first version queued, or neither (nothing half-saved)."""
    profile = create_profile(actor, partnership, area_codes, title)
    return request_build(actor, profile, period)


def run_build(
    version_id: int, progress: Callable[[int, str], None] | None = None
) -> ProfileVersion:
    """Build a queued version: every section, then the response level; the figures are frozen.
    Progress is written to the version as it goes (outside any transaction, so pages see it)."""
    version = ProfileVersion.objects.select_related("profile__partnership", "requested_by").get(
        pk=version_id
    )
    if version.status != ProfileVersion.Status.QUEUED:
        return version
    ProfileVersion.objects.filter(pk=version.pk).update(
        status=ProfileVersion.Status.BUILDING, stage="Starting", progress=0
    )

    def report(percent: int, stage: str) -> None:
        ProfileVersion.objects.filter(pk=version.pk).update(
            progress=max(0, min(100, percent)), stage=stage[:200]
        )
        if progress is not None:
            progress(percent, stage)

    try:
        figures = build_figures(
            area_codes=version.profile.code_list,
            period=version.period_obj,
            user=version.requested_by,
            partnership=version.profile.partnership,
            config=current_config(),
            progress=report,
        )
    except Exception as problem:
        logger.exception("Profile build %s failed", version.pk)
        with transaction.atomic():
            ProfileVersion.objects.filter(pk=version.pk).update(
                status=ProfileVersion.Status.FAILED,
                error=f"{type(problem).__name__}: {problem}"[:2000],
                stage="Failed",
            )
            audit.record(
                "profile_build_failed",
                actor=version.requested_by,
                obj=version.profile,
                detail={"version": version.number, "error": type(problem).__name__},
            )
        version.refresh_from_db()
        return version
    with transaction.atomic():
        ProfileVersion.objects.filter(pk=version.pk).update(
            status=ProfileVersion.Status.BUILT,
            figures=figures,
            response_level=figures["response"]["level"],
            built_at=timezone.now(),
            progress=100,
            stage="Built",
        )
        audit.record(
            "profile_built",
            actor=version.requested_by,
            obj=version.profile,
            detail={
                "version": version.number,
                "period": version.period,
                "response_level": figures["response"]["level"],
                "sections": sorted(figures["sections"]),
            },
        )
    version.refresh_from_db()
    return version


def read_version(actor: User, version: ProfileVersion, how: str = "page") -> None:
    """Record that a profile's figures were read (pages, PDF, API): a sensitive read."""
    audit.record(
        "profile_read" if how == "page" else f"profile_{how}",
        actor=actor,
        obj=version.profile,
        detail={"version": version.number, "period": version.period, "via": how},
    )


@transaction.atomic
def prepare_public_summary(actor: User, version: ProfileVersion) -> PublicSummary:
    """The sanitised summary of a built version (not yet published); preparing it again
    refreshes it from the frozen figures."""
    if not access.can(actor, Action.CHANGE, version.profile):
        raise PermissionDenied(
            "Only analysts and partnership administrators of the owning organisation prepare it"
        )
    if version.status != ProfileVersion.Status.BUILT:
        raise ValidationError({"version": "Only a built version has a public summary"})
    figures = sanitise(version.figures, current_config().suppression_threshold)
    summary, created = PublicSummary.objects.get_or_create(
        version=version, defaults={"figures": figures, "prepared_by": actor}
    )
    if not created:
        if summary.is_published:
            raise ValidationError(
                {"version": "This summary is published: withdraw it before preparing it again"}
            )
        summary.figures = figures
        summary.prepared_by = actor
        summary.save(update_fields=["figures", "prepared_by"])
    return _summary_audited("profile_public_summary_prepared", actor, version, summary)


@transaction.atomic
def publish_public_summary(actor: User, summary: PublicSummary) -> PublicSummary:
    return _set_published(actor, summary, publish=True)


@transaction.atomic
def withdraw_public_summary(actor: User, summary: PublicSummary) -> PublicSummary:
    return _set_published(actor, summary, publish=False)


def _set_published(actor: User, summary: PublicSummary, publish: bool) -> PublicSummary:
    """Publish or withdraw (partnership administrators only); doing it twice changes nothing."""
    if not access.can(actor, Action.CHANGE, summary):
        verb = "publish" if publish else "withdraw"
        raise PermissionDenied(f"Only partnership administrators {verb} a public summary")
    if summary.is_published == publish:
        return summary
    summary.published_by = actor if publish else None
    summary.published_at = timezone.now() if publish else None
    summary.save(update_fields=["published_by", "published_at"])
    action = "profile_public_summary_published" if publish else "profile_public_summary_withdrawn"
    return _summary_audited(action, actor, summary.version, summary)


def _summary_audited(action: str, actor: User, version: ProfileVersion, summary: PublicSummary):
    """Record that a version's public summary was prepared, published or withdrawn."""
    audit.record(
        action,
        actor=actor,
        obj=version.profile,
        detail={"version": version.number, "summary": summary.pk},
    )
    return summary


def opportunity(version: ProfileVersion, number: int) -> dict | None:
    """Opportunity ``number`` of a built version's figures (None if there is none)."""
    section = (version.figures or {}).get("sections", {}).get("opportunities")
    if section is None:
        return None
    for item in section["figures"]["opportunities"]:
        if item.get("number") == number:
            return item
    return None


def boards_for(actor: User, profile: Profile):
    """The boards of the profile's partnership the actor runs (governance installed), or none."""
    from django.apps import apps

    if not apps.is_installed("convenor.governance"):
        return None
    from convenor.governance.access_rules import managed_boards
    from convenor.governance.models import Board

    return Board.objects.filter(
        partnership=profile.partnership, pk__in=managed_boards(access.standing(actor))
    )


@transaction.atomic
def action_from_opportunity(
    actor: User,
    version: ProfileVersion,
    number: int,
    *,
    board,
    owner: User,
    owner_organisation,
    due_on,
):
    """Turn one of a version's opportunities into a board action in one step (governance's
    ``create_action_from``: the actor must run the board; the owner must hold a role in the
    owner's organisation, a member of the partnership)."""
    from convenor.governance import reference as governance_reference
    from convenor.governance.services import create_action_from

    if not access.visible(actor, ProfileVersion.objects.filter(pk=version.pk)).exists():
        raise PermissionDenied("You cannot see that profile")
    item = opportunity(version, number)
    if item is None:
        raise ValidationError({"opportunity": "That opportunity is not in this version"})
    codes = {" ".join(t.label.lower().split()): t.code for t in governance_reference.threat_areas()}
    threat_areas = [
        codes[key]
        for name in item.get("threat_areas", [])
        if (key := " ".join(name.lower().split())) in codes
    ]
    profile = version.profile
    action = create_action_from(
        actor,
        f"profiles.profileversion:{version.pk}#opportunity-{number}",
        board=board,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        title=item["text"][:200],
        description=(
            f"From {profile.title}, version {version.number} ({version.period}): "
            f"{item.get('basis', '')}. Partner best placed to act: {item.get('partner', '')}."
        ),
        ps=[item["p"]],
        threat_areas=threat_areas,
        areas=list(profile.areas.all()),
    )
    audit.record(
        "profile_opportunity_actioned",
        actor=actor,
        obj=profile,
        detail={"version": version.number, "opportunity": number, "action": action.pk},
    )
    return action
