"""Query counts pinned for every governance list and detail page and API list. The ``gov`` world
gets several more of everything on ``own-board`` (members, standing items, meetings each with
public and Part B items, papers and decisions, recommendations with responses, actions owned by
the practitioner), so that a query per row would change the count. Each URL is fetched once
first, so process-wide caches do not depend on the test order.

The meetings API list writes one audit entry (five queries) per meeting whose Part B the caller
reads (ADR 0041), so its count grows with those meetings by design: pinned at ``PART_B_MEETINGS``
of them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from convenor.governance.models import (
    Action,
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    Decision,
    Meeting,
    Paper,
    Part,
    Recommendation,
    Response,
    StandingItem,
)
from tests.conftest import verified_login
from tests.factories import MembershipFactory, UserFactory

ROWS = 4
PART_B_MEETINGS = 1 + ROWS  # the gov world's published meeting and ROWS more


@pytest.fixture
def busy_board(world, gov):
    """ROWS more boards, and ``own-board`` with ROWS more of everything a page lists."""
    board, today = gov.board, timezone.localdate()
    practitioner = world.people["practitioner"]
    for n in range(ROWS):
        Board.objects.create(
            name=f"Board {n}",
            slug=f"board-{n}",
            kind=Board.Kind.CSP,
            partnership=world.shared,
            organisation=world.own,
            chair=world.people["board_member"],
            meeting_frequency=Board.Frequency.QUARTERLY,
        )
        person = UserFactory(username=f"seat-{n}")
        MembershipFactory(user=person, organisation=world.own, role="board_member")
        member = BoardMember.objects.create(
            board=board, person=person, organisation=world.own, position=f"Seat {n}"
        )
        StandingItem.objects.create(board=board, title=f"Standing {n}", order=n)
        meeting = Meeting.objects.create(
            board=board,
            starts_at=timezone.now() - datetime.timedelta(days=20 + n),
            published_at=timezone.now(),
        )
        Attendance.objects.create(meeting=meeting, member=member, status="present")
        for number, part in [(1, Part.PUBLIC), (2, Part.CONFIDENTIAL), (3, Part.PUBLIC)]:
            item = AgendaItem.objects.create(
                meeting=meeting, number=number, title=f"Item {number}", part=part
            )
            Paper.objects.create(agenda_item=item, title="Paper", link="https://example.org/p")
            Decision.objects.create(agenda_item=item, text=f"Decision {number}")
        recommendation = Recommendation.objects.create(
            board=board,
            source_kind="scrutiny",
            source_title="Study",
            number=n + 1,
            text=f"Recommendation {n}",
            addressee=world.own,
            ps=["pursue"],
            made_on=today - datetime.timedelta(days=60),
        )
        for days in (30, 20):
            Response.objects.create(
                recommendation=recommendation,
                responder="Cabinet",
                outcome="accepted",
                responded_on=today - datetime.timedelta(days=days),
            )
        action = Action.objects.create(
            board=board,
            title=f"Action {n}",
            owner=practitioner,
            owner_organisation=world.own,
            due_on=today + datetime.timedelta(days=n),
            ps=["prevent"],
            recommendation=recommendation,
        )
        action.updates.create(author=practitioner, status="in_progress", note=f"Note {n}")
    return board


PAGES = [
    ("board list", lambda g: "/governance/boards/", "partnership_administrator", 16),
    ("board list, public", lambda g: "/governance/boards/", None, 1),
    ("board", lambda g: "/governance/boards/own-board/", "partnership_administrator", 23),
    ("board, public", lambda g: "/governance/boards/own-board/", None, 3),
    (
        "meeting",
        lambda g: g.board.meetings.filter(agenda_items__number=3).first().get_absolute_url(),
        "partnership_administrator",
        26,
    ),
    (
        "recommendation",
        lambda g: g.board.recommendations.first().get_absolute_url(),
        "partnership_administrator",
        19,
    ),
    (
        "action",
        lambda g: g.board.actions.exclude(updates=None).first().get_absolute_url(),
        "practitioner",
        17,
    ),
    ("my actions", lambda g: "/governance/actions/", "practitioner", 15),
    ("monitoring report", lambda g: "/governance/boards/own-board/report/", "board_member", 26),
    ("landscape", lambda g: "/governance/landscape/", "partnership_administrator", 19),
]


@pytest.mark.parametrize(("name", "url", "who", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_query_count(client, pin_queries, world, gov, busy_board, name, url, who, expected):
    if who is not None:
        verified_login(client, world.people[who])
    client.get(url(gov))
    pin_queries(expected, client.get, url(gov))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/governance/boards/", 3),
        ("/api/v1/governance/meetings/", 4 + 5 * PART_B_MEETINGS),
        ("/api/v1/governance/recommendations/", 3),
        ("/api/v1/governance/actions/", 3),
    ],
)
def test_api_list_query_count(pin_queries, world, gov, busy_board, url, expected):
    api = APIClient()
    api.force_authenticate(world.people["partnership_administrator"])
    api.get(url)
    response = pin_queries(expected, api.get, url)
    assert response.json()["count"] >= ROWS
