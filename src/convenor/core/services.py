"""The use cases of the core: each checks the policy, runs in one transaction and is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import access, audit
from .agreements import (  # noqa: F401  (re-exported use cases)
    LEAD_ONLY,
    Renewal,
    _as_saved,
    change_agreement,
    create_agreement,
    organisations_to_sign,
    renew_agreement,
    renewal_initial,
    require_edit,
    require_renew,
    sign_agreement,
    still_shared_under,
)
from .models import (
    Organisation,
    Partnership,
    PartnershipInvitation,
    Role,
    User,
)
from .passwords import change_password, reset_password  # noqa: F401  (re-exported use cases)
from .tokens import issue_api_token, revoke_api_token  # noqa: F401  (re-exported use cases)

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
