"""SOC local profiles: a profile of one local authority (or a group of them) for a partnership,
built as numbered versions per period, each holding the frozen figures with their sources, and a
sanitised public summary that is published explicitly."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from convenor.core.models import Area, Organisation, Partnership, User

from .periods import PERIOD_PATTERN, Period, PeriodError


def validate_period(value: str) -> None:
    try:
        Period.parse(value)
    except PeriodError as problem:
        raise ValidationError(str(problem)) from problem


class Profile(models.Model):
    """The SOC local profile of one or more local authorities, owned by one organisation of a
    partnership and disseminated within that partnership under its information sharing agreement."""

    title = models.CharField(max_length=200)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="local_profiles"
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="local_profiles",
        help_text="The organisation whose analysts build the profile.",
    )
    areas = models.ManyToManyField(Area, related_name="local_profiles")
    area_codes = models.CharField(
        max_length=400,
        help_text="The ONS codes of the profile's local authorities, sorted, comma separated.",
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "area_codes"], name="one_profile_per_area_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("profiles:profile", args=[self.pk])

    @property
    def code_list(self) -> list[str]:
        return [c for c in self.area_codes.split(",") if c]

    def latest_built(self) -> ProfileVersion | None:
        return self.versions.filter(status=ProfileVersion.Status.BUILT).order_by("-number").first()


class ProfileVersion(models.Model):
    """One build of a profile for one period: the figures are frozen when the build finishes and
    never change afterwards, so two versions can be compared side by side."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        BUILDING = "building", "Building"
        BUILT = "built", "Built"
        FAILED = "failed", "Failed"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    period = models.CharField(
        max_length=6, validators=[validate_period], help_text="A quarter, e.g. 2025Q4"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    response_level = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["profile", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="profile_version_number"),
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_PATTERN.pattern), name="profile_period_shape"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="profile_progress_100"),
        ]

    def __str__(self) -> str:
        return f"{self.profile}, version {self.number} ({self.period})"

    def get_absolute_url(self) -> str:
        return reverse("profiles:version", args=[self.profile_id, self.number])

    @property
    def owner_organisation(self) -> Organisation:
        return self.profile.owner_organisation

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.BUILT, self.Status.FAILED)


class PublicSummary(models.Model):
    """The sanitised public summary of one built version: no personal data, small numbers
    suppressed. Nobody outside the partnership sees it until it is published explicitly."""

    version = models.OneToOneField(
        ProfileVersion, on_delete=models.CASCADE, related_name="public_summary"
    )
    figures = models.JSONField(default=dict)
    prepared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-prepared_at"]
        verbose_name_plural = "public summaries"
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(published_by__isnull=False),
                name="published_summary_names_publisher",
            )
        ]

    def __str__(self) -> str:
        return f"Public summary of {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("profiles:public_summary", args=[self.pk])

    @property
    def owner_organisation(self) -> Organisation:
        return self.version.profile.owner_organisation

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def public_figures(self) -> dict:
        """The figures as shown: a summary prepared before totals were protected (ADR 0051) is
        sanitised again from its frozen version at its own threshold, never shown as kept."""
        if (self.figures or {}).get("disclosure", 1) >= 2:
            return self.figures
        from .public import sanitise

        threshold = (self.figures or {}).get("suppression_threshold", 4)
        return sanitise(self.version.figures, 4 if threshold == 1 else threshold)


class AreaOutline(models.Model):
    """Where a local authority's postcodes lie: the grid squares holding at least one ONS
    Postcode Directory postcode. No boundary geometry ships with Convenor; this is the
    authority's real extent, drawn on the profile map."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="outline")
    grid_metres = models.PositiveIntegerField()
    squares = models.JSONField(help_text="[[easting, northing], ...] of each square's south-west")
    min_easting = models.PositiveIntegerField()
    min_northing = models.PositiveIntegerField()
    max_easting = models.PositiveIntegerField()
    max_northing = models.PositiveIntegerField()
    postcode_count = models.PositiveIntegerField()
    source = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"Outline of {self.area}"
