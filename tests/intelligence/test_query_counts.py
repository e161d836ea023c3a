"""Query counts pinned for every intelligence list and detail page and API list, with several
reports (each with subjects, files, recipients, readers, requests and sanitised versions) and
several anonymous reports (each with a conversation and a file), so that a query per row would
show. Opening a report or an anonymous report writes audit entries (a fixed number per page).
Each URL is fetched once first, so process-wide caches do not depend on the test order."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from convenor.intelligence import services
from convenor.intelligence.models import Reading, ReportingChannel
from tests.conftest import verified_login
from tests.intelligence.conftest import png_bytes, report_fields

ROWS = 6


@pytest.fixture
def many(world):
    """Six reports of A shared with B, each with three subjects, two files, two sanitised
    versions, a reading and an answered request from B; six anonymous reports to A, each with
    a file and a reply."""
    author, analyst = world.people["practitioner"], world.people["analyst"]
    partner = world.people["partner_person"]
    reports = []
    for n in range(ROWS):
        report = services.submit_report(
            author,
            report_fields(title=f"Report {n}", content=f"What is known {n}"),
            subjects=[
                {"kind": "person", "name": f"Person {n}.{k}", "identifier": ""} for k in range(3)
            ],
            uploads=[(f"photo{k}.png", png_bytes()) for k in range(2)],
        )
        services.disseminate(analyst, report, organisations=[world.partner])
        for k in range(2):
            version = services.create_sanitised_version(
                analyst, report, {"title": f"Sanitised {n}.{k}"}, keep_subjects=True
            )
            services.disseminate(analyst, version, organisations=[world.partner])
        services.record_reading(partner, report, Reading.Kind.VIEWED)
        question = services.request_information(partner, report, f"Who is behind {n}?")
        services.answer_information_request(analyst, question, "We are finding out")
        reports.append(report)
    channel = ReportingChannel.objects.create(
        slug="own-line",
        name="Own anonymous line",
        kind="public",
        introduction="Tell us.",
        receiving_organisation=world.own,
    )
    submissions = []
    for n in range(ROWS):
        submission, _ = services.submit_anonymous(
            channel, {"what": f"Counterfeit goods {n}"}, [(f"note{n}.txt", b"a note")]
        )
        services.analyst_replies(analyst, submission, "Thank you")
        submissions.append(submission)
    return reports, submissions


def _version(report) -> str:
    return report.sanitised_versions.order_by("pk").first().get_absolute_url()


PAGES = [
    ("report list", "analyst", lambda r, s: "/intelligence/", 15),
    ("report list searched", "analyst", lambda r, s: "/intelligence/?q=Report&subject=Person", 15),
    ("report (originator)", "analyst", lambda r, s: f"/intelligence/{r[0].pk}/", 30),
    ("report (recipient)", "partner_person", lambda r, s: f"/intelligence/{r[0].pk}/", 28),
    ("sanitised version", "analyst", lambda r, s: _version(r[0]), 30),
    ("sanitised version (recipient)", "partner_person", lambda r, s: _version(r[0]), 28),
    ("report print", "analyst", lambda r, s: f"/intelligence/{r[0].pk}/print/", 25),
    ("new report form", "analyst", lambda r, s: "/intelligence/new/", 14),
    ("disseminate form", "analyst", lambda r, s: f"/intelligence/{r[0].pk}/disseminate/", 16),
    ("sanitise form", "analyst", lambda r, s: f"/intelligence/{r[0].pk}/sanitise/", 14),
    ("triage list", "analyst", lambda r, s: "/intelligence/triage/", 17),
    ("triage detail", "analyst", lambda r, s: f"/intelligence/triage/{s[0].pk}/", 24),
]


@pytest.mark.parametrize("name,who,url,queries", PAGES, ids=[p[0] for p in PAGES])
def test_page_queries(client, world, many, pin_queries, name, who, url, queries):
    verified_login(client, world.people[who])
    address = url(*many)
    client.get(address)
    pin_queries(queries, client.get, address)


PUBLIC_PAGES = [
    ("channels", "/intelligence/report/", 1),
    ("anonymous form", "/intelligence/report/own-line/", 1),
    ("follow-up form", "/intelligence/report/follow-up/", 0),
]


@pytest.mark.parametrize("name,url,queries", PUBLIC_PAGES, ids=[p[0] for p in PUBLIC_PAGES])
def test_public_page_queries(client, many, pin_queries, name, url, queries):
    client.get(url)
    pin_queries(queries, client.get, url)


API = [
    ("reports", "/api/v1/intelligence-reports/", 2),
    ("reports searched", "/api/v1/intelligence-reports/?q=Report&handling_code=P", 2),
    ("anonymous reports", "/api/v1/anonymous-submissions/", 2),
]


@pytest.mark.parametrize("name,url,queries", API, ids=[a[0] for a in API])
def test_api_list_queries(world, many, pin_queries, name, url, queries):
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    api.get(url)
    pin_queries(queries, api.get, url)


def test_api_details_queries(world, many, pin_queries):
    reports, submissions = many
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    for url, queries in [
        (f"/api/v1/intelligence-reports/{reports[0].pk}/", 14),
        (f"/api/v1/anonymous-submissions/{submissions[0].pk}/", 10),
    ]:
        api.get(url)
        pin_queries(queries, api.get, url)
