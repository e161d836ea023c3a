"""Boards and their members and standing items."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.access import Action as Do
from convenor.core.models import Area, Organisation, Partnership, Role, User

from ..models import Board, BoardMember, Part, StandingItem
from ._rules import (
    check_exemption,
    require_change,
    require_in_partnership,
    require_role_holder,
    require_works_in_partnership,
    save,
)

BOARD_CREATORS_ONLY = "Only partnership administrators set up boards"


def require_board_creator(actor: User) -> None:
    """403 unless the actor may set up a board at all (a partnership administrator)."""
    if not access.can(actor, Do.CREATE, model=Board):
        raise PermissionDenied(BOARD_CREATORS_ONLY)


BOARD_FIELDS = [
    "name",
    "slug",
    "kind",
    "terms_of_reference",
    "meeting_frequency",
    "quorum",
    "priorities",
    "threat_areas",
    "publishes_public_part",
]


@transaction.atomic
def create_board(
    actor: User,
    *,
    partnership: Partnership,
    organisation: Organisation,
    areas: Iterable[Area] = (),
    chair: User | None = None,
    **fields: Any,
) -> Board:
    """A new board of a partnership, supported by one of its organisations. The actor must be a
    partnership administrator of that organisation."""
    if not (
        actor.is_superuser
        or access.standing(actor).has_role(Role.PARTNERSHIP_ADMINISTRATOR, organisation.pk)
    ):
        raise PermissionDenied(
            "Only a partnership administrator of the supporting organisation can set up a board"
        )
    require_in_partnership(partnership, organisation)
    board = Board(partnership=partnership, organisation=organisation, chair=chair, **fields)
    if chair is not None:
        require_works_in_partnership(chair, partnership, field="chair")
    areas = list(areas)
    access.validate_save(actor, board, creating=True, m2m={"areas": areas})
    save(board)
    board.areas.set(areas)
    access.forget(actor)
    audit.record("board_created", actor=actor, obj=board, detail={"kind": board.kind})
    return board


@transaction.atomic
def update_board(
    actor: User, board: Board, *, areas: Iterable[Area] | None = None, **fields: Any
) -> Board:
    require_change(actor, board)
    changed = sorted(fields)
    if fields.get("chair") is not None:
        require_works_in_partnership(fields["chair"], board.partnership, field="chair")
    for name, value in fields.items():
        setattr(board, name, value)
    if areas is not None:
        areas = list(areas)
        access.validate_save(actor, board, creating=False, m2m={"areas": areas})
    save(board)
    if areas is not None:
        board.areas.set(areas)
        changed.append("areas")
    access.forget(actor)
    audit.record("board_changed", actor=actor, obj=board, detail={"fields": changed})
    return board


@transaction.atomic
def add_member(
    actor: User,
    board: Board,
    *,
    person: User,
    organisation: Organisation,
    status: str = BoardMember.Status.VOTING,
    position: str = "",
    started_on: datetime.date | None = None,
) -> BoardMember:
    """Seat a person on a board, representing an organisation of the board's partnership in
    which they hold a current role."""
    require_change(actor, board)
    require_role_holder(board.partnership, person, organisation)
    if board.members.filter(person=person).exists():
        raise ValidationError({"person": f"{person} already has a seat on {board}"})
    member = BoardMember(
        board=board,
        person=person,
        organisation=organisation,
        status=status,
        position=position,
        started_on=started_on or timezone.localdate(),
    )
    save(member)
    access.forget(person)
    audit.record(
        "board_member_added",
        actor=actor,
        obj=board,
        detail={"person": person.username, "organisation": organisation.slug, "status": status},
    )
    return member


@transaction.atomic
def end_membership(
    actor: User, member: BoardMember, ended_on: datetime.date | None = None
) -> BoardMember:
    require_change(actor, member.board)
    ended_on = ended_on or timezone.localdate()
    if ended_on < member.started_on:
        raise ValidationError(
            {"ended_on": f"A seat cannot end before it started ({member.started_on:%-d %B %Y})"}
        )
    member.ended_on = ended_on
    save(member)
    access.forget(member.person)
    audit.record(
        "board_member_ended",
        actor=actor,
        obj=member.board,
        detail={"person": member.person.username, "ended_on": member.ended_on},
    )
    return member


@transaction.atomic
def add_standing_item(
    actor: User,
    board: Board,
    *,
    title: str,
    description: str = "",
    part: str = Part.PUBLIC,
    exemption: int | None = None,
    order: int | None = None,
) -> StandingItem:
    """An item on every new meeting's agenda; in Part B it needs its Schedule 12A paragraph."""
    require_change(actor, board)
    exemption = check_exemption(part, exemption)
    if board.standing_items.filter(title__iexact=title.strip()).exists():
        raise ValidationError({"title": f"{board} already has a standing item called {title}"})
    if order is None:
        order = (board.standing_items.aggregate(m=Max("order"))["m"] or 0) + 10
    item = save(
        StandingItem(
            board=board,
            title=title.strip(),
            description=description,
            part=part,
            exemption=exemption,
            order=order,
        )
    )
    audit.record("standing_item_added", actor=actor, obj=board, detail={"title": item.title})
    return item


@transaction.atomic
def change_standing_item(
    actor: User,
    item: StandingItem,
    *,
    title: str,
    description: str = "",
    part: str = Part.PUBLIC,
    exemption: int | None = None,
) -> StandingItem:
    """Change a standing item (e.g. record the exemption of a Part B one). Meetings scheduled
    from now on take the change; agendas already made keep their items."""
    require_change(actor, item.board)
    exemption = check_exemption(part, exemption)
    title = title.strip()
    if item.board.standing_items.filter(title__iexact=title).exclude(pk=item.pk).exists():
        raise ValidationError({"title": f"{item.board} already has a standing item called {title}"})
    before = {"title": item.title, "part": item.part, "exemption": item.exemption}
    item.title, item.description, item.part, item.exemption = title, description, part, exemption
    save(item)
    audit.record(
        "standing_item_changed",
        actor=actor,
        obj=item.board,
        detail={"from": before, "to": {"title": title, "part": part, "exemption": exemption}},
    )
    return item
