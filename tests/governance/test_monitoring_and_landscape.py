"""The monitoring report (page, PDF read back and rendered, onto the next agenda, CLI) and the
board landscape (overlaps, merge candidates, uncovered national priorities)."""

from __future__ import annotations

import datetime
import io

import pypdfium2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pypdf import PdfReader

from convenor.core.models import Area, AuditEntry, User
from convenor.governance import landscape, monitoring, services
from convenor.governance.models import Action, AgendaItem, BoardMember, Meeting
from tests.conftest import verified_login


@pytest.fixture
def plan(world, gov):
    """Own board: one overdue action (the fixture's), one complete, one due later, owned by
    different people, with a recommendation accepted and turned into an action."""
    admin = world.people["partnership_administrator"]
    today = timezone.localdate()
    recommendation = services.record_recommendation(
        admin,
        gov.board,
        source_kind="scrutiny",
        source_title="SOC study",
        number=1,
        text="Refer to Twilight before exclusion",
        addressee=world.partner,
        ps=["prevent"],
        made_on=today - datetime.timedelta(days=100),
    )
    services.record_response(
        admin,
        recommendation,
        responder="Cabinet",
        outcome="accepted",
        decision_minute="Minute CA94",
        responded_on=today - datetime.timedelta(days=90),
    )
    later = services.create_action_from(
        admin,
        recommendation,
        board=gov.board,
        owner=world.people["analyst"],
        owner_organisation=world.own,
        due_on=today + datetime.timedelta(days=30),
    )
    done = services.create_action(
        admin,
        gov.board,
        title="Brief Members on the 4P model",
        owner=world.people["analyst"],
        owner_organisation=world.own,
        due_on=today - datetime.timedelta(days=20),
        ps=["protect", "prepare"],
    )
    services.update_action(world.people["analyst"], done, status="complete", note="Delivered")
    return recommendation, later, done


def test_report_counts_overdue_and_charts(world, gov, plan):
    today = timezone.localdate()
    report = monitoring.build_report(
        world.people["board_member"], gov.board, today - datetime.timedelta(days=182), today
    )
    assert [a.title for a in report.overdue()] == ["Own board action"]
    assert report.overdue_by_owner() == [(f"{world.people['practitioner']} (Own Police)", 1)]
    by_p = dict(report.by_p_and_status())
    assert by_p["Pursue"] == {"Not started": 1}
    assert by_p["Prevent"] == {"Not started": 1}
    assert by_p["Protect"] == {"Complete": 1}
    assert report.recommendations[0].progress == "0 of 1 actions complete"
    assert [a.title for a in report.completed_in_period()] == ["Brief Members on the 4P model"]
    assert 'role="img"' in report.p_status_chart() and "<table" in report.overdue_chart()


def test_period_parsing_gives_clear_errors():
    today = datetime.date(2017, 7, 25)
    assert monitoring.parse_period(None, None, today) == (datetime.date(2017, 1, 24), today)
    with pytest.raises(monitoring.PeriodError, match="Enter dates as YYYY-MM-DD"):
        monitoring.parse_period("25/01/2017", None, today)
    with pytest.raises(monitoring.PeriodError, match="on or before its end"):
        monitoring.parse_period("2017-08-01", "2017-07-01", today)
    with pytest.raises(monitoring.PeriodError, match="at most ten years"):
        monitoring.parse_period("1900-01-01", "2017-07-01", today)


def test_report_page_and_bad_period(client, world, gov, plan):
    verified_login(client, world.people["board_member"])
    page = client.get("/governance/boards/own-board/report/").content.decode()
    assert "Actions by P and status" in page and "Own board action" in page
    assert "Minute CA94" in page
    bad = client.get("/governance/boards/own-board/report/?start=yesterday")
    assert bad.status_code == 400
    assert "Enter dates as YYYY-MM-DD" in bad.content.decode()
    assert client.get("/governance/boards/own-board/report.pdf?end=2017-13-01").status_code == 400


def _ink(pdf: bytes, index: int) -> float:
    image = pypdfium2.PdfDocument(pdf)[index].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[250:]) / sum(histogram)


def test_report_pdf_reads_back_and_renders_every_page(client, world, gov, plan):
    verified_login(client, world.people["board_member"])
    response = client.get("/governance/boards/own-board/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    pdf = response.content
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 5
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in (
        "Own Board: monitoring report",
        "Actions by P and status",
        "Overdue actions by owner",
        "Refer to Twilight before exclusion",
        "Own board action",
        "Minute CA94",
        "OFFICIAL-SENSITIVE",
    ):
        assert expected in text, expected
    for index in range(len(reader.pages)):
        assert _ink(pdf, index) > 0.002, f"page {index + 1} is blank"
    assert AuditEntry.objects.filter(action="monitoring_report_exported").exists()


def test_report_goes_onto_the_next_meetings_agenda_in_part_b(client, world, gov, plan):
    verified_login(client, world.people["partnership_administrator"])
    coming = gov.draft["own-board"]
    form = client.get("/governance/boards/own-board/report/to-agenda/").content.decode()
    assert 'value="Monitoring report: ' in form and "Paragraph 7: action in connection" in form
    response = client.post(
        "/governance/boards/own-board/report/to-agenda/",
        {
            "meeting": str(coming.pk),
            "title": "Monitoring report",
            "part": "confidential",
            "exemption": "1",
        },
    )
    item = coming.agenda_items.order_by("-number").first()
    assert response["Location"] == f"/governance/meetings/{coming.pk}/#item-{item.number}"
    assert item.is_confidential and item.title == "Monitoring report" and item.exemption == 1
    paper = item.papers.get()
    assert paper.content_type == "application/pdf"
    pages = PdfReader(io.BytesIO(bytes(paper.content))).pages
    assert "Own board action" in " ".join(" ".join(p.extract_text() for p in pages).split())
    other = Meeting.objects.get(pk=gov.draft["partner-board"].pk)
    assert (
        client.post(
            "/governance/boards/own-board/report/to-agenda/",
            {"meeting": str(other.pk), "title": "x", "part": "public"},
        ).status_code
        == 400
    )
    assert not other.agenda_items.filter(title="x").exists()


def test_cli_writes_the_pdf_for_an_entitled_person_only(tmp_path, world, gov, plan):
    out = tmp_path / "report.pdf"
    call_command(
        "monitoring_report",
        "own-board",
        "--as",
        world.people["board_member"].username,
        "-o",
        str(out),
    )
    assert PdfReader(str(out)).pages[0].extract_text().startswith("OFFICIAL-SENSITIVE")
    with pytest.raises(CommandError, match="has no board called own-board"):
        call_command(
            "monitoring_report",
            "own-board",
            "--as",
            world.people["analyst"].username,
            "-o",
            str(out),
        )
    with pytest.raises(CommandError, match="Enter dates as YYYY-MM-DD"):
        call_command(
            "monitoring_report",
            "own-board",
            "--as",
            world.people["board_member"].username,
            "--start",
            "soon",
            "-o",
            str(out),
        )


def test_cli_overdue_actions(capsys, world, gov, plan):
    call_command("overdue_actions", "--as", world.people["board_member"].username)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("due_on\tdays_overdue")
    assert len(out) == 2 and out[1].endswith("\tOwn board action")
    call_command("overdue_actions", "--as", world.people["analyst"].username)
    assert len(capsys.readouterr().out.splitlines()) == 1  # the analyst sees no actions


# --- Landscape ----------------------------------------------------------------------------------


@pytest.fixture
def geography(db):
    region = Area.objects.create(code="E12000005", name="West Midlands", kind="region")
    force = Area.objects.create(
        code="E23000014", name="West Midlands PFA", kind="pfa", parent=region
    )
    birmingham = Area.objects.create(code="E08000025", name="Birmingham", kind="ltla")
    coventry = Area.objects.create(code="E08000026", name="Coventry", kind="ltla")
    preston = Area.objects.create(code="E07000123", name="Preston", kind="ltla")
    force.local_authorities.set([birmingham, coventry])
    return region, birmingham, coventry, preston


def test_landscape_overlaps_merge_candidates_and_uncovered_priorities(world, gov, geography):
    region, birmingham, coventry, preston = geography
    gov.board.areas.set([region])
    gov.board.priorities = ["soc-pursue", "knife-crime"]
    gov.board.save()
    gov.other_board.areas.set([birmingham])
    gov.other_board.priorities = ["soc-pursue"]
    gov.other_board.save()
    # The same organisation and person on both boards.
    BoardMember.objects.create(
        board=gov.other_board, person=world.people["partner_person"], organisation=world.partner
    )
    result = landscape.build_landscape(world.people["partnership_administrator"])
    assert [b.slug for b in result.boards] == ["own-board", "partner-board"]
    (overlap,) = result.overlaps
    assert overlap.shared_areas == ["E08000025"]  # the region covers Birmingham
    assert overlap.shared_priorities == ["SOC strategy: Pursue"]
    assert overlap.shared_people == [world.people["partner_person"]]
    assert overlap.shared_organisations == ["Partner Council"]
    assert overlap.membership_share == 1.0 and overlap.merge_candidate
    uncovered = {t.code for t in result.uncovered}
    assert uncovered == {"soc-prevent", "soc-protect", "soc-prepare", "vawg", "substance-misuse"}
    assert [p for p, _ in result.people_on_several()] == [world.people["partner_person"]]

    in_preston = landscape.build_landscape(world.people["partnership_administrator"], preston)
    assert in_preston.boards == [] and in_preston.overlaps == []
    in_coventry = landscape.build_landscape(world.people["partnership_administrator"], coventry)
    assert [b.slug for b in in_coventry.boards] == ["own-board"]


def test_landscape_page_never_shows_boards_the_user_cannot_see(client, world, gov, geography):
    verified_login(client, world.people["analyst"])
    body = client.get("/governance/landscape/").content.decode()
    assert "Own Board" in body and "Partner Board" in body and "Outside Board" not in body
    assert "Not covered" in body
    one = client.get(f"/governance/landscape/?partnership={world.shared.slug}").content.decode()
    assert "Own Board" in one and "in Shared Partnership" in one
    hidden = client.get(f"/governance/landscape/?partnership={world.elsewhere.slug}")
    assert (
        hidden.status_code == 400 and "Choose one of your partnerships" in hidden.content.decode()
    )
    assert "Outside Board" not in hidden.content.decode()
    bad = client.get("/governance/landscape/?area=NOWHERE")
    assert bad.status_code == 400 and "Not an area code we know: NOWHERE" in bad.content.decode()


def test_demo_loads_twice_and_tells_the_seed_stories(db):
    from convenor.core.demo import load_demo as load_core
    from convenor.governance.demo import load_demo

    load_core()
    assert load_demo() == load_demo()
    from convenor.governance.models import Board, Paper, Recommendation

    study = Recommendation.objects.filter(board__slug="preston-crime-and-disorder-committee")
    assert study.count() == 10
    assert study.get(number=9).responses.filter(responder="Corporate Management Team").exists()
    assert study.get(number=1).responses.filter(decision_minute="Minute CA94").exists()
    rgg = Board.objects.get(slug="west-midlands-regional-governance-group")
    titles = set(
        Paper.objects.filter(agenda_item__meeting__board=rgg).values_list("title", flat=True)
    )
    assert {t.split(" ")[0] for t in titles} == {"ROCU", "CTU", "CMPG", "NPAS"}
    inspection = Recommendation.objects.filter(board=rgg, source_kind="inspection")
    assert inspection.count() == 3
    assert inspection.get(number=3).actions.count() == 1
    summit = Board.objects.get(slug="west-midlands-partnerships-summit")
    assert summit.standing_items.filter(title="Serious and organised crime").exists()
    assert Action.objects.filter(board__slug="preston-crime-and-disorder-committee").count() == 6
    # Issue 13: every demo agenda numbers Part A from 1 and Part B after it, and each Part B
    # item states its Schedule 12A paragraph (the SOC items: 7, crime).
    for meeting in Meeting.objects.prefetch_related("agenda_items"):
        parts = [i.part for i in sorted(meeting.agenda_items.all(), key=lambda i: i.number)]
        assert parts == sorted(parts, key=lambda p: p == "confidential"), meeting
        assert [i.number for i in meeting.agenda_items.all()] == list(range(1, len(parts) + 1))
    part_b = AgendaItem.objects.filter(part="confidential")
    assert part_b.exists() and set(part_b.values_list("exemption", flat=True)) == {7}
    rgg_meeting = rgg.meetings.filter(attendance__isnull=False).distinct().get()
    assert rgg_meeting.agenda_items.get(number=1).title.startswith("Central Motorway")
    assert rgg_meeting.agenda_items.get(number=4).title.startswith("Regional Organised Crime")
    # The Birmingham LPCB is not suggested for merging with the regional group, and the areas
    # they share are named.
    everyone = User.objects.create_superuser("demo-landscape", "d@example.org", "x")
    overlaps = {
        frozenset((o.first.slug, o.second.slug)): o
        for o in landscape.build_landscape(everyone).overlaps
    }
    lpcb_rgg = overlaps[frozenset(("birmingham-lpcb", "west-midlands-regional-governance-group"))]
    assert not lpcb_rgg.merge_candidate and lpcb_rgg.shared_area_names == ["Birmingham"]
