"""The use cases of governance. Each checks the access policy, runs in one transaction and writes
the audit entry; pages, the API and commands call these and nothing else changes the records."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.access import Action as Do
from convenor.core.models import Area, Organisation, Partnership, Role, User

from . import monitoring
from .models import (
    Action,
    ActionUpdate,
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

MANAGERS_ONLY = (
    "Only the board's chair and its supporting organisation's administrators can do this"
)

# Uploaded papers: what we accept (checked by content, not only by name).
PAPER_TYPES = {
    "application/pdf": (b"%PDF-",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (b"PK\x03\x04",),
    "text/plain": (),
    "text/csv": (),
}


def _require(actor: User, action: str, obj: Model | None = None, *, model=None) -> None:
    if not access.can(actor, action, obj, model=model):
        raise PermissionDenied(MANAGERS_ONLY)


def _save(obj: Model) -> Model:
    obj.full_clean()
    obj.save()
    return obj


def _person_in(person: User, organisation: Organisation) -> bool:
    return person.memberships.filter(
        access.current_memberships(), organisation=organisation
    ).exists()


# --- Boards and members ----------------------------------------------------------------------


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
    if not partnership.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": f"{organisation} is not in {partnership}"})
    board = Board(partnership=partnership, organisation=organisation, chair=chair, **fields)
    if chair is not None and not partnership.organisations.filter(memberships__user=chair).exists():
        raise ValidationError({"chair": f"{chair} works for no organisation in {partnership}"})
    _save(board)
    board.areas.set(list(areas))
    access.forget(actor)
    audit.record("board_created", actor=actor, obj=board, detail={"kind": board.kind})
    return board


@transaction.atomic
def update_board(
    actor: User, board: Board, *, areas: Iterable[Area] | None = None, **fields: Any
) -> Board:
    _require(actor, Do.CHANGE, board)
    changed = sorted(fields)
    if "chair" in fields and fields["chair"] is not None:
        if not board.partnership.organisations.filter(memberships__user=fields["chair"]).exists():
            raise ValidationError(
                {"chair": f"{fields['chair']} works for no organisation in {board.partnership}"}
            )
    for name, value in fields.items():
        setattr(board, name, value)
    _save(board)
    if areas is not None:
        board.areas.set(list(areas))
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
    _require(actor, Do.CHANGE, board)
    if not board.partnership.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": f"{organisation} is not in {board.partnership}"})
    if not _person_in(person, organisation):
        raise ValidationError({"person": f"{person} holds no current role in {organisation}"})
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
    _save(member)
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
    _require(actor, Do.CHANGE, member.board)
    ended_on = ended_on or timezone.localdate()
    if ended_on < member.started_on:
        raise ValidationError(
            {"ended_on": f"A seat cannot end before it started ({member.started_on:%-d %B %Y})"}
        )
    member.ended_on = ended_on
    _save(member)
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
    order: int | None = None,
) -> StandingItem:
    _require(actor, Do.CHANGE, board)
    if board.standing_items.filter(title__iexact=title.strip()).exists():
        raise ValidationError({"title": f"{board} already has a standing item called {title}"})
    if order is None:
        order = (board.standing_items.aggregate(m=Max("order"))["m"] or 0) + 10
    item = _save(
        StandingItem(
            board=board, title=title.strip(), description=description, part=part, order=order
        )
    )
    audit.record("standing_item_added", actor=actor, obj=board, detail={"title": item.title})
    return item


# --- Meetings --------------------------------------------------------------------------------


@transaction.atomic
def schedule_meeting(
    actor: User,
    board: Board,
    *,
    starts_at: datetime.datetime,
    title: str = "",
    location: str = "",
) -> Meeting:
    """A new meeting whose agenda starts with the board's standing items, in order."""
    _require(actor, Do.CHANGE, board)
    meeting = _save(Meeting(board=board, starts_at=starts_at, title=title, location=location))
    for number, standing in enumerate(board.standing_items.all(), start=1):
        AgendaItem.objects.create(
            meeting=meeting,
            number=number,
            title=standing.title,
            description=standing.description,
            part=standing.part,
            standing_item=standing,
        )
    audit.record(
        "meeting_scheduled",
        actor=actor,
        obj=meeting,
        detail={"board": board.slug, "starts_at": starts_at},
    )
    return meeting


@transaction.atomic
def add_agenda_item(
    actor: User, meeting: Meeting, *, title: str, description: str = "", part: str = Part.PUBLIC
) -> AgendaItem:
    _require(actor, Do.CHANGE, meeting)
    number = (meeting.agenda_items.aggregate(m=Max("number"))["m"] or 0) + 1
    item = _save(
        AgendaItem(meeting=meeting, number=number, title=title, description=description, part=part)
    )
    audit.record(
        "agenda_item_added",
        actor=actor,
        obj=meeting,
        detail={"number": number, "title": title, "part": part},
    )
    return item


@transaction.atomic
def move_agenda_item(actor: User, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with the one before ("up") or after ("down") it in the same part of the
    agenda, so Part A and Part B each keep their own order. Numbers stay 1, 2, 3...; the item's
    papers, minutes and decisions move with it."""
    _require(actor, Do.CHANGE, item)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Choose up or down"})
    siblings = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting_id=item.meeting_id, part=item.part)
        .order_by("number")
    )
    position = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    neighbour_position = position - 1 if direction == "up" else position + 1
    if not 0 <= neighbour_position < len(siblings):
        where = "first" if direction == "up" else "last"
        raise ValidationError({"direction": f"Item {item.number} is already {where} in its part"})
    item, other = siblings[position], siblings[neighbour_position]
    old, new = item.number, other.number
    # Through 0 (never a real number) so the (meeting, number) constraint holds at every step.
    AgendaItem.objects.filter(pk=item.pk).update(number=0)
    AgendaItem.objects.filter(pk=other.pk).update(number=old)
    AgendaItem.objects.filter(pk=item.pk).update(number=new)
    item.number = new
    audit.record(
        "agenda_item_moved",
        actor=actor,
        obj=item.meeting,
        detail={"title": item.title, "from": old, "to": new, "part": item.part},
    )
    return item


def _check_paper_content(file_name: str, content_type: str, content: bytes) -> str:
    if not content:
        raise ValidationError({"file": "The file is empty"})
    if len(content) > Paper.MAX_BYTES:
        raise ValidationError({"file": "The file must be smaller than 10 MB"})
    content_type = (content_type or "").split(";")[0].strip().lower()
    if content_type not in PAPER_TYPES:
        raise ValidationError(
            {"file": "The file must be a PDF, Word, Excel, PowerPoint, text or CSV file"}
        )
    signatures = PAPER_TYPES[content_type]
    if signatures and not content.startswith(signatures):
        raise ValidationError({"file": f"The file is not a real {file_name.rsplit('.', 1)[-1]}"})
    if not signatures:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as problem:
            raise ValidationError({"file": "A text file must be UTF-8"}) from problem
    return content_type


@transaction.atomic
def attach_paper(
    actor: User,
    item: AgendaItem,
    *,
    title: str,
    file_name: str = "",
    content_type: str = "",
    content: bytes | None = None,
    link: str = "",
    author_organisation: Organisation | None = None,
) -> Paper:
    """Attach a paper to an agenda item: an uploaded file (PDF, Office, text), or a link."""
    _require(actor, Do.CHANGE, item)
    if content is None and not link:
        raise ValidationError({"file": "Choose a file to upload or give a link to the paper"})
    if content is not None and link:
        raise ValidationError({"link": "Give either a file or a link, not both"})
    paper = Paper(
        agenda_item=item,
        title=title,
        link=link,
        author_organisation=author_organisation,
        added_by=actor,
    )
    if content is not None:
        paper.content_type = _check_paper_content(file_name, content_type, content)
        paper.file_name = (file_name or "paper").replace("/", "_").replace("\\", "_")[-200:]
        paper.content = content
    _save(paper)
    audit.record(
        "paper_attached",
        actor=actor,
        obj=item.meeting,
        detail={"paper": paper.pk, "title": title, "item": item.number, "part": item.part},
    )
    return paper


def read_paper(actor: User | None, paper: Paper) -> Paper:
    """The paper, if the reader may see it; reads by signed-in people are audited (papers in
    Part B are the partnership's most sensitive documents)."""
    if not access.can(actor, Do.VIEW, paper):
        raise PermissionDenied("Not found")
    if actor is not None and actor.is_authenticated:
        audit.record(
            "paper_read",
            actor=actor,
            obj=paper.agenda_item.meeting,
            detail={"paper": paper.pk, "part": paper.agenda_item.part},
        )
    return paper


@dataclass(frozen=True)
class Quorum:
    required: int
    voting_present: int
    observers_present: int

    @property
    def met(self) -> bool:
        return self.voting_present >= self.required


def quorum(meeting: Meeting) -> Quorum:
    """Voting members recorded present against the board's quorum; observers do not count."""
    present = meeting.attendance.filter(status=Attendance.Status.PRESENT)
    return Quorum(
        required=meeting.board.quorum,
        voting_present=present.filter(member__status=BoardMember.Status.VOTING).count(),
        observers_present=present.filter(member__status=BoardMember.Status.OBSERVER).count(),
    )


@transaction.atomic
def record_attendance(
    actor: User, meeting: Meeting, register: dict[BoardMember, tuple[str, str]]
) -> Quorum:
    """Record who was present, sent apologies or was absent: ``{member: (status, substitute)}``.
    Every member must be a current member of the meeting's board."""
    _require(actor, Do.CHANGE, meeting)
    valid = set(meeting.board.members.values_list("pk", flat=True))
    for member, (status, substitute) in register.items():
        if member.pk not in valid:
            raise ValidationError({"attendance": f"{member.person} is not on {meeting.board}"})
        if status not in Attendance.Status.values:
            raise ValidationError(
                {"attendance": f"Choose present, apologies or absent for {member.person}"}
            )
        Attendance.objects.update_or_create(
            meeting=meeting, member=member, defaults={"status": status, "substitute": substitute}
        )
    result = quorum(meeting)
    audit.record(
        "attendance_recorded",
        actor=actor,
        obj=meeting,
        detail={"voting_present": result.voting_present, "quorate": result.met},
    )
    return result


@transaction.atomic
def record_minutes(actor: User, item: AgendaItem, minutes: str) -> AgendaItem:
    _require(actor, Do.CHANGE, item)
    item.minutes = minutes
    _save(item)
    audit.record("minutes_recorded", actor=actor, obj=item.meeting, detail={"item": item.number})
    return item


@transaction.atomic
def record_decision(
    actor: User, item: AgendaItem, *, text: str, minute_reference: str = ""
) -> Decision:
    """A decision of the board: only a quorate meeting takes decisions."""
    _require(actor, Do.CHANGE, item)
    if not text.strip():
        raise ValidationError({"text": "Enter the decision"})
    result = quorum(item.meeting)
    if not result.met:
        raise ValidationError(
            {
                "text": f"The meeting is not quorate ({result.voting_present} voting members "
                f"present, {result.required} needed), so it cannot take decisions"
            }
        )
    decision = _save(Decision(agenda_item=item, text=text, minute_reference=minute_reference))
    audit.record(
        "decision_recorded",
        actor=actor,
        obj=item.meeting,
        detail={"item": item.number, "decision": decision.pk},
    )
    return decision


@transaction.atomic
def publish_meeting(actor: User, meeting: Meeting) -> Meeting:
    """Publish the public part of a meeting (agenda, papers, minutes and decisions in Part A).
    The confidential part stays visible only to those entitled to the board."""
    _require(actor, Do.CHANGE, meeting)
    if meeting.cancelled:
        raise ValidationError({"meeting": "A cancelled meeting cannot be published"})
    if meeting.published_at is None:
        meeting.published_at = timezone.now()
        meeting.save(update_fields=["published_at"])
        audit.record("meeting_published", actor=actor, obj=meeting)
    return meeting


@transaction.atomic
def cancel_meeting(actor: User, meeting: Meeting) -> Meeting:
    """Cancel a meeting that has not been published; it stays on record, marked cancelled."""
    _require(actor, Do.CHANGE, meeting)
    if meeting.published_at is not None:
        raise ValidationError({"meeting": "A published meeting cannot be cancelled"})
    if not meeting.cancelled:
        meeting.cancelled = True
        meeting.save(update_fields=["cancelled"])
        audit.record("meeting_cancelled", actor=actor, obj=meeting)
    return meeting


# --- Recommendations and responses -----------------------------------------------------------


@transaction.atomic
def record_recommendation(
    actor: User,
    board: Board,
    *,
    source_kind: str,
    source_title: str,
    number: int,
    text: str,
    addressee: Organisation,
    ps: list[str],
    made_on: datetime.date,
) -> Recommendation:
    _require(actor, Do.CHANGE, board)
    if board.recommendations.filter(source_title=source_title, number=number).exists():
        raise ValidationError({"number": f"{source_title} already has a recommendation {number}"})
    recommendation = _save(
        Recommendation(
            board=board,
            source_kind=source_kind,
            source_title=source_title,
            number=number,
            text=text,
            addressee=addressee,
            ps=list(ps),
            made_on=made_on,
        )
    )
    audit.record(
        "recommendation_recorded",
        actor=actor,
        obj=recommendation,
        detail={"board": board.slug, "source": source_title, "number": number},
    )
    return recommendation


def can_respond(actor: User, recommendation: Recommendation) -> bool:
    return access.can(actor, Do.VIEW, recommendation) and (
        access.can(actor, Do.CHANGE, recommendation)
        or access.standing(actor).has_role(
            Role.PARTNERSHIP_ADMINISTRATOR, recommendation.addressee_id
        )
    )


@transaction.atomic
def record_response(
    actor: User,
    recommendation: Recommendation,
    *,
    responder: str,
    outcome: str,
    reasons: str = "",
    decision_minute: str = "",
    responded_on: datetime.date,
) -> Response:
    """An addressee's or decision-maker's response: accepted, partly accepted (with reasons),
    rejected (with reasons) or noted for review; with the decision-maker's minute. Recorded by
    the board's managers or by a partnership administrator of the organisation addressed."""
    if not can_respond(actor, recommendation):
        raise PermissionDenied(
            "Only the board's managers and the addressee's partnership administrators can do this"
        )
    if responded_on < recommendation.made_on:
        raise ValidationError(
            {"responded_on": "A response cannot come before the recommendation was made"}
        )
    response = _save(
        Response(
            recommendation=recommendation,
            responder=responder,
            outcome=outcome,
            reasons=reasons,
            decision_minute=decision_minute,
            responded_on=responded_on,
        )
    )
    audit.record(
        "recommendation_response_recorded",
        actor=actor,
        obj=recommendation,
        detail={"outcome": outcome, "responder": responder},
    )
    return response


# --- Actions ---------------------------------------------------------------------------------


@transaction.atomic
def create_action(
    actor: User,
    board: Board,
    *,
    title: str,
    owner: User,
    owner_organisation: Organisation,
    due_on: datetime.date,
    ps: list[str],
    description: str = "",
    threat_areas: list[str] | None = None,
    areas: Iterable[Area] = (),
    recommendation: Recommendation | None = None,
    decision: Decision | None = None,
    source: str = "",
) -> Action:
    """An action on a board's plan, owned by a person in an organisation of its partnership."""
    _require(actor, Do.CHANGE, board)
    if not board.partnership.organisations.filter(pk=owner_organisation.pk).exists():
        raise ValidationError(
            {"owner_organisation": f"{owner_organisation} is not in {board.partnership}"}
        )
    if not _person_in(owner, owner_organisation):
        raise ValidationError({"owner": f"{owner} holds no current role in {owner_organisation}"})
    if recommendation is not None:
        if recommendation.board_id != board.pk:
            raise ValidationError({"recommendation": "The recommendation is another board's"})
        latest = recommendation.latest_response()
        if latest is None or latest.outcome not in (
            Response.Outcome.ACCEPTED,
            Response.Outcome.PARTLY_ACCEPTED,
        ):
            raise ValidationError(
                {
                    "recommendation": "Only an accepted or partly accepted recommendation becomes "
                    "an action"
                }
            )
    if decision is not None and decision.agenda_item.meeting.board_id != board.pk:
        raise ValidationError({"decision": "The decision is another board's"})
    action = _save(
        Action(
            board=board,
            title=title,
            description=description,
            owner=owner,
            owner_organisation=owner_organisation,
            due_on=due_on,
            ps=list(ps),
            threat_areas=list(threat_areas or []),
            recommendation=recommendation,
            decision=decision,
            source=source[:200],
        )
    )
    action.areas.set(list(areas))
    audit.record(
        "action_created",
        actor=actor,
        obj=action,
        detail={"board": board.slug, "owner": owner.username, "due_on": due_on},
    )
    return action


@transaction.atomic
def change_action(
    actor: User,
    action: Action,
    *,
    areas: Iterable[Area] | None = None,
    **fields: Any,
) -> Action:
    """Reassign or re-plan an action (title, description, owner, owner_organisation, due_on,
    ps, threat_areas, areas): the board's managers only; the change is audited with the old and
    new owner and due date, so a moved deadline is never silent."""
    if not access.can(actor, Do.CHANGE, action.board):
        raise PermissionDenied(MANAGERS_ONLY)
    allowed = {
        "title",
        "description",
        "owner",
        "owner_organisation",
        "due_on",
        "ps",
        "threat_areas",
    }
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({unknown[0]: "This cannot be changed here"})
    before = {"owner": action.owner.username, "due_on": action.due_on}
    owner = fields.get("owner", action.owner)
    organisation = fields.get("owner_organisation", action.owner_organisation)
    if not action.board.partnership.organisations.filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"owner_organisation": f"{organisation} is not in {action.board.partnership}"}
        )
    if not _person_in(owner, organisation):
        raise ValidationError({"owner": f"{owner} holds no current role in {organisation}"})
    for name, value in fields.items():
        setattr(action, name, list(value) if name in ("ps", "threat_areas") else value)
    _save(action)
    if areas is not None:
        action.areas.set(list(areas))
    audit.record(
        "action_changed",
        actor=actor,
        obj=action,
        detail={
            "fields": sorted([*fields, *(["areas"] if areas is not None else [])]),
            "before": before,
            "after": {"owner": action.owner.username, "due_on": action.due_on},
        },
    )
    return action


def create_action_from(
    actor: User,
    source: Model | str,
    *,
    board: Board,
    owner: User,
    owner_organisation: Organisation,
    due_on: datetime.date,
    title: str | None = None,
    description: str | None = None,
    ps: list[str] | None = None,
    threat_areas: list[str] | None = None,
    areas: Iterable[Area] | None = None,
) -> Action:
    """Turn something into a board action in one step: a recommendation (must be accepted or
    partly accepted), a decision, or any other app's record (e.g. a profile opportunity).

    Defaults come from the source: its ``str()`` for the title, and its ``ps``,
    ``threat_areas`` and ``areas`` attributes when it has them. Any other record is named in
    the action's ``source`` as ``app_label.model:pk``. The actor must manage the board; the same
    checks as :func:`create_action` apply."""
    recommendation = source if isinstance(source, Recommendation) else None
    decision = source if isinstance(source, Decision) else None
    if isinstance(source, str):
        label = source
    elif recommendation is not None or decision is not None:
        label = ""
    else:
        label = f"{source._meta.label_lower}:{source.pk}"

    def default(name: str, fallback):
        value = getattr(source, name, None) if not isinstance(source, str) else None
        if hasattr(value, "all"):
            value = list(value.all())
        return fallback if value is None else value

    if ps is None:
        ps = [p for p in default("ps", []) if isinstance(p, str)]
    if threat_areas is None:
        threat_areas = [t for t in default("threat_areas", []) if isinstance(t, str)]
    if areas is None:
        areas = [a for a in default("areas", []) if isinstance(a, Area)]
    if title is None:
        title = str(source)[:200] if not isinstance(source, Decision) else source.text[:200]
    if description is None:
        description = source.text if isinstance(source, Recommendation | Decision) else ""
    return create_action(
        actor,
        board,
        title=title,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_on=due_on,
        ps=list(ps),
        threat_areas=list(threat_areas),
        areas=areas,
        recommendation=recommendation,
        decision=decision,
        source=label,
    )


@transaction.atomic
def update_action(
    actor: User,
    action: Action,
    *,
    status: str,
    note: str,
    evidence_paper: Paper | None = None,
    evidence_link: str = "",
    on: datetime.date | None = None,
) -> ActionUpdate:
    """Record progress: a note and the status the action moves to. Completing it records the
    date, and may link the evidence that closed it (a paper the actor may see, or a URL)."""
    if not access.can(actor, Do.CHANGE, action):
        raise PermissionDenied("Only the action's owner and the board's managers update it")
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose a status"})
    if not note.strip():
        raise ValidationError({"note": "Say what has happened"})
    if not action.is_open and status in Action.OPEN:
        raise ValidationError({"status": "A closed action cannot be reopened; create a new one"})
    if evidence_paper is not None:
        if not access.can(actor, Do.VIEW, evidence_paper):
            raise ValidationError({"evidence_paper": "Choose a paper you can see"})
        if evidence_paper.agenda_item.meeting.board_id != action.board_id:
            raise ValidationError({"evidence_paper": "Choose one of this board's papers"})
    if (evidence_paper is not None or evidence_link) and status != Action.Status.COMPLETE:
        raise ValidationError({"status": "Evidence closes an action: mark it complete"})
    action.status = status
    if status == Action.Status.COMPLETE:
        action.completed_on = on or timezone.localdate()
        action.evidence_paper = evidence_paper
        action.evidence_link = evidence_link
    _save(action)
    update = _save(ActionUpdate(action=action, author=actor, status=status, note=note))
    audit.record(
        "action_updated",
        actor=actor,
        obj=action,
        detail={"status": status, "evidence": bool(evidence_paper or evidence_link)},
    )
    return update


def my_actions(user: User):
    """The user's own actions across every board, soonest due first."""
    return access.visible(user, Action.objects.filter(owner=user)).select_related(
        "board", "owner_organisation"
    )


@transaction.atomic
def add_report_to_agenda(
    actor: User, meeting: Meeting, report: monitoring.MonitoringReport
) -> AgendaItem:
    """Put a monitoring report on a meeting's agenda: a new item in the confidential part (the
    report names owners and open actions) with the report attached as a PDF paper."""
    _require(actor, Do.CHANGE, meeting)
    if meeting.board_id != report.board.pk:
        raise ValidationError({"meeting": "Choose a meeting of the board the report is about"})
    if meeting.cancelled:
        raise ValidationError({"meeting": "The meeting is cancelled"})
    period = f"{report.start:%-d %B %Y} to {report.end:%-d %B %Y}"
    item = add_agenda_item(
        actor,
        meeting,
        title=f"Monitoring report: {period}",
        description="Progress on the board's recommendations and actions.",
        part=Part.CONFIDENTIAL,
    )
    attach_paper(
        actor,
        item,
        title=f"Monitoring report, {period}",
        file_name=f"{report.board.slug}-monitoring-{report.start}-{report.end}.pdf",
        content_type="application/pdf",
        content=monitoring.render_report_pdf(report),
    )
    return item
