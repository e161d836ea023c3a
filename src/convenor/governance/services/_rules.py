"""What every governance use case checks: who may run it (one message per rule), whether a
person can hold a seat or an action for an organisation of the board's partnership, and that a
Part B item gives its exemption."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model

from convenor.core import access
from convenor.core.access import Action as Do
from convenor.core.models import Organisation, Partnership, Role, User

from ..models import Action, Exemption, Part, Recommendation

MANAGERS_ONLY = (
    "Only the board's chair and its supporting organisation's administrators can do this"
)
UPDATERS_ONLY = "Only the action's owner and the board's managers update it"
RESPONDERS_ONLY = (
    "Only the board's managers and the addressee's partnership administrators can do this"
)


def require_change(actor: User, obj: Model | None = None, *, model=None) -> None:
    """403 unless the actor manages ``obj`` (a board, or a meeting, item... of one)."""
    if not access.can(actor, Do.CHANGE, obj, model=model):
        raise PermissionDenied(MANAGERS_ONLY)


def require_update(actor: User, action: Action) -> None:
    """403 unless the actor may record progress on the action (its owner or a manager)."""
    if not access.can(actor, Do.CHANGE, action):
        raise PermissionDenied(UPDATERS_ONLY)


def can_respond(actor: User, recommendation: Recommendation) -> bool:
    """The board's managers and the addressee's partnership administrators record responses."""
    return access.can(actor, Do.VIEW, recommendation) and (
        access.can(actor, Do.CHANGE, recommendation)
        or access.standing(actor).has_role(
            Role.PARTNERSHIP_ADMINISTRATOR, recommendation.addressee_id
        )
    )


def require_respond(actor: User, recommendation: Recommendation) -> None:
    if not can_respond(actor, recommendation):
        raise PermissionDenied(RESPONDERS_ONLY)


def save(obj: Model) -> Model:
    obj.full_clean()
    obj.save()
    return obj


def require_in_partnership(
    partnership: Partnership, organisation: Organisation, *, field: str = "organisation"
) -> None:
    if not partnership.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError({field: f"{organisation} is not in {partnership}"})


def require_works_in_partnership(person: User, partnership: Partnership, *, field: str) -> None:
    if not partnership.organisations.filter(memberships__user=person).exists():
        raise ValidationError({field: f"{person} works for no organisation in {partnership}"})


def require_role_holder(
    partnership: Partnership,
    person: User,
    organisation: Organisation,
    *,
    person_field: str = "person",
    organisation_field: str = "organisation",
) -> None:
    """The organisation is in the partnership and the person holds a current role in it (a
    board seat, an action's owner)."""
    require_in_partnership(partnership, organisation, field=organisation_field)
    if not person.memberships.filter(
        access.current_memberships(), organisation=organisation
    ).exists():
        raise ValidationError({person_field: f"{person} holds no current role in {organisation}"})


def check_exemption(part: str, exemption: int | None) -> int | None:
    """A Part B item needs its Schedule 12A paragraph; a Part A item has none."""
    if part not in Part.values:
        raise ValidationError({"part": "Choose Part A or Part B"})
    if part == Part.PUBLIC:
        return None
    if exemption in (None, ""):
        raise ValidationError(
            {"exemption": "Choose the paragraph of Schedule 12A that excludes the press and public"}
        )
    try:
        paragraph = int(exemption)
    except (TypeError, ValueError):
        paragraph = None
    if paragraph not in Exemption.values:
        raise ValidationError({"exemption": "Choose a paragraph from 1 to 7 of Schedule 12A"})
    return paragraph
