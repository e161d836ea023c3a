"""Anonymous reports keep no time finer than the day anywhere (ADR 0032): no file or folder is
written for them (a file's change and birth times cannot be set back, so attachments live in
the database), their rows hold dates only, and their ids are random, so they do not order
submissions or tie one to a moment known from elsewhere."""

from __future__ import annotations

import datetime
import io
import os
import re

import pytest
from django.utils import timezone

from convenor.intelligence import services
from convenor.intelligence.models import (
    AnonymousMessage,
    AnonymousSubmission,
    Attachment,
    ReportingChannel,
)
from tests.conftest import verified_login

from .conftest import png_bytes, report_fields

CODE = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}")


@pytest.fixture
def channel(world):
    return ReportingChannel.objects.create(
        slug="preston",
        name="Report crime in Preston anonymously",
        kind="public",
        introduction="Tell us what you know.",
        receiving_organisation=world.own,
    )


def _token(client, url) -> str:
    body = client.get(url).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', body).group(1)


def _upload(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def _report_with_photo(client, channel) -> str:
    url = f"/intelligence/report/{channel.slug}/"
    response = client.post(
        url,
        {
            "form_token": _token(client, url),
            "what": "Counterfeit cigarettes sold from a stall",
            "attachment": _upload("stall.png", png_bytes()),
        },
    )
    assert response.status_code == 200
    return CODE.search(response.content.decode()).group(0)


def _add_photo(client, code: str) -> None:
    url = "/intelligence/report/follow-up/"
    response = client.post(
        url,
        {
            "form_token": _token(client, url),
            "code": code,
            "action": "add",
            "add-message": "Another photo",
            "add-attachment": _upload("van.png", png_bytes()),
        },
    )
    assert response.status_code == 200, response.content.decode()[:300]


def _tree_times(root) -> dict[str, tuple[int, int]]:
    """Modification and change times, to the nanosecond, of a folder and all under it."""
    times = {}
    for folder, _subfolders, names in os.walk(root):
        for path in [folder, *(os.path.join(folder, name) for name in names)]:
            stat = os.stat(path)
            times[path] = (stat.st_mtime_ns, stat.st_ctime_ns)
    return times


def test_anonymous_reports_leave_no_file_time_and_no_order(client, world, channel, settings):
    os.makedirs(settings.VAR_DIR / "intelligence" / "attachments")
    before = _tree_times(settings.VAR_DIR)
    codes = [_report_with_photo(client, channel) for _ in range(5)]
    _add_photo(client, codes[0])

    # No file or folder was written or touched: nothing on disk has the moment of a report.
    assert _tree_times(settings.VAR_DIR) == before

    submissions = list(AnonymousSubmission.objects.all())
    attachments = list(Attachment.objects.all())
    messages = list(AnonymousMessage.objects.all())
    assert len(submissions) == 5 and len(attachments) == 6 and len(messages) == 1

    # Ids are random: not a sequence that orders the reports or their files.
    for rows in (submissions, attachments):
        ids = sorted(row.pk for row in rows)
        assert all(later - earlier > 1 for earlier, later in zip(ids, ids[1:], strict=False)), ids
        assert max(ids) > 2**40, ids

    # Rows hold dates, never times; the file's row holds nothing about when it came.
    today = timezone.localdate()
    for model in (AnonymousSubmission, AnonymousMessage, Attachment):
        for row in model.objects.values():
            for name, value in row.items():
                assert not isinstance(value, datetime.datetime), (model, name)
                if isinstance(value, datetime.date):
                    assert value >= today, (model, name)
    assert {field.name for field in Attachment._meta.concrete_fields} == {
        "id", "report", "submission", "filename", "content_type", "size", "sha256", "sealed",
    }  # fmt: skip


def test_a_conversation_keeps_its_order_without_ordered_ids(world, channel):
    submission, _ = services.submit_anonymous(channel, {"what": "A stall"})
    analyst = world.people["analyst"]
    for turn in range(4):
        services.reporter_adds(submission, f"Reporter {turn}")
        services.analyst_replies(analyst, submission, f"Analyst {turn}")
    said = [message["body"] for message in services.conversation(submission)]
    assert said == [f"{who} {turn}" for turn in range(4) for who in ("Reporter", "Analyst")]
    assert list(submission.messages.values_list("position", flat=True)) == list(range(1, 9))


def test_a_converted_report_keeps_its_attachments(client, world, channel):
    submission, _ = services.submit_anonymous(
        channel, {"what": "A stall"}, uploads=[("stall.png", png_bytes())]
    )
    analyst = world.people["analyst"]
    report = services.convert_submission(analyst, submission, report_fields())
    copy = report.attachments.get()
    verified_login(client, analyst)
    response = client.get(f"/intelligence/{report.pk}/attachments/{copy.pk}/")
    assert response.status_code == 200 and response.content == services.files.read(
        submission.attachments.get()
    )
