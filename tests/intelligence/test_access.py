"""The intelligence access matrix: every role of organisation A against A's own reports, their
versions and attachments, a report shared with partner B, organisation C's report and anonymous
reports to A and to C, for every page and API path. What a user may not see is 404."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.conftest import ROLES, verified_login

ADMIN, ANALYST, PRACTITIONER, BOARD, AUDITOR = ROLES


def everyone(status):
    return {role: status for role in ROLES}


def only(role_status: dict, otherwise: int):
    return {role: role_status.get(role, otherwise) for role in ROLES}


# The author (A's practitioner) and A's analysts (intelligence managers) see A's reports.
ORIGINATORS = only({ANALYST: 200, PRACTITIONER: 200}, 404)

PAGES = [
    ("report list", lambda w, i: "/intelligence/", everyone(200)),
    ("new report", lambda w, i: "/intelligence/new/", everyone(200)),
    ("own report", lambda w, i: f"/intelligence/{i.own_report.pk}/", ORIGINATORS),
    ("own report print", lambda w, i: f"/intelligence/{i.own_report.pk}/print/", ORIGINATORS),
    (
        "own report export",
        lambda w, i: f"/intelligence/{i.own_report.pk}/export.json",
        ORIGINATORS,
    ),
    (
        "own attachment",
        lambda w, i: f"/intelligence/{i.own_report.pk}/attachments/{i.own_attachment.pk}/",
        ORIGINATORS,
    ),
    (
        "own report disseminate",
        lambda w, i: f"/intelligence/{i.own_report.pk}/disseminate/",
        ORIGINATORS,
    ),
    (
        "own report sanitise",
        lambda w, i: f"/intelligence/{i.own_report.pk}/sanitise/",
        ORIGINATORS,
    ),
    # The sanitised version was made by A's analyst: the original's author is not its author.
    (
        "sanitised version",
        lambda w, i: f"/intelligence/{i.sanitised.pk}/",
        only({ANALYST: 200}, 404),
    ),
    ("shared report", lambda w, i: f"/intelligence/{i.shared_report.pk}/", ORIGINATORS),
    ("outside report", lambda w, i: f"/intelligence/{i.outside_report.pk}/", everyone(404)),
    (
        "outside report print",
        lambda w, i: f"/intelligence/{i.outside_report.pk}/print/",
        everyone(404),
    ),
    (
        "outside report export",
        lambda w, i: f"/intelligence/{i.outside_report.pk}/export.json",
        everyone(404),
    ),
    (
        "outside attachment",
        lambda w, i: f"/intelligence/{i.outside_report.pk}/attachments/{i.outside_attachment.pk}/",
        everyone(404),
    ),
    (
        "outside attachment through own report",
        lambda w, i: f"/intelligence/{i.own_report.pk}/attachments/{i.outside_attachment.pk}/",
        everyone(404),
    ),
    (
        "outside report disseminate",
        lambda w, i: f"/intelligence/{i.outside_report.pk}/disseminate/",
        everyone(404),
    ),
    (
        "outside report sanitise",
        lambda w, i: f"/intelligence/{i.outside_report.pk}/sanitise/",
        everyone(404),
    ),
    ("triage list", lambda w, i: "/intelligence/triage/", only({ANALYST: 200}, 403)),
    (
        "own anonymous report",
        lambda w, i: f"/intelligence/triage/{i.own_submission.pk}/",
        only({ANALYST: 200}, 404),
    ),
    (
        "outside anonymous report",
        lambda w, i: f"/intelligence/triage/{i.outside_submission.pk}/",
        everyone(404),
    ),
    (
        "outside anonymous attachment",
        lambda w, i: (
            f"/intelligence/triage/{i.outside_submission.pk}/attachments/"
            f"{i.outside_submission.attachments.get().pk}/"
        ),
        everyone(404),
    ),
    ("public channels", lambda w, i: "/intelligence/report/", everyone(200)),
    ("public form", lambda w, i: f"/intelligence/report/{i.own_channel.slug}/", everyone(200)),
]

API = [
    ("api report list", lambda w, i: "/api/v1/intelligence-reports/", everyone(200)),
    (
        "api own report",
        lambda w, i: f"/api/v1/intelligence-reports/{i.own_report.pk}/",
        ORIGINATORS,
    ),
    (
        "api sanitised version",
        lambda w, i: f"/api/v1/intelligence-reports/{i.sanitised.pk}/",
        only({ANALYST: 200}, 404),
    ),
    (
        "api outside report",
        lambda w, i: f"/api/v1/intelligence-reports/{i.outside_report.pk}/",
        everyone(404),
    ),
    ("api anonymous list", lambda w, i: "/api/v1/anonymous-submissions/", everyone(200)),
    (
        "api own anonymous report",
        lambda w, i: f"/api/v1/anonymous-submissions/{i.own_submission.pk}/",
        only({ANALYST: 200}, 404),
    ),
    (
        "api outside anonymous report",
        lambda w, i: f"/api/v1/anonymous-submissions/{i.outside_submission.pk}/",
        everyone(404),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(client, world, intel, role, name, url, expected):
    verified_login(client, world.people[role])
    response = client.get(url(world, intel))
    assert response.status_code == expected[role], f"{name} as {role}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", API, ids=[p[0] for p in API])
def test_api_matrix(world, intel, role, name, url, expected):
    api = APIClient()
    api.force_authenticate(world.people[role])
    response = api.get(url(world, intel))
    assert response.status_code == expected[role], f"{name} as {role}"


# The partner organisation B's practitioner: receives what was disseminated to B, nothing else.
PARTNER = [
    ("shared report", lambda i: f"/intelligence/{i.shared_report.pk}/", 200),
    ("sanitised version", lambda i: f"/intelligence/{i.sanitised.pk}/", 200),
    ("original of the sanitised version", lambda i: f"/intelligence/{i.own_report.pk}/", 404),
    (
        "attachment of the original",
        lambda i: f"/intelligence/{i.own_report.pk}/attachments/{i.own_attachment.pk}/",
        404,
    ),
    ("code C report (conditions first)", lambda i: f"/intelligence/{i.conditions_report.pk}/", 200),
    (
        "code C report print before acknowledging",
        lambda i: f"/intelligence/{i.conditions_report.pk}/print/",
        403,
    ),
    (
        "code C report export before acknowledging",
        lambda i: f"/intelligence/{i.conditions_report.pk}/export.json",
        403,
    ),
    (
        "shared report disseminate (not the originator)",
        lambda i: f"/intelligence/{i.shared_report.pk}/disseminate/",
        403,
    ),
    ("outside report", lambda i: f"/intelligence/{i.outside_report.pk}/", 404),
    ("triage", lambda i: "/intelligence/triage/", 403),
    ("own anonymous report", lambda i: f"/intelligence/triage/{i.own_submission.pk}/", 404),
    ("api shared report", lambda i: f"/api/v1/intelligence-reports/{i.shared_report.pk}/", 200),
    ("api original", lambda i: f"/api/v1/intelligence-reports/{i.own_report.pk}/", 404),
    (
        "api code C report before acknowledging",
        lambda i: f"/api/v1/intelligence-reports/{i.conditions_report.pk}/",
        403,
    ),
]


@pytest.mark.parametrize("name,url,expected", PARTNER, ids=[p[0] for p in PARTNER])
def test_partner_matrix(client, world, intel, name, url, expected):
    partner = world.people["partner_person"]
    if url(intel).startswith("/api/"):
        api = APIClient()
        api.force_authenticate(partner)
        response = api.get(url(intel))
    else:
        verified_login(client, partner)
        response = client.get(url(intel))
    assert response.status_code == expected, name


def test_outside_organisation_sees_none_of_a(client, world, intel):
    """C's people get 404 on every URL and API path to A's reports and anonymous reports."""
    verified_login(client, world.people["outside_person"])
    i = intel
    paths = [
        f"/intelligence/{i.own_report.pk}/",
        f"/intelligence/{i.shared_report.pk}/",
        f"/intelligence/{i.conditions_report.pk}/",
        f"/intelligence/{i.sanitised.pk}/",
        f"/intelligence/{i.own_report.pk}/print/",
        f"/intelligence/{i.own_report.pk}/export.json",
        f"/intelligence/{i.own_report.pk}/attachments/{i.own_attachment.pk}/",
        f"/intelligence/{i.own_report.pk}/disseminate/",
        f"/intelligence/{i.own_report.pk}/sanitise/",
        f"/intelligence/triage/{i.own_submission.pk}/",
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path
    for path in [
        f"/intelligence/{i.own_report.pk}/acknowledge/",
        f"/intelligence/{i.own_report.pk}/requests/",
        f"/intelligence/{i.own_report.pk}/attachments/",
    ]:
        assert client.post(path, {"acknowledge": "yes", "question": "x"}).status_code == 404, path
    api = APIClient()
    api.force_authenticate(world.people["outside_person"])
    for report in (i.own_report, i.shared_report, i.conditions_report, i.sanitised):
        assert api.get(f"/api/v1/intelligence-reports/{report.pk}/").status_code == 404
        assert api.post(f"/api/v1/intelligence-reports/{report.pk}/acknowledge/").status_code == 404
        assert (
            api.post(
                f"/api/v1/intelligence-reports/{report.pk}/disseminate/",
                {"organisations": [world.outside.slug]},
                format="json",
            ).status_code
            == 404
        )
    assert api.get(f"/api/v1/anonymous-submissions/{i.own_submission.pk}/").status_code == 404


def _titles(body: str) -> set[str]:
    return {
        t
        for t in [
            "Own secret report",
            "Shared report",
            "Conditional report",
            "Outside report",
            "Sanitised report",
        ]
        if t in body
    }


def test_search_results_never_leak_a_report(client, world, intel):
    verified_login(client, world.people["partner_person"])
    body = client.get("/intelligence/").content.decode()
    assert _titles(body) == {"Shared report", "Conditional report", "Sanitised report"}
    for word in ["OWNSECRET", "OUTSIDECONTENT", "Jordan", "Own secret"]:
        body = client.get("/intelligence/", {"q": word}).content.decode()
        assert "0 reports" in body, word
    # The text behind handling conditions is not searchable until they are acknowledged.
    assert "0 reports" in client.get("/intelligence/", {"q": "CONDITIONALCONTENT"}).content.decode()
    assert (
        "0 reports" in client.get("/intelligence/", {"subject": "Hidden Business"}).content.decode()
    )
    client.post(f"/intelligence/{intel.conditions_report.pk}/acknowledge/", {"acknowledge": "yes"})
    body = client.get("/intelligence/", {"q": "CONDITIONALCONTENT"}).content.decode()
    assert "1 report" in body and "Conditional report" in body
    body = client.get("/intelligence/", {"subject": "Hidden Business"}).content.decode()
    assert "Conditional report" in body


def test_api_search_never_leaks_a_report(world, intel):
    api = APIClient()
    api.force_authenticate(world.people["partner_person"])
    titles = {r["title"] for r in api.get("/api/v1/intelligence-reports/").json()["results"]}
    assert titles == {"Shared report", "Conditional report", "Sanitised report"}
    assert api.get("/api/v1/intelligence-reports/", {"q": "OWNSECRET"}).json()["count"] == 0
    api.force_authenticate(world.people["outside_person"])
    titles = {r["title"] for r in api.get("/api/v1/intelligence-reports/").json()["results"]}
    assert titles == {"Outside report"}
    assert api.get("/api/v1/anonymous-submissions/").json()["count"] == 0


def test_triage_lists_only_the_receiving_organisations_reports(client, world, intel):
    verified_login(client, world.people[ANALYST])
    body = client.get("/intelligence/triage/").content.decode()
    assert intel.own_submission.reference in body
    assert intel.outside_submission.reference not in body


def test_operators_get_no_special_access_to_intelligence(client, world, intel):
    from convenor.core import access
    from convenor.intelligence.models import AnonymousSubmission, IntelligenceReport
    from tests.factories import UserFactory

    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    assert not access.visible(operator, IntelligenceReport.objects.all()).exists()
    assert not access.visible(operator, AnonymousSubmission.objects.all()).exists()
