"""Forms of intelligence: each bad value gets a message naming the field."""

from __future__ import annotations

import datetime

from django import forms
from django.core import signing
from django.utils import timezone

from convenor.core.forms import check_boxes, text_box
from convenor.core.models import LegalBasis, Organisation, Partnership

from . import grading
from .models import REPORT_FIELDS, IntelligenceReport, Subject

SUBJECT_ROWS = 3
MAX_TEXT = 20000


# What the file picker offers (the files module checks what actually arrives).
ACCEPTED_UPLOADS = ".jpg,.jpeg,.png,.pdf,.txt"
UPLOADS_HINT = "A JPEG or PNG image, a PDF or a plain text file, up to 5 MB"


def attachment_field(label: str, *, missing: str | None = None, more: str = "") -> forms.FileField:
    """A file field offering the accepted uploads: required when ``missing`` says what to ask
    for if no file comes, optional otherwise; ``more`` follows the hint on what may be sent."""
    return forms.FileField(
        widget=forms.FileInput(attrs={"accept": ACCEPTED_UPLOADS}),
        label=label,
        required=missing is not None,
        help_text=UPLOADS_HINT + more,
        error_messages={"required": missing} if missing else None,
    )


def _blank(choices, label="Choose"):
    return [("", label), *choices]


class ReportFieldsMixin:
    def clean(self):
        cleaned = super().clean()
        if grading.conditions_missing(
            cleaned.get("handling_code"), cleaned.get("handling_conditions")
        ):
            self.add_error("handling_conditions", grading.CONDITIONS_MISSING)
        return cleaned

    def _set_messages(self) -> None:
        for name, field in self.fields.items():
            label = (field.label or name).replace(" (optional)", "").lower()
            field.error_messages["required"] = f"Enter the {label}"
            if isinstance(field, forms.MultipleChoiceField):
                field.error_messages["invalid_choice"] = f"Choose {label} from the list"
            elif isinstance(field, forms.ChoiceField):
                field.error_messages["required"] = f"Choose the {label}"
                field.error_messages["invalid_choice"] = f"Choose a {label} from the list"
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = (
                    f"The {label} must be {field.max_length} characters or fewer"
                )
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"Enter the {label} as a date, like 2026-03-31"


class ReportForm(ReportFieldsMixin, forms.ModelForm):
    threat_areas = check_boxes("Threat areas", choices=grading.threat_area_choices)
    four_p = check_boxes("Relevant to (4P)", choices=grading.FourP.choices)
    source_evaluation = forms.ChoiceField(
        label="Source evaluation", choices=_blank(grading.SourceEvaluation.choices)
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment", choices=_blank(grading.IntelligenceAssessment.choices)
    )
    handling_code = forms.ChoiceField(
        label="Handling code", choices=_blank(grading.HandlingCode.choices)
    )
    classification = forms.ChoiceField(
        label="Security classification", choices=grading.Classification.choices
    )
    legal_basis = forms.ChoiceField(label="Legal basis", choices=_blank(LegalBasis.choices))
    attachment = attachment_field(
        "Attachment (optional)", more=". Image and PDF metadata is removed."
    )

    class Meta:
        model = IntelligenceReport
        fields = REPORT_FIELDS
        labels = {
            "content": "What is known",
            "occurred_on": "When it happened (optional)",
            "location": "Where (optional)",
            "postcode": "Postcode (optional)",
            "handling_conditions": "Handling conditions",
            "review_date": "Review date",
        }
        help_texts = {
            "handling_conditions": "Required for handling code C: the conditions travel with "
            "the report and every recipient acknowledges them before reading it",
            "postcode": "Gives the local authority, like PR1 2HE",
            "occurred_on": "As a date, like 2026-11-01",
            "review_date": "When the report must be reviewed (MoPI), like 2027-11-01",
        }
        widgets = {"content": forms.Textarea, "handling_conditions": forms.Textarea}

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_date"].initial = timezone.localdate() + datetime.timedelta(days=365)
        self.fields["content"].max_length = MAX_TEXT
        for i in range(1, SUBJECT_ROWS + 1):
            self.fields[f"subject_{i}_kind"] = forms.ChoiceField(
                label=f"Subject {i}: kind",
                choices=_blank(Subject.Kind.choices, "None"),
                required=False,
            )
            self.fields[f"subject_{i}_name"] = forms.CharField(
                label=f"Subject {i}: name",
                max_length=200,
                required=False,
                help_text="A person's or business's name, a vehicle, an address",
            )
            self.fields[f"subject_{i}_identifier"] = forms.CharField(
                label=f"Subject {i}: identifier (optional)",
                max_length=100,
                required=False,
                help_text="Date of birth, company number, registration mark or postcode",
            )
        self._set_messages()
        if organisations is not None and organisations.count() > 1:
            self.fields["organisation"] = forms.ModelChoiceField(
                label="Submitted for",
                queryset=organisations,
                help_text="The organisation that will hold the report",
                error_messages={
                    "required": "Choose the organisation that will hold the report",
                    "invalid_choice": "Choose one of your organisations",
                },
            )
            self.order_fields(["organisation"])

    def clean_review_date(self):
        value = self.cleaned_data["review_date"]
        if value and value <= timezone.localdate():
            raise forms.ValidationError("The review date must be in the future")
        return value

    def clean(self):
        cleaned = super().clean()
        for i in range(1, SUBJECT_ROWS + 1):
            kind, name = cleaned.get(f"subject_{i}_kind"), cleaned.get(f"subject_{i}_name")
            if kind and not (name or "").strip():
                self.add_error(f"subject_{i}_name", f"Enter subject {i}'s name")
            if (name or "").strip() and not kind:
                self.add_error(f"subject_{i}_kind", f"Choose what kind of subject {i} is")
        return cleaned

    def subjects(self) -> list[dict]:
        rows = []
        for i in range(1, SUBJECT_ROWS + 1):
            kind = self.cleaned_data.get(f"subject_{i}_kind")
            if kind:
                rows.append(
                    {
                        "kind": kind,
                        "name": self.cleaned_data[f"subject_{i}_name"].strip(),
                        "identifier": self.cleaned_data.get(f"subject_{i}_identifier", "").strip(),
                    }
                )
        return rows


class ConversionForm(ReportForm):
    """Triage: an anonymous report turned into an intelligence report, prefilled from what the
    reporter wrote; its files come with it, so the form takes none."""

    CONTENT_PARTS = [
        ("what", "What"),
        ("where", "Where"),
        ("when", "When"),
        ("who", "Who"),
        ("how_known", "How the reporter knows"),
    ]

    def __init__(self, *args, submission, content: dict, **kwargs):
        text = "\n\n".join(
            f"{label}: {content[key]}" for key, label in self.CONTENT_PARTS if content.get(key)
        )
        kwargs["initial"] = {
            "title": f"From anonymous report {submission.reference}",
            "content": text,
            "source_evaluation": submission.source_evaluation or "2",
            "intelligence_assessment": submission.intelligence_assessment,
            "legal_basis": "dpa_part3",
        }
        super().__init__(*args, prefix="convert", **kwargs)
        del self.fields["attachment"]


class SanitiseForm(ReportFieldsMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    content = forms.CharField(
        label="What is known (sanitised)",
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        help_text="Remove anything that would identify the source or a sensitive tactic",
    )
    location = forms.CharField(label="Where (optional)", max_length=300, required=False)
    handling_code = forms.ChoiceField(
        label="Handling code", choices=_blank(grading.HandlingCode.choices)
    )
    handling_conditions = forms.CharField(
        label="Handling conditions", widget=forms.Textarea, required=False, max_length=5000
    )
    keep_subjects = forms.BooleanField(
        label="Keep the subjects in the sanitised version", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_messages()


class DisseminateForm(forms.Form):
    organisations = check_boxes(
        "Organisations",
        queryset=Organisation.objects.none(),
        help_text="Only organisations party to an information sharing agreement in force with "
        "yours can receive it",
    )
    partnerships = check_boxes(
        "Partnerships",
        queryset=Partnership.objects.none(),
        help_text="Every member party to an agreement in force with yours receives it",
    )

    def __init__(self, *args, organisations, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        self.fields["partnerships"].queryset = partnerships
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "Choose from the list"
            field.error_messages["invalid_pk_value"] = "Choose from the list"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("organisations") and not cleaned.get("partnerships"):
            raise forms.ValidationError("Choose at least one organisation or partnership")
        return cleaned


class LinkSubjectForm(forms.Form):
    """The entity chosen on the subject's link page (its number; "none" removes the link)."""

    UNLINK = "none"

    entity = forms.RegexField(
        label="Threat picture entity",
        regex=r"^\s*(?:[Ee]?\d{1,12}|none)\s*$",
        max_length=20,
        error_messages={
            "required": "Choose an entity, or choose to remove the link",
            "invalid": "Choose an entity from the list",
        },
    )
    q = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_entity(self) -> int | None:
        value = self.cleaned_data["entity"].strip().lstrip("Ee")
        return None if value == self.UNLINK else int(value)


class EntitySearchForm(forms.Form):
    q = forms.CharField(
        label="Search the threat picture",
        max_length=200,
        required=False,
        help_text="A name, business, registration, postcode or phone number",
        error_messages={"max_length": "Enter at most 200 characters"},
    )


class QuestionForm(forms.Form):
    question = text_box("What do you need to know?", 5000, missing="Enter what you need to know")


class AnswerForm(forms.Form):
    answer = text_box("Your answer", 10000, missing="Enter the answer")


class AttachmentForm(forms.Form):
    attachment = attachment_field("Add an attachment", missing="Choose a file to attach")


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, required=False)
    area = forms.CharField(
        label="Local authority code", max_length=16, required=False, help_text="Like E07000123"
    )
    threat_area = forms.ChoiceField(
        label="Threat area",
        choices=lambda: _blank(grading.threat_area_choices(), "Any"),
        required=False,
    )
    source_evaluation = forms.ChoiceField(
        label="Source evaluation",
        choices=_blank(grading.SourceEvaluation.choices, "Any"),
        required=False,
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment",
        choices=_blank(grading.IntelligenceAssessment.choices, "Any"),
        required=False,
    )
    handling_code = forms.ChoiceField(
        label="Handling code", choices=_blank(grading.HandlingCode.choices, "Any"), required=False
    )
    subject = forms.CharField(label="Subject", max_length=200, required=False)
    subject_kind = forms.ChoiceField(
        label="Kind of subject", choices=_blank(Subject.Kind.choices, "Any"), required=False
    )
    created_from = forms.DateField(label="Recorded from", required=False)
    created_to = forms.DateField(label="Recorded to", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = field.label.lower()
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = f"Choose a {label} from the list"
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"Enter “{label}” as a date, like 2026-03-31"


# --- Triage -----------------------------------------------------------------------------------


class ReplyForm(forms.Form):
    reply = text_box(
        "Reply to the reporter",
        5000,
        missing="Enter your reply to the reporter",
        help_text="The reporter reads this with their receipt code. Do not name anyone.",
    )


class GradeForm(forms.Form):
    source_evaluation = forms.ChoiceField(
        label="Source evaluation",
        choices=grading.SourceEvaluation.choices,
        help_text="Anonymous sources are graded 2 (untested) by default",
        error_messages={"invalid_choice": "Choose a source evaluation: 1, 2 or 3"},
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment",
        choices=_blank(grading.IntelligenceAssessment.choices),
        error_messages={
            "required": "Choose an intelligence assessment",
            "invalid_choice": "Choose an intelligence assessment: A to E",
        },
    )


class CloseForm(forms.Form):
    reason = text_box(
        "Why is it being closed?", 2000, missing="Enter why the report is being closed"
    )


# --- The anonymous channel (public) -----------------------------------------------------------

_TOKEN_SALT = "convenor.intelligence.anonymous-form"
TOKEN_MAX_AGE = 4 * 60 * 60


def form_token(purpose: str) -> str:
    """A signed, non-identifying form token: the purpose and the time it was made, signed with
    the secret key. It is the same for everyone who loads the form in the same second and is
    never stored, so it identifies nobody; it proves the post came from a form Convenor served
    within the last four hours (see ADR 0032)."""
    return signing.TimestampSigner(salt=_TOKEN_SALT).sign(purpose)


def token_valid(token: str, purpose: str) -> bool:
    try:
        value = signing.TimestampSigner(salt=_TOKEN_SALT).unsign(
            (token or "")[:200], max_age=TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return value == purpose


class AnonymousReportForm(forms.Form):
    what = text_box("What is happening?", MAX_TEXT, missing="Tell us what is happening")
    where = text_box(
        "Where is it happening? (optional)",
        1000,
        help_text="An address, a street, a business, a place",
    )
    when = forms.CharField(
        label="When did it happen, or when does it happen? (optional)",
        max_length=1000,
        required=False,
    )
    who = text_box(
        "Who is involved? (optional)", 2000, help_text="Names, nicknames, descriptions, vehicles"
    )
    how_known = text_box(
        "How do you know this? (optional)",
        1000,
        help_text="For example: I saw it, I was told, it is common knowledge. "
        "Do not say anything that would identify you.",
    )
    attachment = attachment_field(
        "A photo or document (optional)",
        more=". We remove the hidden details (such as location and camera) from images and PDFs.",
    )


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label="Your receipt code",
        max_length=80,
        help_text="The code you were given when you made your report, like ABCD-EFGH-…",
        error_messages={"required": "Enter your receipt code"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ReporterMessageForm(forms.Form):
    message = text_box("Add information or answer the analyst", 5000)
    attachment = attachment_field("A photo or document (optional)")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("message") or "").strip() and not cleaned.get("attachment"):
            self.add_error("message", "Enter what you want to add")
        return cleaned
