"""The governance access matrix: who sees which board, meeting, paper, action and report, as
pages and API. Every cell is written out. Hidden = 404; seen but not yours to change = 403;
the public (not signed in) sees only the published public part of publishing boards.

Viewers: ``anon`` (not signed in); A's ``admin`` (partnership administrator: manages
``own-board``); A's ``member`` (voting member of ``own-board``); A's ``analyst`` (knows the
boards of the shared partnership, sits on none); A's ``owner`` (practitioner who owns the
action); ``observer`` (B's person, observer on ``own-board``); ``other`` (B's member of
``partner-board`` only); ``outside`` (C's person).
"""

from __future__ import annotations

import copy

import pytest
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry
from tests.conftest import build_world, built_once, verified_login
from tests.governance.conftest import build_gov

VIEWERS = ["anon", "admin", "member", "analyst", "owner", "observer", "other", "outside"]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        world = build_world()
        yield world, build_gov(world)


@pytest.fixture
def world(db, built):
    return copy.deepcopy(built[0])


@pytest.fixture
def gov(db, built):
    return copy.deepcopy(built[1])


def user_of(world, gov, viewer):
    return {
        "anon": None,
        "admin": world.people["partnership_administrator"],
        "member": world.people["board_member"],
        "analyst": world.people["analyst"],
        "owner": world.people["practitioner"],
        "observer": world.people["partner_person"],
        "other": gov.other_member,
        "outside": world.people["outside_person"],
    }[viewer]


def _standing_item(gov) -> int:
    """A standing item of ``own-board`` (the fixture has none; this test's transaction adds it)."""
    return gov.board.standing_items.get_or_create(title="Serious and organised crime")[0].pk


def cells(anon, admin, member, analyst, owner, observer, other, outside):
    return dict(
        zip(VIEWERS, [anon, admin, member, analyst, owner, observer, other, outside], strict=True)
    )


OWN, PARTNER, OUTSIDE = "own-board", "partner-board", "outside-board"

# (cell, url builder, expected status per viewer). 302 = sent to sign in.
PAGES = [
    ("board list", lambda g: "/governance/boards/", cells(200, 200, 200, 200, 200, 200, 200, 200)),
    (
        "own board",
        lambda g: f"/governance/boards/{OWN}/",
        cells(200, 200, 200, 200, 200, 200, 200, 404),
    ),
    (
        "partner board",
        lambda g: f"/governance/boards/{PARTNER}/",
        cells(200, 200, 200, 200, 200, 200, 200, 404),
    ),
    (
        "outside board",
        lambda g: f"/governance/boards/{OUTSIDE}/",
        cells(200, 404, 404, 404, 404, 404, 404, 200),
    ),
    (
        "own published meeting",
        lambda g: f"/governance/meetings/{g.meeting[OWN].pk}/",
        cells(200, 200, 200, 200, 200, 200, 200, 404),
    ),
    (
        "own draft meeting",
        lambda g: f"/governance/meetings/{g.draft[OWN].pk}/",
        cells(404, 200, 200, 404, 404, 200, 404, 404),
    ),
    (
        "partner draft meeting",
        lambda g: f"/governance/meetings/{g.draft[PARTNER].pk}/",
        cells(404, 404, 404, 404, 404, 404, 200, 404),
    ),
    (
        "outside draft meeting",
        lambda g: f"/governance/meetings/{g.draft[OUTSIDE].pk}/",
        cells(404, 404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "own public paper",
        lambda g: f"/governance/papers/{g.public_paper[OWN].pk}/",
        cells(200, 200, 200, 200, 200, 200, 200, 404),
    ),
    (
        "own Part B paper",
        lambda g: f"/governance/papers/{g.secret_paper[OWN].pk}/",
        cells(404, 200, 200, 404, 404, 200, 404, 404),
    ),
    (
        "partner Part B paper",
        lambda g: f"/governance/papers/{g.secret_paper[PARTNER].pk}/",
        cells(404, 404, 404, 404, 404, 404, 200, 404),
    ),
    (
        "outside public paper",
        lambda g: f"/governance/papers/{g.public_paper[OUTSIDE].pk}/",
        cells(200, 404, 404, 404, 404, 404, 404, 200),
    ),
    (
        "own action",
        lambda g: f"/governance/actions/{g.action.pk}/",
        cells(302, 200, 200, 404, 200, 200, 404, 404),
    ),
    (
        "update own action",
        lambda g: f"/governance/actions/{g.action.pk}/update/",
        cells(302, 200, 403, 404, 200, 403, 404, 404),
    ),
    (
        "change own action",
        lambda g: f"/governance/actions/{g.action.pk}/change/",
        cells(302, 200, 403, 404, 403, 403, 404, 404),
    ),
    ("my actions", lambda g: "/governance/actions/", cells(302, 200, 200, 200, 200, 200, 200, 200)),
    (
        "own monitoring report",
        lambda g: f"/governance/boards/{OWN}/report/",
        cells(302, 200, 200, 404, 404, 200, 404, 404),
    ),
    (
        "own monitoring report PDF",
        lambda g: f"/governance/boards/{OWN}/report.pdf",
        cells(302, 200, 200, 404, 404, 200, 404, 404),
    ),
    (
        "partner monitoring report",
        lambda g: f"/governance/boards/{PARTNER}/report/",
        cells(302, 404, 404, 404, 404, 404, 200, 404),
    ),
    (
        "change own board",
        lambda g: f"/governance/boards/{OWN}/change/",
        cells(302, 200, 403, 403, 403, 403, 403, 404),
    ),
    (
        "schedule own meeting",
        lambda g: f"/governance/boards/{OWN}/meetings/new/",
        cells(302, 200, 403, 403, 403, 403, 403, 404),
    ),
    (
        "add member to partner board",
        lambda g: f"/governance/boards/{PARTNER}/members/new/",
        cells(302, 403, 403, 403, 403, 403, 403, 404),
    ),
    (
        "attendance, own meeting",
        lambda g: f"/governance/meetings/{g.meeting[OWN].pk}/attendance/",
        cells(302, 200, 403, 403, 403, 403, 403, 404),
    ),
    (
        "attach paper, own Part B item",
        lambda g: f"/governance/meetings/{g.meeting[OWN].pk}/items/2/papers/new/",
        cells(302, 200, 403, 404, 404, 403, 404, 404),
    ),
    (
        "change own standing item",
        lambda g: f"/governance/boards/{OWN}/standing-items/{_standing_item(g)}/change/",
        cells(302, 200, 403, 403, 403, 403, 403, 404),
    ),
    (
        "change own Part B item",
        lambda g: f"/governance/meetings/{g.meeting[OWN].pk}/items/2/change/",
        cells(302, 200, 403, 404, 404, 403, 404, 404),
    ),
    (
        "put the report on an agenda, own board",
        lambda g: f"/governance/boards/{OWN}/report/to-agenda/",
        cells(302, 200, 403, 404, 404, 403, 404, 404),
    ),
    (
        "new board",
        lambda g: "/governance/boards/new/",
        cells(302, 200, 403, 403, 403, 403, 403, 403),
    ),
    (
        "landscape",
        lambda g: "/governance/landscape/",
        cells(302, 200, 200, 200, 200, 200, 200, 200),
    ),
]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(("name", "url", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(client, world, gov, viewer, name, url, expected):
    user = user_of(world, gov, viewer)
    if user is not None:
        verified_login(client, user)
    response = client.get(url(gov))
    assert response.status_code == expected[viewer], f"{name} as {viewer}"
    if expected[viewer] == 302:
        assert "/sign-in/" in response["Location"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_confidential_part_is_shown_only_to_those_entitled(client, world, gov, viewer):
    """Everyone who may see the published meeting sees its public part; only the board's
    members and managers see Part B (its title, minutes and papers)."""
    user = user_of(world, gov, viewer)
    if user is not None:
        verified_login(client, user)
    response = client.get(f"/governance/meetings/{gov.meeting[OWN].pk}/")
    if viewer == "outside":
        assert response.status_code == 404
        return
    body = response.content.decode()
    assert "Public item of own-board" in body
    assert "Public minutes of own-board" in body
    assert "Public paper of own-board" in body
    entitled = viewer in ("admin", "member", "observer")
    for secret in ("Part B item of own-board", "Confidential minutes", "Secret paper of own-board"):
        assert (secret in body) is entitled, f"{secret!r} as {viewer}"


def test_a_member_of_one_board_does_not_see_anothers_confidential_part(client, world, gov):
    verified_login(client, gov.other_member)
    own = client.get(f"/governance/meetings/{gov.meeting[OWN].pk}/").content.decode()
    assert "Public item of own-board" in own and "Part B item of own-board" not in own
    partner = client.get(f"/governance/meetings/{gov.meeting[PARTNER].pk}/").content.decode()
    assert "Part B item of partner-board" in partner


def test_public_part_disappears_when_a_board_stops_publishing(client, gov):
    gov.board.publishes_public_part = False
    gov.board.save()
    assert client.get(f"/governance/boards/{OWN}/").status_code == 404
    assert client.get(f"/governance/meetings/{gov.meeting[OWN].pk}/").status_code == 404
    assert client.get(f"/governance/papers/{gov.public_paper[OWN].pk}/").status_code == 404


def test_public_board_page_names_no_people_or_partnership(client, world, gov):
    body = client.get(f"/governance/boards/{OWN}/").content.decode()
    assert world.shared.name not in body
    assert world.people["board_member"].username not in body
    assert "Own board action" not in body


def test_reading_a_paper_is_audited(client, world, gov):
    verified_login(client, world.people["board_member"])
    response = client.get(f"/governance/papers/{gov.secret_paper[OWN].pk}/")
    assert response.content == b"secret paper"
    assert response["Content-Disposition"] == 'attachment; filename="secret.txt"'
    entry = AuditEntry.objects.filter(action="paper_read").latest("id")
    assert entry.actor == world.people["board_member"]
    assert entry.detail == {"paper": gov.secret_paper[OWN].pk, "part": "confidential"}


# --- API ---------------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


API_LISTS = [
    (
        "boards",
        "/api/v1/governance/boards/",
        "slug",
        cells(
            None,
            {OWN, PARTNER},
            {OWN, PARTNER},
            {OWN, PARTNER},
            {OWN, PARTNER},
            {OWN, PARTNER},
            {OWN, PARTNER},
            {OUTSIDE},
        ),
    ),
    (
        "actions",
        "/api/v1/governance/actions/",
        "title",
        cells(
            None,
            {"Own board action"},
            {"Own board action"},
            set(),
            {"Own board action"},
            {"Own board action"},
            set(),
            set(),
        ),
    ),
]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("name", "url", "key", "expected"), API_LISTS, ids=[a[0] for a in API_LISTS]
)
def test_api_list_matrix(world, gov, viewer, name, url, key, expected):
    response = api(user_of(world, gov, viewer)).get(url)
    if expected[viewer] is None:
        assert response.status_code in (401, 403)
        return
    assert response.status_code == 200
    assert {row[key] for row in response.json()["results"]} == expected[viewer]


@pytest.mark.parametrize("viewer", VIEWERS[1:])
def test_api_meeting_agenda_holds_part_b_only_for_those_entitled(world, gov, viewer):
    response = api(user_of(world, gov, viewer)).get(
        f"/api/v1/governance/meetings/{gov.meeting[OWN].pk}/"
    )
    if viewer == "outside":
        assert response.status_code == 404
        return
    parts = [item["part"] for item in response.json()["agenda"]]
    expected = (
        ["public", "confidential"] if viewer in ("admin", "member", "observer") else ["public"]
    )
    assert parts == expected


def test_api_record_update_matrix(world, gov):
    url = f"/api/v1/governance/actions/{gov.action.pk}/updates/"
    body = {"status": "in_progress", "note": "Started"}
    assert api(world.people["analyst"]).post(url, body, format="json").status_code == 404
    assert api(world.people["board_member"]).post(url, body, format="json").status_code == 403
    response = api(world.people["practitioner"]).post(url, body, format="json")
    assert response.status_code == 201
    gov.action.refresh_from_db()
    assert gov.action.status == "in_progress"


def test_api_create_action_only_by_managers(world, gov):
    body = {
        "board": OWN,
        "title": "From the API",
        "owner": world.people["analyst"].username,
        "owner_organisation": world.own.slug,
        "due_on": "2030-01-01",
        "ps": ["prevent"],
    }
    member = api(world.people["board_member"]).post(
        "/api/v1/governance/actions/", body, format="json"
    )
    assert member.status_code == 403
    admin = api(world.people["partnership_administrator"]).post(
        "/api/v1/governance/actions/", body, format="json"
    )
    assert admin.status_code == 201, admin.content
    assert admin.json()["ps"] == ["prevent"]
    outside = dict(body, board=OUTSIDE)
    response = api(world.people["partnership_administrator"]).post(
        "/api/v1/governance/actions/", outside, format="json"
    )
    assert response.status_code == 400  # a board they cannot see does not exist for them


@pytest.mark.parametrize("viewer", VIEWERS[1:])
def test_api_recommendations_known_to_the_partnership_and_the_addressee(world, gov, viewer):
    from convenor.governance.models import Recommendation

    Recommendation.objects.create(
        board=gov.board,
        source_kind="review",
        source_title="Review",
        number=1,
        text="Do it",
        addressee=world.partner,
        ps=["protect"],
        made_on="2024-01-01",
    )
    Recommendation.objects.create(
        board=gov.outside_board,
        source_kind="review",
        source_title="Outside review",
        number=1,
        text="Do that",
        addressee=world.outside,
        ps=["protect"],
        made_on="2024-01-01",
    )
    rows = api(user_of(world, gov, viewer)).get("/api/v1/governance/recommendations/").json()
    titles = {r["source_title"] for r in rows["results"]}
    assert titles == ({"Outside review"} if viewer == "outside" else {"Review"})


POSTS = [
    (
        "publish own draft",
        lambda g: f"/governance/meetings/{g.draft[OWN].pk}/publish/",
        cells(302, 302, 403, 404, 404, 403, 404, 404),
    ),
    (
        "cancel own draft",
        lambda g: f"/governance/meetings/{g.draft[OWN].pk}/cancel/",
        cells(302, 302, 403, 404, 404, 403, 404, 404),
    ),
    (
        "end a seat on partner board",
        lambda g: f"/governance/boards/{PARTNER}/members/{g.other_board.members.get().pk}/end/",
        cells(302, 403, 403, 403, 403, 403, 403, 404),
    ),
]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(("name", "url", "expected"), POSTS, ids=[p[0] for p in POSTS])
def test_post_matrix(client, world, gov, viewer, name, url, expected):
    """Changes by POST: only the board's managers; the anonymous are sent to sign in (and the
    admin's 302 is the redirect back to the meeting after the change)."""
    user = user_of(world, gov, viewer)
    if user is not None:
        verified_login(client, user)
    response = client.post(url(gov))
    assert response.status_code == expected[viewer], f"{name} as {viewer}"
    if viewer == "anon":
        assert "/sign-in/" in response["Location"]
    elif expected[viewer] == 302:
        assert response["Location"] == f"/governance/meetings/{gov.draft[OWN].pk}/"


def test_reading_part_b_is_audited_and_the_public_part_is_not(client, world, gov):
    verified_login(client, world.people["analyst"])  # sees only the public part
    client.get(f"/governance/meetings/{gov.meeting[OWN].pk}/")
    assert not AuditEntry.objects.filter(action="meeting_part_b_viewed").exists()
    verified_login(client, world.people["board_member"])
    client.get(f"/governance/meetings/{gov.meeting[OWN].pk}/")
    entry = AuditEntry.objects.get(action="meeting_part_b_viewed")
    assert entry.actor == world.people["board_member"] and entry.detail == {"items": [2]}
    api(world.people["board_member"]).get(f"/api/v1/governance/meetings/{gov.meeting[OWN].pk}/")
    assert AuditEntry.objects.filter(action="meeting_part_b_viewed", detail__via="api").exists()
    client.get(f"/governance/boards/{OWN}/report/")
    assert AuditEntry.objects.filter(action="monitoring_report_viewed").exists()
