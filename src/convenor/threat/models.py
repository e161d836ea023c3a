"""The threat picture's data: partner datasets and their imports, the records they hold, the
entities those records resolve to, the candidate links between records, analysts' decisions on
those links, and the relations between entities.

Entity resolution happens within one partnership: a partnership's datasets are linked together
(:mod:`convenor.linkage`), and the clusters become :class:`Entity` rows. Which records a person may
see is decided by the dataset's information sharing agreement (see ``access_rules.py``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from convenor.core.models import (
    Area,
    InformationSharingAgreement,
    LegalBasis,
    Organisation,
    Partnership,
    User,
)


class PartnershipWork(models.Model):
    """Made for a partnership (entities, linkage runs, links, decisions): filed in the audit
    chain under the partnership's lead organisation."""

    class Meta:
        abstract = True

    @property
    def organisation(self) -> Organisation:
        return self.partnership.lead_organisation


class Dataset(models.Model):
    """A partner organisation's holding, shared with a partnership under one ISA."""

    class Kind(models.TextChoices):
        POLICE_NOMINALS = "police_nominals", "Police nominals"
        TAXI_LICENCES = "taxi_licences", "Taxi and private hire licences"
        PREMISES_LICENCES = "premises_licences", "Premises licences"
        TRADING_STANDARDS_SEIZURES = "trading_standards_seizures", "Trading standards seizures"
        CONTRACTORS = "contractors", "Council contractors and their directors"
        HOUSING = "housing", "Housing provider records"
        BENEFIT_TAX_FLAGS = "benefit_tax_flags", "Benefit or tax flags"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="datasets",
        help_text="The organisation that holds the data and answers for it.",
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="datasets")
    agreement = models.ForeignKey(
        InformationSharingAgreement,
        on_delete=models.PROTECT,
        related_name="datasets",
        help_text="The ISA it is shared under: only its parties see the records, while in force.",
    )
    legal_basis = models.CharField(max_length=32, choices=LegalBasis.choices)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    contact = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="datasets_as_contact",
        help_text="Whom partners ask about a match in this holding (flag and contact).",
    )
    extracted_on = models.DateField(
        null=True, blank=True, help_text="When the partner extracted the data."
    )
    column_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text="The last mapping of file columns to Convenor's fields, reused next time.",
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"], name="dataset_title_unique_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("threat:dataset", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.agreement_id and self.partnership_id:
            if self.agreement.partnership_id != self.partnership_id:
                errors["agreement"] = "The agreement must be one of the partnership's agreements"
            elif (
                self.organisation_id
                and not self.agreement.parties.filter(pk=self.organisation_id).exists()
            ):
                errors["agreement"] = "Your organisation is not a party to this agreement"
            if self.legal_basis and self.legal_basis not in (self.agreement.legal_bases or []):
                errors["legal_basis"] = "The agreement does not name this legal basis"
        if errors:
            raise ValidationError(errors)


class DatasetImport(models.Model):
    """One file imported into a dataset: all or nothing, idempotent by the file's SHA-256."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded, waiting for its column mapping"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    content_sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField(default=0)
    content = models.BinaryField(
        null=True, blank=True, help_text="The uploaded file, kept only until the import finishes."
    )
    column_mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(
        default=list,
        blank=True,
        help_text="Every rejected row: {row, column, reason}.",
    )
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "content_sha256"],
                condition=Q(status="done"),
                name="one_successful_import_per_content",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} into {self.dataset}"

    def get_absolute_url(self) -> str:
        return reverse("threat:import", args=[self.dataset_id, self.pk])

    @property
    def organisation(self) -> Organisation:
        return self.dataset.organisation

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, int(100 * self.processed_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)


class Entity(PartnershipWork):
    """A person, business, vehicle or address: the cluster of records that refer to it.

    Entities are resolved within one partnership. Nothing identifying is stored here: what a
    user sees of an entity comes from the records they may see (``Record.entity``).
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        BUSINESS = "business", "Business"
        VEHICLE = "vehicle", "Vehicle"
        ADDRESS = "address", "Address"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="entities")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} E{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("threat:entity", args=[self.pk])


class Record(models.Model):
    """One person, business, vehicle or address named in one row of an imported file.

    A row may give several records (a contractor row names a business and its director); the
    relations between them are :class:`Relation` rows.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="records")
    dataset_import = models.ForeignKey(
        DatasetImport, on_delete=models.CASCADE, related_name="records"
    )
    row_number = models.PositiveIntegerField(help_text="The row in the file (1 is the header).")
    kind = models.CharField(max_length=10, choices=Entity.Kind.choices)
    reference = models.CharField(
        max_length=100, blank=True, help_text="The partner's own identifier for the row."
    )
    first_name = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    local_authority = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.CharField(max_length=254, blank=True)
    vehicle_registration = models.CharField(max_length=10, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    company_number = models.CharField(max_length=10, blank=True)
    licence_number = models.CharField(max_length=50, blank=True)
    role = models.CharField(max_length=100, blank=True)
    raw = models.JSONField(default=dict, blank=True, help_text="The row as it was in the file.")
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )

    class Meta:
        ordering = ["dataset_id", "row_number", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset_import", "row_number", "kind"], name="one_record_per_row_and_kind"
            )
        ]
        indexes = [models.Index(fields=["surname", "first_name"])]

    def __str__(self) -> str:
        return f"{self.dataset}, row {self.row_number} ({self.kind})"

    def get_absolute_url(self) -> str:
        return reverse("threat:record", args=[self.pk])

    @property
    def organisation(self) -> Organisation:
        return self.dataset.organisation

    @property
    def label(self) -> str:
        """What the record names, in a few words."""
        return record_label(*(getattr(self, name) for name in LABEL_FIELDS))


# The fields a record's label is made of, in record_label's order (for values_list).
LABEL_FIELDS = (
    "kind",
    "first_name",
    "surname",
    "company_name",
    "company_number",
    "vehicle_registration",
    "address",
    "postcode",
)


def record_label(
    kind: str,
    first_name: str,
    surname: str,
    company_name: str,
    company_number: str,
    vehicle_registration: str,
    address: str,
    postcode: str,
) -> str:
    if kind == Entity.Kind.PERSON:
        return " ".join(p for p in (first_name, surname) if p) or "Unnamed person"
    if kind == Entity.Kind.BUSINESS:
        return company_name or f"Company {company_number}"
    if kind == Entity.Kind.VEHICLE:
        return vehicle_registration
    return ", ".join(p for p in (address, postcode) if p)


class Relation(models.Model):
    """Two records of the same row related: a person is director of a business, lives at an
    address, drives a vehicle, holds a licence for premises, or is an associate of another
    person. Between entities it is seen through ``Record.entity``."""

    class Kind(models.TextChoices):
        ASSOCIATE_OF = "associate_of", "Associate of"
        DIRECTOR_OF = "director_of", "Director of"
        LIVES_AT = "lives_at", "Lives at"
        DRIVES = "drives", "Drives"
        HOLDS_LICENCE = "holds_licence", "Holds licence for"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="relations_out")
    to_record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="relations_in")
    source_record = models.ForeignKey(
        Record,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The record of the row that states the relation.",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "from_record", "to_record"], name="one_relation_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_record.label} {self.get_kind_display().lower()} {self.to_record.label}"

    @property
    def organisation(self) -> Organisation:
        return self.source_record.dataset.organisation


class LinkageRun(PartnershipWork):
    """One run of entity resolution over a partnership's datasets, in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Linking"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="linkage_runs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    progress = models.FloatField(default=0.0)
    record_count = models.PositiveIntegerField(default=0)
    pair_count = models.PositiveIntegerField(default=0)
    entity_count = models.PositiveIntegerField(default=0)
    model_summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk} for {self.partnership}"

    def get_absolute_url(self) -> str:
        return reverse("threat:linkage_run", args=[self.pk])

    @property
    def percent(self) -> int:
        return max(0, min(100, int(round(self.progress * 100))))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class MatchPair(PartnershipWork):
    """A candidate link: two records that probably refer to the same thing, with the model's
    probability and the fields that agreed (the "why"). Replaced by each linkage run."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pairs")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    record_a = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField(default=0.0)
    agreeing = models.JSONField(default=list, blank=True)
    # The levels the model scored ({comparison: [gamma, match weight]}, Splink's comparison
    # vector; convenor.linkage.explain puts it in words). Empty for links stored before it was
    # kept, and for confirmed pairs the model did not score.
    comparison_vector = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-match_probability", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "record_a", "record_b"], name="one_pair_per_run"
            ),
            models.CheckConstraint(
                condition=Q(record_a__lt=models.F("record_b")), name="pair_in_record_order"
            ),
            models.CheckConstraint(
                condition=Q(match_probability__gte=0) & Q(match_probability__lte=1),
                name="pair_probability_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"Link R{self.record_a_id}–R{self.record_b_id} ({self.match_probability:.2f})"

    def get_absolute_url(self) -> str:
        return reverse("threat:link", args=[self.pk])


class LinkDecision(PartnershipWork):
    """An analyst's word on two records: they are the same (confirm) or not (reject).

    Merging two entities confirms one pair between them; splitting a record off rejects its
    pairs with the rest. The latest decision on a pair stands, and every linkage run obeys it.
    """

    class Decision(models.TextChoices):
        CONFIRM = "confirm", "Same"
        REJECT = "reject", "Not the same"

    class Via(models.TextChoices):
        PAIR = "pair", "Link review"
        MERGE = "merge", "Merge of entities"
        SPLIT = "split", "Split of an entity"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="link_decisions"
    )
    record_a = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.PAIR)
    reason = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record_a__lt=models.F("record_b")), name="decision_in_record_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: R{self.record_a_id} and R{self.record_b_id}"
