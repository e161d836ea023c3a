"""The REST API: OpenAPI schema, per-user tokens, and no server error for any generated request."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from convenor.core.areas import load_areas
from convenor.core.models import ApiToken, AuditEntry
from convenor.core.tokens import issue_api_token
from tests.conftest import verified_login


def test_schema_is_served_and_describes_the_endpoints(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].endswith("json") else None
    text = response.content.decode()
    for path in ["/api/v1/organisations/", "/api/v1/agreements/", "/api/v1/audit-entries/"]:
        assert path in text
    assert schema is None or schema["info"]["title"] == "Convenor API"


def test_token_is_issued_once_from_the_account_page_and_works(client, world):
    user = world.people["analyst"]
    verified_login(client, user)
    body = client.post("/account/", {"action": "issue"}).content.decode()
    token = ApiToken.objects.get(user=user)
    key = body.split('data-testid="api-token">')[1].split("<")[0]
    assert key.startswith(token.key_prefix) and key not in token.key_hash
    assert key not in client.get("/account/").content.decode()  # shown once only
    api = client.__class__()
    response = api.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="api_token_issued", actor=user).exists()
    client.post("/account/", {"action": "revoke", "token": token.pk})
    response = api.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


def test_a_wrong_token_is_refused(db, client):
    response = client.get("/api/v1/organisations/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.fixture
def api_schema(live_server, transactional_db, django_db_serialized_rollback=None):
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")


@pytest.fixture
def token_for_administrator(transactional_db):
    from tests.conftest import World  # noqa: F401  (the world fixture cannot mix with live_server here)
    from tests.factories import (
        AgreementFactory,
        MembershipFactory,
        OrganisationFactory,
        PartnershipFactory,
        UserFactory,
    )

    load_areas()
    own = OrganisationFactory(name="Own Police", kind="police_force")
    partner = OrganisationFactory(name="Partner Council")
    partnership = PartnershipFactory(name="Shared", lead_organisation=own)
    partnership.organisations.set([own, partner])
    AgreementFactory(partnership=partnership).parties.set([own, partner])
    user = UserFactory(username="api-admin")
    MembershipFactory(user=user, organisation=own, role="partnership_administrator")
    MembershipFactory(user=user, organisation=own, role="auditor")
    return issue_api_token(user)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_generated_request_causes_a_server_error(case, token_for_administrator):
    case.call_and_validate(
        headers={"Authorization": f"Token {token_for_administrator}"},
        checks=[not_a_server_error],
    )


def test_huge_paging_numbers_are_bounded_not_a_server_error(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    response = api.get("/api/v1/organisations/", {"limit": 10**20, "offset": 10**20})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_nul_characters_are_refused_with_a_400_not_a_server_error(world):
    """PostgreSQL refuses NUL in text; found by schemathesis on the agreements endpoint."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.people["partnership_administrator"])
    before = world.shared.agreements.count()
    response = api.post(
        "/api/v1/agreements/",
        {
            "partnership": world.shared.slug + "\x00",
            "parties": [world.own.slug + "\x00"],
            "title": "x",
            "purpose": "x",
            "legal_bases": ["uk_gdpr_6_1_c"],
            "data_categories": "x",
            "retention": "x",
            "security": "x",
            "starts_on": "2026-01-01",
            "review_date": "2027-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "partnership" in response.json()
    assert world.shared.agreements.count() == before
    page = api.get("/api/v1/organisations/", {"search": "a\x00b"})
    assert page.status_code == 400


def test_the_api_index_lists_every_collection_in_the_schema(client, world):
    """/api/v1/ names every app's collections (issue 13 item 11), not only core's six."""
    auth = {"HTTP_AUTHORIZATION": f"Token {issue_api_token(world.people['analyst'])}"}
    index = client.get("/api/v1/", HTTP_ACCEPT="application/json", **auth)
    assert index.status_code == 200
    listed = {url.split("/api/v1/", 1)[1] for url in index.json().values()}
    schema = client.get("/api/v1/schema/?format=json", **auth).json()
    collections = {p.removeprefix("/api/v1/") for p in schema["paths"] if "{" not in p}
    collections.discard("schema/")
    # A collection is listed, or is an extra action under one that is (e.g. threat/network/around/).
    unlisted = {c for c in collections if not any(c.startswith(url) for url in listed)}
    assert not unlisted
    assert {"threat/entities/", "governance/meetings/", "intelligence-reports/"} <= listed
    assert len(listed) >= 25
    # Each resolves: the audit log is refused to an analyst, and search asks for its ?q=.
    for url in index.json().values():
        response = client.get(url, HTTP_ACCEPT="application/json", **auth)
        expected = 404 if "audit-entries" in url else 400 if url.endswith("/search/") else 200
        assert response.status_code == expected, url
