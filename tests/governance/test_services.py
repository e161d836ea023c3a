"""Governance use cases: boards and members, quorum, decisions, papers, recommendations and
responses, actions and their history, overdue flags, create_action_from. Bad input gets a
field-named error and changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from convenor.core.models import AuditEntry
from convenor.governance import services
from convenor.governance.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    Decision,
    Paper,
    Part,
    Recommendation,
    Response,
)
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def admin(world):
    return world.people["partnership_administrator"]


def _field_error(excinfo, field):
    return excinfo.value.message_dict[field][0]


def test_create_board_by_partnership_administrator(world, admin):
    board = services.create_board(
        admin,
        partnership=world.shared,
        organisation=world.own,
        name="Own Community Safety Partnership",
        slug="own-csp",
        kind=Board.Kind.CSP,
        terms_of_reference="Reduce crime and disorder",
        meeting_frequency=Board.Frequency.QUARTERLY,
        quorum=2,
        priorities=["soc-pursue", "knife-crime"],
        threat_areas=["drugs-supply"],
    )
    assert board.priority_labels() == ["SOC strategy: Pursue", "Safer Streets: knife crime"]
    assert AuditEntry.objects.filter(action="board_created", object_id=str(board.pk)).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"priorities": ["world-peace"]}, "priorities", "Not a national priority: world-peace"),
        ({"threat_areas": ["jaywalking"]}, "threat_areas", "Not a threat area: jaywalking"),
        ({"quorum": 0}, "quorum", "greater than or equal to 1"),
        ({"name": ""}, "name", "cannot be blank"),
    ],
)
def test_create_board_refuses_bad_input_and_saves_nothing(world, admin, change, field, message):
    fields = dict(
        name="A board",
        slug="a-board",
        kind=Board.Kind.CSP,
        terms_of_reference="ToR",
        meeting_frequency=Board.Frequency.QUARTERLY,
        quorum=2,
        priorities=[],
        threat_areas=[],
    )
    fields.update(change)
    with pytest.raises(ValidationError) as excinfo:
        services.create_board(admin, partnership=world.shared, organisation=world.own, **fields)
    assert message in _field_error(excinfo, field)
    assert not Board.objects.exists()


def test_only_the_supporting_organisations_administrator_creates_a_board(world):
    with pytest.raises(PermissionDenied):
        services.create_board(
            world.people["analyst"],
            partnership=world.shared,
            organisation=world.own,
            name="x",
            slug="x",
            kind="csp",
            terms_of_reference="x",
            meeting_frequency="quarterly",
            quorum=1,
        )
    with pytest.raises(ValidationError) as excinfo:
        services.create_board(
            world.people["partnership_administrator"],
            partnership=world.elsewhere,
            organisation=world.own,
            name="x",
            slug="x",
            kind="csp",
            terms_of_reference="x",
            meeting_frequency="quarterly",
            quorum=1,
        )
    assert "is not in Elsewhere Partnership" in _field_error(excinfo, "organisation")


def test_members_must_hold_a_role_in_the_organisation_they_represent(world, gov, admin):
    with pytest.raises(ValidationError) as excinfo:
        services.add_member(
            admin, gov.board, person=world.people["analyst"], organisation=world.partner
        )
    assert "holds no current role in Partner Council" in _field_error(excinfo, "person")
    with pytest.raises(ValidationError) as excinfo:
        services.add_member(
            admin, gov.board, person=world.people["outside_person"], organisation=world.outside
        )
    assert "is not in Shared Partnership" in _field_error(excinfo, "organisation")
    with pytest.raises(ValidationError) as excinfo:
        services.add_member(
            admin, gov.board, person=world.people["board_member"], organisation=world.own
        )
    assert "already has a seat" in _field_error(excinfo, "person")
    seat = services.add_member(
        admin,
        gov.board,
        person=world.people["analyst"],
        organisation=world.own,
        status=BoardMember.Status.OBSERVER,
    )
    assert not seat.is_voting


def test_a_member_whose_seat_ended_loses_the_confidential_part(client, world, gov, admin):
    from tests.conftest import verified_login

    seat = gov.board.members.get(person=world.people["board_member"])
    with pytest.raises(ValidationError) as excinfo:
        services.end_membership(admin, seat, seat.started_on - datetime.timedelta(days=1))
    assert "cannot end before it started" in _field_error(excinfo, "ended_on")
    seat.started_on -= datetime.timedelta(days=30)
    seat.save()
    verified_login(client, world.people["board_member"])
    url = f"/governance/papers/{gov.secret_paper['own-board'].pk}/"
    assert client.get(url).status_code == 200
    services.end_membership(admin, seat, timezone.localdate() - datetime.timedelta(days=1))
    assert client.get(url).status_code == 404


def test_schedule_meeting_builds_the_agenda_from_standing_items(gov, admin):
    services.add_standing_item(admin, gov.board, title="Serious and organised crime")
    services.add_standing_item(
        admin, gov.board, title="Local profile", part=Part.CONFIDENTIAL, exemption=7
    )
    with pytest.raises(ValidationError) as excinfo:
        services.add_standing_item(admin, gov.board, title="serious and organised crime")
    assert "already has a standing item" in _field_error(excinfo, "title")
    meeting = services.schedule_meeting(admin, gov.board, starts_at=timezone.now())
    items = list(meeting.agenda_items.values_list("number", "title", "part"))
    assert items == [
        (1, "Serious and organised crime", "public"),
        (2, "Local profile", "confidential"),
    ]
    extra = services.add_agenda_item(admin, meeting, title="Any other business")
    # Part A ends before Part B: the new public item is 2 and the local profile moves to 3.
    assert extra.number == 2 and extra.standing_item is None
    assert meeting.agenda_items.get(title="Local profile").number == 3


def test_quorum_counts_voting_members_present_not_observers(world, gov, admin):
    gov.board.quorum = 2
    gov.board.save()
    meeting = gov.draft["own-board"]
    voting = gov.board.members.get(person=world.people["board_member"])
    observer = gov.board.members.get(person=world.people["partner_person"])
    result = services.record_attendance(
        admin, meeting, {voting: ("present", ""), observer: ("present", "")}
    )
    assert (result.voting_present, result.observers_present, result.met) == (1, 1, False)
    item = meeting.agenda_items.first()
    with pytest.raises(ValidationError) as excinfo:
        services.record_decision(admin, item, text="Adopt the plan")
    assert "not quorate (1 voting members present, 2 needed)" in _field_error(excinfo, "text")
    assert not Decision.objects.filter(agenda_item=item).exists()
    second = UserFactory(username="second-voter")
    MembershipFactory(user=second, organisation=world.own, role="board_member")
    seat = services.add_member(admin, gov.board, person=second, organisation=world.own)
    assert services.record_attendance(admin, meeting, {seat: ("present", "")}).met
    decision = services.record_decision(admin, item, text="Adopt the plan", minute_reference="7")
    assert decision.agenda_item == item


def test_attendance_refuses_people_not_on_the_board_and_bad_statuses(gov, admin):
    meeting = gov.draft["own-board"]
    stranger = gov.other_board.members.first()
    with pytest.raises(ValidationError, match="is not on"):
        services.record_attendance(admin, meeting, {stranger: ("present", "")})
    member = gov.board.members.first()
    with pytest.raises(ValidationError, match="Choose present, apologies or absent"):
        services.record_attendance(admin, meeting, {member: ("asleep", "")})
    assert not Attendance.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({}, "file", "Choose a file to upload or give a link"),
        ({"content": b"", "content_type": "application/pdf"}, "file", "The file is empty"),
        (
            {"content": b"MZ\x90\x00", "content_type": "application/x-msdownload"},
            "file",
            "must be a PDF, Word",
        ),
        (
            {"content": b"not a pdf", "content_type": "application/pdf", "file_name": "x.pdf"},
            "file",
            "The file is not a real pdf",
        ),
        ({"content": b"\xff\xfe\x00", "content_type": "text/plain"}, "file", "must be UTF-8"),
        (
            {
                "content": b"%PDF-1.7",
                "content_type": "application/pdf",
                "link": "https://example.org/x",
            },
            "link",
            "either a file or a link",
        ),
    ],
)
def test_attach_paper_refuses_bad_files(gov, admin, kwargs, field, message):
    item = gov.draft["own-board"].agenda_items.first()
    with pytest.raises(ValidationError) as excinfo:
        services.attach_paper(admin, item, title="Paper", **kwargs)
    assert message in _field_error(excinfo, field)
    assert not Paper.objects.filter(agenda_item=item).exists()


def test_attach_paper_keeps_the_file_and_audits(gov, admin):
    item = gov.draft["own-board"].agenda_items.first()
    paper = services.attach_paper(
        admin,
        item,
        title="ROCU quarterly report",
        file_name="../../rocu.pdf",
        content_type="application/pdf",
        content=b"%PDF-1.7 test",
    )
    assert bytes(paper.content) == b"%PDF-1.7 test"
    assert "/" not in paper.file_name
    assert AuditEntry.objects.filter(action="paper_attached").exists()


def test_only_managers_change_a_board(world, gov):
    for who in ("board_member", "analyst", "practitioner"):
        with pytest.raises(PermissionDenied):
            services.schedule_meeting(world.people[who], gov.board, starts_at=timezone.now())
    chair = world.people["board_member"]
    gov.board.chair = chair
    gov.board.save()
    from convenor.core import access

    access.forget(chair)
    services.schedule_meeting(chair, gov.board, starts_at=timezone.now())  # the chair may


def test_publish_meeting(gov, admin, client):
    meeting = gov.draft["own-board"]
    assert client.get(f"/governance/meetings/{meeting.pk}/").status_code == 404
    services.publish_meeting(admin, meeting)
    assert client.get(f"/governance/meetings/{meeting.pk}/").status_code == 200
    meeting.cancelled = True
    meeting.published_at = None
    meeting.save()
    with pytest.raises(ValidationError, match="cancelled meeting cannot be published"):
        services.publish_meeting(admin, meeting)


# --- Recommendations, responses, actions ------------------------------------------------------


@pytest.fixture
def recommendation(world, gov, admin):
    return services.record_recommendation(
        admin,
        gov.board,
        source_kind="scrutiny",
        source_title="SOC study",
        number=1,
        text="Refer young people to Twilight before exclusion",
        addressee=world.partner,
        ps=["prevent"],
        made_on=datetime.date(2016, 12, 6),
    )


def test_recommendation_bad_input(world, gov, admin, recommendation):
    with pytest.raises(ValidationError) as excinfo:
        services.record_recommendation(
            admin,
            gov.board,
            source_kind="scrutiny",
            source_title="SOC study",
            number=1,
            text="Again",
            addressee=world.partner,
            ps=["prevent"],
            made_on=datetime.date.today(),
        )
    assert "already has a recommendation 1" in _field_error(excinfo, "number")
    with pytest.raises(ValidationError) as excinfo:
        services.record_recommendation(
            admin,
            gov.board,
            source_kind="scrutiny",
            source_title="SOC study",
            number=2,
            text="x",
            addressee=world.partner,
            ps=["persuade"],
            made_on=datetime.date.today(),
        )
    assert "Not one of the 4Ps: persuade" in _field_error(excinfo, "ps")
    assert Recommendation.objects.count() == 1


def test_responses_need_reasons_unless_accepted(admin, recommendation):
    for outcome in ("partly_accepted", "rejected"):
        with pytest.raises(ValidationError) as excinfo:
            services.record_response(
                admin,
                recommendation,
                responder="Cabinet",
                outcome=outcome,
                responded_on=datetime.date(2017, 1, 25),
            )
        assert "Give the reasons" in _field_error(excinfo, "reasons")
    with pytest.raises(ValidationError) as excinfo:
        services.record_response(
            admin,
            recommendation,
            responder="Cabinet",
            outcome="accepted",
            responded_on=datetime.date(2016, 1, 1),
        )
    assert "cannot come before" in _field_error(excinfo, "responded_on")
    assert not Response.objects.exists()
    services.record_response(
        admin,
        recommendation,
        responder="Cabinet",
        outcome="accepted",
        decision_minute="Minute CA94",
        responded_on=datetime.date(2017, 1, 25),
    )
    assert recommendation.latest_response().decision_minute == "Minute CA94"


def test_only_accepted_recommendations_become_actions(world, gov, admin, recommendation):
    owner = world.people["practitioner"]
    due = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError) as excinfo:
        services.create_action_from(
            admin,
            recommendation,
            board=gov.board,
            owner=owner,
            owner_organisation=world.own,
            due_on=due,
        )
    assert "Only an accepted or partly accepted" in _field_error(excinfo, "recommendation")
    services.record_response(
        admin,
        recommendation,
        responder="Cabinet",
        outcome="rejected",
        reasons="No budget",
        responded_on=datetime.date(2017, 1, 25),
    )
    with pytest.raises(ValidationError):
        services.create_action_from(
            admin,
            recommendation,
            board=gov.board,
            owner=owner,
            owner_organisation=world.own,
            due_on=due,
        )
    services.record_response(
        admin,
        recommendation,
        responder="Cabinet",
        outcome="accepted",
        responded_on=datetime.date(2017, 3, 1),
    )
    action = services.create_action_from(
        admin,
        recommendation,
        board=gov.board,
        owner=owner,
        owner_organisation=world.own,
        due_on=due,
    )
    assert action.recommendation == recommendation
    assert action.ps == ["prevent"]  # from the recommendation
    assert action.description == recommendation.text


def test_create_action_from_any_record_uses_its_ps_threats_and_areas(world, gov, admin):
    """Other apps (e.g. a profile opportunity) turn a record into an action in one step."""
    from convenor.core.models import Area

    preston = Area.objects.create(code="E07000123", name="Preston", kind="ltla")

    class Opportunity:  # stands in for another app's record: any object with these attributes
        pk = 42
        ps = ["protect", "pursue"]
        threat_areas = ["drugs-supply"]
        areas = [preston]

        class _meta:
            label_lower = "profiles.opportunity"

        def __str__(self):
            return "Licensing review of premises linked to county lines"

    action = services.create_action_from(
        admin,
        Opportunity(),
        board=gov.board,
        owner=world.people["practitioner"],
        owner_organisation=world.own,
        due_on=datetime.date(2030, 1, 1),
    )
    assert action.title == "Licensing review of premises linked to county lines"
    assert action.source == "profiles.opportunity:42"
    assert action.ps == ["protect", "pursue"]
    assert action.threat_areas == ["drugs-supply"]
    assert list(action.areas.all()) == [preston]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ps": []}, "ps", "Choose at least one of the 4Ps"),
        ({"ps": ["pursuit"]}, "ps", "Not one of the 4Ps: pursuit"),
        ({"threat_areas": ["nope"]}, "threat_areas", "Not a threat area: nope"),
        ({"owner": "outside_person"}, "owner", "holds no current role in Own Police"),
        ({"title": ""}, "title", "cannot be blank"),
    ],
)
def test_create_action_bad_input(world, gov, admin, change, field, message):
    fields = dict(
        title="Do it",
        owner=world.people["practitioner"],
        owner_organisation=world.own,
        due_on=datetime.date(2030, 1, 1),
        ps=["pursue"],
    )
    if change.get("owner"):
        change = {"owner": world.people[change["owner"]]}
    fields.update(change)
    before = Action.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.create_action(admin, gov.board, **fields)
    assert message in _field_error(excinfo, field)
    assert Action.objects.count() == before


def test_action_history_overdue_and_closing_evidence(world, gov, admin):
    action = gov.action
    owner = world.people["practitioner"]
    assert action.is_overdue()
    assert list(services.my_actions(owner)) == [action]
    with pytest.raises(PermissionDenied):
        services.update_action(
            world.people["board_member"], action, status="in_progress", note="Not mine"
        )
    with pytest.raises(ValidationError) as excinfo:
        services.update_action(owner, action, status="in_progress", note="  ")
    assert _field_error(excinfo, "note") == "Say what has happened"
    with pytest.raises(ValidationError) as excinfo:
        services.update_action(
            owner, action, status="in_progress", note="x", evidence_link="https://example.org"
        )
    assert "mark it complete" in _field_error(excinfo, "status")
    services.update_action(owner, action, status="in_progress", note="Started")
    other_paper = gov.public_paper["partner-board"]
    with pytest.raises(ValidationError) as excinfo:
        services.update_action(
            owner, action, status="complete", note="Done", evidence_paper=other_paper
        )
    assert "Choose one of this board's papers" in _field_error(excinfo, "evidence_paper")
    paper = gov.public_paper["own-board"]
    services.update_action(owner, action, status="complete", note="Done", evidence_paper=paper)
    action.refresh_from_db()
    assert action.status == "complete" and action.completed_on == timezone.localdate()
    assert action.evidence_paper == paper
    assert not action.is_overdue()
    assert [u.status for u in ActionUpdate.objects.filter(action=action)] == [
        "complete",
        "in_progress",
    ]
    with pytest.raises(ValidationError, match="cannot be reopened"):
        services.update_action(owner, action, status="in_progress", note="Oops")


def test_overdue_is_judged_on_a_given_day(gov):
    action = gov.action
    assert action.is_overdue(action.due_on + datetime.timedelta(days=1))
    assert not action.is_overdue(action.due_on)
    action.status = "cancelled"
    assert not action.is_overdue(action.due_on + datetime.timedelta(days=1))


def test_agenda_item_numbers_are_unique_per_meeting(gov):
    from django.db import IntegrityError, transaction

    meeting = gov.meeting["own-board"]
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=meeting, number=1, title="Duplicate")


def test_cancel_meeting(gov, admin, world):
    with pytest.raises(ValidationError, match="published meeting cannot be cancelled"):
        services.cancel_meeting(admin, gov.meeting["own-board"])
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(world.people["board_member"], gov.draft["own-board"])
    meeting = services.cancel_meeting(admin, gov.draft["own-board"])
    assert meeting.cancelled
    assert AuditEntry.objects.filter(action="meeting_cancelled").count() == 1


def test_the_addressees_administrator_records_its_response(world, gov, admin, recommendation):
    """Recommendation 1 is addressed to B: B's partnership administrator may respond; B's
    practitioner and outsiders may not."""
    partner_admin = UserFactory(username="partner-admin")
    MembershipFactory(
        user=partner_admin, organisation=world.partner, role="partnership_administrator"
    )
    for who in (world.people["partner_person"], world.people["outside_person"]):
        with pytest.raises(PermissionDenied):
            services.record_response(
                who,
                recommendation,
                responder="B",
                outcome="accepted",
                responded_on=datetime.date(2017, 1, 2),
            )
    response = services.record_response(
        partner_admin,
        recommendation,
        responder="Partner Council",
        outcome="accepted",
        responded_on=datetime.date(2017, 1, 2),
    )
    assert response.recommendation == recommendation


def test_change_action_reassigns_and_audits_the_moved_deadline(world, gov, admin):
    action = gov.action
    old_due = action.due_on
    with pytest.raises(PermissionDenied):
        services.change_action(world.people["practitioner"], action, due_on=old_due)
    with pytest.raises(ValidationError) as excinfo:
        services.change_action(admin, action, owner=world.people["outside_person"])
    assert "holds no current role in Own Police" in _field_error(excinfo, "owner")
    with pytest.raises(ValidationError) as excinfo:
        services.change_action(admin, action, board=gov.other_board)
    assert "cannot be changed here" in _field_error(excinfo, "board")
    new_due = old_due + datetime.timedelta(days=60)
    services.change_action(admin, action, owner=world.people["analyst"], due_on=new_due)
    action.refresh_from_db()
    assert (action.owner, action.due_on) == (world.people["analyst"], new_due)
    entry = AuditEntry.objects.filter(action="action_changed").latest("id")
    assert entry.detail["before"] == {
        "owner": world.people["practitioner"].username,
        "due_on": old_due.isoformat(),
    }
    assert entry.detail["after"]["due_on"] == new_due.isoformat()


def test_agenda_items_move_within_their_part_and_keep_their_papers(world, gov, admin):
    meeting = services.schedule_meeting(admin, gov.board, starts_at=timezone.now())
    first = services.add_agenda_item(admin, meeting, title="Apologies")
    secret = services.add_agenda_item(
        admin, meeting, title="Operation update", part=Part.CONFIDENTIAL, exemption=7
    )
    last = services.add_agenda_item(admin, meeting, title="Any other business")
    # A new Part A item goes before Part B, which is numbered after it.
    assert last.number == 2
    services.attach_paper(admin, last, title="AOB note", link="https://example.org/aob")

    moved = services.move_agenda_item(admin, last, "up")
    assert moved.number == 1
    order = list(meeting.agenda_items.order_by("number").values_list("number", "title", "part"))
    assert order == [
        (1, "Any other business", "public"),
        (2, "Apologies", "public"),
        (3, "Operation update", "confidential"),
    ]
    assert Paper.objects.get(title="AOB note").agenda_item.number == 1
    entry = AuditEntry.objects.filter(action="agenda_item_moved").latest("pk")
    assert entry.detail == {"title": "Any other business", "from": 2, "to": 1, "part": "public"}

    with pytest.raises(ValidationError) as excinfo:
        services.move_agenda_item(admin, AgendaItem.objects.get(pk=last.pk), "up")
    assert "already first in its part" in _field_error(excinfo, "direction")
    with pytest.raises(ValidationError) as excinfo:
        services.move_agenda_item(admin, AgendaItem.objects.get(pk=secret.pk), "down")
    assert "already last in its part" in _field_error(excinfo, "direction")
    with pytest.raises(ValidationError):
        services.move_agenda_item(admin, AgendaItem.objects.get(pk=secret.pk), "sideways")
    with pytest.raises(PermissionDenied):
        services.move_agenda_item(
            world.people["board_member"], AgendaItem.objects.get(pk=first.pk), "up"
        )
    assert list(meeting.agenda_items.order_by("number").values_list("title", flat=True)) == [
        "Any other business",
        "Apologies",
        "Operation update",
    ]
