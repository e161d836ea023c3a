"""Intelligence fixtures on top of the shared ``world``: reports owned by A (own), shared with B
(partner) or not, one owned by C (outside), a sanitised version, attachments, and reporting
channels whose anonymous reports go to A and to C."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pytest
from django.utils import timezone
from PIL import Image

from convenor.intelligence import services
from convenor.intelligence.models import ReportingChannel


@pytest.fixture(autouse=True)
def attachment_store(settings, tmp_path):
    """Attachments go to a fresh folder for each test."""
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR / "intelligence" / "attachments"


def report_fields(**overrides) -> dict:
    fields = {
        "title": "Cash-only car wash used to launder money",
        "content": "Cash deposits far above what the business could take.",
        "occurred_on": None,
        "location": "Ring road",
        "postcode": "",
        "threat_areas": ["money_laundering"],
        "four_p": ["pursue"],
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "handling_conditions": "",
        "classification": "official_sensitive",
        "legal_basis": "cda_s115",
        "review_date": timezone.localdate() + datetime.timedelta(days=365),
    }
    fields.update(overrides)
    return fields


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


@dataclass
class Intel:
    own_report: object  # A's, by A's practitioner, not shared
    shared_report: object  # A's, shared with B, handling code P
    conditions_report: object  # A's, shared with B, handling code C
    outside_report: object  # C's
    sanitised: object  # sanitised version of own_report, shared with B
    own_attachment: object
    outside_attachment: object
    own_channel: object
    outside_channel: object
    own_submission: object
    own_code: str
    outside_submission: object
    outside_code: str


@pytest.fixture
def intel(world) -> Intel:
    author = world.people["practitioner"]
    analyst = world.people["analyst"]
    own_report = services.submit_report(
        author,
        report_fields(title="Own secret report", content="Alpha source says the OWNSECRET."),
        subjects=[{"kind": "person", "name": "Jordan Invented", "identifier": "1990-01-01"}],
        uploads=[("photo.png", png_bytes())],
    )
    shared_report = services.submit_report(
        author, report_fields(title="Shared report", content="SHAREDCONTENT visible to B.")
    )
    services.disseminate(analyst, shared_report, organisations=[world.partner])
    conditions_report = services.submit_report(
        author,
        report_fields(
            title="Conditional report",
            content="CONDITIONALCONTENT behind conditions.",
            handling_code="C",
            handling_conditions="Not to be shared beyond trading standards.",
        ),
        subjects=[{"kind": "business", "name": "Hidden Business Ltd"}],
    )
    services.disseminate(analyst, conditions_report, organisations=[world.partner])
    outside_report = services.submit_report(
        world.people["outside_person"],
        report_fields(title="Outside report", content="OUTSIDECONTENT"),
        uploads=[("notes.txt", b"outside notes")],
    )
    sanitised = services.create_sanitised_version(
        analyst,
        own_report,
        {"title": "Sanitised report", "content": "Sanitised: something is happening."},
    )
    services.disseminate(analyst, sanitised, organisations=[world.partner])
    own_channel = ReportingChannel.objects.create(
        slug="own-line",
        name="Own anonymous line",
        kind="public",
        introduction="Tell us.",
        receiving_organisation=world.own,
    )
    outside_channel = ReportingChannel.objects.create(
        slug="outside-integrity",
        name="Outside integrity line",
        kind="integrity",
        introduction="Tell us.",
        receiving_organisation=world.outside,
    )
    own_submission, own_code = services.submit_anonymous(
        own_channel, {"what": "OWNANON counterfeit goods", "where": "Market"}
    )
    outside_submission, outside_code = services.submit_anonymous(
        outside_channel, {"what": "OUTSIDEANON contractor"}, [("note.txt", b"outside anon file")]
    )
    return Intel(
        own_report,
        shared_report,
        conditions_report,
        outside_report,
        sanitised,
        own_report.attachments.get(),
        outside_report.attachments.get(),
        own_channel,
        outside_channel,
        own_submission,
        own_code,
        outside_submission,
        outside_code,
    )
