"""Forms for governance pages. They validate input and give field-named messages; the services
apply the rules and write the records."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from convenor.core import access
from convenor.core.forms import AreaChoiceField
from convenor.core.models import Area, Membership, Organisation, Partnership, User
from convenor.core.selectors import areas_for_user

from . import reference
from .models import (
    EXEMPTION_SOURCE,
    Action,
    Attendance,
    Board,
    BoardMember,
    Exemption,
    Part,
    Recommendation,
    Response,
)
from .services import check_exemption


def _required_messages(form: forms.Form) -> None:
    """Field-named messages: "Enter the name", "Choose the owner"."""
    for field in form.fields.values():
        if not field.required or isinstance(field, forms.MultipleChoiceField):
            continue
        label = str(field.label)
        label = label if label[:2].isupper() else label[:1].lower() + label[1:]
        verb = (
            "Choose" if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) else "Enter"
        )
        field.error_messages["required"] = f"{verb} the {label}"


def _checkboxes(label: str, terms, required: bool = False, help_text: str = ""):
    return forms.MultipleChoiceField(
        label=label,
        choices=reference.choices(terms),
        widget=forms.CheckboxSelectMultiple,
        required=required,
        help_text=help_text,
        error_messages={"required": f"Choose at least one: {label[:1].lower() + label[1:]}"},
    )


BOARD_AREAS_HINT = (
    "The current areas of your partnerships: local authorities, counties and police force "
    "areas (hold Ctrl or Cmd to choose several)"
)


class AreaCodesField(forms.CharField):
    """ONS codes separated by commas or spaces, e.g. ``E07000123, E08000025``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault(
            "help_text", "ONS codes separated by commas, for example E07000123, E23000014"
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        codes = [c.strip().upper() for c in text.replace(",", " ").split() if c.strip()]
        areas = list(Area.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {a.code for a in areas})
        if missing:
            raise ValidationError(f"Not an area code we know: {', '.join(missing)}")
        return areas


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


def _people_of(organisations):
    """Active people with a current role in one of ``organisations``."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            access.current_memberships(), organisation__in=organisations
        ).values("user_id"),
    ).order_by("last_name", "first_name")


class BoardForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    slug = forms.SlugField(
        label="Short name for web addresses", max_length=80, help_text="For example preston-csp"
    )
    kind = forms.ChoiceField(label="Kind of board", choices=Board.Kind.choices)
    partnership = forms.ModelChoiceField(label="Partnership", queryset=None)
    organisation = forms.ModelChoiceField(
        label="Supporting organisation",
        queryset=None,
        help_text="Its partnership administrators run the board.",
    )
    terms_of_reference = forms.CharField(label="Terms of reference", widget=forms.Textarea)
    meeting_frequency = forms.ChoiceField(
        label="Meeting frequency", choices=Board.Frequency.choices
    )
    quorum = forms.IntegerField(
        label="Quorum",
        min_value=1,
        max_value=100,
        help_text="Voting members who must be present for decisions to be taken.",
    )
    areas = AreaChoiceField(label="Areas covered (optional)", help_text=BOARD_AREAS_HINT)
    priorities = _checkboxes("National priorities served", reference.national_priorities())
    threat_areas = _checkboxes("Threat areas", reference.threat_areas())
    publishes_public_part = forms.BooleanField(
        label="Publish the public part of its meetings", required=False, initial=True
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = access.visible(user, Partnership.objects.all())
        self.fields["organisation"].queryset = access.visible(user, Organisation.objects.all())
        self.fields["areas"].queryset = areas_for_user(user)
        _required_messages(self)
        self.fields["partnership"].error_messages["invalid_choice"] = "Choose a partnership"
        self.fields["organisation"].error_messages["invalid_choice"] = "Choose an organisation"


class BoardChangeForm(forms.Form):
    terms_of_reference = forms.CharField(label="Terms of reference", widget=forms.Textarea)
    chair = PersonChoiceField(label="Chair", queryset=User.objects.none(), required=False)
    meeting_frequency = forms.ChoiceField(
        label="Meeting frequency", choices=Board.Frequency.choices
    )
    quorum = forms.IntegerField(label="Quorum", min_value=1, max_value=100)
    areas = AreaChoiceField(label="Areas covered (optional)", help_text=BOARD_AREAS_HINT)
    priorities = _checkboxes("National priorities served", reference.national_priorities())
    threat_areas = _checkboxes("Threat areas", reference.threat_areas())

    def __init__(self, *args, board: Board, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = _people_of(board.partnership.organisations.all())
        # The user's partnerships' areas; the board's own (ended ones too) stay choosable.
        self.fields["areas"].queryset = Area.objects.filter(
            Q(pk__in=areas_for_user(user).values("pk")) | Q(boards=board)
        ).order_by("kind", "name")
        _required_messages(self)


class MemberForm(forms.Form):
    person = PersonChoiceField(label="Person", queryset=User.objects.none())
    organisation = forms.ModelChoiceField(label="Organisation represented", queryset=None)
    status = forms.ChoiceField(
        label="Status", choices=BoardMember.Status.choices, initial=BoardMember.Status.VOTING
    )
    position = forms.CharField(label="Position on the board", max_length=120, required=False)

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = board.partnership.organisations.all()
        self.fields["organisation"].queryset = organisations
        self.fields["person"].queryset = _people_of(organisations)
        _required_messages(self)


class StandingItemForm(forms.Form):
    """An agenda item's title, description, part and, for Part B, its exemption."""

    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="Description", widget=forms.Textarea, required=False)
    part = forms.ChoiceField(label="Part of the agenda", choices=Part.choices, initial=Part.PUBLIC)
    exemption = forms.TypedChoiceField(
        label="Exemption (Part B only)",
        choices=[("", "None: a Part A item is public"), *Exemption.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Why the press and public are excluded: the paragraph of the "
        f"{EXEMPTION_SOURCE}, Part 1, that the item's information falls under.",
        error_messages={"invalid_choice": "Choose a paragraph from 1 to 7 of Schedule 12A"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)

    def clean(self):
        """The service's rule, also here so the page names every problem at once."""
        cleaned = super().clean()
        if "part" in cleaned and "exemption" in cleaned:
            try:
                cleaned["exemption"] = check_exemption(cleaned["part"], cleaned["exemption"])
            except ValidationError as problem:
                self.add_error(None, problem)
        return cleaned


class MeetingForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label="Starts at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={"invalid": "Enter the date and time, for example 2017-01-25 18:00"},
    )
    location = forms.CharField(label="Location", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)
        self.fields["starts_at"].error_messages["required"] = "Enter the date and time it starts"


class AgendaItemForm(StandingItemForm):
    pass


class ReportToAgendaForm(AgendaItemForm):
    """The monitoring report onto a coming meeting's agenda: which meeting, the item's title, and
    its part (the report names action owners, so Part B is offered first)."""

    meeting = forms.ModelChoiceField(label="Meeting", queryset=None, empty_label=None)
    field_order = ["meeting", "title", "description", "part", "exemption"]

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: (
            f"{m.title or 'Meeting'}, {timezone.localtime(m.starts_at):%-d %B %Y}"
        )
        self.fields["meeting"].error_messages["invalid_choice"] = (
            "Choose one of the board's coming meetings"
        )
        _required_messages(self)


class PaperForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    file = forms.FileField(
        label="File",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, text or CSV, smaller than 10 MB.",
    )
    link = forms.URLField(
        label="Or a link to the paper", required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class AttendanceForm(forms.Form):
    """One choice per board member: present, apologies or absent."""

    def __init__(self, *args, members, current: dict[int, Attendance], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            existing = current.get(member.pk)
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"{member.person} — {member.organisation} ({member.get_status_display()})",
                choices=[("", "Not recorded"), *Attendance.Status.choices],
                required=False,
                initial=existing.status if existing else "",
            )
            self.fields[f"substitute_{member.pk}"] = forms.CharField(
                label=f"Substitute for {member.person}, if any",
                max_length=200,
                required=False,
                initial=existing.substitute if existing else "",
            )

    def register(self) -> dict[BoardMember, tuple[str, str]]:
        return {
            m: (self.cleaned_data[f"member_{m.pk}"], self.cleaned_data[f"substitute_{m.pk}"])
            for m in self.members
            if self.cleaned_data.get(f"member_{m.pk}")
        }


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="Minutes", widget=forms.Textarea, required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea)
    minute_reference = forms.CharField(
        label="Minute reference", max_length=40, required=False, help_text="For example CA94"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class RecommendationForm(forms.Form):
    source_kind = forms.ChoiceField(label="Source", choices=Recommendation.SourceKind.choices)
    source_title = forms.CharField(
        label="Study, inspection or review",
        max_length=200,
        help_text="For example Serious Organised Crime work plan study",
    )
    number = forms.IntegerField(label="Number", min_value=1, max_value=999)
    text = forms.CharField(label="Recommendation", widget=forms.Textarea)
    addressee = forms.ModelChoiceField(label="Addressed to", queryset=None)
    ps = _checkboxes("The 4Ps it serves", reference.ps(), required=True)
    made_on = forms.DateField(
        label="Made on",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 2017-01-25"},
    )

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = board.partnership.organisations.all()
        _required_messages(self)


class ResponseForm(forms.Form):
    responder = forms.CharField(
        label="Who responded", max_length=200, help_text="For example Cabinet"
    )
    outcome = forms.ChoiceField(label="Response", choices=Response.Outcome.choices)
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea,
        required=False,
        help_text="Needed when the recommendation is partly accepted or rejected.",
    )
    decision_minute = forms.CharField(
        label="Decision-maker's minute", max_length=200, required=False
    )
    responded_on = forms.DateField(
        label="Responded on",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 2017-01-25"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _required_messages(self)


class ActionForm(forms.Form):
    title = forms.CharField(label="Action", max_length=200)
    description = forms.CharField(label="Description", widget=forms.Textarea, required=False)
    owner = PersonChoiceField(label="Owner", queryset=User.objects.none())
    owner_organisation = forms.ModelChoiceField(label="Owner's organisation", queryset=None)
    due_on = forms.DateField(
        label="Due on",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 2017-07-25"},
    )
    ps = _checkboxes("The 4Ps it serves", reference.ps(), required=True)
    threat_areas = _checkboxes("Threat areas", reference.threat_areas())
    areas = AreaCodesField(label="Areas concerned")

    def __init__(self, *args, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = board.partnership.organisations.all()
        self.fields["owner_organisation"].queryset = organisations
        self.fields["owner"].queryset = _people_of(organisations)
        _required_messages(self)


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices)
    note = forms.CharField(label="What has happened", widget=forms.Textarea)
    evidence_paper = forms.ModelChoiceField(
        label="Evidence: a paper", queryset=None, required=False
    )
    evidence_link = forms.URLField(
        label="Evidence: a link", required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args, papers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_paper"].queryset = papers
        _required_messages(self)
        self.fields["note"].error_messages["required"] = "Say what has happened"


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
