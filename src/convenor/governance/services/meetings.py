"""Meetings: scheduling, the agenda and its papers, attendance, minutes and decisions,
publishing and cancelling, and a monitoring report put on the agenda."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.access import Action as Do
from convenor.core.models import Organisation, User

from .. import monitoring
from ..models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    Decision,
    Meeting,
    Paper,
    Part,
)
from ..selectors import Quorum, agenda, quorum
from ._rules import check_exemption, require_change, save

# Uploaded papers: what we accept (checked by content, not only by name).
PAPER_TYPES = {
    "application/pdf": (b"%PDF-",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (b"PK\x03\x04",),
    "text/plain": (),
    "text/csv": (),
}


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
    require_change(actor, board)
    meeting = save(Meeting(board=board, starts_at=starts_at, title=title, location=location))
    meeting.start_agenda_from_standing_items()
    audit.record(
        "meeting_scheduled",
        actor=actor,
        obj=meeting,
        detail={"board": board.slug, "starts_at": starts_at},
    )
    return meeting


def _items_in_order(meeting_id: int) -> list[AgendaItem]:
    """The meeting's items, locked, in their present order."""
    return list(
        AgendaItem.objects.select_for_update().filter(meeting_id=meeting_id).order_by("number")
    )


def renumber(items: list[AgendaItem]) -> None:
    """Number one meeting's ``items`` 1, 2, 3... through Part A, then on through Part B, each part
    keeping the order of ``items``. Only the numbers that change are written: first past every
    number in use, then to their place, so (meeting, number) stays unique at every step."""
    ordered = sorted(items, key=lambda item: item.is_confidential)
    highest = max((item.number for item in items), default=0)
    moved = [item for number, item in enumerate(ordered, start=1) if item.number != number]
    for item in moved:
        item.number += highest
    AgendaItem.objects.bulk_update(moved, ["number"])
    for number, item in enumerate(ordered, start=1):
        item.number = number
    AgendaItem.objects.bulk_update(moved, ["number"])


@transaction.atomic
def add_agenda_item(
    actor: User,
    meeting: Meeting,
    *,
    title: str,
    description: str = "",
    part: str = Part.PUBLIC,
    exemption: int | None = None,
) -> AgendaItem:
    """A new item at the end of its part: the end of Part A (Part B items move down one), or the
    end of the agenda for Part B. Part B needs its exemption (Schedule 12A paragraph)."""
    require_change(actor, meeting)
    exemption = check_exemption(part, exemption)
    items = _items_in_order(meeting.pk)
    item = save(
        AgendaItem(
            meeting=meeting,
            number=max((i.number for i in items), default=0) + 1,
            title=title,
            description=description,
            part=part,
            exemption=exemption,
        )
    )
    renumber([*items, item])
    audit.record(
        "agenda_item_added",
        actor=actor,
        obj=meeting,
        detail={"number": item.number, "title": title, "part": part, "exemption": exemption},
    )
    return item


@transaction.atomic
def change_agenda_item(
    actor: User,
    item: AgendaItem,
    *,
    title: str,
    description: str = "",
    part: str = Part.PUBLIC,
    exemption: int | None = None,
) -> AgendaItem:
    """Change an item's title, description, part or exemption. An item moved to the other part
    goes to the end of that part, and the agenda is numbered again."""
    require_change(actor, item)
    exemption = check_exemption(part, exemption)
    items = _items_in_order(item.meeting_id)
    item = next(i for i in items if i.pk == item.pk)
    before = {"number": item.number, "part": item.part, "exemption": item.exemption}
    changes_part = item.part != part
    item.title, item.description, item.part, item.exemption = title, description, part, exemption
    save(item)
    if changes_part:
        renumber([i for i in items if i.pk != item.pk] + [item])
    audit.record(
        "agenda_item_changed",
        actor=actor,
        obj=item.meeting,
        detail={
            "from": before,
            "to": {"number": item.number, "part": part, "exemption": exemption},
            "title": title,
        },
    )
    return item


@transaction.atomic
def move_agenda_item(actor: User, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with the one before ("up") or after ("down") it in the same part of the
    agenda, so Part A and Part B each keep their own order. Numbers stay 1, 2, 3... through
    Part A and on through Part B; the item's papers, minutes and decisions move with it."""
    require_change(actor, item)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Choose up or down"})
    items = _items_in_order(item.meeting_id)
    siblings = [i for i in items if i.part == item.part]
    position = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    neighbour_position = position - 1 if direction == "up" else position + 1
    if not 0 <= neighbour_position < len(siblings):
        where = "first" if direction == "up" else "last"
        raise ValidationError({"direction": f"Item {item.number} is already {where} in its part"})
    item, other = siblings[position], siblings[neighbour_position]
    old = item.number
    a, b = items.index(item), items.index(other)
    items[a], items[b] = other, item
    renumber(items)
    audit.record(
        "agenda_item_moved",
        actor=actor,
        obj=item.meeting,
        detail={"title": item.title, "from": old, "to": item.number, "part": item.part},
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
    require_change(actor, item)
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
    save(paper)
    audit.record(
        "paper_attached",
        actor=actor,
        obj=item.meeting,
        detail={"paper": paper.pk, "title": title, "item": item.number, "part": item.part},
    )
    return paper


def view_meeting(actor: User | None, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda as the reader may see it (:func:`selectors.agenda`); reading Part B
    is recorded, since it is sensitive."""
    items = agenda(actor, meeting)
    confidential = [item.number for item in items if item.is_confidential]
    if confidential:
        audit.record(
            "meeting_part_b_viewed", actor=actor, obj=meeting, detail={"items": confidential}
        )
    return items


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


@transaction.atomic
def record_attendance(
    actor: User, meeting: Meeting, register: dict[BoardMember, tuple[str, str]]
) -> Quorum:
    """Record who was present, sent apologies or was absent: ``{member: (status, substitute)}``.
    Every member must be a current member of the meeting's board."""
    require_change(actor, meeting)
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
    require_change(actor, item)
    item.minutes = minutes
    save(item)
    audit.record("minutes_recorded", actor=actor, obj=item.meeting, detail={"item": item.number})
    return item


@transaction.atomic
def record_decision(
    actor: User, item: AgendaItem, *, text: str, minute_reference: str = ""
) -> Decision:
    """A decision of the board: only a quorate meeting takes decisions."""
    require_change(actor, item)
    if not text.strip():
        raise ValidationError({"text": "Enter the decision"})
    result = quorum(item.meeting)
    if not result.recorded:
        raise ValidationError(
            {
                "text": "Attendance is not recorded yet: record it first (the quorum is "
                f"{result.required} voting members), since only a quorate meeting takes decisions"
            }
        )
    if not result.met:
        raise ValidationError(
            {
                "text": f"The meeting is not quorate ({result.voting_present} voting members "
                f"present, {result.required} needed), so it cannot take decisions"
            }
        )
    decision = save(Decision(agenda_item=item, text=text, minute_reference=minute_reference))
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
    require_change(actor, meeting)
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
    require_change(actor, meeting)
    if meeting.published_at is not None:
        raise ValidationError({"meeting": "A published meeting cannot be cancelled"})
    if not meeting.cancelled:
        meeting.cancelled = True
        meeting.save(update_fields=["cancelled"])
        audit.record("meeting_cancelled", actor=actor, obj=meeting)
    return meeting


REPORT_ITEM_DESCRIPTION = "Progress on the board's recommendations and actions."


@transaction.atomic
def add_report_to_agenda(
    actor: User,
    meeting: Meeting,
    report: monitoring.MonitoringReport,
    *,
    title: str = "",
    description: str = REPORT_ITEM_DESCRIPTION,
    part: str = Part.CONFIDENTIAL,
    exemption: int | None = None,
) -> AgendaItem:
    """Put a monitoring report on a coming meeting's agenda: a new item (by default "Monitoring
    report: <period>" in Part B, since the report names owners and open actions, which then needs
    its Schedule 12A paragraph) with the report attached as a PDF paper."""
    require_change(actor, meeting)
    if meeting.board_id != report.board.pk:
        raise ValidationError({"meeting": "Choose a meeting of the board the report is about"})
    if meeting.cancelled:
        raise ValidationError({"meeting": "The meeting is cancelled"})
    period = f"{report.start:%-d %B %Y} to {report.end:%-d %B %Y}"
    item = add_agenda_item(
        actor,
        meeting,
        title=title.strip() or f"Monitoring report: {period}",
        description=description,
        part=part,
        exemption=exemption,
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
