"""Organisations, people and their roles, partnerships and their information sharing agreements,
areas (ONS geography) and the audit chain."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone


class AreaQuerySet(models.QuerySet):
    def current(self) -> AreaQuerySet:
        """Areas not abolished (old records keep pointing at the abolished ones)."""
        return self.filter(ended_on__isnull=True)


class Area(models.Model):
    """A real geography: ONS local authorities (both tiers), police force areas, regions."""

    class Kind(models.TextChoices):
        LOWER_TIER = "ltla", "Lower-tier local authority"
        UPPER_TIER = "utla", "Upper-tier local authority"
        POLICE_FORCE = "pfa", "Police force area"
        REGION = "region", "Region"

    code = models.CharField(max_length=16, unique=True, help_text="ONS GSS code, e.g. E07000123")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Lower tier: its upper tier. Police force area: its region.",
    )
    local_authorities = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="police_force_areas",
        help_text="For a police force area: the lower-tier local authorities it covers.",
    )
    ended_on = models.DateField(
        null=True, blank=True, help_text="When the area was abolished; empty while it is current."
    )
    successors = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="predecessors",
        help_text="For an abolished area: the areas that replaced it.",
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("core:area", args=[self.code])


class Organisation(models.Model):
    class Kind(models.TextChoices):
        POLICE_FORCE = "police_force", "Police force"
        OPCC = "opcc", "Office of the Police and Crime Commissioner"
        ROCU = "rocu", "Regional Organised Crime Unit"
        COUNCIL = "council", "Council"
        COUNCIL_SERVICE = "council_service", "Council service"
        NATIONAL_AGENCY = "national_agency", "National agency"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        CHARITY = "charity", "Charity"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        help_text="For a council service: its council.",
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="organisations")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:organisation", args=[self.slug])


class User(AbstractUser):
    """A member of staff of one or more partner organisations."""

    job_title = models.CharField(max_length=200, blank=True)
    must_change_password = models.BooleanField(
        default=False,
        help_text="Set for a one-time password (a new person, the demo, an administrator's reset): "
        "every page but the password change asks for a new one first.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("core:person", args=[self.username])


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the key is kept; the key is shown once.

    It stops working when it expires, when unused for the idle period, or when revoked
    (deleted); last use is written at most once per ``LAST_USED_PRECISION``.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=8, help_text="The key's first characters, to tell it")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API token {self.key_prefix}… of {self.user}"


class Role(models.TextChoices):
    PARTNERSHIP_ADMINISTRATOR = "partnership_administrator", "Partnership administrator"
    ANALYST = "analyst", "Analyst"
    PRACTITIONER = "practitioner", "Practitioner"
    BOARD_MEMBER = "board_member", "Board member"
    AUDITOR = "auditor", "Auditor or data protection officer"


class Membership(models.Model):
    """A person's role in an organisation; a person may hold several, in several organisations."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    started_on = models.DateField(default=datetime.date.today)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_role_per_person_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()


class Partnership(models.Model):
    """A named group of organisations that share information under an agreement."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    purpose = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships_led"
    )
    organisations = models.ManyToManyField(Organisation, related_name="partnerships")
    areas = models.ManyToManyField(Area, blank=True, related_name="partnerships")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:partnership", args=[self.slug])

    def current_agreements(self) -> models.QuerySet[InformationSharingAgreement]:
        return self.agreements.current()


class PartnershipInvitation(models.Model):
    """Consent to join a partnership: an organisation becomes a member only when one of its own
    partnership administrators accepts. Decided invitations are kept as the record of consent."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnership_invitations"
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True, help_text="Empty until decided.")

    class Meta:
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                condition=Q(accepted__isnull=True),
                name="one_open_invitation_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(accepted__isnull=True, decided_at__isnull=True)
                | Q(accepted__isnull=False, decided_at__isnull=False),
                name="invitation_decided_with_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} invited to {self.partnership}"

    @property
    def status(self) -> str:
        return {None: "Waiting", True: "Accepted", False: "Declined"}[self.accepted]


class LegalBasis(models.TextChoices):
    CDA_S115 = "cda_s115", "Crime and Disorder Act 1998, section 115"
    CDA_S17 = "cda_s17", "Crime and Disorder Act 1998, section 17"
    DPA_PART3 = "dpa_part3", "Data Protection Act 2018, Part 3 (law enforcement processing)"
    UK_GDPR_6_1_C = "uk_gdpr_6_1_c", "UK GDPR article 6(1)(c): legal obligation"
    UK_GDPR_6_1_E = "uk_gdpr_6_1_e", "UK GDPR article 6(1)(e): public task"


class AgreementQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> AgreementQuerySet:
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, review_date__gte=on)


class InformationSharingAgreement(models.Model):
    """An ISA: parties, purpose, legal basis, data, retention, security, review date, signatories.

    Sharing under an agreement stops when its review date passes: an expired agreement is shown
    as such and :func:`convenor.core.access.sharing_permitted` ignores it.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="agreements"
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    legal_bases = models.JSONField(
        default=list, help_text="Codes from LegalBasis: the lawful bases for sharing."
    )
    parties = models.ManyToManyField(Organisation, related_name="agreements")
    data_categories = models.TextField(help_text="What data is shared, e.g. nominals, licences.")
    retention = models.TextField(
        help_text="How long shared data is kept and how it is disposed of."
    )
    security = models.TextField(help_text="How shared data is protected, e.g. OFFICIAL-SENSITIVE.")
    starts_on = models.DateField()
    review_date = models.DateField()
    superseded_by = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        help_text="The renewal that replaced it; it ended the day before the renewal started.",
    )

    objects = AgreementQuerySet.as_manager()

    # What a partnership administrator records (pages and API alike).
    RECORDED_FIELDS = [
        "title",
        "purpose",
        "legal_bases",
        "parties",
        "data_categories",
        "retention",
        "security",
        "starts_on",
        "review_date",
    ]

    class Meta:
        ordering = ["-review_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_date__gt=models.F("starts_on")),
                name="agreement_review_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("core:agreement", args=[self.partnership.slug, self.pk])

    def clean(self) -> None:
        if self.starts_on and self.review_date and self.review_date <= self.starts_on:
            raise ValidationError({"review_date": "The review date must be after the start date"})
        if self.pk and self.partnership_id:
            outsiders = self.parties.exclude(partnerships=self.partnership_id)
            if outsiders.exists():
                raise ValidationError({"parties": _not_members(self.partnership, outsiders)})

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.starts_on <= today <= self.review_date

    @property
    def status(self) -> str:
        today = timezone.localdate()
        if today < self.starts_on:
            return "Not yet in force"
        if today > self.review_date:
            return "Superseded" if self.superseded_by_id else "Expired"
        return "Current"

    def legal_basis_labels(self) -> list[str]:
        labels = dict(LegalBasis.choices)
        return [labels.get(code, code) for code in self.legal_bases]

    def signing(self, signatories=None, parties=None) -> SigningStatus:
        """Who has signed and who has not (ADR 0065): a draft until the first signature.
        Pass already-fetched ``signatories``/``parties`` to save queries."""
        signatories = list(self.signatories.all() if signatories is None else signatories)
        parties = list(self.parties.all() if parties is None else parties)
        signed = {s.organisation_id for s in signatories}
        return SigningStatus(
            signed=len(signed & {p.pk for p in parties}),
            of=len(parties),
            waiting=[p for p in parties if p.pk not in signed],
        )


@dataclass(frozen=True)
class SigningStatus:
    signed: int
    of: int
    waiting: list

    @property
    def is_draft(self) -> bool:
        """Editable: nobody has signed yet, so no signature would be given to other words."""
        return self.signed == 0

    @property
    def label(self) -> str:
        if self.is_draft:
            return "Draft: not signed yet"
        if self.signed < self.of:
            return f"Signed by {self.signed} of {self.of} parties"
        return "Signed by every party"


class Signatory(models.Model):
    agreement = models.ForeignKey(
        InformationSharingAgreement, on_delete=models.CASCADE, related_name="signatories"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    name = models.CharField(max_length=200)
    position = models.CharField(max_length=200)
    signed_on = models.DateField()
    signed_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The administrator of the party who signed for it on the site "
        "(empty: recorded in the back office before signing on the site).",
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="one_signatory_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.position}, {self.organisation}"


class HashScheme(models.TextChoices):
    SHA256 = "sha256", "SHA-256 (written before the chain was keyed)"
    HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256 under the audit key"


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit record (see :mod:`convenor.core.audit`).

    On PostgreSQL a trigger refuses UPDATE and DELETE of these rows; everywhere,
    ``convenor audit verify`` recomputes the chain and names the first entry that does not match.
    """

    at = models.DateTimeField()
    # PROTECT everywhere: a person or organisation that appears in the chain is deactivated,
    # never deleted, so no audit row ever has to change.
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation the record belongs to, so its auditor sees who touched it.",
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    # How entry_hash was made: entries written before the chain was keyed keep plain SHA-256
    # (and still verify); every later one is HMAC-SHA256 under CONVENOR_AUDIT_KEY (ADR 0002).
    scheme = models.CharField(max_length=16, choices=HashScheme.choices)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.action} {self.object_type}:{self.object_id} by {self.actor_username}"
        )


def _not_members(partnership: Partnership, organisations) -> str:
    names = ", ".join(sorted(o.name for o in organisations))
    return f"Not members of {partnership}: {names}"


@receiver(m2m_changed, sender=InformationSharingAgreement.parties.through)
def _parties_are_members(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Every door (admin, pages, API, commands, shell) refuses an ISA party that is not a member
    of the agreement's partnership; the data rules also check it when reading."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # organisation.agreements.add(...)
        pairs = [
            (agreement, [instance])
            for agreement in InformationSharingAgreement.objects.filter(pk__in=pk_set)
        ]
    else:
        pairs = [(instance, Organisation.objects.filter(pk__in=pk_set))]
    for agreement, organisations in pairs:
        outsiders = [
            o
            for o in organisations
            if not o.partnerships.filter(pk=agreement.partnership_id).exists()
        ]
        if outsiders:
            raise ValidationError({"parties": _not_members(agreement.partnership, outsiders)})
