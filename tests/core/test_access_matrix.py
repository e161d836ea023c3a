"""The access matrix: every role of organisation A, against A's own records, a partner's (B, in a
partnership with A) and an outsider's (C, in no partnership with A), for every page and endpoint.

Each cell is written out: if the policy changes any answer, a cell fails. What a user may not see
is 404, never 403, so its existence does not leak.
"""

from __future__ import annotations

import copy
import json

import pytest
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry
from tests.conftest import ROLES, build_world, built_once, verified_login


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(db, built):
    return copy.deepcopy(built)


ADMIN, ANALYST, PRACTITIONER, BOARD, AUDITOR = ROLES


def everyone(status):
    return {role: status for role in ROLES}


def only(role_status: dict, otherwise: int):
    return {role: role_status.get(role, otherwise) for role in ROLES}


# (cell name, url builder, expected status per role of a member of A)
PAGES = [
    ("home", lambda w: "/", everyone(200)),
    ("organisation list", lambda w: "/organisations/", everyone(200)),
    ("own organisation", lambda w: f"/organisations/{w.own.slug}/", everyone(200)),
    ("partner organisation", lambda w: f"/organisations/{w.partner.slug}/", everyone(200)),
    ("outside organisation", lambda w: f"/organisations/{w.outside.slug}/", everyone(404)),
    ("people list", lambda w: "/people/", everyone(200)),
    ("partner person", lambda w: "/people/partner-person/", everyone(200)),
    ("outside person", lambda w: "/people/outside-person/", everyone(404)),
    ("partnership list", lambda w: "/partnerships/", everyone(200)),
    ("own partnership", lambda w: f"/partnerships/{w.shared.slug}/", everyone(200)),
    ("outside partnership", lambda w: f"/partnerships/{w.elsewhere.slug}/", everyone(404)),
    (
        "own agreement",
        lambda w: f"/partnerships/{w.shared.slug}/agreements/{w.shared_agreement.pk}/",
        everyone(200),
    ),
    (
        "outside agreement",
        lambda w: f"/partnerships/{w.elsewhere.slug}/agreements/{w.elsewhere_agreement.pk}/",
        everyone(404),
    ),
    (
        "outside agreement through own partnership",
        lambda w: f"/partnerships/{w.shared.slug}/agreements/{w.elsewhere_agreement.pk}/",
        everyone(404),
    ),
    (
        "new agreement, own partnership",
        lambda w: f"/partnerships/{w.shared.slug}/agreements/new/",
        only({ADMIN: 200}, 403),
    ),
    (
        "new agreement, outside partnership",
        lambda w: f"/partnerships/{w.elsewhere.slug}/agreements/new/",
        everyone(404),
    ),
    ("area list", lambda w: "/areas/", everyone(200)),
    ("postcode finder", lambda w: "/areas/postcode/", everyone(200)),
    ("audit record", lambda w: "/audit/", only({AUDITOR: 200}, 403)),
    ("audit export", lambda w: "/audit/export.csv", only({AUDITOR: 200}, 403)),
    ("account", lambda w: "/account/", everyone(200)),
    ("back office", lambda w: "/admin/", only({ADMIN: 200}, 403)),
    (
        "back office, outside organisation",
        lambda w: f"/admin/core/organisation/{w.outside.pk}/change/",
        only({ADMIN: 302}, 403),  # admin redirects a missing (hidden) object to its index
    ),
]

API = [
    ("api organisation list", lambda w: "/api/v1/organisations/", everyone(200)),
    ("api own organisation", lambda w: f"/api/v1/organisations/{w.own.slug}/", everyone(200)),
    (
        "api partner organisation",
        lambda w: f"/api/v1/organisations/{w.partner.slug}/",
        everyone(200),
    ),
    (
        "api outside organisation",
        lambda w: f"/api/v1/organisations/{w.outside.slug}/",
        everyone(404),
    ),
    ("api partner person", lambda w: "/api/v1/people/partner-person/", everyone(200)),
    ("api outside person", lambda w: "/api/v1/people/outside-person/", everyone(404)),
    ("api own partnership", lambda w: f"/api/v1/partnerships/{w.shared.slug}/", everyone(200)),
    (
        "api outside partnership",
        lambda w: f"/api/v1/partnerships/{w.elsewhere.slug}/",
        everyone(404),
    ),
    ("api own agreement", lambda w: f"/api/v1/agreements/{w.shared_agreement.pk}/", everyone(200)),
    (
        "api outside agreement",
        lambda w: f"/api/v1/agreements/{w.elsewhere_agreement.pk}/",
        everyone(404),
    ),
    ("api area", lambda w: "/api/v1/areas/", everyone(200)),
    ("api audit entries", lambda w: "/api/v1/audit-entries/", only({AUDITOR: 200}, 404)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(client, world, role, name, url, expected):
    verified_login(client, world.people[role])
    response = client.get(url(world))
    assert response.status_code == expected[role], f"{name} as {role}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", API, ids=[p[0] for p in API])
def test_api_matrix(world, role, name, url, expected):
    api = APIClient()
    api.force_authenticate(world.people[role])
    response = api.get(url(world))
    assert response.status_code == expected[role], f"{name} as {role}"


def _agreement_payload(world, partnership):
    return {
        "partnership": partnership.slug,
        "title": "New ISA",
        "purpose": "Tackling SOC",
        "legal_bases": ["cda_s115"],
        "parties": [world.own.slug, world.partner.slug],
        "data_categories": "Nominals",
        "retention": "MoPI",
        "security": "OFFICIAL-SENSITIVE",
        "starts_on": "2026-01-01",
        "review_date": "2027-01-01",
    }


CREATE = [
    ("own partnership", lambda w: w.shared, only({ADMIN: 201}, 403)),
    # An outside partnership is not among the choices: the same answer as one that does not exist.
    ("outside partnership", lambda w: w.elsewhere, everyone(400)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,partnership,expected", CREATE, ids=[c[0] for c in CREATE])
def test_api_create_agreement_matrix(world, role, name, partnership, expected):
    api = APIClient()
    api.force_authenticate(world.people[role])
    payload = _agreement_payload(world, partnership(world))
    response = api.post(
        "/api/v1/agreements/", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == expected[role], response.content


PUBLIC = ["/", "/organisations/", "/people/", "/partnerships/", "/areas/", "/audit/", "/account/"]


@pytest.mark.parametrize("url", PUBLIC)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("url", ["/api/v1/organisations/", "/api/v1/audit-entries/"])
def test_api_refuses_requests_without_a_token(client, db, url):
    assert APIClient().get(url).status_code == 401


def test_password_alone_is_not_enough(client, world):
    client.force_login(world.people[ANALYST])  # first factor only
    response = client.get(f"/organisations/{world.own.slug}/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/verify/"


def test_lists_never_name_an_outside_organisation(client, world):
    verified_login(client, world.people[ANALYST])
    for url in ["/organisations/", "/partnerships/", "/people/", "/"]:
        body = client.get(url).content.decode()
        assert "Outside Council" not in body and "Elsewhere Partnership" not in body, url
        assert "outside-person" not in body, url
    body = client.get("/organisations/").content.decode()
    assert "Own Police" in body and "Partner Council" in body


def test_api_lists_never_name_an_outside_organisation(world):
    api = APIClient()
    api.force_authenticate(world.people[ANALYST])
    slugs = {o["slug"] for o in api.get("/api/v1/organisations/").json()["results"]}
    assert slugs == {world.own.slug, world.partner.slug}
    names = {p["slug"] for p in api.get("/api/v1/partnerships/").json()["results"]}
    assert names == {world.shared.slug}


def test_auditor_sees_only_their_organisations_entries(client, world):
    from convenor.core import audit

    audit.record("something_at_own", actor=world.people[ANALYST])
    audit.record("something_outside", actor=world.people["outside_person"])
    verified_login(client, world.people[AUDITOR])
    body = client.get("/audit/").content.decode()
    assert "something_at_own" in body
    assert "something_outside" not in body
    verified_login(client, world.people["outside_auditor"])
    body = client.get("/audit/").content.decode()
    assert "something_outside" in body and "something_at_own" not in body


def test_reading_the_audit_record_is_itself_audited(client, world):
    verified_login(client, world.people[AUDITOR])
    client.get("/audit/")
    client.get("/audit/export.csv")
    actions = list(
        AuditEntry.objects.filter(actor=world.people[AUDITOR]).values_list("action", flat=True)
    )
    assert "audit_viewed" in actions and "audit_exported" in actions


def test_anonymous_visitors_see_nothing_through_the_policy(world):
    from django.contrib.auth.models import AnonymousUser

    from convenor.core import access
    from convenor.core.models import Area, Organisation, Partnership

    anonymous = AnonymousUser()
    for model in (Organisation, Partnership, Area, AuditEntry):
        assert not access.visible(anonymous, model.objects.all()).exists()
    assert not access.can(anonymous, "view", world.own)
    assert not access.can(anonymous, "administer")
