"""The use cases of the core: each checks the policy, runs in one transaction and is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import access, audit
from .models import InformationSharingAgreement, Partnership, Signatory, User
from .passwords import change_password, reset_password  # noqa: F401  (re-exported use cases)
from .tokens import issue_api_token, revoke_api_token  # noqa: F401  (re-exported use cases)


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
