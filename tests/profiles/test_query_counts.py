"""Query counts pinned for every profiles list and detail page and API list: four profiles in
`shared`, each with a built version and a queued one, and two published public summaries, so
that a query per row would show. Each URL is fetched once first (process-wide caches)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from convenor.core.models import Area
from convenor.profiles import services
from tests.conftest import verified_login
from tests.profiles.conftest import PRESTON, build

NEIGHBOURS = ["E07000117", "E07000118", "E07000126"]  # Burnley, Chorley, South Ribble


@pytest.fixture
def many_profiles(profiles):
    w = profiles.world
    analyst, admin = w.people["analyst"], w.people["partnership_administrator"]
    made = [profiles.profile]
    lancashire = Area.objects.get(code="E10000017")
    for code, name in [("E07000117", "Burnley"), ("E07000126", "South Ribble")]:
        Area.objects.create(code=code, name=name, kind="ltla", parent=lancashire)
    for n, neighbour in enumerate(NEIGHBOURS):
        areas = [PRESTON, neighbour]
        made.append(services.create_profile(analyst, w.shared, areas, f"Profile {n}"))
    for profile in made:
        build(analyst, profile)
        services.request_build(analyst, profile, "2026Q1", background=False)
    for profile in made[:2]:
        summary = services.prepare_public_summary(analyst, profile.versions.get(number=1))
        services.publish_public_summary(admin, summary)
    return made


PAGES = [
    ("list", lambda p: "/profiles/", 15),
    ("detail", lambda p: f"/profiles/{p.pk}/", 20),
    ("version", lambda p: f"/profiles/{p.pk}/versions/1/", 23),
    ("version status", lambda p: f"/profiles/{p.pk}/versions/2/status.json", 13),
    ("create form", lambda p: "/profiles/new/", 17),  # + the areas of the user's partnerships
    ("public summaries", lambda p: "/profiles/public/", 14),
    (
        "public summary",
        lambda p: f"/profiles/public/{p.versions.get(number=1).public_summary.pk}/",
        14,
    ),
]


@pytest.mark.parametrize("name,url,queries", PAGES, ids=[p[0] for p in PAGES])
def test_page_queries(client, profiles, many_profiles, pin_queries, name, url, queries):
    verified_login(client, profiles.world.people["analyst"])
    address = url(many_profiles[0])
    client.get(address)
    pin_queries(queries, client.get, address)


API_LISTS = [
    ("profiles", "/api/v1/local-profiles/", 4),
    ("versions", "/api/v1/local-profile-versions/", 2),
    ("public summaries", "/api/v1/profile-public-summaries/", 2),
]


@pytest.mark.parametrize("name,url,queries", API_LISTS, ids=[a[0] for a in API_LISTS])
def test_api_list_queries(profiles, many_profiles, pin_queries, name, url, queries):
    api = APIClient()
    api.force_authenticate(profiles.world.people["analyst"])
    api.get(url)
    pin_queries(queries, api.get, url)
