"""Who sees and changes what in governance (rules for :mod:`convenor.core.access`).

* A board is known to the members of its partnership and to the people who sit on it.
* **Entitled** to a board — its current members (voting or observer), its chair and the
  partnership administrators of its supporting organisation — see everything of it, including
  the confidential part (Part B) of its meetings. Others who know the board see only the
  published public part of its meetings.
* The public (not signed in) see the published public part of the meetings of boards that
  publish, and nothing else (``public = True`` on those rules only).
* Managers — the chair and the supporting organisation's partnership administrators — run the
  board: members, meetings, agenda, minutes, recommendations and actions.
* An action is seen by those entitled to its board and by its owner; its owner and the managers
  record progress on it.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet

from convenor.core.access import Action as Do
from convenor.core.access import Rule, Standing, area_refusals, partnership_areas, rule_for
from convenor.core.models import Role

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
    current_seat,
)


def managed_boards(s: Standing) -> frozenset[int]:
    """Boards the user runs: chair, or partnership administrator of the supporting organisation."""
    if not s.authenticated:
        return frozenset()
    cached = getattr(s, "_governance_managed", None)
    if cached is None:
        admin_of = s.organisations_with_role(Role.PARTNERSHIP_ADMINISTRATOR)
        cached = frozenset(
            Board.objects.filter(Q(organisation__in=admin_of) | Q(chair_id=s.user_id)).values_list(
                "pk", flat=True
            )
        )
        s._governance_managed = cached
    return cached


def entitled_boards(s: Standing) -> frozenset[int]:
    """Boards whose confidential part the user may see: managers and current members."""
    if not s.authenticated:
        return frozenset()
    cached = getattr(s, "_governance_entitled", None)
    if cached is None:
        seats = BoardMember.objects.filter(current_seat(), person_id=s.user_id).values_list(
            "board_id", flat=True
        )
        cached = managed_boards(s) | frozenset(seats)
        s._governance_entitled = cached
    return cached


def known_boards(s: Standing) -> frozenset[int]:
    """Boards a signed-in user knows exist: those of their partnerships, and their own."""
    if not s.authenticated:
        return frozenset()
    cached = getattr(s, "_governance_known", None)
    if cached is None:
        cached = entitled_boards(s) | frozenset(
            Board.objects.filter(partnership__in=s.partnerships).values_list("pk", flat=True)
        )
        s._governance_known = cached
    return cached


def _published_public(meeting: str, item: str | None) -> Q:
    """Rows in the published public part: ``meeting`` is the path to the meeting, ``item`` to
    the agenda item (None for a meeting itself)."""
    q = Q(**{f"{meeting}published_at__isnull": False}) & Q(**{f"{meeting}cancelled": False})
    if item is not None:
        q &= Q(**{f"{item}part": Part.PUBLIC})
    return q


def _meeting_scoped(
    s: Standing, queryset: QuerySet, board: str, meeting: str, item: str | None
) -> QuerySet:
    if s.superuser:
        return queryset
    if not s.authenticated:
        return queryset.filter(
            _published_public(meeting, item), **{f"{board}publishes_public_part": True}
        )
    return queryset.filter(
        Q(**{f"{board}id__in": entitled_boards(s)})
        | (Q(**{f"{board}id__in": known_boards(s)}) & _published_public(meeting, item))
    )


def _manages(s: Standing, board_id: int) -> bool:
    return s.superuser or board_id in managed_boards(s)


class _BoardPart(Rule):
    """Rows that belong to a board: changed by its managers."""

    def board_id(self, obj: Model) -> int:
        raise NotImplementedError

    def can(self, s: Standing, action: Do, obj: Model | None) -> bool:
        if not s.authenticated:
            return action == Do.VIEW and obj is not None and super().can(s, action, obj)
        if action == Do.VIEW:
            return obj is None or super().can(s, action, obj)
        if obj is None:
            return s.superuser or bool(managed_boards(s))
        return _manages(s, self.board_id(obj))


@rule_for(Board)
class BoardRule(_BoardPart):
    public = True

    def board_id(self, obj: Board) -> int:
        return obj.pk

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        if not s.authenticated:
            return queryset.filter(
                publishes_public_part=True,
                pk__in=Meeting.objects.filter(_published_public("", None)).values("board_id"),
            )
        return queryset.filter(pk__in=known_boards(s))

    def can(self, s: Standing, action: Do, obj: Model | None) -> bool:
        if action == Do.CREATE:
            return s.authenticated and (s.superuser or s.has_role(Role.PARTNERSHIP_ADMINISTRATOR))
        return super().can(s, action, obj)

    def save_refusals(self, s, instance, *, creating, m2m):
        """Besides who may set it up or change it: a board's new areas are current areas of the
        user's partnerships (any level); a board keeps the areas it holds."""
        reasons = super().save_refusals(s, instance, creating=creating, m2m=m2m)
        if "areas" in m2m:
            held = () if creating else instance.areas.all()
            reasons.update(area_refusals(partnership_areas(s), m2m["areas"], held=held))
        return reasons


@rule_for(BoardMember)
class BoardMemberRule(_BoardPart):
    def board_id(self, obj: BoardMember) -> int:
        return obj.board_id

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return queryset if s.superuser else queryset.filter(board_id__in=known_boards(s))


@rule_for(StandingItem)
class StandingItemRule(BoardMemberRule):
    pass


@rule_for(Meeting)
class MeetingRule(_BoardPart):
    public = True

    def board_id(self, obj: Meeting) -> int:
        return obj.board_id

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return _meeting_scoped(s, queryset, "board__", "", None)


@rule_for(AgendaItem)
class AgendaItemRule(_BoardPart):
    public = True

    def board_id(self, obj: AgendaItem) -> int:
        return obj.meeting.board_id

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return _meeting_scoped(s, queryset, "meeting__board__", "meeting__", "")


@rule_for(Paper)
class PaperRule(_BoardPart):
    public = True

    def board_id(self, obj: Paper) -> int:
        return obj.agenda_item.meeting.board_id

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        return _meeting_scoped(
            s, queryset, "agenda_item__meeting__board__", "agenda_item__meeting__", "agenda_item__"
        )


@rule_for(Decision)
class DecisionRule(PaperRule):
    pass


@rule_for(Attendance)
class AttendanceRule(_BoardPart):
    def board_id(self, obj: Attendance) -> int:
        return obj.meeting.board_id

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if not s.authenticated:
            return queryset.none()
        return _meeting_scoped(s, queryset, "meeting__board__", "meeting__", None)


@rule_for(Recommendation)
class RecommendationRule(_BoardPart):
    """Known to those who know the board, and to the organisation it is addressed to."""

    def board_id(self, obj: Recommendation) -> int:
        return obj.board_id

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(Q(board_id__in=known_boards(s)) | Q(addressee__in=s.organisations))


@rule_for(Response)
class ResponseRule(_BoardPart):
    def board_id(self, obj: Response) -> int:
        return obj.recommendation.board_id

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(
            Q(recommendation__board_id__in=known_boards(s))
            | Q(recommendation__addressee__in=s.organisations)
        )


@rule_for(Action)
class ActionRule(_BoardPart):
    """Those entitled to the board and the owner see an action; the owner and the board's
    managers record progress (CHANGE); only managers create or reassign (checked in services)."""

    def board_id(self, obj: Action) -> int:
        return obj.board_id

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(Q(board_id__in=entitled_boards(s)) | Q(owner_id=s.user_id))

    def can(self, s: Standing, action: Do, obj: Model | None) -> bool:
        if action == Do.CHANGE and obj is not None and s.authenticated:
            return obj.owner_id == s.user_id or _manages(s, obj.board_id)
        return super().can(s, action, obj)


@rule_for(ActionUpdate)
class ActionUpdateRule(_BoardPart):
    def board_id(self, obj: ActionUpdate) -> int:
        return obj.action.board_id

    def visible(self, s: Standing, queryset: QuerySet) -> QuerySet:
        if s.superuser:
            return queryset
        return queryset.filter(
            Q(action__board_id__in=entitled_boards(s)) | Q(action__owner_id=s.user_id)
        )
