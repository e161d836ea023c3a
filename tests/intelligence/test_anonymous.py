"""The anonymous reporting channel and integrity line: no account, no cookie, no identifier, no
time finer than the day; receipt codes; a two-way conversation; triage; retention."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import logging
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import models
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convenor.core.models import AuditEntry
from convenor.intelligence import crypto, forms, services
from convenor.intelligence.models import (
    AnonymousMessage,
    AnonymousSubmission,
    Attachment,
    DailyLimit,
    IntelligenceReport,
    ReportingChannel,
)
from tests.conftest import verified_login

from .conftest import png_bytes

IP = "203.0.113.77"
AGENT = "Distinctive-Agent/9.9 (ReporterPhone)"
IDENTIFYING = {"REMOTE_ADDR": IP, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": IP}
CODE = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}")


@pytest.fixture
def channel(world):
    return ReportingChannel.objects.create(
        slug="preston",
        name="Report crime in Preston anonymously",
        kind="public",
        introduction="Tell us what you know.",
        receiving_organisation=world.own,
        retention_days=30,
    )


def _token(client, url) -> str:
    body = client.get(url).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', body).group(1)


def _report(client, channel, **fields):
    url = f"/intelligence/report/{channel.slug}/"
    data = {
        "form_token": _token(client, url),
        "what": "Counterfeit cigarettes sold from a stall",
        "where": "The market",
        "when": "Saturdays",
        "who": "Two men",
        "how_known": "I saw it",
    }
    data.update(fields)
    return client.post(url, data, **IDENTIFYING)


def _code(response) -> str:
    return CODE.search(response.content.decode()).group(0)


def _database_text() -> str:
    """Every value of every row of every table, as text."""
    parts = []
    for model in apps.get_models():
        for row in model._default_manager.all().values():
            parts.append(repr(row))
    return "\n".join(parts)


def test_a_member_of_the_public_reports_without_an_account_or_cookie(client, channel):
    response = client.get(f"/intelligence/report/{channel.slug}/", **IDENTIFYING)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Do not give your name" in body and "csrfmiddlewaretoken" not in body
    response = _report(client, channel)
    assert response.status_code == 200
    assert not response.cookies and not client.cookies
    assert Session.objects.count() == 0
    assert "no-store" in response["Cache-Control"]
    submission = AnonymousSubmission.objects.get()
    assert submission.channel == channel and submission.received_on == timezone.localdate()
    assert submission.status == "new" and submission.source_evaluation == "2"
    assert submission.destroy_on == timezone.localdate() + datetime.timedelta(days=30)


def test_the_receipt_code_is_shown_once_and_only_its_keyed_hash_is_kept(client, channel):
    first = _code(_report(client, channel))
    second = _code(_report(client, channel))
    assert first != second
    assert crypto.RECEIPT_BYTES * 8 >= 80  # 120 bits from the secrets module
    assert len(first.replace("-", "")) * 5 == 120
    text = _database_text()
    for code in (first, second):
        assert code not in text and code.replace("-", "") not in text
    expected = hmac.new(
        crypto.receipt_key(), first.replace("-", "").encode(), hashlib.sha256
    ).hexdigest()
    assert AnonymousSubmission.objects.filter(receipt_hash=expected).count() == 1
    assert hashlib.sha256(first.replace("-", "").encode()).hexdigest() not in text


def test_nothing_identifying_reaches_the_database_or_the_logs(client, channel, caplog, world):
    caplog.set_level(logging.DEBUG)
    audit_before = AuditEntry.objects.count()
    before = {
        model: set(model._default_manager.values_list("pk", flat=True))
        for model in apps.get_models()
    }
    client.get("/intelligence/report/", **IDENTIFYING)
    response = _report(client, channel, attachment=_upload("photo.png", png_bytes()))
    code = _code(response)
    bad = _report(client, channel, what="")  # a 400, which Django would log with the path
    assert bad.status_code == 400
    client.get("/intelligence/report/no-such-channel/", **IDENTIFYING)  # a 404
    follow = "/intelligence/report/follow-up/"
    client.post(
        follow,
        {
            "form_token": _token(client, follow),
            "code": code,
            "action": "add",
            "add-message": "More: the van is white",
        },
        **IDENTIFYING,
    )
    client.post(follow, {"form_token": _token(client, follow), "code": "WRONG"}, **IDENTIFYING)
    # Nothing about the reporter in any table.
    text = _database_text()
    assert IP not in text and AGENT not in text and "ReporterPhone" not in text
    # No row written for the reporter carries a time finer than the day...
    for model in apps.get_models():
        new_rows = model._default_manager.exclude(pk__in=before[model])
        for row in new_rows.values():
            for name, value in row.items():
                assert not isinstance(value, datetime.datetime), (model, name)
    # ...and the anonymous models cannot hold one at all.
    for model in (AnonymousSubmission, AnonymousMessage, DailyLimit, Attachment):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateTimeField), (model, field.name)
    # No audit entry (timed to the microsecond) is written for the reporter's actions.
    assert AuditEntry.objects.count() == audit_before
    # Nothing in the logs: not the address, the agent, the code, nor the channel's paths.
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {sorted(map(str, r.__dict__.values()))}" for r in caplog.records
    )
    assert IP not in logged and AGENT not in logged and code not in logged
    assert "/intelligence/report/" not in logged


def test_the_development_servers_access_log_skips_the_channel(caplog):
    caplog.set_level(logging.INFO, logger="django.server")
    server = logging.getLogger("django.server")  # does not propagate: listen to it directly
    server.addHandler(caplog.handler)
    try:
        _log_two_requests(server)
    finally:
        server.removeHandler(caplog.handler)
    messages = [r.getMessage() for r in caplog.records if r.name == "django.server"]
    assert messages == ['"GET /intelligence/ HTTP/1.1" 200 512']


def _log_two_requests(server):
    server.info(
        '"%s" %s %s',
        "POST /intelligence/report/preston/ HTTP/1.1",
        "200",
        "512",
        extra={"server_time": "27/Nov/2026 12:00:01", "request": IP},
    )
    server.info('"%s" %s %s', "GET /intelligence/ HTTP/1.1", "200", "512")


def test_content_is_encrypted_at_rest(client, channel):
    _report(client, channel, what="UNIQUEPLAINTEXT about the market")
    submission = AnonymousSubmission.objects.get()
    assert b"UNIQUEPLAINTEXT" not in bytes(submission.content)
    assert "UNIQUEPLAINTEXT" not in _database_text()
    assert services.decrypted_content(submission)["what"] == "UNIQUEPLAINTEXT about the market"
    # Not a Fernet token, whose header carries the time to the second in clear.
    assert not bytes(submission.content).startswith(b"gAAAAA")


def _upload(name, data):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


@pytest.mark.parametrize(
    "tamper",
    [
        {"form_token": ""},
        {"form_token": "forged:token"},
        {"form_token": forms.form_token("report:another-channel")},
    ],
)
def test_posts_without_a_valid_form_token_are_refused(client, channel, tamper):
    response = _report(client, channel, **tamper)
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
    assert not AnonymousSubmission.objects.exists()


def test_an_expired_form_token_is_refused(client, channel, monkeypatch):
    token = forms.form_token(f"report:{channel.slug}")
    monkeypatch.setattr(forms, "TOKEN_MAX_AGE", -1)
    response = _report(client, channel, form_token=token)
    assert response.status_code == 403 and not AnonymousSubmission.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}],
)
def test_cross_site_posts_are_refused(client, channel, headers):
    url = f"/intelligence/report/{channel.slug}/"
    token = _token(client, url)
    response = client.post(url, {"form_token": token, "what": "x"}, **headers)
    assert response.status_code == 403 and not AnonymousSubmission.objects.exists()
    follow = "/intelligence/report/follow-up/"
    response = client.post(
        follow, {"form_token": forms.form_token("follow-up"), "code": "x"}, **headers
    )
    assert response.status_code == 403


def test_the_reporter_and_the_analyst_hold_a_conversation(client, channel, world):
    code = _code(_report(client, channel))
    submission = AnonymousSubmission.objects.get()
    services.analyst_replies(world.people["analyst"], submission, "Which stall number?")
    follow = "/intelligence/report/follow-up/"
    response = client.post(
        follow, {"form_token": _token(client, follow), "code": code.lower().replace("-", " ")}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Which stall number?" in body and "Counterfeit cigarettes" in body
    assert code not in response.request.get("PATH_INFO", "")  # the code never sits in a URL
    response = client.post(
        follow,
        {
            "form_token": _token(client, follow),
            "code": code,
            "action": "add",
            "add-message": "Stall 14, near the fish market",
            "add-attachment": _upload("stall.png", png_bytes()),
        },
    )
    assert "your information has been added" in response.content.decode()
    assert submission.attachments.count() == 1
    analyst = Client()
    verified_login(analyst, world.people["analyst"])
    page = analyst.get(f"/intelligence/triage/{submission.pk}/").content.decode()
    assert "Stall 14, near the fish market" in page and "stall.png" in page
    assert AuditEntry.objects.filter(
        action="anonymous_report_viewed", object_id=str(submission.pk)
    ).exists()
    # Bad input from the reporter is explained and changes nothing.
    response = client.post(
        follow, {"form_token": _token(client, follow), "code": code, "action": "add"}
    )
    assert response.status_code == 400 and "Enter what you want to add" in response.content.decode()
    response = client.post(
        follow,
        {
            "form_token": _token(client, follow),
            "code": code,
            "action": "add",
            "add-attachment": _upload("fake.jpg", b"%PDF-1.4 spoof"),
        },
    )
    assert response.status_code == 400
    assert "does not match what it contains" in response.content.decode()
    assert submission.messages.count() == 2 and submission.attachments.count() == 1


def test_receipt_code_guessing_is_blocked(client, channel, monkeypatch):
    monkeypatch.setattr(services.anonymous, "RECEIPT_FAILURES_PER_DAY", 5)
    code = _code(_report(client, channel))
    follow = "/intelligence/report/follow-up/"
    for _ in range(5):
        guess = crypto.new_receipt_code()
        response = client.post(follow, {"form_token": _token(client, follow), "code": guess})
        assert response.status_code == 400
        assert "cannot find a report with that receipt code" in response.content.decode()
    # The day's allowance of wrong codes is spent: even the right code waits until tomorrow.
    response = client.post(follow, {"form_token": _token(client, follow), "code": code})
    assert response.status_code == 429
    assert "Too many wrong receipt codes" in response.content.decode()
    assert "Counterfeit cigarettes" not in response.content.decode()
    counter = DailyLimit.objects.get(scope="receipt-failures")
    assert (counter.day, counter.count) == (timezone.localdate(), 5)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert services.find_by_receipt(code) == AnonymousSubmission.objects.get()


def test_submissions_are_limited_per_day_without_identifying_anyone(client, channel, monkeypatch):
    monkeypatch.setattr(services.anonymous, "SUBMISSIONS_PER_CHANNEL_PER_DAY", 1)
    assert _report(client, channel).status_code == 200
    response = _report(client, channel)
    assert response.status_code == 400
    assert "as many reports as it can take today" in response.content.decode()
    assert AnonymousSubmission.objects.count() == 1
    assert list(DailyLimit.objects.values_list("scope", "count")) == [
        (f"submissions:{channel.pk}", 1)
    ]


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"what": ""}, "Tell us what is happening"),
        ({"what": "x" * 20001}, "at most 20000 characters"),
        ({"attachment": "spoof"}, "does not match what it contains"),
    ],
)
def test_bad_reports_are_explained_and_nothing_is_saved(client, channel, fields, message):
    if fields.get("attachment") == "spoof":
        fields = {"attachment": _upload("photo.jpg", b"%PDF-1.4 not an image")}
    response = _report(client, channel, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AnonymousSubmission.objects.exists() and not Attachment.objects.exists()
    assert not DailyLimit.objects.exists() or DailyLimit.objects.get().count == 0


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.fixed_dictionaries(
        {
            name: st.text(max_size=60)
            for name in ["what", "where", "when", "who", "how_known", "code"]
        }
    )
)
def test_fuzzed_public_forms_never_fail_and_bad_ones_save_nothing(channel, fields):
    client = Client()
    url = f"/intelligence/report/{channel.slug}/"
    before = AnonymousSubmission.objects.count()
    response = client.post(
        url, {**fields, "form_token": forms.form_token(f"report:{channel.slug}")}
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert AnonymousSubmission.objects.count() == before + 1
        assert not client.cookies
    else:
        assert AnonymousSubmission.objects.count() == before
    follow = "/intelligence/report/follow-up/"
    response = client.post(
        follow, {**fields, "action": "add", "form_token": forms.form_token("follow-up")}
    )
    assert response.status_code in (200, 400, 429)
    assert AnonymousMessage.objects.count() == 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.fixed_dictionaries(
        {
            "title": st.text(max_size=250),
            "content": st.text(max_size=80),
            "source_evaluation": st.sampled_from(["1", "2", "3", "4", "", "A"]),
            "intelligence_assessment": st.sampled_from(["A", "E", "F", "", "1"]),
            "handling_code": st.sampled_from(["P", "C", "X", ""]),
            "handling_conditions": st.text(max_size=30),
            "legal_basis": st.sampled_from(["cda_s115", "dpa_part3", "x", ""]),
            "review_date": st.one_of(st.dates().map(str), st.text(max_size=12)),
            "occurred_on": st.one_of(st.dates().map(str), st.text(max_size=12)),
            "postcode": st.sampled_from(["", "PR1 2HE", "ZZ99 9ZZ", "bad", "B1 1AA"]),
            "subject_1_kind": st.sampled_from(["", "person", "ship"]),
            "subject_1_name": st.text(max_size=20),
        }
    )
)
def test_fuzzed_report_forms_never_fail_and_bad_ones_save_nothing(world, data):
    client = Client()
    verified_login(client, world.people["analyst"])
    before = IntelligenceReport.objects.count()
    response = client.post("/intelligence/new/", data)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        assert IntelligenceReport.objects.count() == before + 1
    else:
        assert IntelligenceReport.objects.count() == before


# --- Triage -----------------------------------------------------------------------------------


def test_triage_grades_and_turns_a_report_into_intelligence(client, world, intel):
    submission = intel.own_submission
    Attachment.objects.create(
        submission=submission,
        **services.files.store(services.files.clean_upload("stall.png", png_bytes())),
    )
    verified_login(client, world.people["analyst"])
    url = f"/intelligence/triage/{submission.pk}/"
    page = client.get(url).content.decode()
    assert "OWNANON counterfeit goods" in page
    response = client.post(url, {"action": "grade", "grade-source_evaluation": "9"})
    assert response.status_code == 400
    assert "Choose a source evaluation: 1, 2 or 3" in response.content.decode()
    assert "Choose an intelligence assessment" in response.content.decode()
    client.post(
        url,
        {"action": "grade", "grade-source_evaluation": "2", "grade-intelligence_assessment": "C"},
    )
    submission.refresh_from_db()
    assert (submission.source_evaluation, submission.intelligence_assessment) == ("2", "C")
    form = client.get(url).context["forms"]["convert"]
    assert form["source_evaluation"].value() == "2"  # anonymous: untested by default
    assert "OWNANON counterfeit goods" in form["content"].value()
    data = {
        f"convert-{k}": v
        for k, v in {
            "title": "Counterfeit goods at the market",
            "content": form["content"].value(),
            "source_evaluation": "2",
            "intelligence_assessment": "C",
            "handling_code": "P",
            "classification": "official_sensitive",
            "legal_basis": "dpa_part3",
            "review_date": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            "threat_areas": ["counterfeit_illicit_goods"],
            "subject_1_kind": "business",
            "subject_1_name": "Market stall 14",
        }.items()
    }
    response = client.post(url, {"action": "convert", **data})
    report = IntelligenceReport.objects.get(title="Counterfeit goods at the market")
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.owner_organisation == world.own and report.origin_submission == submission
    assert report.grading == "2CP" and report.subjects.get().name == "Market stall 14"
    assert report.attachments.get().filename == "stall.png"
    submission.refresh_from_db()
    assert submission.status == "converted"
    # Disseminate to a partner, e.g. trading standards for counterfeit goods.
    services.disseminate(world.people["analyst"], report, organisations=[world.partner])
    assert report.disseminations.get().organisation == world.partner


def test_triage_closes_a_report_with_a_reason(client, world, intel):
    verified_login(client, world.people["analyst"])
    url = f"/intelligence/triage/{intel.own_submission.pk}/"
    response = client.post(url, {"action": "close", "close-reason": ""})
    assert response.status_code == 400
    assert "Enter why the report is being closed" in response.content.decode()
    response = client.post(url, {"action": "close", "close-reason": "Duplicate of ANON-1"})
    assert response.status_code == 302
    intel.own_submission.refresh_from_db()
    assert intel.own_submission.status == "closed"
    assert AuditEntry.objects.filter(action="anonymous_report_closed").exists()


def test_only_the_receiving_organisations_analysts_triage(world, intel):
    for person in ("practitioner", "board_member", "partnership_administrator", "auditor"):
        with pytest.raises(PermissionDenied):
            services.read_submission(world.people[person], intel.own_submission)
    with pytest.raises(PermissionDenied):
        services.read_submission(world.people["analyst"], intel.outside_submission)


def test_the_integrity_line_routes_to_the_councils_fraud_team(client, world):
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    fraud_team = OrganisationFactory(name="Council Fraud Team", kind="council_service")
    investigator = UserFactory(username="fraud-investigator")
    MembershipFactory(user=investigator, organisation=fraud_team, role="analyst")
    line = ReportingChannel.objects.create(
        slug="integrity",
        name="Council Integrity Line",
        kind="integrity",
        introduction="For staff.",
        receiving_organisation=fraud_team,
    )
    _report(client, line, what="A contractor bribes a procurement officer")
    submission = AnonymousSubmission.objects.get()
    verified_login(client, investigator)
    assert (
        "A contractor bribes"
        in client.get(f"/intelligence/triage/{submission.pk}/").content.decode()
    )
    verified_login(client, world.people["analyst"])
    assert client.get(f"/intelligence/triage/{submission.pk}/").status_code == 404


def test_purge_destroys_content_after_retention_and_keeps_a_count(world, intel):
    converted = services.convert_submission(
        world.people["analyst"],
        intel.own_submission,
        {
            "title": "Converted",
            "content": "OWNANON",
            "intelligence_assessment": "C",
            "handling_code": "P",
            "classification": "official",
            "legal_basis": "dpa_part3",
            "review_date": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    services.analyst_replies(world.people["analyst"], intel.own_submission, "Thanks")
    # Nothing is due yet.
    call_command("intelligence", "purge", stdout=io.StringIO())
    assert AnonymousSubmission.objects.count() == 2
    later = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    out = io.StringIO()
    call_command("intelligence", "purge", "--on", later, stdout=out)
    assert "Destroyed 2 anonymous reports" in out.getvalue()
    assert not AnonymousSubmission.objects.exists() and not AnonymousMessage.objects.exists()
    assert not Attachment.objects.filter(submission__isnull=False).exists()
    assert list(
        ReportingChannel.objects.order_by("slug").values_list("slug", "destroyed_count")
    ) == [("outside-integrity", 1), ("own-line", 1)]
    converted.refresh_from_db()
    assert converted.origin_submission is None and converted.content == "OWNANON"
    assert AuditEntry.objects.filter(action="anonymous_reports_destroyed").count() == 2
    with pytest.raises(CommandError, match="--on must be a date"):
        call_command("intelligence", "purge", "--on", "soon")


def test_closed_reports_take_no_more_information(world, intel):
    services.close_submission(world.people["analyst"], intel.own_submission, "Not SOC")
    with pytest.raises(Exception, match="closed"):
        services.reporter_adds(intel.own_submission, "more")


def test_a_signed_in_member_of_staff_reports_on_the_integrity_line_without_a_trace(
    client, world, channel
):
    """Staff often report from their work browser while signed in: the public pages neither read
    nor refresh their session and write nothing that names them."""
    verified_login(client, world.people["practitioner"])
    session = Session.objects.get()
    expires = session.expire_date
    audit_before = AuditEntry.objects.count()
    rows_before = {m: m._default_manager.count() for m in apps.get_models()}
    page = client.get(f"/intelligence/report/{channel.slug}/")
    assert "Sign out" not in page.content.decode()  # shown as to anyone: no staff menu
    response = _report(client, channel, what="My manager takes payments from a contractor")
    assert response.status_code == 200 and not response.cookies
    session.refresh_from_db()
    assert session.expire_date == expires and Session.objects.count() == 1
    assert AuditEntry.objects.count() == audit_before
    grown = {
        m._meta.label for m in apps.get_models() if m._default_manager.count() != rows_before[m]
    }
    assert grown == {"intelligence.AnonymousSubmission", "intelligence.DailyLimit"}
    # Their own session is untouched and still works.
    assert client.get("/intelligence/").status_code == 200


def test_the_conversation_goes_on_after_conversion_but_not_after_closing(client, world, intel):
    analyst = world.people["analyst"]
    services.convert_submission(
        analyst,
        intel.own_submission,
        {
            "title": "Converted",
            "content": "OWNANON",
            "intelligence_assessment": "C",
            "handling_code": "P",
            "classification": "official",
            "legal_basis": "dpa_part3",
            "review_date": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    verified_login(client, analyst)
    url = f"/intelligence/triage/{intel.own_submission.pk}/"
    assert "Send reply" in client.get(url).content.decode()
    client.post(url, {"action": "reply", "reply-reply": "Thank you, we are acting on it"})
    assert services.conversation(intel.own_submission)[-1]["body"].startswith("Thank you")
    submission = AnonymousSubmission.objects.get(pk=intel.own_submission.pk)
    services.close_submission(analyst, submission, "Done")
    assert "Send reply" not in client.get(url).content.decode()
    with pytest.raises(ValidationError, match="closed"):
        services.analyst_replies(analyst, submission, "x")
