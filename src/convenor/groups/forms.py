"""Forms of the groups pages. They shape input; the rules (who, which organisation, which
partnership, which officer) are checked once, in :mod:`convenor.groups.services`."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from convenor.core import access
from convenor.core.models import Area, Membership, Organisation, Partnership, User

from .access_rules import editing_organisations, group_area_choices
from .models import GroupMember, HarmCharacteristic, OrganisedCrimeGroup, ThreatArea
from .scoring import ScoringModel
from .services import RATIONALE_MAX


class _Labelled:
    """Error messages that name the field, in the GOV.UK style."""

    def _name_fields(self) -> None:
        default = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            choice = isinstance(field, forms.ModelChoiceField | forms.ChoiceField)
            if field.error_messages.get("required") == default:
                verb = "Choose" if choice else "Enter"
                field.error_messages["required"] = f"{verb} the {field.label.lower()}"
            if choice and field.error_messages.get("invalid_choice", "").startswith("Select"):
                field.error_messages["invalid_choice"] = (
                    f"Choose the {field.label.lower()} from the list"
                )


class GroupForm(_Labelled, forms.Form):
    owning_organisation = forms.ModelChoiceField(
        label="Owning organisation",
        queryset=Organisation.objects.none(),
        help_text="The organisation that records the group and is responsible for it",
    )
    name = forms.CharField(label="Name", max_length=200)
    status = forms.ChoiceField(
        label="Status",
        choices=OrganisedCrimeGroup.Status.choices,
        initial=OrganisedCrimeGroup.Status.ACTIVE,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the group does, where and how. OFFICIAL-SENSITIVE at most",
    )
    lead_responsible_officer = forms.ModelChoiceField(
        label="Lead responsible officer",
        queryset=User.objects.none(),
        help_text="A member of staff of the owning organisation",
    )
    partnership = forms.ModelChoiceField(
        label="Shared in partnership",
        queryset=Partnership.objects.none(),
        required=False,
        empty_label="Not shared: the owning organisation only",
        help_text="Partners see it while they and the owning organisation are parties to the "
        "partnership's current information sharing agreement",
    )
    threat_areas = forms.ModelMultipleChoiceField(
        label="Threat areas",
        queryset=ThreatArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one threat area"},
    )
    harm_characteristics = forms.ModelMultipleChoiceField(
        label="Harm characteristics",
        queryset=HarmCharacteristic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The significant harm the group causes, or could cause",
        error_messages={"required": "Choose at least one harm characteristic"},
    )
    areas = forms.ModelMultipleChoiceField(
        label="Areas of operation",
        queryset=Area.objects.filter(kind=Area.Kind.LOWER_TIER),
        to_field_name="code",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Local authorities the group operates in (hold Ctrl or Cmd to choose several)",
        error_messages={
            "required": "Choose at least one local authority the group operates in",
            "invalid_choice": "Choose local authorities from the list",
        },
    )

    def __init__(self, *args, user: User, group: OrganisedCrimeGroup | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        s = access.standing(user)
        if group is None:
            organisations = Organisation.objects.filter(pk__in=editing_organisations(s))
            if user.is_superuser:
                organisations = Organisation.objects.all()
            self.fields["owning_organisation"].queryset = organisations
            if organisations.count() == 1:
                self.fields["owning_organisation"].initial = organisations.first()
            owners = organisations
        else:
            del self.fields["owning_organisation"]
            owners = Organisation.objects.filter(pk=group.owning_organisation_id)
        staff = Membership.objects.filter(
            access.current_memberships(), organisation__in=owners
        ).values("user_id")
        self.fields["lead_responsible_officer"].queryset = User.objects.filter(
            pk__in=staff, is_active=True
        )
        self.fields["partnership"].queryset = access.visible(
            user, Partnership.objects.filter(organisations__in=owners).distinct()
        )
        # The partnerships' local authorities; a group's own areas stay choosable when changed.
        areas = group_area_choices(s)
        if group is not None:
            areas = Area.objects.filter(
                Q(pk__in=areas.values("pk")) | Q(organised_crime_groups=group)
            )
        self.fields["areas"].queryset = areas.order_by("name").distinct()
        self._name_fields()
        self.fields["threat_areas"].error_messages["required"] = "Choose at least one threat area"
        self.fields["harm_characteristics"].error_messages["required"] = (
            "Choose at least one harm characteristic"
        )
        self.fields["areas"].error_messages["required"] = (
            "Choose at least one local authority the group operates in"
        )
        self.fields["areas"].error_messages["invalid_choice"] = (
            "Choose local authorities from the list"
        )
        self.fields["partnership"].error_messages["invalid_choice"] = (
            "Choose a partnership of the owning organisation from the list"
        )

    @staticmethod
    def initial_for(group: OrganisedCrimeGroup) -> dict:
        """The form's starting values for changing ``group``."""
        return {
            "name": group.name,
            "status": group.status,
            "summary": group.summary,
            "lead_responsible_officer": group.lead_responsible_officer,
            "partnership": group.partnership,
            "threat_areas": group.threat_areas.all(),
            "harm_characteristics": group.harm_characteristics.all(),
            "areas": group.areas.all(),
        }

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("owning_organisation", None)
        return data


class MemberForm(_Labelled, forms.ModelForm):
    entity = forms.CharField(
        label="Linked entity (optional)",
        required=False,
        max_length=24,
        help_text="The person or business in the partnership's linked records, by its reference "
        "on the network page, like E123",
    )

    class Meta:
        model = GroupMember
        fields = ["name", "role", "date_of_birth", "notes"]
        widgets = {
            "role": forms.RadioSelect,
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"role": "Role in the group", "date_of_birth": "Date of birth (optional)"}
        error_messages = {
            "date_of_birth": {"invalid": "Enter the date of birth as a real date, like 2009-03-27"}
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        from convenor.threat.models import Entity

        self.user = user
        self.hidden_entity = None
        current = self.instance.entity if self.instance.pk else None
        if current is not None:
            if access.visible(user, Entity.objects.filter(pk=current.pk)).exists():
                self.initial.setdefault("entity", f"E{current.pk}")
            else:
                # Someone who cannot see the linked entity keeps the link they cannot see.
                self.hidden_entity = current
        self.fields["role"].choices = GroupMember.MemberRole.choices
        self.fields["notes"].max_length = RATIONALE_MAX
        self._name_fields()
        self.fields["role"].error_messages["required"] = (
            "Choose the member's role: principal, significant or peripheral"
        )

    def clean_entity(self):
        from convenor.threat.models import Entity

        raw = self.cleaned_data["entity"].strip().upper().removeprefix("E")
        if not raw:
            return self.hidden_entity
        missing = "There is no entity with that reference that you may see"
        if not raw.isdigit() or len(raw) > 18:
            raise forms.ValidationError(f"{missing}: give a reference like E123")
        entity = access.visible(self.user, Entity.objects.filter(pk=int(raw))).first()
        if entity is None:
            raise forms.ValidationError(missing)
        return entity


class AssessmentForm(_Labelled, forms.Form):
    """One radio group per input of the configured scoring model, the date and the rationale."""

    assessed_on = forms.DateField(
        label="Date of assessment",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date of assessment as a real date, like 2026-11-27"},
    )
    rationale = forms.CharField(
        label="Rationale",
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Why these scores: the evidence and the judgement behind them. Kept with the "
        "assessment for ever",
        error_messages={"required": "Explain why: the evidence and judgement behind these scores"},
    )

    def __init__(self, *args, model: ScoringModel, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.fields["assessed_on"].initial = timezone.localdate()
        scales = {}
        for name, scale in model.input_scales.items():
            scales[name] = forms.TypedChoiceField(
                label=scale.label,
                help_text=scale.hint,
                choices=scale.choices(),
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                error_messages={
                    "required": f"Choose a score for {scale.label.lower()}",
                    "invalid_choice": f"Choose a score for {scale.label.lower()} from the list",
                },
            )
        # The inputs first, in the model's order, then the date and rationale.
        self.fields = {**scales, **self.fields}
        self.input_names = list(scales)
        self.fields["assessed_on"].error_messages["required"] = "Enter the date of assessment"

    def clean_assessed_on(self) -> datetime.date:
        value = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date of assessment cannot be in the future")
        return value

    def inputs(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in self.input_names}
