"""Intelligence: graded reports (3x5x2) shared under handling conditions, their dissemination,
sanitised versions, requests for information, and the anonymous reporting channels (public and
integrity line) with their two-way conversations."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from convenor.core.models import Area, LegalBasis, Organisation, Partnership

from .grading import (
    Classification,
    HandlingCode,
    IntelligenceAssessment,
    SourceEvaluation,
)


def random_id() -> int:
    """A primary key that says nothing about when or in what order a row was made (ADR 0032):
    random below 2**53, so it stays exact in JavaScript."""
    return secrets.randbelow(2**53 - 1) + 1


class AttachmentManager(models.Manager):
    """Lists of attachments do not load their content; ``files.read`` fetches it when asked."""

    def get_queryset(self):
        return super().get_queryset().defer("sealed")


# What the person recording a report writes (the form, the services and sanitising alike).
REPORT_FIELDS = [
    "title",
    "content",
    "occurred_on",
    "location",
    "postcode",
    "threat_areas",
    "four_p",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
    "classification",
    "legal_basis",
    "review_date",
]


class IntelligenceReport(models.Model):
    """What is known, graded 3x5x2, owned by the organisation whose staff submitted it.

    A sanitised version is a separate report linked to its original (``sanitised_from``): it is
    shared while the original stays with the originator.
    """

    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="intelligence_reports"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intelligence_reports"
    )
    title = models.CharField(max_length=200)
    content = models.TextField(help_text="What is known")
    occurred_on = models.DateField(null=True, blank=True, help_text="When it happened")
    location = models.CharField(max_length=300, blank=True, help_text="Where, in words")
    postcode = models.CharField(max_length=10, blank=True)
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intelligence_reports",
        help_text="The local authority, from the postcode",
    )
    threat_areas = models.JSONField(default=list, blank=True)
    four_p = models.JSONField(default=list, blank=True)
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(blank=True)
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.OFFICIAL_SENSITIVE
    )
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices)
    review_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sanitised_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanitised_versions",
    )
    origin_submission = models.OneToOneField(
        "AnonymousSubmission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intelligence_report",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(handling_code="C") | ~Q(handling_conditions=""),
                name="handling_code_c_has_conditions",
            ),
            models.CheckConstraint(
                condition=Q(source_evaluation__in=SourceEvaluation.values)
                & Q(intelligence_assessment__in=IntelligenceAssessment.values)
                & Q(handling_code__in=HandlingCode.values),
                name="report_graded_3x5x2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("intelligence:report", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"INT-{self.pk:06d}" if self.pk else "INT-new"

    @property
    def grading(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"

    @property
    def is_sanitised(self) -> bool:
        return self.sanitised_from_id is not None


class Subject(models.Model):
    """A person, business, vehicle or address the report is about.

    Captured as structured fields; ``entity_id`` holds the threat picture's entity once the
    originator links it (``services.link_subject``, which checks the entity is one they may see
    and of the same kind). It is a plain nullable number, not a foreign key, so intelligence works
    without the threat app installed.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        BUSINESS = "business", "Business"
        VEHICLE = "vehicle", "Vehicle"
        ADDRESS = "address", "Address"

    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="subjects"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(
        max_length=200, help_text="Person's or business's name, vehicle make and model, address"
    )
    identifier = models.CharField(
        max_length=100,
        blank=True,
        help_text="Date of birth, company number, registration mark or postcode",
    )
    description = models.CharField(max_length=500, blank=True)
    entity_id = models.BigIntegerField(
        null=True, blank=True, help_text="The threat picture's entity, once linked"
    )

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class Attachment(models.Model):
    """A file, encrypted in the database (never on a filesystem, whose times would say when an
    anonymous report came: ADR 0032), served only through the policy.

    Belongs to a report or to an anonymous submission (exactly one). The id is random.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    report = models.ForeignKey(
        IntelligenceReport,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    submission = models.ForeignKey(
        "AnonymousSubmission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    sealed = models.BinaryField(help_text="Encrypted content (AES-GCM, ADR 0033)")

    objects = AttachmentManager()

    class Meta:
        ordering = ["filename", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(report__isnull=False) & Q(submission__isnull=True))
                | (Q(report__isnull=True) & Q(submission__isnull=False)),
                name="attachment_belongs_to_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def owner_organisation(self) -> Organisation:
        if self.report_id:
            return self.report.owner_organisation
        return self.submission.channel.receiving_organisation


class Dissemination(models.Model):
    """A report shared with one organisation (directly or as a member of a partnership), checked
    against a current information sharing agreement when it was shared."""

    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="disseminations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="intelligence_received"
    )
    via_partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "organisation"], name="report_shared_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report.reference} → {self.organisation}"


class Acknowledgement(models.Model):
    """A recipient's acknowledgement of a handling code C report's conditions, recorded before
    they may read the content."""

    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    conditions = models.TextField(help_text="The conditions as they were when acknowledged")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="acknowledged_once")]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.report.reference}"


class Reading(models.Model):
    """Who viewed, downloaded, printed or exported a report (also in the audit chain), so the
    originator sees who has read it."""

    class Kind(models.TextChoices):
        VIEWED = "viewed", "Viewed"
        DOWNLOADED = "downloaded", "Downloaded an attachment"
        PRINTED = "printed", "Printed"
        EXPORTED = "exported", "Exported"

    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="readings"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.report.reference}"


class InformationRequest(models.Model):
    """A recipient asks the originator for more ("request for information"); answered in
    Convenor."""

    report = models.ForeignKey(
        IntelligenceReport, on_delete=models.CASCADE, related_name="information_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requesting_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField()
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"Request for information on {self.report.reference}"

    @property
    def owner_organisation(self) -> Organisation:
        return self.report.owner_organisation


# --- The anonymous reporting channels ---------------------------------------------------------


class ReportingChannel(models.Model):
    """A public, anonymous way to report: in the style of an anonymous crime-reporting charity, or
    an integrity line routed to a council's internal fraud and integrity team."""

    class Kind(models.TextChoices):
        PUBLIC = "public", "Anonymous public reporting"
        INTEGRITY = "integrity", "Integrity line (staff whistleblowing)"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    introduction = models.TextField(help_text="Shown at the top of the public form")
    receiving_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reporting_channels"
    )
    retention_days = models.PositiveIntegerField(
        default=365, help_text="Days after receipt when a report's content is destroyed"
    )
    active = models.BooleanField(default=True)
    destroyed_count = models.PositiveIntegerField(
        default=0, help_text="Reports destroyed at the end of their retention period"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("intelligence:anonymous_form", args=[self.slug])

    @property
    def owner_organisation(self) -> Organisation:
        return self.receiving_organisation


class AnonymousSubmission(models.Model):
    """One anonymous report. Its content is encrypted at rest (AES-GCM); it holds no IP address,
    user agent, cookie or time finer than the day; the reporter's receipt code is kept only as
    a keyed hash. Its id is random, so ids do not order submissions."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONVERTED = "converted", "Turned into an intelligence report"
        CLOSED = "closed", "Closed"

    channel = models.ForeignKey(
        ReportingChannel, on_delete=models.PROTECT, related_name="submissions"
    )
    receipt_hash = models.CharField(max_length=64, unique=True)
    received_on = models.DateField()
    content = models.BinaryField(help_text="Encrypted: what, where, when, who, how known")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    source_evaluation = models.CharField(
        max_length=1, choices=SourceEvaluation.choices, default=SourceEvaluation.UNTESTED
    )
    intelligence_assessment = models.CharField(
        max_length=1, choices=IntelligenceAssessment.choices, blank=True
    )
    closed_reason = models.TextField(blank=True)
    destroy_on = models.DateField()

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Anonymous report {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("intelligence:submission", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"ANON-{self.pk}" if self.pk else "ANON-new"

    @property
    def owner_organisation(self) -> Organisation:
        return self.channel.receiving_organisation


class AnonymousMessage(models.Model):
    """One turn of the two-way anonymous conversation (encrypted; dated to the day). The id is
    random; ``position`` orders the turns within their conversation only."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    class Sender(models.TextChoices):
        REPORTER = "reporter", "The reporter"
        ANALYST = "analyst", "The analyst"

    submission = models.ForeignKey(
        AnonymousSubmission, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.CharField(max_length=10, choices=Sender.choices)
    body = models.BinaryField(help_text="Encrypted")
    sent_on = models.DateField()
    position = models.PositiveIntegerField(help_text="1 for the first turn, 2 for the next...")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "position"], name="one_message_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"Message from {self.sender}"


class DailyLimit(models.Model):
    """Rate limiting that keeps no identifier: one global counter per scope per day.

    Counts submissions per channel and failed receipt-code look-ups; nothing about who or
    exactly when.
    """

    scope = models.CharField(max_length=80)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "day"], name="one_counter_per_day")]

    def __str__(self) -> str:
        return f"{self.scope} on {self.day}: {self.count}"
