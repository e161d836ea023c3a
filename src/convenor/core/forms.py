from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from .models import Area, InformationSharingAgreement, LegalBasis, Organisation, Partnership

AREA_LEVELS = {
    Area.Kind.LOWER_TIER: "local authority",
    Area.Kind.UPPER_TIER: "county",
    Area.Kind.POLICE_FORCE: "police force area",
    Area.Kind.REGION: "region",
}


def text_box(
    label: str, max_length: int, *, missing: str | None = None, help_text: str = ""
) -> forms.CharField:
    """A multi-line text field: required when ``missing`` says what to ask for if it is left
    empty (``missing="Enter the answer"``), optional otherwise."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea,
        required=missing is not None,
        help_text=help_text,
        error_messages={"required": missing} if missing else None,
    )


def area_label(area: Area) -> str:
    """An area with its level, as pickers show it: "Preston (local authority)"; an abolished
    one a record still holds says so: "Craven (local authority, ended 31 March 2023)"."""
    level = AREA_LEVELS.get(area.kind, area.get_kind_display().lower())
    if area.ended_on:
        level += f", ended {area.ended_on.day} {area.ended_on:%B %Y}"
    return f"{area.name} ({level})"


class AreaChoiceField(forms.ModelMultipleChoiceField):
    """Areas chosen from a list labelled by level (the form sets ``queryset`` to what the user
    may choose, e.g. ``core.selectors.areas_for_user``); a code outside it is refused."""

    def __init__(self, *, label: str, help_text: str = "", required: bool = False, **kwargs):
        missing = kwargs.pop("missing", "Choose at least one area")
        super().__init__(
            queryset=Area.objects.none(),
            to_field_name="code",
            label=label,
            help_text=help_text,
            required=required,
            widget=forms.SelectMultiple(attrs={"size": 10}),
            error_messages={
                "required": missing,
                "invalid_choice": "Choose areas from the list: “%(value)s” is not one of the "
                "current areas of your partnerships",
                "invalid_pk_value": "Choose areas from the list",
            },
            **kwargs,
        )

    def clean(self, value):
        if isinstance(value, list | tuple):  # an empty entry chooses nothing
            value = [code for code in value if code not in ("", None)]
        return super().clean(value)

    def label_from_instance(self, obj: Area) -> str:
        return area_label(obj)


def check_boxes(
    label: str,
    *,
    choices=None,
    queryset=None,
    missing: str | None = None,
    help_text: str = "",
) -> forms.MultipleChoiceField:
    """Checkboxes for several ``choices`` (codes) or rows of a ``queryset`` (a model choice
    field): required when ``missing`` says what to ask for if none is ticked, optional
    otherwise."""
    options = {
        "label": label,
        "widget": forms.CheckboxSelectMultiple,
        "required": missing is not None,
        "help_text": help_text,
        "error_messages": {"required": missing} if missing else None,
    }
    if queryset is not None:
        return forms.ModelMultipleChoiceField(queryset=queryset, **options)
    return forms.MultipleChoiceField(choices=choices, **options)


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been deactivated. Ask your partnership administrator.",
    }


class SecondFactorForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label="Security code",
        help_text="The 6-digit code from your authenticator app",
        error_messages={
            "required": "Enter the 6-digit security code from your authenticator app",
            "invalid": "The security code must be 6 digits, like 123456",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class NewPasswordForm(PasswordChangeForm):
    """The person's own change: current password, then the new one twice (Django's validators)."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not right. Enter it again.",
        "password_mismatch": "The two new passwords do not match",
    }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"

    def clean_old_password(self) -> str:
        """Checked through authenticate(), so wrong guesses here count towards the lockout."""
        old_password = self.cleaned_data["old_password"]
        confirmed = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if confirmed is None or confirmed.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password

    def save(self, commit=True):
        """The change itself is a service (audited, tokens revoked); the form only validates."""
        raise NotImplementedError("Call services.change_password")


class ConfirmIdentityForm(SecondFactorForm):
    """Re-authentication: the password and a fresh security code."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    field_order = ["password", "code"]


class PostcodeForm(forms.Form):
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter a postcode, like PR1 2HE"},
    )


class AgreementForm(forms.ModelForm):
    """A new information sharing agreement for a partnership."""

    legal_bases = check_boxes(
        "Legal basis for sharing",
        choices=LegalBasis.choices,
        missing="Select at least one legal basis for sharing",
    )
    parties = check_boxes(
        "Parties",
        queryset=Organisation.objects.none(),
        missing="Select the organisations that are party to the agreement",
    )

    class Meta:
        model = InformationSharingAgreement
        fields = InformationSharingAgreement.RECORDED_FIELDS
        labels = {
            "starts_on": "Starts on",
            "review_date": "Review date",
            "data_categories": "Data shared",
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "review_date": forms.DateInput(attrs={"type": "date"}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "data_categories": forms.Textarea(attrs={"rows": 3}),
            "retention": forms.Textarea(attrs={"rows": 3}),
            "security": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["parties"].queryset = partnership.organisations.all()
        for name, field in self.fields.items():
            if name not in ("legal_bases", "parties"):
                field.error_messages["required"] = f"Enter the {field.label.lower()}"


class SignatureForm(forms.Form):
    """A party signs: for which of the actor's organisations, in whose name and position."""

    organisation = forms.ModelChoiceField(
        label="Signing for",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the organisation you sign for"},
    )
    name = forms.CharField(
        label="Name of the signatory",
        max_length=200,
        error_messages={"required": "Enter the name of the signatory"},
    )
    position = forms.CharField(
        label="Position",
        max_length=200,
        help_text="For example Chief Executive, Chief Constable",
        error_messages={"required": "Enter the signatory's position"},
    )
    confirm = forms.BooleanField(
        label="I sign this agreement for the organisation named above, as it is written here",
        error_messages={"required": "Confirm that you sign the agreement as it is written"},
    )

    def __init__(self, *args, organisations, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        self.fields["name"].initial = user.get_full_name() or user.get_username()

    def signature(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("organisation", "name", "position")}


class InvitationForm(forms.Form):
    """Invite an organisation to join by its short name (the last part of its page address):
    it becomes a member only when its own administrator accepts."""

    organisation = forms.SlugField(
        label="Organisation's short name",
        help_text="As in its page address, e.g. lancashire-constabulary",
        error_messages={"required": "Enter the organisation's short name"},
    )

    def clean_organisation(self) -> Organisation:
        slug = self.cleaned_data["organisation"]
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise forms.ValidationError(f"No organisation has the short name {slug}")
        return organisation


class AuditFilterForm(forms.Form):
    """The audit list's filters (page and CSV alike); dates are inclusive, from on or before to."""

    action = forms.CharField(label="Action code", required=False, max_length=64)
    username = forms.CharField(label="Username", required=False, max_length=150)
    object_type = forms.CharField(label="Record type", required=False, max_length=100)
    from_date = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the ‘from’ date as a real date, like 2026-03-31"},
    )
    to_date = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the ‘to’ date as a real date, like 2026-03-31"},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from_date"), cleaned.get("to_date")
        if start and end and start > end:
            self.add_error("to_date", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned
