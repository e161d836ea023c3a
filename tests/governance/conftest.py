"""A governance world on top of the core ``world``:

* ``board`` — of partnership ``shared``, supported by A (``own``): A's partnership administrator
  manages it; A's board member (voting) and the partner's person (observer) sit on it.
* ``other_board`` — also of ``shared``, supported by B: only ``other_member`` (a second person
  of B) sits on it. A's board member knows it (same partnership) but is not entitled to its
  confidential part.
* ``outside_board`` — of ``elsewhere``, supported by C.

Each board has a published meeting with a public item (and paper) and a confidential Part B item
(and paper), and an unpublished meeting. ``board`` has an action owned by A's practitioner.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from convenor.governance.models import (
    Action,
    AgendaItem,
    Board,
    BoardMember,
    Meeting,
    Paper,
    Part,
)
from tests.factories import MembershipFactory, UserFactory


@dataclass
class Gov:
    board: Board
    other_board: Board
    outside_board: Board
    meeting: dict  # board slug -> published meeting
    draft: dict  # board slug -> unpublished meeting
    public_paper: dict
    secret_paper: dict
    action: Action
    other_member: object


def _board(slug, partnership, organisation, **extra) -> Board:
    return Board.objects.create(
        name=slug.replace("-", " ").title(),
        slug=slug,
        kind=Board.Kind.CSP,
        partnership=partnership,
        organisation=organisation,
        terms_of_reference=f"Terms of reference of {slug}",
        meeting_frequency=Board.Frequency.QUARTERLY,
        quorum=1,
        **extra,
    )


def _meetings(board: Board):
    now = timezone.now()
    published = Meeting.objects.create(
        board=board, starts_at=now - datetime.timedelta(days=10), published_at=now
    )
    public = AgendaItem.objects.create(
        meeting=published,
        number=1,
        title=f"Public item of {board.slug}",
        part=Part.PUBLIC,
        minutes=f"Public minutes of {board.slug}",
    )
    secret = AgendaItem.objects.create(
        meeting=published,
        number=2,
        title=f"Part B item of {board.slug}",
        part=Part.CONFIDENTIAL,
        minutes=f"Confidential minutes of {board.slug}",
    )
    public_paper = Paper.objects.create(
        agenda_item=public,
        title=f"Public paper of {board.slug}",
        file_name="public.txt",
        content_type="text/plain",
        content=b"public paper",
    )
    secret_paper = Paper.objects.create(
        agenda_item=secret,
        title=f"Secret paper of {board.slug}",
        file_name="secret.txt",
        content_type="text/plain",
        content=b"secret paper",
    )
    draft = Meeting.objects.create(board=board, starts_at=now + datetime.timedelta(days=10))
    AgendaItem.objects.create(meeting=draft, number=1, title=f"Draft item of {board.slug}")
    return published, draft, public_paper, secret_paper


@pytest.fixture
def gov(world) -> Gov:
    people = world.people
    board = _board("own-board", world.shared, world.own)
    BoardMember.objects.create(board=board, person=people["board_member"], organisation=world.own)
    BoardMember.objects.create(
        board=board,
        person=people["partner_person"],
        organisation=world.partner,
        status=BoardMember.Status.OBSERVER,
    )
    other_member = UserFactory(username="other-member")
    MembershipFactory(user=other_member, organisation=world.partner, role="board_member")
    other_board = _board("partner-board", world.shared, world.partner)
    BoardMember.objects.create(board=other_board, person=other_member, organisation=world.partner)
    outside_board = _board("outside-board", world.elsewhere, world.outside)
    meeting, draft, public_paper, secret_paper = {}, {}, {}, {}
    for b in (board, other_board, outside_board):
        m, d, pp, sp = _meetings(b)
        meeting[b.slug], draft[b.slug] = m, d
        public_paper[b.slug], secret_paper[b.slug] = pp, sp
    action = Action.objects.create(
        board=board,
        title="Own board action",
        owner=people["practitioner"],
        owner_organisation=world.own,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        ps=["pursue"],
    )
    return Gov(
        board,
        other_board,
        outside_board,
        meeting,
        draft,
        public_paper,
        secret_paper,
        action,
        other_member,
    )
