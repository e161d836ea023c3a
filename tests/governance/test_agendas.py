"""Agendas (issue 13, item 7): Part A numbered from 1 and Part B after it, whatever the order items
are added, moved or change part; each Part B item states its Schedule 12A exemption; a meeting
with no attendance recorded is not "not quorate"; the monitoring report goes onto an agenda as
the item and part the user chooses. Also the landscape's shared areas by name and its merge rule."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from convenor.core.models import Area, AuditEntry
from convenor.governance import landscape, services
from convenor.governance.models import AgendaItem, Board, BoardMember, Meeting, Part
from tests.conftest import verified_login


@pytest.fixture
def admin(world):
    return world.people["partnership_administrator"]


@pytest.fixture
def admin_client(world):
    """The partnership administrator who runs ``own-board``, signed in (its own test client)."""
    return verified_login(Client(), world.people["partnership_administrator"])


def _agenda(meeting) -> list[tuple[int, str, str]]:
    return list(meeting.agenda_items.order_by("number").values_list("number", "title", "part"))


def _field_error(excinfo, field: str) -> str:
    return " ".join(excinfo.value.message_dict[field])


@pytest.fixture
def meeting(gov, admin):
    """A new meeting of ``own-board`` whose board lists a Part B standing item before a Part A
    one (as the demo's Regional Governance Group does)."""
    services.add_standing_item(
        admin, gov.board, title="ROCU report", part=Part.CONFIDENTIAL, exemption=7
    )
    services.add_standing_item(admin, gov.board, title="Roads policing report")
    return services.schedule_meeting(
        admin, gov.board, starts_at=timezone.now() + datetime.timedelta(days=30)
    )


def test_a_new_meeting_numbers_part_a_first_then_part_b(meeting):
    assert _agenda(meeting) == [
        (1, "Roads policing report", "public"),
        (2, "ROCU report", "confidential"),
    ]
    assert meeting.agenda_items.get(number=2).exemption == 7  # from the standing item


def test_items_added_moved_and_changed_keep_part_a_first(meeting, admin):
    aob = services.add_agenda_item(admin, meeting, title="Any other business")
    assert aob.number == 2
    services.add_agenda_item(
        admin, meeting, title="Operation briefing", part=Part.CONFIDENTIAL, exemption=7
    )
    assert _agenda(meeting) == [
        (1, "Roads policing report", "public"),
        (2, "Any other business", "public"),
        (3, "ROCU report", "confidential"),
        (4, "Operation briefing", "confidential"),
    ]
    # Moving stays within the part: the first Part B item cannot move up into Part A.
    rocu = meeting.agenda_items.get(title="ROCU report")
    with pytest.raises(ValidationError) as excinfo:
        services.move_agenda_item(admin, rocu, "up")
    assert "already first in its part" in _field_error(excinfo, "direction")
    services.move_agenda_item(admin, rocu, "down")
    assert [n for n, *_ in _agenda(meeting)] == [1, 2, 3, 4]
    assert meeting.agenda_items.get(number=3).title == "Operation briefing"

    # A Part A item changed to Part B goes to the end of Part B, and needs its exemption.
    roads = meeting.agenda_items.get(title="Roads policing report")
    with pytest.raises(ValidationError) as excinfo:
        services.change_agenda_item(
            admin, roads, title=roads.title, part=Part.CONFIDENTIAL, exemption=None
        )
    assert "Choose the paragraph of Schedule 12A" in _field_error(excinfo, "exemption")
    services.change_agenda_item(
        admin, roads, title="Roads policing report", part=Part.CONFIDENTIAL, exemption=3
    )
    assert _agenda(meeting) == [
        (1, "Any other business", "public"),
        (2, "Operation briefing", "confidential"),
        (3, "ROCU report", "confidential"),
        (4, "Roads policing report", "confidential"),
    ]
    # ...and back to Part A: the end of Part A, its exemption dropped.
    roads = services.change_agenda_item(
        admin, meeting.agenda_items.get(number=4), title="Roads", part=Part.PUBLIC, exemption=3
    )
    assert (roads.number, roads.exemption) == (2, None)
    assert _agenda(meeting)[:2] == [(1, "Any other business", "public"), (2, "Roads", "public")]
    entry = AuditEntry.objects.filter(action="agenda_item_changed").latest("pk")
    assert entry.detail["from"] == {"number": 4, "part": "confidential", "exemption": 3}
    assert entry.detail["to"] == {"number": 2, "part": "public", "exemption": None}


def test_the_public_agenda_starts_at_item_1(client, world, gov, meeting, admin):
    services.publish_meeting(admin, meeting)
    body = client.get(meeting.get_absolute_url()).content.decode()  # the public
    assert 'id="item-1"' in body and "1. Roads policing report" in body
    assert "ROCU report" not in body and 'id="item-2"' not in body
    verified_login(client, world.people["analyst"])  # in the partnership, not on the board
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "1. Roads policing report" in body and "ROCU report" not in body


def test_a_part_b_item_needs_its_exemption(admin_client, gov, meeting, admin):
    with pytest.raises(ValidationError) as excinfo:
        services.add_agenda_item(admin, meeting, title="Briefing", part=Part.CONFIDENTIAL)
    assert "Choose the paragraph of Schedule 12A" in _field_error(excinfo, "exemption")
    with pytest.raises(ValidationError) as excinfo:
        services.add_standing_item(admin, gov.board, title="Briefing", part=Part.CONFIDENTIAL)
    assert "Choose the paragraph of Schedule 12A" in _field_error(excinfo, "exemption")
    with pytest.raises(ValidationError) as excinfo:
        services.add_agenda_item(
            admin, meeting, title="Briefing", part=Part.CONFIDENTIAL, exemption="8"
        )
    assert "from 1 to 7" in _field_error(excinfo, "exemption")

    url = f"/governance/meetings/{meeting.pk}/items/new/"
    response = admin_client.post(url, {"title": "Briefing", "part": "confidential"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body and 'href="#id_exemption"' in body
    assert "Choose the paragraph of Schedule 12A" in body
    assert not meeting.agenda_items.filter(title="Briefing").exists()
    response = admin_client.post(
        url, {"title": "Briefing", "part": "confidential", "exemption": "9"}
    )
    assert response.status_code == 400 and "from 1 to 7" in response.content.decode()
    assert not meeting.agenda_items.filter(title="Briefing").exists()

    response = admin_client.post(
        url, {"title": "Briefing", "part": "confidential", "exemption": "2"}
    )
    assert response.status_code == 302
    assert meeting.agenda_items.get(title="Briefing").exemption == 2


def test_the_exemption_is_shown_on_the_page_and_in_the_api(admin_client, world, gov, meeting):
    page = admin_client.get(meeting.get_absolute_url()).content.decode()
    assert (
        "Exempt information under paragraph 7 of the Local Government Act 1972, Schedule 12A: "
        "action in connection with the prevention, investigation or prosecution of crime" in page
    )
    # An item recorded before exemptions existed says so rather than inventing one.
    assert (
        "Exemption not recorded"
        in admin_client.get(gov.meeting["own-board"].get_absolute_url()).content.decode()
    )
    api = APIClient()
    api.force_authenticate(world.people["partnership_administrator"])
    found = api.get(f"/api/v1/governance/meetings/{meeting.pk}/").json()
    assert [(i["number"], i["part"], i["exemption"]) for i in found["agenda"]] == [
        (1, "public", None),
        (2, "confidential", 7),
    ]
    assert found["agenda"][1]["exemption_text"].startswith("Exempt information under paragraph 7")
    assert found["agenda"][0]["exemption_text"] == ""


def test_a_meeting_to_come_is_not_called_not_quorate(admin_client, meeting):
    page = admin_client.get(meeting.get_absolute_url()).content.decode()
    assert "Not quorate" not in page and "0 voting members" not in page
    assert "Attendance not recorded yet. The quorum is 1 voting member." in page


def test_changing_an_item_from_the_meeting_page(admin_client, client, world, meeting):
    url = f"/governance/meetings/{meeting.pk}/items/1/change/"
    assert f'href="{url}"' in admin_client.get(meeting.get_absolute_url()).content.decode()
    form = admin_client.get(url).content.decode()
    assert 'value="Roads policing report"' in form
    refused = admin_client.post(url, {"title": "Roads", "part": "confidential"})
    assert refused.status_code == 400 and "Choose the paragraph" in refused.content.decode()
    response = admin_client.post(url, {"title": "Roads", "part": "confidential", "exemption": "7"})
    assert response.status_code == 302 and response["Location"].endswith("#item-2")
    assert _agenda(meeting) == [(1, "ROCU report", "confidential"), (2, "Roads", "confidential")]
    verified_login(client, world.people["board_member"])
    assert client.get(url).status_code == 403


def test_report_onto_the_agenda_as_the_item_and_part_chosen(client, world, gov, meeting):
    verified_login(client, world.people["partnership_administrator"])
    url = "/governance/boards/own-board/report/to-agenda/"
    report_page = client.get("/governance/boards/own-board/report/").content.decode()
    assert f'href="{url}?start=' in report_page and "Add to the agenda" in report_page
    refused = client.post(url, {"meeting": str(meeting.pk), "title": "", "part": "confidential"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "govuk-error-summary" in body
    assert "Enter the title" in body and "Choose the paragraph of Schedule 12A" in body
    assert "Error: Put the monitoring report on an agenda" in body
    assert not meeting.agenda_items.filter(papers__content_type="application/pdf").exists()

    response = client.post(
        url, {"meeting": str(meeting.pk), "title": "Progress on our actions", "part": "public"}
    )
    assert response.status_code == 302
    item = meeting.agenda_items.get(title="Progress on our actions")
    # In Part A, so before the Part B item, which is numbered after it.
    assert (item.number, item.part, item.exemption) == (2, "public", None)
    assert response["Location"].endswith(f"#item-{item.number}")
    assert item.papers.get().content_type == "application/pdf"
    assert _agenda(meeting)[2] == (3, "ROCU report", "confidential")
    # Not a coming meeting of this board: refused on the form, nothing added.
    past = gov.meeting["own-board"]
    response = client.post(url, {"meeting": str(past.pk), "title": "x", "part": "public"})
    assert response.status_code == 400
    assert "Choose one of the board" in response.content.decode()
    assert not past.agenda_items.filter(title="x").exists()


def test_migration_numbers_existing_agendas_part_a_first(gov):
    """Migration 0004: existing meetings renumbered, Part A from 1, Part B after it."""
    migration = importlib.import_module("convenor.governance.migrations.0004_number_part_a_first")
    meeting = Meeting.objects.create(board=gov.board, starts_at=timezone.now())
    for number, title, part in [
        (1, "Secret one", Part.CONFIDENTIAL),
        (2, "Secret two", Part.CONFIDENTIAL),
        (3, "Public one", Part.PUBLIC),
        (5, "Public two", Part.PUBLIC),
    ]:
        AgendaItem.objects.create(meeting=meeting, number=number, title=title, part=part)
    untouched = _agenda(gov.meeting["own-board"])
    migration.number_part_a_first(apps, None)
    assert _agenda(meeting) == [
        (1, "Public one", "public"),
        (2, "Public two", "public"),
        (3, "Secret one", "confidential"),
        (4, "Secret two", "confidential"),
    ]
    assert _agenda(gov.meeting["own-board"]) == untouched


# --- The landscape's shared areas and merge rule -------------------------------------------


@pytest.fixture
def west_midlands(db):
    region = Area.objects.create(code="E12000005", name="West Midlands", kind="region")
    force = Area.objects.create(
        code="E23000014", name="West Midlands PFA", kind="pfa", parent=region
    )
    councils = [
        Area.objects.create(code=f"E080000{25 + i}", name=name, kind="ltla")
        for i, name in enumerate(["Birmingham", "Coventry", "Dudley", "Sandwell"])
    ]
    force.local_authorities.set(councils)
    return region, councils


def test_landscape_names_areas_and_never_merges_a_local_board_with_a_regional_group(
    client, world, gov, west_midlands
):
    region, (birmingham, coventry, *_) = west_midlands
    # A local board for Birmingham and a regional group for the region: same remit, same
    # organisations, one shared council of four.
    gov.board.kind = Board.Kind.LPCB
    gov.board.priorities = ["soc-pursue"]
    gov.board.save()
    gov.board.areas.set([birmingham])
    gov.other_board.kind = Board.Kind.REGIONAL_GOVERNANCE
    gov.other_board.priorities = ["soc-pursue"]
    gov.other_board.save()
    gov.other_board.areas.set([region])
    BoardMember.objects.create(
        board=gov.other_board, person=world.people["board_member"], organisation=world.own
    )
    BoardMember.objects.create(
        board=gov.other_board, person=world.people["partner_person"], organisation=world.partner
    )
    admin = world.people["partnership_administrator"]
    (overlap,) = landscape.build_landscape(admin).overlaps
    assert overlap.membership_share == 1.0 and overlap.shared_priorities
    assert overlap.shared_area_names == ["Birmingham"] and overlap.area_overlap == 0.25
    assert not overlap.merge_candidate

    # Even covering the same ground, a local board and a regional group are of different tiers.
    gov.board.areas.set([region])
    (overlap,) = landscape.build_landscape(admin).overlaps
    assert overlap.area_overlap == 1.0 and not overlap.merge_candidate
    # Nor a regional governance group and an annual summit.
    gov.board.kind = Board.Kind.SUMMIT
    gov.board.save()
    (overlap,) = landscape.build_landscape(admin).overlaps
    assert not overlap.merge_candidate
    # Two local boards of the same ground and remit are.
    gov.board.kind = Board.Kind.LPCB
    gov.board.save()
    gov.other_board.kind = Board.Kind.CSP
    gov.other_board.save()
    (overlap,) = landscape.build_landscape(admin).overlaps
    assert overlap.merge_candidate
    assert overlap.shared_area_names == ["Birmingham", "Coventry", "Dudley", "Sandwell"]

    verified_login(client, admin)
    body = client.get("/governance/landscape/").content.decode()
    assert "Birmingham, Coventry, Dudley, Sandwell" in body
    assert "E08000025" not in body.split("Shared local authorities")[1]
    assert "never a local board with a regional group" in body


def test_a_standing_item_can_be_given_its_exemption(admin_client, client, world, gov, admin):
    # A Part B standing item recorded before exemptions existed has none.
    old = gov.board.standing_items.create(title="Local profile", part=Part.CONFIDENTIAL)
    board_page = admin_client.get("/governance/boards/own-board/").content.decode()
    url = f"/governance/boards/own-board/standing-items/{old.pk}/change/"
    assert f'href="{url}"' in board_page and "Exemption not recorded" in board_page
    refused = admin_client.post(url, {"title": "Local profile", "part": "confidential"})
    assert refused.status_code == 400
    assert "Choose the paragraph of Schedule 12A" in refused.content.decode()
    response = admin_client.post(
        url, {"title": "Local profile", "part": "confidential", "exemption": "7"}
    )
    assert response["Location"] == "/governance/boards/own-board/#standing-items"
    old.refresh_from_db()
    assert old.exemption == 7
    meeting = services.schedule_meeting(admin, gov.board, starts_at=timezone.now())
    assert meeting.agenda_items.get(title="Local profile").exemption == 7
    entry = AuditEntry.objects.filter(action="standing_item_changed").latest("pk")
    assert entry.detail["to"] == {"title": "Local profile", "part": "confidential", "exemption": 7}
    verified_login(client, world.people["board_member"])
    assert client.get(url).status_code == 403
    partner = gov.other_board.standing_items.create(title="Theirs")
    assert (
        admin_client.get(
            f"/governance/boards/own-board/standing-items/{partner.pk}/change/"
        ).status_code
        == 404
    )
