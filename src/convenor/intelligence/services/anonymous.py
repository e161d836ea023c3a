"""The anonymous channel, the reporter's side: submit, return with the receipt code, add
information; and the destruction of reports past their retention period.

The reporter's own actions are not written to the audit chain: an audit entry is timed to the
microsecond and names what it touched, and an anonymous report may hold no time finer than the
day (ADR 0032). Every staff action on an anonymous report is audited (``services.triage``)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from convenor.core import audit

from .. import crypto, files
from ..models import (
    AnonymousMessage,
    AnonymousSubmission,
    Attachment,
    DailyLimit,
    IntelligenceReport,
    ReportingChannel,
)

SUBMISSIONS_PER_CHANNEL_PER_DAY = int(
    getattr(settings, "CONVENOR_ANONYMOUS_SUBMISSIONS_PER_DAY", 500)
)
RECEIPT_FAILURES_PER_DAY = int(getattr(settings, "CONVENOR_RECEIPT_FAILURES_PER_DAY", 200))
ANONYMOUS_FIELDS = ["what", "where", "when", "who", "how_known"]


class LimitReached(ValidationError):
    """A daily limit of the anonymous channel is used up; the message says what to do. A
    refusal shown on the form like any other (a failed receipt look-up answers 429)."""


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


def _store_files(submission: AnonymousSubmission, cleaned: list[files.CleanFile]) -> None:
    for clean in cleaned:
        Attachment.objects.create(submission=submission, **files.store(clean))


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
    _store_files(submission, cleaned)
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


def add_message(submission: AnonymousSubmission, sender: str, text: str) -> AnonymousMessage:
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
    message = add_message(
        submission, AnonymousMessage.Sender.REPORTER, text or "(attachment added)"
    )
    _store_files(submission, cleaned)
    return message


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
