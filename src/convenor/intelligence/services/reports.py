"""Recording reports: submit, attach files, link subjects to the threat picture, sanitise."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from convenor.core import access, audit
from convenor.core.areas import PostcodeError, resolve_postcode
from convenor.core.models import Organisation, User

from .. import files
from ..grading import CONDITIONS_MISSING, HandlingCode, conditions_missing
from ..models import REPORT_FIELDS, AnonymousSubmission, Attachment, IntelligenceReport, Subject
from ..selectors import threat_entities
from .common import require_change


def _organisation_of(actor: User, organisation: Organisation | None) -> Organisation:
    """The organisation the actor acts for: the one given (which must be theirs) or their
    first current one."""
    s = access.standing(actor)
    if organisation is not None:
        if organisation.pk not in s.organisations:
            raise ValidationError({"organisation": "You are not a member of that organisation"})
        return organisation
    if not s.organisations:
        raise PermissionDenied("Only members of staff of an organisation can do this")
    return Organisation.objects.get(pk=min(s.organisations))


def _area_for(postcode: str):
    if not postcode:
        return "", None
    try:
        location = resolve_postcode(postcode)
    except PostcodeError as problem:
        raise ValidationError({"postcode": str(problem)}) from problem
    return location.postcode, location.local_authority


def _clean_report(report: IntelligenceReport) -> None:
    if conditions_missing(report.handling_code, report.handling_conditions):
        raise ValidationError({"handling_conditions": CONDITIONS_MISSING})
    if report.handling_code == HandlingCode.PERMITTED:
        report.handling_conditions = ""
    report.full_clean(exclude=["owner_organisation", "author", "sanitised_from"])


def require_submit(actor: User) -> None:
    """The 403 a page or the API raises before showing the form of a new report."""
    if not access.can(actor, access.Action.CREATE, model=IntelligenceReport):
        raise PermissionDenied("Only members of staff of an organisation can submit intelligence")


@transaction.atomic
def submit_report(
    actor: User,
    fields: dict[str, Any],
    *,
    subjects: list[dict[str, Any]] | None = None,
    uploads: list[tuple[str, bytes]] | None = None,
    organisation: Organisation | None = None,
    origin_submission: AnonymousSubmission | None = None,
) -> IntelligenceReport:
    """Record a new intelligence report for the actor's organisation."""
    require_submit(actor)
    owner = _organisation_of(actor, organisation)
    values = {name: fields[name] for name in REPORT_FIELDS if name in fields}
    values["postcode"], values["area"] = _area_for(values.get("postcode", "") or "")
    report = IntelligenceReport(
        owner_organisation=owner, author=actor, origin_submission=origin_submission, **values
    )
    _clean_report(report)
    report.save()
    for subject in subjects or []:
        record = Subject(report=report, **subject)
        record.full_clean()
        record.save()
    for name, data in uploads or []:
        _attach(report, name, data)
    audit.record(
        "intelligence_report_submitted",
        actor=actor,
        obj=report,
        detail={"grading": report.grading, "subjects": len(subjects or [])},
    )
    return report


def _attach(report: IntelligenceReport, name: str, data: bytes) -> Attachment:
    clean = files.clean_upload(name, data)
    return Attachment.objects.create(report=report, **files.store(clean))


@transaction.atomic
def add_attachment(actor: User, report: IntelligenceReport, name: str, data: bytes) -> Attachment:
    require_change(actor, report, "add attachments")
    attachment = _attach(report, name, data)
    audit.record(
        "intelligence_attachment_added",
        actor=actor,
        obj=report,
        detail={"attachment": attachment.pk, "type": attachment.content_type},
    )
    return attachment


@transaction.atomic
def entity_candidates(actor: User, subject: Subject, text: str) -> list:
    """Entities of the subject's kind that the actor may see and that match ``text``, best
    first, as search hits (label, entity, why): the choices on the subject's link page. The
    search is audited like any other; none without the search app or a query."""
    from django.apps import apps as django_apps

    if not text.strip() or not django_apps.is_installed("convenor.search"):
        return []
    from convenor.search.services import run_search

    hits = run_search(actor, text, ["entity"]).by_kind["entity"]
    return [hit for hit in hits if hit.obj.kind == subject.kind]


def link_subject(actor: User, subject: Subject, entity_id: int | None) -> Subject:
    """Link a report's subject to the threat picture's entity (or unlink with None). The entity
    must be one the actor may see, of the same kind."""
    require_change(actor, subject.report, "link subjects")
    if entity_id is not None:
        entity_model = threat_entities()
        if entity_model is None:
            raise ValidationError({"entity": "The threat picture is not installed"})
        entity = access.visible(actor, entity_model.objects.filter(pk=entity_id)).first()
        if entity is None:
            raise ValidationError({"entity": f"There is no entity E{entity_id} that you may see"})
        if entity.kind != subject.kind:
            raise ValidationError(
                {
                    "entity": f"E{entity_id} is a {entity.get_kind_display().lower()}, "
                    f"not a {subject.get_kind_display().lower()}"
                }
            )
    subject.entity_id = entity_id
    subject.save(update_fields=["entity_id"])
    audit.record(
        "intelligence_subject_linked" if entity_id else "intelligence_subject_unlinked",
        actor=actor,
        obj=subject.report,
        detail={"subject": subject.pk, "entity": entity_id},
    )
    return subject


@transaction.atomic
def create_sanitised_version(
    actor: User, report: IntelligenceReport, fields: dict[str, Any], *, keep_subjects: bool = False
) -> IntelligenceReport:
    """A separate, linked report with what would identify a source or tactic removed; the
    original stays with the originator."""
    require_change(actor, report, "sanitise this")
    values = {name: getattr(report, name) for name in REPORT_FIELDS if name != "postcode"}
    values.update({k: v for k, v in fields.items() if k in REPORT_FIELDS})
    version = IntelligenceReport(
        owner_organisation=report.owner_organisation,
        author=actor,
        sanitised_from=report,
        area=report.area if "postcode" not in fields else None,
        **values,
    )
    if "postcode" in fields:
        version.postcode, version.area = _area_for(fields["postcode"] or "")
    _clean_report(version)
    version.save()
    if keep_subjects:
        for subject in report.subjects.all():
            Subject.objects.create(
                report=version,
                kind=subject.kind,
                name=subject.name,
                identifier=subject.identifier,
                description=subject.description,
                entity_id=subject.entity_id,
            )
    audit.record(
        "intelligence_report_sanitised",
        actor=actor,
        obj=version,
        detail={"original": report.pk, "subjects_kept": keep_subjects},
    )
    return version
