from django import forms

from .matching import MAX_QUERY_LENGTH
from .sources import KINDS


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        max_length=MAX_QUERY_LENGTH,
        help_text="A name, business, vehicle registration, postcode or phone number",
        error_messages={
            "required": "Enter a name, registration, postcode or phone number to search for",
            "max_length": f"Enter at most {MAX_QUERY_LENGTH} characters",
        },
    )
    kinds = forms.MultipleChoiceField(
        label="Only",
        choices=list(KINDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        error_messages={"invalid_choice": "Choose from the list"},
    )

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        if not text:
            raise forms.ValidationError(self.fields["q"].error_messages["required"])
        return text
