"""Forms of the response pages: disruptions, their verification, ancillary orders and breaches.
They shape input (pounds into pence, conditions one a line); the rules are the services'."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from convenor.core import access
from convenor.core.models import Membership, User

from .forms import _Labelled
from .models import (
    DisruptionImpact,
    DisruptionType,
    FourP,
    GroupMember,
    OrderType,
    OrganisedCrimeGroup,
)
from .services import RATIONALE_MAX
from .services.disruptions import partner_organisations

DATE = {"type": "date"}
POUNDS_MAX = Decimal("90000000000000")


def _pence(pounds: Decimal | None) -> int | None:
    return None if pounds is None else int((pounds * 100).to_integral_value())


def _date(label: str, named: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    """A date picker; a date that is not real is refused as "Enter ``named`` as a real date"."""
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=DATE),
        help_text=help_text,
        error_messages={"invalid": f"Enter {named} as a real date"},
    )


def _pounds(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=POUNDS_MAX,
        decimal_places=2,
        help_text=help_text,
        error_messages={"invalid": f"Enter the {label.lower()} in pounds, like 12500.00"},
    )


class ImpactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, impact: DisruptionImpact) -> str:
        return f"{impact.name}: {impact.definition}"


class DisruptionForm(_Labelled, forms.Form):
    occurred_on = _date("Date of the disruption", "the date of the disruption")
    disruption_type = forms.ModelChoiceField(
        label="Type of disruption", queryset=DisruptionType.objects.all()
    )
    p = forms.ChoiceField(
        label="P it serves",
        choices=FourP.choices,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
    )
    description = forms.CharField(
        label="What happened",
        required=False,
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    quantity = forms.IntegerField(
        label="Quantity",
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="For seizures: how many (grams, items, vehicles, firearms)",
    )
    value = _pounds("Value", "For seizures, restraint and confiscation: the value in pounds")
    lead_agency = forms.ModelChoiceField(label="Lead agency", queryset=None)
    contributing_partners = forms.ModelMultipleChoiceField(
        label="Contributing partners",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    members = forms.ModelMultipleChoiceField(
        label="Members concerned",
        queryset=GroupMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    impact = ImpactChoiceField(
        label="Impact", queryset=DisruptionImpact.objects.all(), widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label="Rationale",
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why you judge the impact so; a second person verifies it",
        error_messages={"required": "Explain why you judge the impact so: a rationale is required"},
    )

    def __init__(self, *args, group: OrganisedCrimeGroup, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = partner_organisations(group)
        self.fields["lead_agency"].queryset = organisations
        self.fields["lead_agency"].initial = group.owning_organisation_id
        self.fields["contributing_partners"].queryset = organisations
        self.fields["members"].queryset = group.members.order_by("name", "pk")
        self.fields["impact"].empty_label = None
        self._name_fields()
        self.fields["rationale"].error_messages["required"] = (
            "Explain why you judge the impact so: a rationale is required"
        )
        self.fields["p"].error_messages["required"] = (
            "Choose the P the disruption serves: Pursue, Prevent, Protect or Prepare"
        )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["value_pence"] = _pence(data.pop("value"))
        return data


class VerifyForm(forms.Form):
    """Nothing to fill in: the button confirms the disruption and its impact."""


class OrderForm(_Labelled, forms.Form):
    order_type = forms.ModelChoiceField(label="Type of order", queryset=OrderType.objects.all())
    subject = forms.ModelChoiceField(
        label="On", queryset=GroupMember.objects.none(), help_text="The member of the group"
    )
    court = forms.CharField(label="Court", max_length=200)
    made_on = _date("Date made", "the date made")
    expires_on = _date("Date it expires", "the date it expires", required=False)
    conditions = forms.CharField(
        label="Conditions",
        required=False,
        max_length=RATIONALE_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One condition a line",
    )
    monitoring_officer = forms.ModelChoiceField(
        label="Monitoring officer",
        queryset=User.objects.none(),
        help_text="The officer responsible for monitoring the order",
    )
    amount = _pounds("Amount", "Confiscation orders only: the amount to pay, in pounds")
    pay_by = _date(
        "Date to pay", "the date to pay", required=False, help_text="Confiscation orders only"
    )

    def __init__(self, *args, group: OrganisedCrimeGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = group.members.order_by("name", "pk")
        staff = Membership.objects.filter(
            access.current_memberships(), organisation__in=partner_organisations(group)
        ).values("user_id")
        self.fields["monitoring_officer"].queryset = User.objects.filter(
            pk__in=staff, is_active=True
        ).order_by("first_name", "last_name", "username")
        self._name_fields()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["amount_pence"] = _pence(data.pop("amount"))
        data["conditions"] = [line for line in data["conditions"].splitlines() if line.strip()]
        return data


class BreachForm(_Labelled, forms.Form):
    occurred_on = _date("Date of the breach", "the date of the breach")
    description = forms.CharField(
        label="What the breach was", max_length=RATIONALE_MAX, widget=forms.Textarea({"rows": 3})
    )
    outcome = forms.CharField(
        label="What followed",
        max_length=RATIONALE_MAX,
        widget=forms.Textarea({"rows": 3}),
        help_text="Arrest, charge, warning, variation of the order...",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._name_fields()
