"""Forms of the threat pages. Choices offered are always what the policy lets the user see."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from convenor.core import access
from convenor.core.models import (
    InformationSharingAgreement,
    LegalBasis,
    Membership,
    Organisation,
    Partnership,
    Role,
    User,
)

from . import graph, selectors
from .importing import FIELDS, limits
from .models import Dataset, Entity, LinkDecision, Relation


class DatasetForm(forms.ModelForm):
    """The holder, partnership, agreement and contact offered are narrowed to the user's
    organisations in ``__init__``."""

    legal_basis = forms.ChoiceField(
        choices=[("", "Choose a legal basis")] + list(LegalBasis.choices),
        help_text="It must be one the agreement names.",
        error_messages={"required": "Choose the legal basis for sharing"},
    )
    kind = forms.ChoiceField(
        choices=[("", "Choose a kind")] + list(Dataset.Kind.choices),
        label="What the dataset holds",
        error_messages={"required": "Choose what the dataset holds"},
    )

    class Meta:
        model = Dataset
        fields = [
            "title",
            "organisation",
            "partnership",
            "agreement",
            "legal_basis",
            "kind",
            "description",
            "contact",
            "extracted_on",
        ]
        labels = {
            "organisation": "Holding organisation",
            "agreement": "Information sharing agreement",
            "contact": "Contact for partners",
            "extracted_on": "Date the data was extracted",
        }
        help_texts = {
            "organisation": "The organisation whose data this is. You must be one of its analysts.",
            "agreement": "Only the agreement's parties see the records, and only while it is in "
            "force.",
            "contact": "Whom partners ask when a match is found in this dataset.",
            "extracted_on": "For example, 27/11/2026",
        }
        error_messages = {
            field: {"required": message}
            for field, message in {
                "title": "Enter a title for the dataset",
                "organisation": "Choose the organisation that holds the data",
                "partnership": "Choose the partnership it is shared with",
                "agreement": "Choose the agreement the data is shared under",
                "contact": "Choose the contact for partners",
            }.items()
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        s = access.standing(user)
        analyst_of = s.organisations_with_role(Role.ANALYST)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=analyst_of)
        self.fields["partnership"].queryset = access.visible(
            user, Partnership.objects.filter(organisations__in=analyst_of).distinct()
        )
        self.fields["agreement"].queryset = access.visible(
            user,
            InformationSharingAgreement.objects.current().filter(access.member_party(analyst_of)),
        ).distinct()
        self.fields["contact"].queryset = User.objects.filter(
            pk__in=Membership.objects.filter(
                access.current_memberships(), organisation__in=analyst_of
            ).values("user_id"),
            is_active=True,
        )
        self.fields["contact"].initial = user.pk
        self.fields["description"].widget = forms.Textarea()

    def clean_extracted_on(self):
        value = self.cleaned_data.get("extracted_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The extraction date must be today or in the past")
        return value


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
        help_text="CSV (UTF-8 or Windows-1252; comma, semicolon, tab or pipe) or Excel (XLSX). "
        "The first row must name the columns.",
        error_messages={"required": "Choose a CSV or XLSX file", "empty": "The file is empty"},
    )
    confirm = forms.BooleanField(
        label="The dataset's legal basis and information sharing agreement cover this file",
        error_messages={"required": "Confirm that the legal basis and agreement cover the file"},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        max_bytes, _, _ = limits()
        if uploaded.size > max_bytes:
            raise forms.ValidationError(
                f"The file is larger than {max_bytes // (1024 * 1024)} MB: split it, or import "
                "it with the convenor import command"
            )
        return uploaded


class MappingForm(forms.Form):
    """One choice per Convenor field: which column of the file holds it (or none)."""

    def __init__(self, *args, headers: list[str], initial_mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Not in this file")] + [(h, h) for h in headers if h]
        for field_name, label in FIELDS.items():
            initial = initial_mapping.get(field_name, "")
            self.fields[field_name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=initial if initial in headers else "",
            )

    def mapping(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class LinkageForm(forms.Form):
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        error_messages={"required": "Choose the partnership whose datasets to link"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        analyst_of = access.standing(user).organisations_with_role(Role.ANALYST)
        queryset = Partnership.objects.filter(organisations__in=analyst_of).distinct()
        if user.is_superuser:
            queryset = Partnership.objects.all()
        self.fields["partnership"].queryset = queryset


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=LinkDecision.Decision.choices,
        widget=forms.RadioSelect,
        label="Are these the same?",
        error_messages={"required": "Choose whether the records are the same"},
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        max_length=2000,
        help_text="Say why: the next analyst, and every re-run of linking, will follow this.",
        error_messages={"required": "Say why you decided this"},
    )


class MergeForm(forms.Form):
    other = forms.IntegerField(
        label="Number of the entity to merge into this one",
        help_text="For example, 1234 for entity E1234",
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": "Enter the entity's number"},
    )
    reason = forms.CharField(
        widget=forms.Textarea, max_length=2000, error_messages={"required": "Say why"}
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_other(self) -> Entity:
        other = selectors.visible_entity(self.user, self.cleaned_data["other"])
        if other is None:
            raise forms.ValidationError("No entity with that number that you can see")
        return other


class SplitForm(forms.Form):
    record = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is this record not the same?",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Say why"},
    )


class ChoiceWithDefaultField(forms.TypedChoiceField):
    """A choice that, left out of a bound form, shows (and means) its initial value."""

    def bound_data(self, data, initial):
        return initial if data in (None, "") else data


class NetworkForm(forms.Form):
    """What part of the network to show: read from the page's query string."""

    around = forms.RegexField(
        regex=r"^[a-z_]+:[0-9]+$",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
        label="Around",
        help_text="A node such as entity:12 or group:3. Use “Show around” beside a node, or "
        "“See its network” on an entity’s page. Leave empty for the whole network.",
        error_messages={"invalid": "Enter a node such as entity:12 or group:3"},
    )
    steps = ChoiceWithDefaultField(
        choices=[(n, f"{n} link{'s' if n > 1 else ''}") for n in range(1, graph.MAX_STEPS + 1)],
        coerce=int,
        required=False,
        empty_value=2,
        initial=2,
        label="How far",
        error_messages={"invalid_choice": f"Choose from 1 to {graph.MAX_STEPS} links"},
    )
    kind = forms.MultipleChoiceField(
        choices=[*Relation.Kind.choices, ("member_of_group", "Member of group")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Links to follow",
        help_text="Leave all unticked to follow every kind of link.",
        error_messages={"invalid_choice": "Choose kinds of link from the list"},
    )
    start = forms.ChoiceField(
        choices=[("", "None")] + list(graph.CONNECTION_STARTS.items()),
        required=False,
        label="Connections to organised crime groups, from",
        help_text=f"Each within {graph.MAX_STEPS} links of a group, with the chain that connects "
        "it to the nearest one.",
        error_messages={"invalid_choice": "Choose where the connections start from the list"},
    )

    def focus(self) -> graph.Focus:
        data = self.cleaned_data
        return graph.Focus(
            around=data.get("around") or "",
            steps=data.get("steps") or 2,
            kinds=frozenset(data.get("kind") or ()),
        )
