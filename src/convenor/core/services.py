"""The use cases of the core: each checks the policy, runs in one transaction and is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from . import access, audit
from .models import InformationSharingAgreement, Partnership, Signatory, User


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
    members = set(partnership.organisations.values_list("pk", flat=True))
    outsiders = [p.name for p in parties if p.pk not in members]
    if outsiders:
        raise ValidationError({"parties": f"Not members of {partnership}: {', '.join(outsiders)}"})
    agreement = InformationSharingAgreement(partnership=partnership, **fields)
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
    signatory.full_clean()
    signatory.save()
    audit.record(
        "agreement_signed", actor=actor, obj=agreement, detail={"signatory": str(signatory)}
    )
    return signatory


@transaction.atomic
def issue_api_token(user: User) -> str:
    """A new API token for the user, replacing any earlier one. The key is shown once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record("api_token_issued", actor=user, obj=user)
    return token.key


@transaction.atomic
def revoke_api_token(user: User) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit.record("api_token_revoked", actor=user, obj=user)
    return bool(deleted)
