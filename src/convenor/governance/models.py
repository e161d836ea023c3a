"""Boards and their members, meetings with standing and one-off agenda items, papers, attendance,
minutes and decisions; recommendations and responses; 4P actions with owners and their history.

Confidentiality follows the agenda: each agenda item is in the public part or the confidential
part ("Part B — excluded from press and public"); its papers, minutes and decisions go with it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from convenor.core.models import Area, Organisation, Partnership, User

from . import reference


def current_seat(prefix: str = "") -> Q:
    """Seats held today (``prefix`` reaches a seat through a relation, e.g. ``"members__"``)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}started_on__lte": today}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": today})
    )


class Board(models.Model):
    class Kind(models.TextChoices):
        LPCB = "lpcb", "Local Policing and Crime Board"
        CSP = "csp", "Community Safety Partnership"
        LCJB = "lcjb", "Local Criminal Justice Board"
        CDP = "cdp", "Combating Drugs Partnership"
        SOC_BOARD = "soc_board", "Serious and organised crime partnership board"
        REGIONAL_GOVERNANCE = "regional_governance", "Regional Governance Group"
        SCRUTINY = "scrutiny", "Scrutiny committee"
        SUMMIT = "summit", "Summit"
        OTHER = "other", "Other"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        BIMONTHLY = "bimonthly", "Every two months"
        QUARTERLY = "quarterly", "Quarterly"
        TWICE_YEARLY = "twice_yearly", "Twice a year"
        ANNUALLY = "annually", "Annually"
        AS_NEEDED = "as_needed", "As needed"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="boards")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="boards_supported",
        help_text="The organisation that supports the board (its secretariat).",
    )
    terms_of_reference = models.TextField()
    chair = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="boards_chaired"
    )
    meeting_frequency = models.CharField(max_length=16, choices=Frequency.choices)
    quorum = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Voting members who must be present for decisions to be taken.",
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="boards")
    priorities = models.JSONField(
        default=list, blank=True, help_text="Codes of the national priorities the board serves."
    )
    threat_areas = models.JSONField(default=list, blank=True)
    publishes_public_part = models.BooleanField(
        default=True,
        help_text="Whether the public part of its meetings is published to the public once "
        "the meeting is published.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(quorum__gte=1), name="board_quorum_at_least_one")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:board", args=[self.slug])

    def clean(self) -> None:
        errors = {}
        if bad := reference.unknown(reference.national_priorities(), self.priorities):
            errors["priorities"] = f"Not a national priority: {', '.join(bad)}"
        if bad := reference.unknown(reference.threat_areas(), self.threat_areas):
            errors["threat_areas"] = f"Not a threat area: {', '.join(bad)}"
        if errors:
            raise ValidationError(errors)

    def current_members(self) -> models.QuerySet[BoardMember]:
        return self.members.filter(current_seat())

    def priority_labels(self) -> list[str]:
        return reference.labels(reference.national_priorities(), self.priorities)

    def threat_area_labels(self) -> list[str]:
        return reference.labels(reference.threat_areas(), self.threat_areas)


class BoardMember(models.Model):
    """A person on a board and the organisation they represent there: voting or observer."""

    class Status(models.TextChoices):
        VOTING = "voting", "Voting member"
        OBSERVER = "observer", "Observer (non-voting)"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="board_seats")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="board_seats"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VOTING)
    position = models.CharField(max_length=120, blank=True, help_text="For example Vice-chair.")
    started_on = models.DateField(default=datetime.date.today)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["board", "organisation__name", "person__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "person"], name="one_seat_per_person"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="board_seat_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation}), {self.get_status_display()}"

    @property
    def is_voting(self) -> bool:
        return self.status == self.Status.VOTING


class Part(models.TextChoices):
    PUBLIC = "public", "Part A — public"
    CONFIDENTIAL = "confidential", "Part B — excluded from press and public"


class Exemption(models.IntegerChoices):
    """Why a Part B item excludes the press and public: the paragraph of the Local Government Act
    1972, Schedule 12A, Part 1 (England) that its information falls under."""

    INDIVIDUAL = 1, "Paragraph 1: information relating to any individual"
    IDENTITY = 2, "Paragraph 2: information likely to reveal the identity of an individual"
    FINANCIAL = (
        3,
        (
            "Paragraph 3: information relating to the financial or business affairs of any "
            "particular person"
        ),
    )
    LABOUR_RELATIONS = 4, "Paragraph 4: labour relations consultations or negotiations"
    LEGAL_PRIVILEGE = 5, "Paragraph 5: information subject to legal professional privilege"
    NOTICES = 6, "Paragraph 6: notices, orders or directions under an enactment"
    CRIME = (
        7,
        (
            "Paragraph 7: action in connection with the prevention, investigation or prosecution "
            "of crime"
        ),
    )


EXEMPTION_SOURCE = "Local Government Act 1972, Schedule 12A"


def _exemption_field():
    return models.PositiveSmallIntegerField(
        choices=Exemption.choices,
        null=True,
        blank=True,
        help_text=f"Part B only: the paragraph of the {EXEMPTION_SOURCE} that excludes the "
        "press and public.",
    )


def _public_items_have_no_exemption(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~models.Q(part=Part.PUBLIC, exemption__isnull=False), name=name
    )


class PartMixin:
    """What an item in a part of the agenda (standing or on a meeting's agenda) says about it."""

    @property
    def is_confidential(self) -> bool:
        return self.part == Part.CONFIDENTIAL

    @property
    def exemption_text(self) -> str:
        """ "Exempt under paragraph 7 of ... Schedule 12A: ...", or why it cannot be said."""
        if not self.is_confidential:
            return ""
        if self.exemption is None:
            return "Exemption not recorded"
        paragraph = Exemption(self.exemption)
        return (
            f"Exempt information under paragraph {paragraph.value} of the {EXEMPTION_SOURCE}: "
            + (paragraph.label.split(": ", 1)[1])
        )


class StandingItem(PartMixin, models.Model):
    """An item on every meeting's agenda, e.g. serious and organised crime."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="standing_items")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    part = models.CharField(max_length=12, choices=Part.choices, default=Part.PUBLIC)
    exemption = _exemption_field()
    order = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["board", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["board", "title"], name="standing_item_title_unique"),
            _public_items_have_no_exemption("standing_item_public_not_exempt"),
        ]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    cancelled = models.BooleanField(default=False)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the public part was published: only then does the public see it.",
    )

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%-d %B %Y")
        return f"{self.board}: {self.title or 'meeting'}, {when}"

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting", args=[self.pk])

    def start_agenda_from_standing_items(self) -> list[AgendaItem]:
        """A new meeting's agenda: the board's standing items in order, Part A first (numbered
        1, 2, 3...), then Part B numbered on from there."""
        standing = sorted(self.board.standing_items.all(), key=lambda s: s.is_confidential)
        return AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=self,
                number=number,
                title=item.title,
                description=item.description,
                part=item.part,
                exemption=item.exemption,
                standing_item=item,
            )
            for number, item in enumerate(standing, start=1)
        )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class AgendaItem(PartMixin, models.Model):
    """An item of a meeting's agenda. Numbers run 1, 2, 3... through Part A and on through Part B
    (``services.meetings.renumber`` keeps them so after every change)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    part = models.CharField(max_length=12, choices=Part.choices, default=Part.PUBLIC)
    exemption = _exemption_field()
    standing_item = models.ForeignKey(
        StandingItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique"),
            _public_items_have_no_exemption("agenda_item_public_not_exempt"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Paper(models.Model):
    """A paper attached to an agenda item: an uploaded file (kept in the database) or a link."""

    MAX_BYTES = 10 * 1024 * 1024

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    author_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    link = models.URLField(blank=True, max_length=500)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["agenda_item", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:paper", args=[self.pk])

    @property
    def size(self) -> int:
        return len(self.content) if self.content is not None else 0


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(BoardMember, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    substitute = models.CharField(
        max_length=200, blank=True, help_text="Who attended in the member's place, if anyone."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member.person}: {self.get_status_display()}"


class Decision(models.Model):
    """A decision recorded against an agenda item; it shares the item's part."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    minute_reference = models.CharField(max_length=40, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agenda_item", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Recommendation(models.Model):
    """A recommendation from a study, inspection or review, held by the board that monitors it."""

    class SourceKind(models.TextChoices):
        SCRUTINY = "scrutiny", "Scrutiny study"
        INSPECTION = "inspection", "Inspection (e.g. HMICFRS)"
        REVIEW = "review", "Review"
        AUDIT = "audit", "Audit"

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="recommendations")
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices)
    source_title = models.CharField(max_length=200)
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    addressee = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="recommendations_addressed"
    )
    ps = models.JSONField(default=list, blank=True)
    made_on = models.DateField()

    class Meta:
        ordering = ["board", "source_title", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "source_title", "number"], name="recommendation_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_title}, recommendation {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("governance:recommendation", args=[self.pk])

    def clean(self) -> None:
        if bad := reference.unknown(reference.ps(), self.ps):
            raise ValidationError({"ps": f"Not one of the 4Ps: {', '.join(bad)}"})

    def p_labels(self) -> list[str]:
        return reference.labels(reference.ps(), self.ps)

    def latest_response(self) -> Response | None:
        if "responses" in getattr(self, "_prefetched_objects_cache", {}):  # a list's rows
            return max(self.responses.all(), key=lambda r: (r.responded_on, r.pk), default=None)
        return self.responses.order_by("-responded_on", "-pk").first()


class Response(models.Model):
    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
        REJECTED = "rejected", "Rejected"
        UNDER_REVIEW = "under_review", "Noted, under review"

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="responses"
    )
    responder = models.CharField(
        max_length=200, help_text="Who responded, e.g. Corporate Management Team, Cabinet."
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reasons = models.TextField(blank=True)
    decision_minute = models.CharField(
        max_length=200, blank=True, help_text="The decision-maker's minute, e.g. Minute CA94."
    )
    responded_on = models.DateField()

    class Meta:
        ordering = ["recommendation", "responded_on", "pk"]

    def __str__(self) -> str:
        return f"{self.responder}: {self.get_outcome_display()}"

    def clean(self) -> None:
        if (
            self.outcome in (self.Outcome.PARTLY_ACCEPTED, self.Outcome.REJECTED)
            and not (self.reasons or "").strip()
        ):
            raise ValidationError(
                {"reasons": "Give the reasons when a recommendation is not fully accepted"}
            )


class Action(models.Model):
    # What re-planning an action may change (besides its areas), in the order the API lists them.
    PLAN_FIELDS = (
        "title",
        "description",
        "owner",
        "owner_organisation",
        "due_on",
        "ps",
        "threat_areas",
    )

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="governance_actions")
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="governance_actions"
    )
    due_on = models.DateField()
    ps = models.JSONField(default=list, blank=True)  # clean() asks for at least one
    threat_areas = models.JSONField(default=list, blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="governance_actions")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the action came from outside governance, e.g. a profile opportunity.",
    )
    evidence_paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence_for"
    )
    evidence_link = models.URLField(blank=True, max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="complete") | Q(completed_on__isnull=False),
                name="complete_action_has_completion_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:action", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if not self.ps:
            errors["ps"] = "Choose at least one of the 4Ps the action serves"
        elif bad := reference.unknown(reference.ps(), self.ps):
            errors["ps"] = f"Not one of the 4Ps: {', '.join(bad)}"
        if bad := reference.unknown(reference.threat_areas(), self.threat_areas):
            errors["threat_areas"] = f"Not a threat area: {', '.join(bad)}"
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        return self.is_open and self.due_on < (on or timezone.localdate())

    def p_labels(self) -> list[str]:
        return reference.labels(reference.ps(), self.ps)

    def threat_area_labels(self) -> list[str]:
        return reference.labels(reference.threat_areas(), self.threat_areas)


class ActionUpdate(models.Model):
    """One entry of an action's history: a note and the status it moved to."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Action.Status.choices)
    note = models.TextField()

    class Meta:
        ordering = ["action", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.get_status_display()}: {self.note[:60]}"
