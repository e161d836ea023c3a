"""Disruptions of a group: recorded with their impact and its rationale, counted once a second
person of the owning organisation has verified them (ADR 0024)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.access import Action
from convenor.core.models import Organisation, User

from ..access_rules import editing_organisations
from ..access_rules import may_verify as _may_verify
from ..models import Disruption, FourP, OrganisedCrimeGroup
from .groups import CHANGE_REFUSED, RATIONALE_MAX

DISRUPTION_FIELDS = [
    "occurred_on",
    "disruption_type",
    "p",
    "description",
    "quantity",
    "value_pence",
    "lead_agency",
    "contributing_partners",
    "members",
    "impact",
    "rationale",
]
_MANY = ("contributing_partners", "members")
OLDEST_YEARS = 10


def partner_organisations(group: OrganisedCrimeGroup) -> QuerySet[Organisation]:
    """The organisations that may lead or contribute to a disruption of the group: those of the
    partnership it is shared in (the owning organisation alone when it is not shared)."""
    if group.partnership_id is None:
        return Organisation.objects.filter(pk=group.owning_organisation_id)
    return Organisation.objects.filter(
        Q(pk=group.owning_organisation_id) | Q(pk__in=group.partnership.organisations.values("pk"))
    ).order_by("name")


def _check(group: OrganisedCrimeGroup, fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    occurred_on = fields.get("occurred_on")
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date of the disruption"
    elif occurred_on > today:
        errors["occurred_on"] = "The date of the disruption cannot be in the future"
    elif occurred_on < today - datetime.timedelta(days=366 * OLDEST_YEARS):
        errors["occurred_on"] = f"The date must be within the last {OLDEST_YEARS} years"
    if fields.get("disruption_type") is None:
        errors["disruption_type"] = "Choose the type of disruption"
    if fields.get("p") not in FourP.values:
        errors["p"] = "Choose the P the disruption serves: Pursue, Prevent, Protect or Prepare"
    for key, what in (("quantity", "The quantity"), ("value_pence", "The value")):
        value = fields.get(key)
        if value is not None and (not isinstance(value, int) or value < 0 or value >= 2**53):
            errors[key] = f"{what} must be a whole number, zero or more"
    allowed = set(partner_organisations(group).values_list("pk", flat=True))
    lead = fields.get("lead_agency")
    if lead is None:
        errors["lead_agency"] = "Choose the lead agency"
    elif lead.pk not in allowed:
        errors["lead_agency"] = "The lead agency must be an organisation of the group's partnership"
    if any(o.pk not in allowed for o in fields.get("contributing_partners") or []):
        errors["contributing_partners"] = (
            "Contributing partners must be organisations of the group's partnership"
        )
    if any(m.group_id != group.pk for m in fields.get("members") or []):
        errors["members"] = f"Choose members of {group}"
    if fields.get("impact") is None:
        errors["impact"] = "Choose the impact: major, moderate or minor"
    rationale = (fields.get("rationale") or "").strip()
    fields["rationale"] = rationale
    if not rationale:
        errors["rationale"] = "Explain why you judge the impact so: a rationale is required"
    elif len(rationale) > RATIONALE_MAX:
        errors["rationale"] = f"The rationale must be at most {RATIONALE_MAX:,} characters"
    fields["description"] = (fields.get("description") or "").strip()
    if len(fields["description"]) > RATIONALE_MAX:
        errors["description"] = f"The description must be at most {RATIONALE_MAX:,} characters"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_disruption(
    actor: User, group: OrganisedCrimeGroup, fields: dict[str, Any]
) -> Disruption:
    """Record a disruption of ``group``; it counts once a second person verifies it."""
    if not access.can(actor, Action.CHANGE, group):
        raise PermissionDenied(CHANGE_REFUSED)
    fields = {key: fields.get(key) for key in DISRUPTION_FIELDS}
    _check(group, fields)
    many = {key: list(fields.pop(key) or []) for key in _MANY}
    disruption = Disruption(group=group, recorded_by=actor, **fields)
    disruption.full_clean()
    disruption.save()
    for key, values in many.items():
        getattr(disruption, key).set(values)
    audit.record(
        "disruption_recorded",
        actor=actor,
        obj=group,
        detail={
            "disruption": disruption.pk,
            "type": disruption.disruption_type.code,
            "p": disruption.p,
            "impact": disruption.impact.code,
            "occurred_on": disruption.occurred_on,
            "members": sorted(m.pk for m in many["members"]),
        },
    )
    return disruption


def may_verify(actor: User, disruption: Disruption) -> bool:
    """Whether ``actor`` may verify the disruption now (for showing the button)."""
    return _may_verify(access.standing(actor), disruption)


VERIFY_REFUSED = (
    "Only analysts and partnership administrators of the owning organisation verify disruptions"
)


def require_verify(actor: User, disruption: Disruption) -> None:
    """Refuse (403) one who may see the disruption but is no verifier of its organisation."""
    if not (
        actor.is_superuser
        or disruption.group.owning_organisation_id in editing_organisations(access.standing(actor))
    ):
        raise PermissionDenied(VERIFY_REFUSED)


@transaction.atomic
def verify_disruption(actor: User, disruption: Disruption) -> Disruption:
    """A second person of the owning organisation confirms the disruption and its impact."""
    require_verify(actor, disruption)
    disruption = (
        Disruption.objects.select_for_update().select_related("group").get(pk=disruption.pk)
    )
    if disruption.verified_by_id is not None:
        raise ValidationError(
            f"This disruption was already verified by {disruption.verified_by} on "
            f"{timezone.localtime(disruption.verified_at):%-d %B %Y}"
        )
    if disruption.recorded_by_id == actor.pk:
        raise ValidationError(
            "You recorded this disruption: a second person of "
            f"{disruption.group.owning_organisation} must verify it"
        )
    disruption.verified_by = actor
    disruption.verified_at = timezone.now()
    disruption.save(update_fields=["verified_by", "verified_at"])
    audit.record(
        "disruption_verified",
        actor=actor,
        obj=disruption.group,
        detail={"disruption": disruption.pk, "impact": disruption.impact_id},
    )
    return disruption
