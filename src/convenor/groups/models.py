"""Organised crime groups, their members and their assessments.

A group belongs to the organisation that records it and may be shared in one partnership; who may
see and change it is decided by :mod:`convenor.groups.access_rules`. Assessments are a history:
each is written once and never changed, so the group's current band is always its latest one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from convenor.core.models import Area, Organisation, Partnership


class ThreatArea(models.Model):
    """One entry of the configurable threat-area taxonomy (reference/threat_areas.yaml)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class HarmCharacteristic(models.Model):
    """A characteristic of significant harm (seed 002's definition of serious organised crime)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


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


class GroupMember(models.Model):
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

    @property
    def owner_organisation(self) -> Organisation:
        """For the audit chain: the owning organisation's auditor sees who touched this."""
        return self.group.owning_organisation


class Assessment(models.Model):
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

    @property
    def owner_organisation(self) -> Organisation:
        """For the audit chain: the owning organisation's auditor sees who touched this."""
        return self.group.owning_organisation
