"""The access matrix for profiles and their public summaries: every role of organisation A
against A's profile (shared in A's partnership), and an outside organisation's profile, for
every page and API endpoint; then the partner, the outsider, an expired agreement and
anonymous visitors. What a user may not see is 404, never 403."""

from __future__ import annotations

import copy
import datetime

import pytest
from rest_framework.test import APIClient

from convenor.core.access import forget
from convenor.profiles import services
from convenor.profiles.models import ProfileVersion
from tests.conftest import ROLES, build_world, built_once, verified_login
from tests.profiles.conftest import build, build_profiles, make_preston

ADMIN, ANALYST, PRACTITIONER, BOARD, AUDITOR = ROLES


def everyone(status):
    return {role: status for role in ROLES}


def only(role_status: dict, otherwise: int):
    return {role: role_status.get(role, otherwise) for role in ROLES}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        world = build_world()
        profiles = build_profiles(world, make_preston(world))
        yield profiles, build_matrix(profiles)


@pytest.fixture
def profiles(db, built):
    return copy.deepcopy(built[0])


@pytest.fixture
def matrix(db, built):
    return copy.deepcopy(built[1])


def build_matrix(profiles):
    w = profiles.world
    version = build(w.people["analyst"], profiles.profile)
    summary = services.prepare_public_summary(w.people["analyst"], version)
    outside_analyst = w.people["outside_person"]
    outside_version = build(outside_analyst, profiles.outside_profile)
    outside_summary = services.prepare_public_summary(outside_analyst, outside_version)
    # An unpublished outside summary (a second version) next to a published one.
    outside_draft_version = build(outside_analyst, profiles.outside_profile, "2026Q1")
    outside_draft = services.prepare_public_summary(outside_analyst, outside_draft_version)
    from tests.factories import MembershipFactory

    MembershipFactory(
        user=outside_analyst, organisation=w.outside, role="partnership_administrator"
    )
    forget(outside_analyst)
    services.publish_public_summary(outside_analyst, outside_summary)
    return {
        "profile": profiles.profile,
        "version": version,
        "summary": summary,
        "outside_profile": profiles.outside_profile,
        "outside_version": outside_version,
        "outside_summary": outside_summary,
        "outside_draft": outside_draft,
    }


def _v(m, key):
    v = m[key]
    return f"/profiles/{v.profile_id}/versions/{v.number}/"


PAGES = [
    ("profile list", "get", lambda m: "/profiles/", everyone(200)),
    ("new profile", "get", lambda m: "/profiles/new/", only({ADMIN: 200, ANALYST: 200}, 403)),
    ("own profile", "get", lambda m: f"/profiles/{m['profile'].pk}/", everyone(200)),
    ("outside profile", "get", lambda m: f"/profiles/{m['outside_profile'].pk}/", everyone(404)),
    ("own version", "get", lambda m: _v(m, "version"), everyone(200)),
    ("outside version", "get", lambda m: _v(m, "outside_version"), everyone(404)),
    ("own version pdf", "get", lambda m: _v(m, "version") + "profile.pdf", everyone(200)),
    (
        "outside version pdf",
        "get",
        lambda m: _v(m, "outside_version") + "profile.pdf",
        everyone(404),
    ),
    ("own build status", "get", lambda m: _v(m, "version") + "status.json", everyone(200)),
    (
        "outside build status",
        "get",
        lambda m: _v(m, "outside_version") + "status.json",
        everyone(404),
    ),
    (
        "own comparison",
        "get",
        lambda m: f"/profiles/{m['profile'].pk}/compare/",
        everyone(200),
    ),
    (
        "outside comparison",
        "get",
        lambda m: f"/profiles/{m['outside_profile'].pk}/compare/",
        everyone(404),
    ),
    (
        "build own profile",
        "post",
        lambda m: f"/profiles/{m['profile'].pk}/",
        only({ADMIN: 302, ANALYST: 302}, 403),
    ),
    (
        "build outside profile",
        "post",
        lambda m: f"/profiles/{m['outside_profile'].pk}/",
        everyone(404),
    ),
    (
        "prepare own public summary",
        "post",
        lambda m: _v(m, "version") + "public-summary/",
        only({ADMIN: 302, ANALYST: 302}, 403),
    ),
    (
        "prepare outside public summary",
        "post",
        lambda m: _v(m, "outside_version") + "public-summary/",
        everyone(404),
    ),
    (
        "own unpublished summary",
        "get",
        lambda m: f"/profiles/public/{m['summary'].pk}/",
        everyone(200),
    ),
    (
        "outside unpublished summary",
        "get",
        lambda m: f"/profiles/public/{m['outside_draft'].pk}/",
        everyone(404),
    ),
    (
        "outside published summary",
        "get",
        lambda m: f"/profiles/public/{m['outside_summary'].pk}/",
        everyone(200),
    ),
    (
        "outside published summary pdf",
        "get",
        lambda m: f"/profiles/public/{m['outside_summary'].pk}/summary.pdf",
        everyone(200),
    ),
    (
        "publish own summary",
        "post",
        lambda m: f"/profiles/public/{m['summary'].pk}/publish/",
        only({ADMIN: 302}, 403),
    ),
    (
        "publish outside draft",
        "post",
        lambda m: f"/profiles/public/{m['outside_draft'].pk}/publish/",
        everyone(404),
    ),
    (
        "withdraw outside published summary",
        "post",
        lambda m: f"/profiles/public/{m['outside_summary'].pk}/publish/",
        everyone(403),  # public, so it exists for everyone; only its partnership withdraws it
    ),
    ("published summaries", "get", lambda m: "/profiles/public/", everyone(200)),
]

API = [
    ("api profiles", "get", lambda m: "/api/v1/local-profiles/", everyone(200)),
    (
        "api own profile",
        "get",
        lambda m: f"/api/v1/local-profiles/{m['profile'].pk}/",
        everyone(200),
    ),
    (
        "api outside profile",
        "get",
        lambda m: f"/api/v1/local-profiles/{m['outside_profile'].pk}/",
        everyone(404),
    ),
    (
        "api own version",
        "get",
        lambda m: f"/api/v1/local-profile-versions/{m['version'].pk}/",
        everyone(200),
    ),
    (
        "api outside version",
        "get",
        lambda m: f"/api/v1/local-profile-versions/{m['outside_version'].pk}/",
        everyone(404),
    ),
    (
        "api build own profile",
        "post",
        lambda m: f"/api/v1/local-profiles/{m['profile'].pk}/build/",
        only({ADMIN: 202, ANALYST: 202}, 403),
    ),
    (
        "api build outside profile",
        "post",
        lambda m: f"/api/v1/local-profiles/{m['outside_profile'].pk}/build/",
        everyone(404),
    ),
    (
        "api own draft summary",
        "get",
        lambda m: f"/api/v1/profile-public-summaries/{m['summary'].pk}/",
        everyone(200),
    ),
    (
        "api outside draft summary",
        "get",
        lambda m: f"/api/v1/profile-public-summaries/{m['outside_draft'].pk}/",
        everyone(404),
    ),
    (
        "api outside published summary",
        "get",
        lambda m: f"/api/v1/profile-public-summaries/{m['outside_summary'].pk}/",
        everyone(200),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,url,expected", PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(client, profiles, matrix, role, name, method, url, expected):
    verified_login(client, profiles.world.people[role])
    if method == "get":
        response = client.get(url(matrix))
    else:
        response = client.post(url(matrix), {"period": "2026Q2"})
    assert response.status_code == expected[role], f"{name} as {role}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,url,expected", API, ids=[p[0] for p in API])
def test_api_matrix(profiles, matrix, role, name, method, url, expected):
    client = APIClient()
    client.force_authenticate(profiles.world.people[role])
    if method == "get":
        response = client.get(url(matrix))
    else:
        response = client.post(url(matrix), {"period": "2026Q2"}, format="json")
    assert response.status_code == expected[role], f"{name} as {role}"


def test_partner_sees_the_profile_outsider_and_anonymous_do_not(client, profiles, matrix):
    w = profiles.world
    own_version = _v(matrix, "version")
    verified_login(client, w.people["partner_person"])
    assert client.get(own_version).status_code == 200
    assert client.get(own_version + "profile.pdf").status_code == 200
    assert client.post(own_version + "public-summary/").status_code == 403
    verified_login(client, w.people["outside_auditor"])
    assert client.get(own_version).status_code == 404
    assert client.get(f"/profiles/public/{matrix['summary'].pk}/").status_code == 404
    client.logout()
    assert client.get(own_version).status_code == 302  # to sign in
    assert client.get("/profiles/").status_code == 302
    assert client.get(f"/profiles/public/{matrix['summary'].pk}/").status_code == 404
    assert client.get(f"/profiles/public/{matrix['outside_summary'].pk}/").status_code == 200
    assert client.get(f"/profiles/public/{matrix['outside_draft'].pk}/").status_code == 404
    listing = client.get("/profiles/public/").content.decode()
    assert f"/profiles/public/{matrix['outside_summary'].pk}/" in listing
    assert f"/profiles/public/{matrix['outside_draft'].pk}/" not in listing
    assert f"/profiles/public/{matrix['summary'].pk}/" not in listing
    assert APIClient().get("/api/v1/local-profiles/").status_code in (401, 403)


def test_an_expired_agreement_stops_dissemination_to_partners(client, profiles, matrix):
    w = profiles.world
    agreement = w.shared_agreement
    agreement.starts_on = datetime.date(2020, 1, 1)
    agreement.review_date = datetime.date(2021, 1, 1)
    agreement.save()
    verified_login(client, w.people["partner_person"])
    assert client.get(_v(matrix, "version")).status_code == 404
    verified_login(client, w.people["practitioner"])  # the owner's own staff still see it
    assert client.get(_v(matrix, "version")).status_code == 200


def test_api_build_bad_input_is_explained_and_nothing_queued(profiles, matrix):
    client = APIClient()
    client.force_authenticate(profiles.world.people["analyst"])
    before = ProfileVersion.objects.count()
    url = f"/api/v1/local-profiles/{matrix['profile'].pk}/build/"
    response = client.post(url, {"period": "2025Q9"}, format="json")
    assert response.status_code == 400 and "2025Q4" in str(response.json()["period"])
    response = client.post(url, {}, format="json")
    assert response.status_code == 400 and "period" in response.json()
    assert ProfileVersion.objects.count() == before
    assert client.get("/api/v1/local-profiles/99999999999999999999/").status_code == 404
