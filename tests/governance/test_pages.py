"""Governance pages end to end: a partnership administrator sets up a board, seats members,
schedules a meeting (its agenda starts from the standing items), attaches a paper, records
attendance and a decision, publishes the public part; recommendations, responses and actions;
forms name the field that is wrong and change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from convenor.core.models import AuditEntry
from convenor.governance.models import (
    Action,
    Attendance,
    Board,
    Decision,
    Meeting,
    Paper,
    Recommendation,
)
from tests.conftest import verified_login


@pytest.fixture
def admin_client(client, world):
    return verified_login(client, world.people["partnership_administrator"])


def test_set_up_a_board_and_run_a_meeting(admin_client, world):
    response = admin_client.post(
        "/governance/boards/new/",
        {
            "name": "Own Local Policing and Crime Board",
            "slug": "own-lpcb",
            "kind": "lpcb",
            "partnership": world.shared.pk,
            "organisation": world.own.pk,
            "terms_of_reference": "The focal point for SOC partnership work",
            "meeting_frequency": "quarterly",
            "quorum": "1",
            "areas": "",
            "priorities": ["soc-pursue", "knife-crime"],
            "threat_areas": ["drugs-supply"],
            "publishes_public_part": "on",
        },
    )
    board = Board.objects.get(slug="own-lpcb")
    assert response["Location"] == "/governance/boards/own-lpcb/"
    assert board.publishes_public_part and board.priorities == ["soc-pursue", "knife-crime"]

    admin_client.post(
        "/governance/boards/own-lpcb/standing-items/new/",
        {"title": "Serious and organised crime", "part": "public"},
    )
    admin_client.post(
        "/governance/boards/own-lpcb/members/new/",
        {
            "person": world.people["board_member"].pk,
            "organisation": world.own.pk,
            "status": "voting",
            "position": "Vice-chair",
        },
    )
    assert board.members.get().position == "Vice-chair"
    response = admin_client.post(
        "/governance/boards/own-lpcb/meetings/new/",
        {"title": "Quarterly", "starts_at": "2030-03-01T18:00", "location": "Town Hall"},
    )
    meeting = Meeting.objects.get(board=board)
    assert response["Location"] == f"/governance/meetings/{meeting.pk}/"
    assert meeting.agenda_items.get(number=1).title == "Serious and organised crime"

    admin_client.post(
        f"/governance/meetings/{meeting.pk}/items/new/",
        {"title": "Local profile briefing", "part": "confidential", "exemption": "7"},
    )
    upload = SimpleUploadedFile("profile.pdf", b"%PDF-1.7 profile", "application/pdf")
    response = admin_client.post(
        f"/governance/meetings/{meeting.pk}/items/2/papers/new/",
        {"title": "SOC local profile", "file": upload},
    )
    assert response.status_code == 302
    paper = Paper.objects.get(title="SOC local profile")
    assert paper.agenda_item.is_confidential and paper.file_name == "profile.pdf"

    member = board.members.get()
    admin_client.post(
        f"/governance/meetings/{meeting.pk}/attendance/",
        {f"member_{member.pk}": "present", f"substitute_{member.pk}": "Deputy Jones"},
    )
    attendance = Attendance.objects.get(meeting=meeting)
    assert (attendance.status, attendance.substitute) == ("present", "Deputy Jones")
    admin_client.post(
        f"/governance/meetings/{meeting.pk}/items/1/decisions/new/",
        {"text": "Adopt the SOC plan", "minute_reference": "12"},
    )
    assert Decision.objects.get().text == "Adopt the SOC plan"
    admin_client.post(
        f"/governance/meetings/{meeting.pk}/items/1/minutes/", {"minutes": "Discussed the plan"}
    )
    admin_client.post(f"/governance/meetings/{meeting.pk}/publish/")
    meeting.refresh_from_db()
    assert meeting.is_published

    page = admin_client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert "Quorate" in page and "Adopt the SOC plan" in page and "SOC local profile" in page


def test_board_form_names_the_wrong_fields_and_saves_nothing(admin_client, world):
    response = admin_client.post(
        "/governance/boards/new/",
        {
            "name": "",
            "slug": "not a slug",
            "kind": "coven",
            "partnership": world.elsewhere.pk,
            "organisation": world.own.pk,
            "terms_of_reference": "x",
            "meeting_frequency": "quarterly",
            "quorum": "0",
            "areas": "E99999999",
            "priorities": ["world-peace"],
        },
    )
    assert response.status_code == 400  # form_view: an invalid form answers 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter the name" in body
    assert "Choose a partnership" in body  # not one of theirs
    assert "“E99999999” is not one of the current areas of your partnerships" in body
    assert "Select a valid choice. world-peace is not one of the available choices." in body
    assert "Ensure this value is greater than or equal to 1." in body
    assert not Board.objects.exists()


def test_meeting_form_bad_date(admin_client, gov):
    response = admin_client.post(
        "/governance/boards/own-board/meetings/new/", {"starts_at": "next tuesday"}
    )
    assert "Enter the date and time, for example" in response.content.decode()
    assert gov.board.meetings.count() == 2


def test_paper_form_refuses_a_fake_pdf(admin_client, gov):
    meeting = gov.draft["own-board"]
    upload = SimpleUploadedFile("evil.pdf", b"<script>alert(1)</script>", "application/pdf")
    response = admin_client.post(
        f"/governance/meetings/{meeting.pk}/items/1/papers/new/", {"title": "x", "file": upload}
    )
    assert "The file is not a real pdf" in response.content.decode()
    assert not Paper.objects.filter(agenda_item__meeting=meeting).exists()


def test_decision_refused_when_not_quorate_names_the_field(admin_client, world, gov):
    gov.board.quorum = 2
    gov.board.save()
    meeting = gov.draft["own-board"]
    response = admin_client.post(
        f"/governance/meetings/{meeting.pk}/items/1/decisions/new/", {"text": "Decide"}
    )
    body = response.content.decode()
    # The meeting is still to come: no attendance yet, so it is not called "not quorate".
    assert "Attendance is not recorded yet: record it first (the quorum is 2" in body
    assert not Decision.objects.exists()
    page = admin_client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert "Not quorate" not in page and "Attendance not recorded yet" in page
    member = gov.board.members.get(person__username=world.people["board_member"].username)
    admin_client.post(
        f"/governance/meetings/{meeting.pk}/attendance/", {f"member_{member.pk}": "present"}
    )
    response = admin_client.post(
        f"/governance/meetings/{meeting.pk}/items/1/decisions/new/", {"text": "Decide"}
    )
    body = response.content.decode()
    assert "The meeting is not quorate (1 voting members present, 2 needed)" in body
    page = admin_client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert "Not quorate: 1 voting member present, 2 needed" in page


def test_recommendation_response_and_action_pages(admin_client, world, gov):
    admin_client.post(
        "/governance/boards/own-board/recommendations/new/",
        {
            "source_kind": "inspection",
            "source_title": "HMICFRS inspection of ROCUs",
            "number": "3",
            "text": "Multi-year grants for the regional unit",
            "addressee": world.own.pk,
            "ps": ["pursue"],
            "made_on": "2023-05-01",
        },
    )
    recommendation = Recommendation.objects.get()
    response = admin_client.post(
        f"/governance/recommendations/{recommendation.pk}/responses/new/",
        {"responder": "PCC", "outcome": "rejected", "responded_on": "2023-06-01"},
    )
    assert "Give the reasons when a recommendation is not fully accepted" in (
        response.content.decode()
    )
    admin_client.post(
        f"/governance/recommendations/{recommendation.pk}/responses/new/",
        {"responder": "PCC", "outcome": "accepted", "responded_on": "2023-06-01"},
    )
    form = admin_client.get(
        f"/governance/boards/own-board/actions/new/?recommendation={recommendation.pk}"
    ).content.decode()
    assert "Multi-year grants for the regional unit" in form  # prefilled from the source
    response = admin_client.post(
        f"/governance/boards/own-board/actions/new/?recommendation={recommendation.pk}",
        {
            "title": "Agree a three-year grant",
            "owner": world.people["practitioner"].pk,
            "owner_organisation": world.own.pk,
            "due_on": "2030-01-01",
            "ps": ["pursue"],
            "areas": "",
        },
    )
    action = Action.objects.get(title="Agree a three-year grant")
    assert action.recommendation == recommendation
    assert response["Location"] == f"/governance/actions/{action.pk}/"


def test_action_form_bad_input(admin_client, world, gov):
    response = admin_client.post(
        "/governance/boards/own-board/actions/new/",
        {
            "title": "x",
            "owner": world.people["outside_person"].pk,
            "owner_organisation": world.own.pk,
            "due_on": "31/02/2030",
        },
    )
    body = response.content.decode()
    assert "Choose at least one: the 4Ps it serves" in body
    assert "Enter a real date, for example 2017-07-25" in body
    assert "Select a valid choice" in body  # the outsider is not a person of the partnership
    assert Action.objects.count() == 1


def test_owner_updates_progress_and_sees_it_in_my_actions(client, world, gov):
    verified_login(client, world.people["practitioner"])
    page = client.get("/governance/actions/").content.decode()
    assert "Own board action" in page and "Overdue" in page
    assert "1 of your actions is overdue" in page
    response = client.post(
        f"/governance/actions/{gov.action.pk}/update/",
        {"status": "complete", "note": "Done", "evidence_link": "https://example.org/evidence"},
    )
    assert response.status_code == 302
    gov.action.refresh_from_db()
    assert gov.action.status == "complete"
    assert gov.action.evidence_link == "https://example.org/evidence"
    detail = client.get(f"/governance/actions/{gov.action.pk}/").content.decode()
    assert "Evidence that closed it" in detail and "Overdue" not in detail


def test_action_update_needs_a_note(client, world, gov):
    verified_login(client, world.people["practitioner"])
    response = client.post(f"/governance/actions/{gov.action.pk}/update/", {"status": "complete"})
    assert "Say what has happened" in response.content.decode()
    gov.action.refresh_from_db()
    assert gov.action.status == "not_started"


def test_member_end_and_board_change(admin_client, world, gov):
    seat = gov.board.members.get(person=world.people["partner_person"])
    seat.started_on = timezone.localdate() - datetime.timedelta(days=5)
    seat.save()
    admin_client.post(f"/governance/boards/own-board/members/{seat.pk}/end/")
    seat.refresh_from_db()
    assert seat.ended_on == timezone.localdate()
    response = admin_client.post(
        "/governance/boards/own-board/change/",
        {
            "terms_of_reference": "New terms",
            "meeting_frequency": "monthly",
            "quorum": "2",
            "areas": "",
            "chair": world.people["outside_person"].pk,
        },
    )
    assert "Select a valid choice" in response.content.decode()
    admin_client.post(
        "/governance/boards/own-board/change/",
        {
            "terms_of_reference": "New terms",
            "meeting_frequency": "monthly",
            "quorum": "2",
            "areas": "",
            "chair": world.people["board_member"].pk,
            "priorities": ["vawg"],
        },
    )
    gov.board.refresh_from_db()
    assert gov.board.chair == world.people["board_member"]
    assert gov.board.priorities == ["vawg"]


def test_manager_reassigns_an_action(admin_client, world, gov):
    url = f"/governance/actions/{gov.action.pk}/change/"
    form = admin_client.get(url).content.decode()
    assert "Own board action" in form  # prefilled
    response = admin_client.post(
        url,
        {
            "title": "Own board action",
            "owner": world.people["analyst"].pk,
            "owner_organisation": world.own.pk,
            "due_on": "2031-01-31",
            "ps": ["pursue", "prevent"],
            "areas": "",
        },
    )
    assert response["Location"] == f"/governance/actions/{gov.action.pk}/"
    gov.action.refresh_from_db()
    assert gov.action.owner == world.people["analyst"]
    assert gov.action.due_on == datetime.date(2031, 1, 31)
    assert gov.action.ps == ["pursue", "prevent"]


def test_agenda_items_are_reordered_from_the_meeting_page(admin_client, client, world, gov):
    from convenor.governance import services

    admin = world.people["partnership_administrator"]
    meeting = gov.draft[gov.board.slug]
    services.add_agenda_item(admin, meeting, title="Any other business")
    page = admin_client.get(meeting.get_absolute_url()).content.decode()
    assert 'Move down<span class="govuk-visually-hidden"> item 1,' in page
    assert 'Move up<span class="govuk-visually-hidden"> item 2,' in page
    response = admin_client.post(
        f"/governance/meetings/{meeting.pk}/items/2/move/", {"direction": "up"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#item-1")
    titles = list(meeting.agenda_items.order_by("number").values_list("title", flat=True))
    assert titles == ["Any other business", f"Draft item of {gov.board.slug}"]
    page = admin_client.get(response["Location"]).content.decode()
    assert "Moved “Any other business” to item 1" in page
    # Already first: the page says so and nothing changes.
    admin_client.post(f"/governance/meetings/{meeting.pk}/items/1/move/", {"direction": "up"})
    page = admin_client.get(meeting.get_absolute_url()).content.decode()
    assert "Item 1 is already first in its part" in page
    assert admin_client.get(f"/governance/meetings/{meeting.pk}/items/1/move/").status_code == 405
    # A board member who may read the agenda may not reorder it.
    verified_login(client, world.people["board_member"])
    refused = client.post(f"/governance/meetings/{meeting.pk}/items/1/move/", {"direction": "down"})
    assert refused.status_code == 403, refused.status_code
    assert titles == list(meeting.agenda_items.order_by("number").values_list("title", flat=True))


def test_another_organisation_cannot_reorder_or_find_the_agenda(client, world, gov):
    meeting = gov.draft[gov.board.slug]
    verified_login(client, world.people["outside_person"])
    response = client.post(
        f"/governance/meetings/{meeting.pk}/items/1/move/", {"direction": "down"}
    )
    assert response.status_code == 404
    assert meeting.agenda_items.get(number=1).title == f"Draft item of {gov.board.slug}"


FORM_PAGES = [
    ("set up a board", lambda g: "/governance/boards/new/", ["Enter the name"]),
    ("change the board", lambda g: "/governance/boards/own-board/change/", ["Enter the terms"]),
    ("add a member", lambda g: "/governance/boards/own-board/members/new/", ["Choose the"]),
    ("standing item", lambda g: "/governance/boards/own-board/standing-items/new/", ["Enter"]),
    ("schedule a meeting", lambda g: "/governance/boards/own-board/meetings/new/", ["Enter"]),
    (
        "agenda item",
        lambda g: f"/governance/meetings/{g.draft['own-board'].pk}/items/new/",
        ["Enter"],
    ),
    (
        "paper",
        lambda g: f"/governance/meetings/{g.draft['own-board'].pk}/items/1/papers/new/",
        ["Enter the title"],
    ),
    (
        "decision",
        lambda g: f"/governance/meetings/{g.meeting['own-board'].pk}/items/1/decisions/new/",
        ["Enter the decision"],
    ),
    ("recommendation", lambda g: "/governance/boards/own-board/recommendations/new/", ["Enter"]),
    ("action", lambda g: "/governance/boards/own-board/actions/new/", ["Enter the action"]),
    ("change an action", lambda g: f"/governance/actions/{g.action.pk}/change/", ["Enter"]),
    ("update an action", lambda g: f"/governance/actions/{g.action.pk}/update/", ["Choose"]),
]


@pytest.mark.parametrize(("name", "url", "said"), FORM_PAGES, ids=[f[0] for f in FORM_PAGES])
def test_an_empty_post_is_told_what_is_missing_and_saves_nothing(
    admin_client, gov, name, url, said
):
    """An empty post is a post (form_view binds it): it answers 400 with the error summary and
    the field's message, and changes nothing (``request.POST or None`` showed a blank form)."""
    entries = AuditEntry.objects.count()
    response = admin_client.post(url(gov), {})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "<title>Error: " in body
    for text in said:
        assert text in body
    assert AuditEntry.objects.count() == entries
