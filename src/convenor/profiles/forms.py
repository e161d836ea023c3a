from __future__ import annotations

from django import forms

from convenor.core.forms import AreaChoiceField
from convenor.core.models import Area, Partnership

from .periods import Period, PeriodError


def _period_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label="Period",
        max_length=20,
        help_text="A quarter, for example 2025Q4 (October to December 2025)",
        **kwargs,
    )


def _clean_period(value: str) -> str:
    try:
        return str(Period.parse(value))
    except PeriodError as problem:
        raise forms.ValidationError(str(problem)) from problem


class ProfileForm(forms.Form):
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        label="Partnership",
        help_text="The partnership the profile is built for and disseminated in",
        empty_label=None,
    )
    areas = AreaChoiceField(
        label="Areas",
        required=True,
        missing="Choose at least one area the profile covers",
        help_text="Local authorities of your partnerships; a county or police force area stands "
        "for all its local authorities (hold Ctrl or Cmd to choose several)",
    )
    title = forms.CharField(
        label="Title (optional)",
        max_length=200,
        required=False,
        help_text="Left blank, the profile is named after its areas",
    )
    period = _period_field()

    def __init__(self, *args, partnerships=None, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships or Partnership.objects.none()
        self.fields["areas"].queryset = areas if areas is not None else Area.objects.none()

    def clean_areas(self) -> list[str]:
        return [area.code for area in self.cleaned_data["areas"]]

    def clean_period(self) -> str:
        return _clean_period(self.cleaned_data["period"])


class BuildForm(forms.Form):
    period = _period_field()

    def clean_period(self) -> str:
        return _clean_period(self.cleaned_data["period"])


class CompareForm(forms.Form):
    before = forms.TypedChoiceField(label="Earlier version", coerce=int)
    after = forms.TypedChoiceField(label="Later version", coerce=int)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, f"Version {v.number} ({v.period})") for v in versions]
        self.fields["before"].choices = choices
        self.fields["after"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("before") is not None and data.get("before") == data.get("after"):
            self.add_error("after", "Choose two different versions to compare")
        return data


class OpportunityActionForm(forms.Form):
    """Turn a profile opportunity into an action on a board of the profile's partnership."""

    board = forms.ModelChoiceField(
        label="Board", queryset=None, empty_label=None, help_text="A board you run"
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owner's organisation", queryset=None, empty_label=None
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=None,
        empty_label=None,
        help_text="A person with a current role in the owner's organisation",
    )
    due_on = forms.DateField(
        label="Due on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 2026-03-31",
        error_messages={
            "invalid": "Enter a real date, for example 2026-03-31",
            "required": "Enter the date the action is due",
        },
    )

    def __init__(self, *args, boards, organisations, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards
        self.fields["owner_organisation"].queryset = organisations
        self.fields["owner"].queryset = people
        self.fields["owner"].label_from_instance = lambda u: f"{u} ({u.username})"
