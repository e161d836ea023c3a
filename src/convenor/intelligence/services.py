"""The use cases of intelligence. Each checks the policy, runs in one transaction and writes the
audit chain; pages, the API and commands call these and nothing else changes the records.

The anonymous channel is the one exception to auditing: the reporter's own actions (submitting,
reading replies, adding information) are not written to the audit chain, because an audit entry
is timed to the microsecond and names what it touched, and an anonymous report may hold no time
finer than the day. Every staff action on an anonymous report is audited as usual.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from convenor.core import access, audit
from convenor.core.areas import PostcodeError, resolve_postcode
from convenor.core.models import Organisation, Partnership, User

from . import crypto, files
from .access_rules import is_originator, receiving_organisations
from .grading import HandlingCode, IntelligenceAssessment, SourceEvaluation
from .models import (
    Acknowledgement,
    AnonymousMessage,
    AnonymousSubmission,
    Attachment,
    DailyLimit,
    Dissemination,
    InformationRequest,
    IntelligenceReport,
    Reading,
    ReportingChannel,
    Subject,
)

SUBMISSIONS_PER_CHANNEL_PER_DAY = int(
    getattr(settings, "CONVENOR_ANONYMOUS_SUBMISSIONS_PER_DAY", 500)
)
RECEIPT_FAILURES_PER_DAY = int(getattr(settings, "CONVENOR_RECEIPT_FAILURES_PER_DAY", 200))
REPORT_FIELDS = [
    "title",
    "content",
    "occurred_on",
    "location",
    "postcode",
    "threat_areas",
    "four_p",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
    "classification",
    "legal_basis",
    "review_date",
]


class LimitReached(Exception):
    """A daily limit of the anonymous channel is used up; the message says what to do."""


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
    if report.handling_code == HandlingCode.CONDITIONS and not report.handling_conditions.strip():
        raise ValidationError(
            {"handling_conditions": "Handling code C needs its conditions written out"}
        )
    if report.handling_code == HandlingCode.PERMITTED:
        report.handling_conditions = ""
    report.full_clean(exclude=["owner_organisation", "author", "sanitised_from"])


def content_readable(user: User, report: IntelligenceReport) -> bool:
    """Whether the user may read the content now: the originator always; a recipient of a
    handling code C report only after acknowledging its conditions."""
    s = access.standing(user)
    if is_originator(s, report):
        return True
    if report.handling_code != HandlingCode.CONDITIONS:
        return True
    return Acknowledgement.objects.filter(report=report, user_id=s.user_id).exists()


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
    if not access.can(actor, access.Action.CREATE, model=IntelligenceReport):
        raise PermissionDenied("Only members of staff of an organisation can submit intelligence")
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
    if not access.can(actor, access.Action.CHANGE, report):
        raise PermissionDenied("Only the originator can add attachments")
    attachment = _attach(report, name, data)
    audit.record(
        "intelligence_attachment_added",
        actor=actor,
        obj=report,
        detail={"attachment": attachment.pk, "type": attachment.content_type},
    )
    return attachment


def threat_entities():
    """The threat picture's entities, when the threat app is installed (None otherwise)."""
    from django.apps import apps as django_apps

    if not django_apps.is_installed("convenor.threat"):
        return None
    return django_apps.get_model("threat", "Entity")


@transaction.atomic
def link_subject(actor: User, subject: Subject, entity_id: int | None) -> Subject:
    """Link a report's subject to the threat picture's entity (or unlink with None). The entity
    must be one the actor may see, of the same kind."""
    if not access.can(actor, access.Action.CHANGE, subject.report):
        raise PermissionDenied("Only the originator or an intelligence manager can link subjects")
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


@dataclass
class DisseminationResult:
    shared_with: list[Organisation]
    not_shared: list[tuple[Organisation, str]]


@transaction.atomic
def disseminate(
    actor: User,
    report: IntelligenceReport,
    *,
    organisations: list[Organisation] = (),
    partnerships: list[Partnership] = (),
) -> DisseminationResult:
    """Share a report with named organisations and the members of partnerships.

    A named organisation outside a current ISA with the owner refuses the whole request (nothing
    is shared); a partnership's members are shared with when they are party to a current ISA with
    the owner, and the rest are listed as not shared.
    """
    if not access.can(actor, access.Action.CHANGE, report):
        raise PermissionDenied("Only the originator or an intelligence manager can share this")
    if not organisations and not partnerships:
        raise ValidationError({"organisations": "Choose at least one organisation or partnership"})
    owner = report.owner_organisation
    refused = [o.name for o in organisations if not access.sharing_permitted(owner, o)]
    if refused:
        raise ValidationError(
            {
                "organisations": "Not shared: no information sharing agreement in force with "
                + ", ".join(refused)
            }
        )
    targets: dict[int, tuple[Organisation, Partnership | None]] = {
        o.pk: (o, None) for o in organisations if o.pk != owner.pk
    }
    not_shared: list[tuple[Organisation, str]] = []
    for partnership in partnerships:
        for member in partnership.organisations.exclude(pk=owner.pk):
            if member.pk in targets:
                continue
            if access.sharing_permitted(owner, member):
                targets[member.pk] = (member, partnership)
            else:
                not_shared.append((member, "no information sharing agreement in force"))
    shared = []
    for organisation, partnership in targets.values():
        _, created = Dissemination.objects.get_or_create(
            report=report,
            organisation=organisation,
            defaults={"via_partnership": partnership, "shared_by": actor},
        )
        if created:
            shared.append(organisation)
    audit.record(
        "intelligence_report_disseminated",
        actor=actor,
        obj=report,
        detail={
            "organisations": [o.pk for o in shared],
            "partnerships": [p.pk for p in partnerships],
            "not_shared": [o.pk for o, _ in not_shared],
            "handling_code": report.handling_code,
        },
    )
    return DisseminationResult(shared, not_shared)


@transaction.atomic
def acknowledge_conditions(actor: User, report: IntelligenceReport) -> Acknowledgement:
    if not access.can(actor, access.Action.VIEW, report):
        raise PermissionDenied("Not found")
    acknowledgement, created = Acknowledgement.objects.get_or_create(
        report=report, user=actor, defaults={"conditions": report.handling_conditions}
    )
    if created:
        audit.record(
            "intelligence_conditions_acknowledged",
            actor=actor,
            obj=report,
            detail={"conditions": report.handling_conditions},
        )
    return acknowledgement


@transaction.atomic
def record_reading(
    actor: User, report: IntelligenceReport, kind: str, detail: dict | None = None
) -> None:
    """A view, download, print or export of a report: into the audit chain and the originator's
    list of readers. Refused until a code C report's conditions are acknowledged."""
    if not access.can(actor, access.Action.VIEW, report):
        raise PermissionDenied("Not found")
    if not content_readable(actor, report):
        raise PermissionDenied("Acknowledge the handling conditions first")
    s = access.standing(actor)
    reader_orgs = sorted(receiving_organisations(s) | s.organisations)
    shared_orgs = set(report.disseminations.values_list("organisation_id", flat=True))
    organisation_id = next(
        (o for o in reader_orgs if o == report.owner_organisation_id or o in shared_orgs),
        reader_orgs[0] if reader_orgs else None,
    )
    Reading.objects.create(report=report, user=actor, organisation_id=organisation_id, kind=kind)
    audit.record(f"intelligence_report_{kind}", actor=actor, obj=report, detail=detail or {})


@transaction.atomic
def create_sanitised_version(
    actor: User, report: IntelligenceReport, fields: dict[str, Any], *, keep_subjects: bool = False
) -> IntelligenceReport:
    """A separate, linked report with what would identify a source or tactic removed; the
    original stays with the originator."""
    if not access.can(actor, access.Action.CHANGE, report):
        raise PermissionDenied("Only the originator or an intelligence manager can sanitise this")
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


@transaction.atomic
def request_information(
    actor: User, report: IntelligenceReport, question: str
) -> InformationRequest:
    if not access.can(actor, access.Action.VIEW, report):
        raise PermissionDenied("Not found")
    s = access.standing(actor)
    if is_originator(s, report):
        raise ValidationError({"question": "You hold this report: there is no one to ask"})
    if not content_readable(actor, report):
        raise PermissionDenied("Acknowledge the handling conditions first")
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Enter what you need to know"})
    if len(question) > 5000:
        raise ValidationError({"question": "The question must be 5,000 characters or fewer"})
    shared = set(report.disseminations.values_list("organisation_id", flat=True))
    organisation_id = min((receiving_organisations(s) & shared) or s.organisations)
    request = InformationRequest.objects.create(
        report=report,
        requested_by=actor,
        requesting_organisation_id=organisation_id,
        question=question,
    )
    audit.record(
        "intelligence_information_requested",
        actor=actor,
        obj=report,
        detail={"request": request.pk},
    )
    return request


@transaction.atomic
def answer_information_request(
    actor: User, information_request: InformationRequest, answer: str
) -> InformationRequest:
    if not access.can(actor, access.Action.CHANGE, information_request.report):
        raise PermissionDenied("Only the originator or an intelligence manager can answer")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Enter the answer"})
    if len(answer) > 10000:
        raise ValidationError({"answer": "The answer must be 10,000 characters or fewer"})
    information_request.answer = answer
    information_request.answered_by = actor
    information_request.answered_at = timezone.now()
    information_request.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record(
        "intelligence_information_answered",
        actor=actor,
        obj=information_request.report,
        detail={"request": information_request.pk},
    )
    return information_request


# --- The anonymous channel --------------------------------------------------------------------

ANONYMOUS_FIELDS = ["what", "where", "when", "who", "how_known"]


def _spend(scope: str, limit: int) -> None:
    """Count one use of a global daily allowance, or raise LimitReached."""
    today = timezone.localdate()
    counter, _ = DailyLimit.objects.select_for_update().get_or_create(scope=scope, day=today)
    if counter.count >= limit:
        raise LimitReached(scope)
    DailyLimit.objects.filter(pk=counter.pk).update(count=F("count") + 1)


def _used(scope: str) -> int:
    counter = DailyLimit.objects.filter(scope=scope, day=timezone.localdate()).first()
    return counter.count if counter else 0


@transaction.atomic
def submit_anonymous(
    channel: ReportingChannel, fields: dict[str, str], uploads: list[tuple[str, bytes]] = ()
) -> tuple[AnonymousSubmission, str]:
    """Receive an anonymous report. Returns it and its receipt code, which is never stored."""
    if not channel.active:
        raise ValidationError("This reporting channel is closed")
    cleaned = [files.clean_upload(name, data) for name, data in uploads]
    try:
        _spend(f"submissions:{channel.pk}", SUBMISSIONS_PER_CHANNEL_PER_DAY)
    except LimitReached as full:
        raise LimitReached(
            "This channel has received as many reports as it can take today. "
            "Please try again tomorrow, or call Crimestoppers on 0800 555 111."
        ) from full
    today = timezone.localdate()
    content = {name: (fields.get(name) or "").strip() for name in ANONYMOUS_FIELDS}
    code = crypto.new_receipt_code()
    submission = AnonymousSubmission.objects.create(
        channel=channel,
        receipt_hash=crypto.receipt_hash(code),
        received_on=today,
        content=crypto.seal_text(json.dumps(content)),
        destroy_on=today + datetime.timedelta(days=channel.retention_days),
    )
    for clean in cleaned:
        Attachment.objects.create(submission=submission, **files.store(clean))
    return submission, code


def find_by_receipt(code: str) -> AnonymousSubmission | None:
    """The submission a receipt code belongs to, or None. Each failure spends one of the day's
    global allowance of failed look-ups; once it is spent, every look-up is refused for the rest
    of the day (LimitReached), so guessing codes is hopeless."""
    if _used("receipt-failures") >= RECEIPT_FAILURES_PER_DAY:
        raise LimitReached(
            "Too many wrong receipt codes have been tried today. "
            "For your safety, please come back tomorrow."
        )
    normal = crypto.normalise_receipt_code(code)
    found = (
        AnonymousSubmission.objects.filter(receipt_hash=crypto.receipt_hash(normal)).first()
        if normal
        else None
    )
    if found is None:
        with transaction.atomic():
            try:
                _spend("receipt-failures", RECEIPT_FAILURES_PER_DAY)
            except LimitReached:
                pass
    return found


def decrypted_content(submission: AnonymousSubmission) -> dict[str, str]:
    return json.loads(crypto.unseal_text(submission.content))


def conversation(submission: AnonymousSubmission) -> list[dict[str, Any]]:
    return [
        {
            "sender": m.sender,
            "sender_label": m.get_sender_display(),
            "body": crypto.unseal_text(m.body),
            "sent_on": m.sent_on,
        }
        for m in submission.messages.all()
    ]


def _add_message(submission: AnonymousSubmission, sender: str, text: str) -> AnonymousMessage:
    """The next turn of the conversation: dated to the day, placed after the turns before it
    (the submission's row is locked so two turns cannot take the same place)."""
    AnonymousSubmission.objects.select_for_update().filter(pk=submission.pk).exists()
    last = submission.messages.aggregate(last=Max("position"))["last"] or 0
    return AnonymousMessage.objects.create(
        submission=submission,
        sender=sender,
        body=crypto.seal_text(text),
        sent_on=timezone.localdate(),
        position=last + 1,
    )


@transaction.atomic
def reporter_adds(
    submission: AnonymousSubmission, text: str, uploads: list[tuple[str, bytes]] = ()
) -> AnonymousMessage:
    text = (text or "").strip()
    if not text and not uploads:
        raise ValidationError({"message": "Enter what you want to add"})
    if len(text) > 5000:
        raise ValidationError({"message": "Your message must be 5,000 characters or fewer"})
    if submission.status == AnonymousSubmission.Status.CLOSED:
        raise ValidationError({"message": "This report has been closed"})
    cleaned = [files.clean_upload(name, data) for name, data in uploads]
    message = _add_message(
        submission, AnonymousMessage.Sender.REPORTER, text or "(attachment added)"
    )
    for clean in cleaned:
        Attachment.objects.create(submission=submission, **files.store(clean))
    return message


def _triage(actor: User, submission: AnonymousSubmission) -> None:
    if not access.can(actor, access.Action.CHANGE, submission):
        raise PermissionDenied("Only the receiving organisation's analysts can do this")


@transaction.atomic
def read_submission(actor: User, submission: AnonymousSubmission) -> dict[str, Any]:
    """The decrypted report and conversation, for triage; the read is audited."""
    _triage(actor, submission)
    audit.record("anonymous_report_viewed", actor=actor, obj=submission)
    return {"content": decrypted_content(submission), "messages": conversation(submission)}


@transaction.atomic
def analyst_replies(actor: User, submission: AnonymousSubmission, text: str) -> AnonymousMessage:
    _triage(actor, submission)
    if submission.status == AnonymousSubmission.Status.CLOSED:
        raise ValidationError({"reply": "This report is closed: the reporter cannot reply"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": "Enter your reply to the reporter"})
    if len(text) > 5000:
        raise ValidationError({"reply": "The reply must be 5,000 characters or fewer"})
    message = _add_message(submission, AnonymousMessage.Sender.ANALYST, text)
    audit.record("anonymous_report_replied", actor=actor, obj=submission)
    return message


@transaction.atomic
def grade_submission(
    actor: User, submission: AnonymousSubmission, source_evaluation: str, assessment: str
) -> AnonymousSubmission:
    _triage(actor, submission)
    errors = {}
    if source_evaluation not in SourceEvaluation.values:
        errors["source_evaluation"] = "Choose a source evaluation: 1, 2 or 3"
    if assessment not in IntelligenceAssessment.values:
        errors["intelligence_assessment"] = "Choose an intelligence assessment: A to E"
    if errors:
        raise ValidationError(errors)
    submission.source_evaluation = source_evaluation
    submission.intelligence_assessment = assessment
    submission.save(update_fields=["source_evaluation", "intelligence_assessment"])
    audit.record(
        "anonymous_report_graded",
        actor=actor,
        obj=submission,
        detail={"grading": f"{source_evaluation}{assessment}"},
    )
    return submission


@transaction.atomic
def convert_submission(
    actor: User,
    submission: AnonymousSubmission,
    fields: dict[str, Any],
    subjects: list[dict[str, Any]] | None = None,
) -> IntelligenceReport:
    """Turn an anonymous report into an intelligence report of the receiving organisation,
    with its attachments; the anonymous source is graded 2 (untested) unless triage said
    otherwise."""
    _triage(actor, submission)
    if submission.status != AnonymousSubmission.Status.NEW:
        raise ValidationError("This anonymous report has already been dealt with")
    values = dict(fields)
    values.setdefault("source_evaluation", submission.source_evaluation or "2")
    if submission.intelligence_assessment:
        values.setdefault("intelligence_assessment", submission.intelligence_assessment)
    report = submit_report(
        actor,
        values,
        subjects=subjects,
        organisation=submission.channel.receiving_organisation,
        origin_submission=submission,
    )
    for attachment in submission.attachments.all():
        data = files.read(attachment)
        Attachment.objects.create(
            report=report,
            **files.store(files.CleanFile(attachment.filename, attachment.content_type, data)),
        )
    submission.status = AnonymousSubmission.Status.CONVERTED
    submission.save(update_fields=["status"])
    audit.record(
        "anonymous_report_converted", actor=actor, obj=submission, detail={"report": report.pk}
    )
    return report


@transaction.atomic
def close_submission(
    actor: User, submission: AnonymousSubmission, reason: str
) -> AnonymousSubmission:
    _triage(actor, submission)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the report is being closed"})
    submission.status = AnonymousSubmission.Status.CLOSED
    submission.closed_reason = reason[:2000]
    submission.save(update_fields=["status", "closed_reason"])
    audit.record("anonymous_report_closed", actor=actor, obj=submission)
    return submission


@transaction.atomic
def purge_expired(on: datetime.date | None = None) -> int:
    """Destroy the content of anonymous reports whose retention period has ended: the report,
    its conversation and its files go; only the channel's count of destroyed reports remains.
    An intelligence report made from one is the receiving organisation's record and stays."""
    on = on or timezone.localdate()
    expired = AnonymousSubmission.objects.filter(destroy_on__lte=on)
    total = 0
    for channel in ReportingChannel.objects.filter(submissions__in=expired).distinct():
        batch = expired.filter(channel=channel)
        count = batch.count()
        IntelligenceReport.objects.filter(origin_submission__in=batch).update(
            origin_submission=None
        )
        batch.delete()  # with their attachments and conversations
        ReportingChannel.objects.filter(pk=channel.pk).update(
            destroyed_count=F("destroyed_count") + count
        )
        audit.record("anonymous_reports_destroyed", obj=channel, detail={"count": count, "on": on})
        total += count
    return total
