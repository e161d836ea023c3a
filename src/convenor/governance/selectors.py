"""Reads of governance, always within ``access.visible``: pages, the API and commands ask here, so
what a user may see and how it is fetched (in a fixed number of queries, whatever the number of
rows) is written once. Reads that write an audit entry (a meeting's Part B, a paper, the
monitoring report) are services."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from convenor.core import access
from convenor.core.access import get_visible_or_404, visible
from convenor.core.models import Area, Partnership, User

from .access_rules import entitled_boards
from .models import (
    Action,
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    Decision,
    Meeting,
    Paper,
    Recommendation,
)

# --- Boards ----------------------------------------------------------------------------------


def visible_boards(user: User) -> QuerySet[Board]:
    """The boards the user knows (the public: those that publish), with what pages show."""
    return visible(user, Board.objects.select_related("partnership", "organisation", "chair"))


def board_or_404(user: User, slug: str) -> Board:
    return get_visible_or_404(user, visible_boards(user), slug=slug)


def is_entitled(user: User, board: Board) -> bool:
    """Whether the user sees all of the board: its Part B, its action plan, its report."""
    return user.is_authenticated and (
        user.is_superuser or board.pk in entitled_boards(access.standing(user))
    )


@dataclass
class BoardOverview:
    members: QuerySet[BoardMember]
    standing_items: QuerySet
    meetings: QuerySet[Meeting]
    recommendations: QuerySet[Recommendation]
    actions: QuerySet[Action]
    areas: QuerySet[Area]


def board_overview(user: User, board: Board) -> BoardOverview:
    """What the board's page lists, each in one query."""
    return BoardOverview(
        members=visible(user, board.current_members().select_related("person", "organisation")),
        standing_items=visible(user, board.standing_items.all()),
        meetings=visible(user, board.meetings.all()),
        recommendations=visible(
            user, board.recommendations.select_related("addressee").prefetch_related("responses")
        ),
        actions=visible(user, board.actions.select_related("board", "owner", "owner_organisation")),
        areas=board.areas.all(),
    )


# --- Meetings, agenda items and papers --------------------------------------------------------


def meeting_or_404(user: User, pk: int) -> Meeting:
    return get_visible_or_404(
        user, Meeting.objects.select_related("board", "board__partnership"), pk=pk
    )


def agenda_item_or_404(user: User, meeting: Meeting, number: int) -> AgendaItem:
    return get_visible_or_404(user, meeting.agenda_items.select_related("meeting"), number=number)


def agenda(user: User, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items the user may see, in order, each with ``visible_papers`` and
    ``visible_decisions`` (three queries in all)."""
    return list(
        visible(user, meeting.agenda_items.all()).prefetch_related(
            Prefetch("papers", visible(user, Paper.objects.all()), to_attr="visible_papers"),
            Prefetch(
                "decisions", visible(user, Decision.objects.all()), to_attr="visible_decisions"
            ),
        )
    )


def with_visible_agenda(user: User, meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Meetings each with ``visible_agenda``: :func:`agenda` for every meeting at once."""
    return meetings.prefetch_related(
        Prefetch(
            "agenda_items",
            visible(user, AgendaItem.objects.all()).prefetch_related(
                Prefetch("papers", visible(user, Paper.objects.all()), to_attr="visible_papers")
            ),
            to_attr="visible_agenda",
        )
    )


def attendance_of(user: User, meeting: Meeting) -> list[Attendance]:
    return list(
        visible(user, meeting.attendance.select_related("member__person", "member__organisation"))
    )


def paper_or_404(user: User, pk: int) -> Paper:
    return get_visible_or_404(user, Paper.objects.select_related("agenda_item__meeting"), pk=pk)


def board_papers(user: User, board: Board) -> QuerySet[Paper]:
    """Papers of the board's meetings the user may see (evidence for an action)."""
    return visible(user, Paper.objects.filter(agenda_item__meeting__board=board))


def upcoming_meetings(user: User, board: Board) -> QuerySet[Meeting]:
    return visible(
        user, board.meetings.filter(starts_at__gte=timezone.now(), cancelled=False)
    ).order_by("starts_at")


@dataclass(frozen=True)
class Quorum:
    required: int
    voting_present: int
    observers_present: int
    recorded: int = 0  # attendance records of any status: none yet for a meeting to come

    @property
    def met(self) -> bool:
        return self.voting_present >= self.required


def quorum(meeting: Meeting) -> Quorum:
    """Voting members recorded present against the board's quorum; observers do not count.
    ``recorded`` is 0 until attendance is recorded (a meeting yet to happen is not "not
    quorate": its attendance is not known)."""
    present = Q(status=Attendance.Status.PRESENT)
    counts = meeting.attendance.aggregate(
        voting=Count("pk", filter=present & Q(member__status=BoardMember.Status.VOTING)),
        observers=Count("pk", filter=present & Q(member__status=BoardMember.Status.OBSERVER)),
        recorded=Count("pk"),
    )
    return Quorum(
        required=meeting.board.quorum,
        voting_present=counts["voting"],
        observers_present=counts["observers"],
        recorded=counts["recorded"],
    )


# --- Recommendations -------------------------------------------------------------------------


def recommendation_or_404(user: User, pk: int) -> Recommendation:
    return get_visible_or_404(
        user, Recommendation.objects.select_related("board", "addressee"), pk=pk
    )


def actions_from(user: User, recommendation: Recommendation) -> QuerySet[Action]:
    return visible(
        user, recommendation.actions.select_related("board", "owner", "owner_organisation")
    )


# --- Actions ---------------------------------------------------------------------------------


def action_or_404(user: User, pk: int) -> Action:
    return get_visible_or_404(
        user,
        Action.objects.select_related(
            "board", "owner", "owner_organisation", "recommendation", "decision", "evidence_paper"
        ),
        pk=pk,
    )


def action_source(
    user: User, board: Board, *, recommendation_id: str = "", decision_id: str = ""
) -> Recommendation | Decision | None:
    """The board's recommendation or decision a new action comes from (404 if not seen)."""
    if recommendation_id.isdigit():
        return get_visible_or_404(user, board.recommendations.all(), pk=int(recommendation_id))
    if decision_id.isdigit():
        return get_visible_or_404(
            user,
            Decision.objects.filter(agenda_item__meeting__board=board),
            pk=int(decision_id),
        )
    return None


def my_actions(user: User) -> QuerySet[Action]:
    """The user's own actions across every board, soonest due first."""
    return access.visible(user, Action.objects.filter(owner=user)).select_related(
        "board", "owner", "owner_organisation"
    )


# --- The landscape's choices -----------------------------------------------------------------


def visible_partnerships(user: User) -> QuerySet[Partnership]:
    return visible(user, Partnership.objects.all())


def area_by_code(user: User, code: str) -> Area | None:
    return visible(user, Area.objects.all()).filter(code=code).first()
