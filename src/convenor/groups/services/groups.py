"""The use cases of organised crime groups: record and change a group, its members, assess it,
read it and export rankings. Each checks the policy, runs in one transaction and is audited;
pages, the API and commands all call these, so the rules live here once."""

from __future__ import annotations

import datetime
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.access import Action
from convenor.core.models import Area, Membership, Organisation, User

from ..access_rules import editing_organisations
from ..models import Assessment, GroupMember, OrganisedCrimeGroup
from ..scoring import DEFAULT_MODEL_PATH, ScoringInputError, ScoringModel

RATIONALE_MAX = 10_000
CHANGE_REFUSED = (
    "Only analysts and partnership administrators of the owning organisation can do this"
)

# What a group record holds (pages and API alike); the owning organisation is set once.
GROUP_FIELDS = [
    "name",
    "summary",
    "status",
    "partnership",
    "lead_responsible_officer",
    "threat_areas",
    "harm_characteristics",
    "areas",
]
MANY_TO_MANY = ("threat_areas", "harm_characteristics", "areas")


def require_change(actor: User, group: OrganisedCrimeGroup) -> None:
    """Refuse (403) one who may see the group but not change it, before showing a form."""
    if not access.can(actor, Action.CHANGE, group):
        raise PermissionDenied(CHANGE_REFUSED)


# --- The scoring model in force --------------------------------------------------------------


def scoring_model_path() -> Path:
    configured = getattr(settings, "CONVENOR_GROUPS_SCORING_MODEL", None) or os.environ.get(
        "CONVENOR_GROUPS_SCORING_MODEL"
    )
    return Path(configured) if configured else DEFAULT_MODEL_PATH


@lru_cache(maxsize=8)
def _model_at(path: str, modified: float) -> ScoringModel:
    return ScoringModel.from_yaml(path)


def scoring_model() -> ScoringModel:
    """The configured scoring model (re-read when its file changes)."""
    path = scoring_model_path()
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0
    return _model_at(str(path), modified)


# --- Groups ----------------------------------------------------------------------------------


def _check_group_fields(
    fields: dict[str, Any], owning_organisation: Organisation, group: OrganisedCrimeGroup | None
) -> None:
    errors: dict[str, str] = {}
    name = (fields.get("name") or "").strip()
    fields["name"] = name
    if not name:
        errors["name"] = "Enter the group's name"
    elif (
        OrganisedCrimeGroup.objects.filter(
            owning_organisation=owning_organisation, name__iexact=name
        )
        .exclude(pk=group.pk if group else None)
        .exists()
    ):
        errors["name"] = f"{owning_organisation} already records a group called “{name}”"
    partnership = fields.get("partnership")
    if (
        partnership is not None
        and not partnership.organisations.filter(pk=owning_organisation.pk).exists()
    ):
        errors["partnership"] = (
            f"{owning_organisation} is not a member of {partnership}: share the group in one of "
            "its own partnerships"
        )
    officer = fields.get("lead_responsible_officer")
    if officer is None:
        errors["lead_responsible_officer"] = "Choose the lead responsible officer"
    elif not (
        officer.is_active
        and Membership.objects.filter(
            access.current_memberships(), user=officer, organisation=owning_organisation
        ).exists()
    ):
        errors["lead_responsible_officer"] = (
            f"The lead responsible officer must be a member of staff of {owning_organisation}"
        )
    if not fields.get("threat_areas"):
        errors["threat_areas"] = "Choose at least one threat area"
    if not fields.get("harm_characteristics"):
        errors["harm_characteristics"] = (
            "Choose at least one harm characteristic: serious organised crime causes, or could "
            "cause, significant harm"
        )
    areas = list(fields.get("areas") or [])
    if not areas:
        errors["areas"] = "Choose at least one local authority the group operates in"
    elif any(a.kind != Area.Kind.LOWER_TIER for a in areas):
        errors["areas"] = "Areas of operation are local authorities (lower tier or unitary)"
    if fields.get("status") not in OrganisedCrimeGroup.Status.values:
        errors["status"] = "Choose the group's status"
    if len(fields.get("summary") or "") > RATIONALE_MAX:
        errors["summary"] = f"The summary must be at most {RATIONALE_MAX:,} characters"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_group(
    actor: User, owning_organisation: Organisation, fields: dict[str, Any]
) -> OrganisedCrimeGroup:
    """Record a new organised crime group for the actor's organisation."""
    if not access.can(actor, Action.CREATE, model=OrganisedCrimeGroup):
        raise PermissionDenied(CHANGE_REFUSED)
    if not (
        actor.is_superuser
        or owning_organisation.pk in editing_organisations(access.standing(actor))
    ):
        raise ValidationError(
            {
                "owning_organisation": "You can record groups only for an organisation in which "
                "you are an analyst or partnership administrator"
            }
        )
    fields = dict(fields)
    _check_group_fields(fields, owning_organisation, None)
    many = {key: list(fields.pop(key)) for key in MANY_TO_MANY}
    group = OrganisedCrimeGroup(owning_organisation=owning_organisation, **fields)
    access.validate_save(actor, group, creating=True, m2m={"areas": many["areas"]})
    group.full_clean()
    group.save()
    for key, values in many.items():
        getattr(group, key).set(values)
    audit.record("group_recorded", actor=actor, obj=group, detail=_group_detail(group))
    return group


@transaction.atomic
def change_group(
    actor: User, group: OrganisedCrimeGroup, fields: dict[str, Any]
) -> OrganisedCrimeGroup:
    if not access.can(actor, Action.CHANGE, group):
        raise PermissionDenied(CHANGE_REFUSED)
    before = _group_detail(group)
    merged = {key: getattr(group, key) for key in GROUP_FIELDS if key not in MANY_TO_MANY}
    merged.update({key: list(getattr(group, key).all()) for key in MANY_TO_MANY})
    merged.update(fields)
    _check_group_fields(merged, group.owning_organisation, group)
    many = {key: merged.pop(key) for key in MANY_TO_MANY}
    for key, value in merged.items():
        setattr(group, key, value)
    access.validate_save(actor, group, creating=False, m2m={"areas": many["areas"]})
    group.full_clean()
    group.save()
    for key, values in many.items():
        getattr(group, key).set(values)
    after = _group_detail(group)
    changed = {key: after[key] for key in after if before.get(key) != after[key]}
    audit.record("group_changed", actor=actor, obj=group, detail={"changed": changed})
    return group


def _group_detail(group: OrganisedCrimeGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "status": group.status,
        "summary_length": len(group.summary),
        "partnership": group.partnership_id,
        "lead_responsible_officer": group.lead_responsible_officer_id,
        "threat_areas": sorted(group.threat_areas.values_list("code", flat=True)),
        "harm_characteristics": sorted(group.harm_characteristics.values_list("code", flat=True)),
        "areas": sorted(group.areas.values_list("code", flat=True)),
    }


def view_group(actor: User, group: OrganisedCrimeGroup, *, via: str = "page") -> None:
    """Audit a read of one group's record (its members and assessments are sensitive)."""
    if not access.can(actor, Action.VIEW, group):
        raise PermissionDenied("Not found")
    audit.record("group_viewed", actor=actor, obj=group, detail={"via": via})


# --- Members ---------------------------------------------------------------------------------


def _check_member_fields(
    actor: User, group: OrganisedCrimeGroup, fields: dict[str, Any], member: GroupMember | None
) -> None:
    errors = {}
    entity = fields.get("entity")
    unchanged = member is not None and entity is not None and entity.pk == member.entity_id
    if entity is not None and not unchanged:
        from convenor.threat.models import Entity

        if not access.visible(actor, Entity.objects.filter(pk=entity.pk)).exists():
            errors["entity"] = "There is no entity with that reference that you may see"
        elif entity.kind not in (Entity.Kind.PERSON, Entity.Kind.BUSINESS):
            errors["entity"] = "A member is a person or a business, not a vehicle or an address"
        elif (
            GroupMember.objects.filter(group=group, entity=entity)
            .exclude(pk=member.pk if member else None)
            .exists()
        ):
            errors["entity"] = f"{entity} is already a member of {group}"
    fields["name"] = (fields.get("name") or "").strip()
    if not fields["name"]:
        errors["name"] = "Enter the member's name"
    if fields.get("role") not in GroupMember.MemberRole.values:
        errors["role"] = "Choose the member's role: principal, significant or peripheral"
    if len(fields.get("notes") or "") > RATIONALE_MAX:
        errors["notes"] = f"Notes must be at most {RATIONALE_MAX:,} characters"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_member(actor: User, group: OrganisedCrimeGroup, fields: dict[str, Any]) -> GroupMember:
    if not access.can(actor, Action.CHANGE, group):
        raise PermissionDenied(CHANGE_REFUSED)
    fields = dict(fields)
    _check_member_fields(actor, group, fields, None)
    member = GroupMember(group=group, **fields)
    member.full_clean()
    member.save()
    audit.record(
        "group_member_added",
        actor=actor,
        obj=group,
        detail={"member": member.pk, "role": member.role, "entity": member.entity_id},
    )
    return member


@transaction.atomic
def change_member(actor: User, member: GroupMember, fields: dict[str, Any]) -> GroupMember:
    if not access.can(actor, Action.CHANGE, member):
        raise PermissionDenied(CHANGE_REFUSED)
    merged = {
        "name": member.name,
        "role": member.role,
        "notes": member.notes,
        "entity": member.entity,
        **fields,
    }
    _check_member_fields(actor, member.group, merged, member)
    before = member.role
    for key, value in merged.items():
        setattr(member, key, value)
    member.full_clean()
    member.save()
    audit.record(
        "group_member_changed",
        actor=actor,
        obj=member.group,
        detail={
            "member": member.pk,
            "role_before": before,
            "role": member.role,
            "entity": member.entity_id,
        },
    )
    return member


@transaction.atomic
def remove_member(actor: User, member: GroupMember) -> None:
    if not access.can(actor, Action.CHANGE, member):
        raise PermissionDenied(CHANGE_REFUSED)
    if member.orders.exists():
        raise ValidationError(
            f"{member.name} is the subject of an ancillary order in the register: the member "
            "stays while the order is recorded"
        )
    group, pk, role = member.group, member.pk, member.role
    member.delete()
    audit.record(
        "group_member_removed", actor=actor, obj=group, detail={"member": pk, "role": role}
    )


# --- Assessments -----------------------------------------------------------------------------


@transaction.atomic
def record_assessment(
    actor: User,
    group: OrganisedCrimeGroup,
    *,
    inputs: dict[str, Any],
    rationale: str,
    assessed_on: datetime.date | None = None,
    model: ScoringModel | None = None,
) -> Assessment:
    """Score the group with the configured model and add the result to its history."""
    if not access.can(actor, Action.CHANGE, group):
        raise PermissionDenied(CHANGE_REFUSED)
    model = model or scoring_model()
    today = timezone.localdate()
    assessed_on = assessed_on or today
    errors: dict[str, str] = {}
    rationale = (rationale or "").strip()
    if not rationale:
        errors["rationale"] = "Explain why: the evidence and judgement behind these scores"
    elif len(rationale) > RATIONALE_MAX:
        errors["rationale"] = f"The rationale must be at most {RATIONALE_MAX:,} characters"
    if assessed_on > today:
        errors["assessed_on"] = "The assessment date cannot be in the future"
    elif assessed_on < today - datetime.timedelta(days=366 * 10):
        errors["assessed_on"] = "The assessment date must be within the last ten years"
    try:
        result = model.score(inputs)
    except ScoringInputError as problem:
        errors[problem.field] = problem.message
    if errors:
        raise ValidationError(errors)
    organisation = group.owning_organisation
    breakdown = result.breakdown
    assessment = Assessment(
        group=group,
        assessed_on=assessed_on,
        assessed_by=actor,
        assessor_organisation=organisation,
        rationale=rationale,
        inputs=model.validate(inputs),
        score=result.score,
        band=result.band.code,
        band_label=result.band.label,
        breakdown={
            "impact": str(breakdown.impact),
            "harm": str(breakdown.harm),
            "capability": str(breakdown.capability),
            "intent": str(breakdown.intent),
            "raw": str(breakdown.raw),
            "raw_max": str(breakdown.raw_max),
        },
        model_version=model.version,
        model_snapshot=model.source,
    )
    assessment.full_clean()
    assessment.save()
    audit.record(
        "group_assessed",
        actor=actor,
        obj=group,
        detail={
            "assessment": assessment.pk,
            "score": str(assessment.score),
            "band": assessment.band,
            "model": model.version,
            "assessed_on": assessed_on,
        },
    )
    return assessment


def record_export(actor: User, what: str, filters: dict[str, Any], count: int) -> None:
    """Audit an export of groups (rankings as CSV)."""
    audit.record(
        "groups_exported", actor=actor, detail={"what": what, "filters": filters, "rows": count}
    )
