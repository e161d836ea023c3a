"""Organised crime groups, their members and their assessments.

A group belongs to the organisation that records it and may be shared in one partnership; who may
see and change it is decided by :mod:`convenor.groups.access_rules`. Assessments are a history:
each is written once and never changed, so the group's current band is always its latest one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from convenor.core.models import Area, Organisation, Partnership


class ReferenceEntry(models.Model):
    """An entry of one of the app's reference lists (loaded from reference/*.yaml): a code, a
    unique name and a position, listed by position; shown by its name. Abstract: each list keeps
    its own table, exactly as before."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ThreatArea(ReferenceEntry):
    """One entry of the configurable threat-area taxonomy (reference/threat_areas.yaml)."""


class HarmCharacteristic(ReferenceEntry):
    """A characteristic of significant harm (seed 002's definition of serious organised crime)."""


def twelve_months_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


class GroupQuerySet(models.QuerySet):
    def with_current_assessment(self) -> GroupQuerySet:
        """Annotate each group with its latest assessment's score, band and date."""
        latest = Assessment.objects.filter(group=OuterRef("pk")).order_by(
            "-assessed_on", "-recorded_at", "-pk"
        )
        return self.annotate(
            current_score=Subquery(latest.values("score")[:1]),
            current_band=Subquery(latest.values("band")[:1]),
            current_band_label=Subquery(latest.values("band_label")[:1]),
            current_assessed_on=Subquery(latest.values("assessed_on")[:1]),
        )

    def with_disruption_summary(self, today) -> GroupQuerySet:
        """Annotate each group with its verified disruptions in the 12 months to ``today``
        (``disruptions_12m``) and the date of its latest verified one (``last_disrupted_on``)."""
        verified = Disruption.objects.filter(group=OuterRef("pk"), verified_by__isnull=False)
        recent = (
            verified.filter(occurred_on__gt=twelve_months_before(today))
            .order_by()
            .values("group")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            disruptions_12m=Coalesce(Subquery(recent), 0),
            last_disrupted_on=Subquery(verified.order_by("-occurred_on").values("occurred_on")[:1]),
        )

    def ranked(self) -> GroupQuerySet:
        """Highest current score first; groups never assessed last."""
        return self.with_current_assessment().order_by(
            models.F("current_score").desc(nulls_last=True), "name", "pk"
        )


class OrganisedCrimeGroup(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DORMANT = "dormant", "Dormant"
        DISRUPTED = "disrupted", "Disrupted"
        ARCHIVED = "archived", "Archived"

    name = models.CharField(max_length=200, help_text="The name the partnership knows it by")
    summary = models.TextField(
        blank=True, help_text="What the group does, where and how (OFFICIAL-SENSITIVE)"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    owning_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="organised_crime_groups"
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organised_crime_groups",
        help_text="Shared with the parties to this partnership's current agreement; "
        "empty: the owning organisation only",
    )
    lead_responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="groups_led"
    )
    threat_areas = models.ManyToManyField(ThreatArea, related_name="groups")
    harm_characteristics = models.ManyToManyField(HarmCharacteristic, related_name="groups")
    areas = models.ManyToManyField(
        Area, related_name="organised_crime_groups", help_text="Local authorities it operates in"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "organised crime group"
        constraints = [
            models.UniqueConstraint(
                fields=["owning_organisation", "name"], name="group_name_unique_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.pk])

    @property
    def owner_organisation(self) -> Organisation:
        """For the audit chain: the owning organisation's auditor sees who touched this."""
        return self.owning_organisation

    def current_assessment(self) -> Assessment | None:
        return self.assessments.order_by("-assessed_on", "-recorded_at", "-pk").first()


class OfGroup(models.Model):
    """A record that belongs to a group (its ``group``): the group's owning organisation owns it
    (``owner_organisation``, for the audit chain: its auditor sees who touched this). Abstract:
    no table, no column of its own."""

    class Meta:
        abstract = True

    @property
    def owner_organisation(self) -> Organisation:
        return self.group.owning_organisation


class OfGroupWithPage(OfGroup):
    """A record of a group's with a page of its own: the URL named ``page``, with the group's id
    and the record's. Abstract."""

    page = ""

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse(self.page, args=[self.group_id, self.pk])


class GroupMember(OfGroup):
    class MemberRole(models.TextChoices):
        PRINCIPAL = "principal", "Principal"
        SIGNIFICANT = "significant", "Significant"
        PERIPHERAL = "peripheral", "Peripheral"

    group = models.ForeignKey(OrganisedCrimeGroup, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(
        max_length=200, help_text="The member's name as the group record uses it"
    )
    role = models.CharField(max_length=16, choices=MemberRole.choices)
    entity = models.ForeignKey(
        "threat.Entity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_memberships",
        help_text="The person or business in the partnership's linked records, if known",
    )
    date_of_birth = models.DateField(
        null=True,
        blank=True,
        help_text="If known: profiles count members under 18 as children exploited by the group",
    )
    notes = models.TextField(blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    ROLE_ORDER = {MemberRole.PRINCIPAL: 0, MemberRole.SIGNIFICANT: 1, MemberRole.PERIPHERAL: 2}

    class Meta:
        ordering = ["group", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "entity"],
                condition=Q(entity__isnull=False),
                name="an_entity_is_a_member_of_a_group_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display().lower()}, {self.group})"

    def clean(self) -> None:
        if self.date_of_birth is not None:
            today = timezone.localdate()
            if self.date_of_birth > today:
                raise ValidationError({"date_of_birth": "The date of birth must be in the past"})
            if today.year - self.date_of_birth.year > 120:
                raise ValidationError(
                    {"date_of_birth": "The date of birth must be within the last 120 years"}
                )


class Assessment(OfGroup):
    """One scoring of a group, with who, when and why. Written once; never changed."""

    group = models.ForeignKey(
        OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="assessments"
    )
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_assessments"
    )
    assessor_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    rationale = models.TextField(help_text="Why these scores: the evidence and judgement")
    inputs = models.JSONField(help_text="Input name -> score, e.g. {'likelihood': 4}")
    score = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    band = models.CharField(max_length=20)
    band_label = models.CharField(max_length=100)
    breakdown = models.JSONField(help_text="impact, harm, capability, intent, raw, raw_max")
    model_version = models.CharField(max_length=100)
    model_snapshot = models.JSONField(help_text="The scoring model the score came from")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="assessment_score_0_to_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.score} ({self.band_label}) on {self.assessed_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("An assessment is never changed: record a new one instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("An assessment is never deleted: the history is kept")


# --- The response: disruptions, ancillary orders and their breaches (issue 15, ADR 0024) -----


class FourP(models.TextChoices):
    """The 4Ps (governance's codes): the P a disruption serves."""

    PURSUE = "pursue", "Pursue"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


def pounds(pence: int | None) -> str:
    """Pence as pounds for pages: 1250050 -> "£12,500.50"; None -> ""."""
    return "" if pence is None else f"£{pence // 100:,}.{pence % 100:02d}"


class DisruptionType(ReferenceEntry):
    """A kind of disruption (reference/disruption_types.yaml)."""

    measured = models.BooleanField(default=False, help_text="Quantity and value apply")


class DisruptionImpact(ReferenceEntry):
    """Major, moderate or minor, with the definition shown wherever one is chosen
    (reference/disruption_impacts.yaml)."""

    name = models.CharField(max_length=100, unique=True)
    definition = models.TextField()


class OrderType(ReferenceEntry):
    """A kind of ancillary order (reference/order_types.yaml)."""

    legislation = models.CharField(max_length=200, blank=True)
    confiscation = models.BooleanField(default=False, help_text="An amount and a date to pay")


class DisruptionQuerySet(models.QuerySet):
    def verified(self) -> DisruptionQuerySet:
        return self.filter(verified_by__isnull=False)


class Disruption(OfGroupWithPage):
    """One disruption of a group. It counts only once a second person of the owning
    organisation has verified it (never the one who recorded it)."""

    group = models.ForeignKey(
        OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="disruptions"
    )
    occurred_on = models.DateField()
    disruption_type = models.ForeignKey(DisruptionType, on_delete=models.PROTECT, related_name="+")
    p = models.CharField("P it serves", max_length=10, choices=FourP.choices)
    description = models.TextField(blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    value_pence = models.PositiveBigIntegerField(null=True, blank=True)
    lead_agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contributing_partners = models.ManyToManyField(Organisation, blank=True, related_name="+")
    members = models.ManyToManyField(GroupMember, blank=True, related_name="disruptions")
    impact = models.ForeignKey(DisruptionImpact, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(help_text="Why this impact")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disruptions_recorded"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disruptions_verified",
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    objects = DisruptionQuerySet.as_manager()
    page = "groups:disruption"

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rationale=""), name="disruption_impact_has_a_rationale"
            ),
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | ~Q(verified_by=models.F("recorded_by")),
                name="disruption_verified_by_a_second_person",
            ),
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True, verified_at__isnull=True)
                | Q(verified_by__isnull=False, verified_at__isnull=False),
                name="disruption_verification_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disruption_type} on {self.occurred_on:%d/%m/%Y} ({self.group})"

    @property
    def verified(self) -> bool:
        return self.verified_by_id is not None

    @property
    def value(self) -> str:
        return pounds(self.value_pence)


class AncillaryOrder(OfGroupWithPage):
    """An order a court made on a member of a group (a person or a business)."""

    group = models.ForeignKey(OrganisedCrimeGroup, on_delete=models.PROTECT, related_name="orders")
    order_type = models.ForeignKey(OrderType, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        GroupMember,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text="The member (person or business, and through it the linked entity)",
    )
    court = models.CharField(max_length=200)
    made_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    conditions = models.JSONField(default=list, blank=True, help_text="One string per condition")
    monitoring_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_monitored"
    )
    amount_pence = models.PositiveBigIntegerField(null=True, blank=True)
    pay_by = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_recorded"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    page = "groups:order"

    class Meta:
        ordering = ["expires_on", "-made_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("made_on")),
                name="order_expires_on_or_after_made",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_type} on {self.subject.name}"

    @property
    def amount(self) -> str:
        return pounds(self.amount_pence)


class OrderBreach(models.Model):
    """A breach of an order and what followed."""

    order = models.ForeignKey(AncillaryOrder, on_delete=models.PROTECT, related_name="breaches")
    occurred_on = models.DateField()
    description = models.TextField()
    outcome = models.TextField(help_text="What followed: arrest, charge, warning, variation...")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name_plural = "order breaches"
        constraints = [
            models.CheckConstraint(
                condition=~Q(description="") & ~Q(outcome=""), name="breach_says_what_and_after"
            )
        ]

    def __str__(self) -> str:
        return f"Breach of {self.order} on {self.occurred_on:%d/%m/%Y}"

    @property
    def owner_organisation(self) -> Organisation:
        return self.order.group.owning_organisation
