"""Triage of anonymous reports by the receiving organisation's analysts: read (audited), reply,
grade, convert into an intelligence report, close. Every action is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from convenor.core import access, audit
from convenor.core.models import User

from .. import files
from ..grading import IntelligenceAssessment, SourceEvaluation
from ..models import AnonymousMessage, AnonymousSubmission, Attachment, IntelligenceReport
from .anonymous import add_message, conversation, decrypted_content
from .common import required_text
from .reports import submit_report


def require_triage(actor: User, submission: AnonymousSubmission) -> None:
    if not access.can(actor, access.Action.CHANGE, submission):
        raise PermissionDenied("Only the receiving organisation's analysts can do this")


@transaction.atomic
def read_submission(actor: User, submission: AnonymousSubmission) -> dict[str, Any]:
    """The decrypted report and conversation, for triage; the read is audited."""
    require_triage(actor, submission)
    audit.record("anonymous_report_viewed", actor=actor, obj=submission)
    return {"content": decrypted_content(submission), "messages": conversation(submission)}


def download_attachment(actor: User, submission: AnonymousSubmission, attachment: Attachment):
    """An analyst opens a file of an anonymous report: audited, like every staff action."""
    audit.record(
        "anonymous_attachment_downloaded",
        actor=actor,
        obj=submission,
        detail={"attachment": attachment.pk},
    )
    return attachment


@transaction.atomic
def analyst_replies(actor: User, submission: AnonymousSubmission, text: str) -> AnonymousMessage:
    require_triage(actor, submission)
    if submission.status == AnonymousSubmission.Status.CLOSED:
        raise ValidationError({"reply": "This report is closed: the reporter cannot reply"})
    text = required_text(
        text, "reply", missing="Enter your reply to the reporter", named="The reply", most=5000
    )
    message = add_message(submission, AnonymousMessage.Sender.ANALYST, text)
    audit.record("anonymous_report_replied", actor=actor, obj=submission)
    return message


@transaction.atomic
def grade_submission(
    actor: User, submission: AnonymousSubmission, source_evaluation: str, assessment: str
) -> AnonymousSubmission:
    require_triage(actor, submission)
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
    require_triage(actor, submission)
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
    require_triage(actor, submission)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the report is being closed"})
    submission.status = AnonymousSubmission.Status.CLOSED
    submission.closed_reason = reason[:2000]
    submission.save(update_fields=["status", "closed_reason"])
    audit.record("anonymous_report_closed", actor=actor, obj=submission)
    return submission
