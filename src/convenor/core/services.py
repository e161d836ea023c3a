"""The use cases of the core: each checks the policy, runs in one transaction and is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import access, audit
from .models import (
    InformationSharingAgreement,
    Organisation,
    Partnership,
    PartnershipInvitation,
    Role,
    Signatory,
    User,
)
from .passwords import change_password, reset_password  # noqa: F401  (re-exported use cases)
from .tokens import issue_api_token, revoke_api_token  # noqa: F401  (re-exported use cases)


def _as_saved(actor: User, instance, *, creating: bool, m2m=None) -> None:
    """The policy's decision on ``instance`` as it would be saved, as a ValidationError that
    forms and the API show against the field at fault."""
    reasons = access.save_refusals(actor, instance, creating=creating, m2m=m2m)
    if reasons:
        raise ValidationError({field or NON_FIELD_ERRORS: why for field, why in reasons.items()})


@transaction.atomic
def create_agreement(
    actor: User, partnership: Partnership, fields: dict[str, Any]
) -> InformationSharingAgreement:
    """Record a new information sharing agreement for a partnership.

    ``fields`` are already validated (by AgreementForm or the API serializer); every party must
    be a member of the partnership.
    """
    if not access.can(actor, access.Action.CHANGE, partnership):
        raise PermissionDenied(
            "Only the lead organisation's partnership administrators can do this"
        )
    parties = list(fields.pop("parties"))
    if len(parties) < 2:
        raise ValidationError({"parties": "An agreement needs at least two parties"})
    agreement = InformationSharingAgreement(partnership=partnership, **fields)
    _as_saved(actor, agreement, creating=True, m2m={"parties": parties})
    agreement.full_clean()
    agreement.save()
    agreement.parties.set(parties)
    audit.record(
        "agreement_created",
        actor=actor,
        obj=agreement,
        detail={"parties": [p.pk for p in parties], "review_date": agreement.review_date},
    )
    return agreement


@transaction.atomic
def sign_agreement(actor: User, agreement: InformationSharingAgreement, **fields: Any) -> Signatory:
    if not access.can(actor, access.Action.CHANGE, agreement):
        raise PermissionDenied(
            "Only the lead organisation's partnership administrators can do this"
        )
    signatory = Signatory(agreement=agreement, **fields)
    _as_saved(actor, signatory, creating=True)
    signatory.full_clean()
    signatory.save()
    audit.record(
        "agreement_signed", actor=actor, obj=agreement, detail={"signatory": str(signatory)}
    )
    return signatory


# --- Consent to join a partnership ------------------------------------------------------------


@transaction.atomic
def invite_organisation(
    actor: User, partnership: Partnership, organisation: Organisation
) -> PartnershipInvitation:
    """Ask ``organisation`` to join: it becomes a member only when its administrator accepts."""
    if not access.can(actor, access.Action.CHANGE, partnership):
        raise PermissionDenied(
            "Only the lead organisation's partnership administrators can do this"
        )
    if partnership.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": f"{organisation} is already a member"})
    if partnership.invitations.filter(organisation=organisation, accepted__isnull=True).exists():
        raise ValidationError({"organisation": f"{organisation} has already been invited"})
    invitation = PartnershipInvitation.objects.create(
        partnership=partnership, organisation=organisation, invited_by=actor
    )
    audit.record(
        "partnership_invitation_sent",
        actor=actor,
        obj=partnership,
        detail={"organisation": organisation.pk},
    )
    return invitation


def may_decide(actor: User, invitation: PartnershipInvitation) -> bool:
    """Only the invited organisation's own partnership administrators consent for it."""
    return access.standing(actor).has_role(
        Role.PARTNERSHIP_ADMINISTRATOR, invitation.organisation_id
    )


@transaction.atomic
def decide_invitation(
    actor: User, invitation: PartnershipInvitation, *, accept: bool
) -> PartnershipInvitation:
    invitation = PartnershipInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not may_decide(actor, invitation):
        raise PermissionDenied("Only the invited organisation's administrators can decide")
    if invitation.accepted is not None:
        raise ValidationError(f"This invitation was already {invitation.status.lower()}")
    invitation.accepted = accept
    invitation.decided_by = actor
    invitation.decided_at = timezone.now()
    invitation.save()
    if accept:
        invitation.partnership.organisations.add(invitation.organisation)
    audit.record(
        "partnership_invitation_accepted" if accept else "partnership_invitation_declined",
        actor=actor,
        obj=invitation.partnership,
        detail={"organisation": invitation.organisation_id},
    )
    return invitation
