"""Reads of intelligence, always within ``access.visible``: pages, the API and commands ask here,
so what a user may see and how it is fetched (in a fixed number of queries) is written once.
Reads that must be audited (opening a report, an anonymous report or a file) are services:
``services.record_reading``, ``services.read_submission``, ``services.download_attachment``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from convenor.core import access
from convenor.core.access import get_visible_or_404, visible
from convenor.core.models import Organisation, Partnership, User

from .access_rules import is_originator, originator_side
from .forms import SearchForm
from .grading import HandlingCode
from .models import (
    Acknowledgement,
    AnonymousSubmission,
    Attachment,
    Dissemination,
    InformationRequest,
    IntelligenceReport,
    Reading,
    ReportingChannel,
    Subject,
)
from .search import ReportQuery, search_reports

READERS_SHOWN = 100

# --- Reports ---------------------------------------------------------------------------------


def report_or_404(user: User, pk: int) -> IntelligenceReport:
    """A report the user may see, with what every page shows of it (hidden: 404)."""
    return get_visible_or_404(
        user,
        IntelligenceReport.objects.select_related("owner_organisation", "author", "area"),
        pk=pk,
    )


def content_readable(user: User, report: IntelligenceReport) -> bool:
    """Whether the user may read the content now: the originator always; a recipient of a
    handling code C report only after acknowledging its conditions."""
    s = access.standing(user)
    if is_originator(s, report):
        return True
    if report.handling_code != HandlingCode.CONDITIONS:
        return True
    return Acknowledgement.objects.filter(report=report, user_id=s.user_id).exists()


def readable_subjects(user: User, subjects: QuerySet[Subject]) -> QuerySet[Subject]:
    """The subjects of reports the user may see and read now (``content_readable`` in one
    query): a subject of a handling code C report is shown to a recipient only after they
    acknowledged its conditions. Search and the entity page list subjects through this."""
    s = access.standing(user)
    acknowledged = Acknowledgement.objects.filter(report=OuterRef("report"), user_id=s.user_id)
    readable = (
        ~Q(report__handling_code=HandlingCode.CONDITIONS)
        | originator_side(s, "report__")
        | Q(Exists(acknowledged))
    )
    return visible(user, subjects).filter(readable)


@dataclass
class ReportSearch:
    """The search form as the user filled it in (unbound when they have not) and the reports
    it finds: none while the form is invalid."""

    form: SearchForm
    reports: QuerySet[IntelligenceReport]


def report_search(user: User, params) -> ReportSearch:
    """The reports page's and the API list's search, from the query string."""
    form = SearchForm(params or None)
    if not form.is_bound:
        return ReportSearch(form, search_reports(user, ReportQuery()))
    if not form.is_valid():
        return ReportSearch(form, IntelligenceReport.objects.none())
    return ReportSearch(form, search_reports(user, ReportQuery.from_search(form.cleaned_data)))


def threat_entities():
    """The threat picture's entities, when the threat app is installed (None otherwise)."""
    from django.apps import apps as django_apps

    if not django_apps.is_installed("convenor.threat"):
        return None
    return django_apps.get_model("threat", "Entity")


def subjects_with_entities(user: User, report: IntelligenceReport) -> list[Subject]:
    """The subjects, each with ``entity`` set to its threat-picture entity when the reader may
    see that entity (a link never reveals an entity the reader cannot see)."""
    subjects = list(report.subjects.all())
    entity_model = threat_entities()
    linked = [s.entity_id for s in subjects if s.entity_id]
    seen = {}
    if entity_model is not None and linked:
        seen = {e.pk: e for e in visible(user, entity_model.objects.filter(pk__in=linked))}
    for subject in subjects:
        subject.entity = seen.get(subject.entity_id)
    return subjects


def report_related(user: User, report: IntelligenceReport) -> dict[str, Any]:
    """What a report's page shows around its content, each list within what the user may see:
    its attachments, the original it was sanitised from and its sanitised versions (one
    query), who it was shared with, who read it and the requests for information."""
    related = Q(sanitised_from=report)
    if report.sanitised_from_id:
        related |= Q(pk=report.sanitised_from_id)
    family = visible(user, IntelligenceReport.objects.filter(related))
    versions, original = [], None
    for member in family:
        if member.pk == report.sanitised_from_id:
            original = member
        else:
            versions.append(member)
    return {
        "subjects": subjects_with_entities(user, report),
        "attachments": attachments_of(user, report=report),
        "versions": versions,
        "original": original,
        "disseminations": visible(user, Dissemination.objects.filter(report=report)).select_related(
            "organisation", "via_partnership"
        ),
        "readings": visible(user, Reading.objects.filter(report=report)).select_related(
            "user", "organisation"
        )[:READERS_SHOWN],
        "requests": visible(user, InformationRequest.objects.filter(report=report)).select_related(
            "requested_by", "requesting_organisation", "answered_by"
        ),
    }


def staff_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations the user may submit a report for: their own."""
    return Organisation.objects.filter(pk__in=access.standing(user).organisations)


def dissemination_targets(
    user: User, report: IntelligenceReport
) -> tuple[QuerySet[Organisation], QuerySet[Partnership]]:
    """Whom the user may offer to share a report with: the organisations they know other than
    the owner, and their partnerships that the owner belongs to."""
    organisations = visible(user, Organisation.objects.exclude(pk=report.owner_organisation_id))
    partnerships = visible(user, Partnership.objects.all()).filter(
        organisations=report.owner_organisation
    )
    return organisations, partnerships


def subject_or_404(user: User, report: IntelligenceReport, pk: int) -> Subject:
    return get_visible_or_404(user, Subject.objects.filter(report=report), pk=pk)


def attachments_of(user: User, **owner) -> QuerySet[Attachment]:
    """The files of a report (``report=``) or of an anonymous report (``submission=``)."""
    return visible(user, Attachment.objects.filter(**owner))


def attachment_or_404(user: User, pk: int, **owner) -> Attachment:
    """A file of a report (``report=``) or of an anonymous report (``submission=``)."""
    return get_visible_or_404(user, Attachment.objects.filter(**owner), pk=pk)


def information_request_or_404(
    user: User, report: IntelligenceReport, pk: int
) -> InformationRequest:
    return get_visible_or_404(user, InformationRequest.objects.filter(report=report), pk=pk)


# --- Anonymous reports -----------------------------------------------------------------------


def submission_or_404(user: User, pk: int) -> AnonymousSubmission:
    return get_visible_or_404(
        user,
        AnonymousSubmission.objects.select_related("channel__receiving_organisation"),
        pk=pk,
    )


def triage_queue(user: User, status: str) -> QuerySet[AnonymousSubmission]:
    """The anonymous reports the user triages, of one status (all for an unknown status)."""
    submissions = visible(user, AnonymousSubmission.objects.select_related("channel"))
    if status in AnonymousSubmission.Status.values:
        submissions = submissions.filter(status=status)
    return submissions


def receiving_channels(user: User) -> QuerySet[ReportingChannel]:
    """The channels the user's own organisations receive reports through."""
    return visible(user, ReportingChannel.objects.all()).filter(
        receiving_organisation__in=access.standing(user).organisations
    )


def active_channels(user: User) -> QuerySet[ReportingChannel]:
    return visible(user, ReportingChannel.objects.all()).filter(active=True)


def active_channel_or_404(user: User, slug: str) -> ReportingChannel:
    return get_visible_or_404(user, ReportingChannel.objects.filter(active=True), slug=slug)


def subjects_about_entity(user: User, entity_id: int) -> QuerySet[Subject]:
    """Subjects linked to a threat-picture entity, of reports the user may see and read now,
    newest report first (one query)."""
    subjects = Subject.objects.filter(entity_id=entity_id).select_related("report")
    return readable_subjects(user, subjects).order_by("-report__created_at", "pk")
