"""Query counts pinned for every core list and detail page and API list, with several rows per
list (the world's organisations, partnerships and people in every role, plus more people and
agreements here), so that a query per row would show. Each URL is fetched once first, so
process-wide caches do not depend on the test order."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from convenor.core.models import Area
from tests.conftest import verified_login
from tests.factories import AgreementFactory, MembershipFactory, UserFactory

MORE = 6


@pytest.fixture
def crowded(world):
    """Six more people in A and B and three more agreements in `shared`, each of both."""
    for n in range(MORE):
        person = UserFactory(username=f"person-{n}")
        MembershipFactory(user=person, organisation=world.own, role="practitioner")
        MembershipFactory(user=person, organisation=world.partner, role="practitioner")
    for n in range(3):
        agreement = AgreementFactory(partnership=world.shared, title=f"ISA {n}")
        agreement.parties.set([world.own, world.partner])
    county = Area.objects.create(code="E10000017", name="Lancashire", kind="utla")
    for code, name in [
        ("E07000117", "Burnley"),
        ("E07000118", "Chorley"),
        ("E07000123", "Preston"),
    ]:
        Area.objects.create(code=code, name=name, kind="ltla", parent=county)
    return world


PAGES = [
    ("home", "analyst", lambda w: "/", 20),
    ("organisations", "analyst", lambda w: "/organisations/", 14),
    ("organisation", "analyst", lambda w: f"/organisations/{w.own.slug}/", 18),
    ("people", "analyst", lambda w: "/people/", 15),
    ("person", "analyst", lambda w: f"/people/{w.people['analyst'].username}/", 15),
    ("partnerships", "analyst", lambda w: "/partnerships/", 14),
    ("partnership", "partnership_administrator", lambda w: f"/partnerships/{w.shared.slug}/", 18),
    (
        "agreement",
        "analyst",
        lambda w: f"/partnerships/{w.shared.slug}/agreements/{w.shared_agreement.pk}/",
        16,
    ),
    (
        "agreement form",
        "partnership_administrator",
        lambda w: f"/partnerships/{w.shared.slug}/agreements/new/",
        14,
    ),
    ("areas", "analyst", lambda w: "/areas/", 16),  # + the successors of the ended ones
    ("area", "analyst", lambda w: "/areas/E10000017/", 20),  # + successors, predecessors
    ("audit", "auditor", lambda w: "/audit/", 20),
    (
        "audit, date range",
        "auditor",
        lambda w: "/audit/?from_date=2020-01-01&to_date=2099-12-31&action=signed_in",
        19,
    ),
    (
        "agreement signing",
        "partnership_administrator",
        lambda w: f"/partnerships/{w.shared.slug}/agreements/{w.shared_agreement.pk}/sign/",
        17,
    ),
    (
        "agreement renewal form",
        "partnership_administrator",
        lambda w: f"/partnerships/{w.shared.slug}/agreements/{w.shared_agreement.pk}/renew/",
        15,
    ),
    ("account", "partnership_administrator", lambda w: "/account/", 14),
    ("password form", "analyst", lambda w: "/account/password/", 13),
    ("confirm form", "analyst", lambda w: "/account/confirm/", 13),
]


@pytest.mark.parametrize("name,role,url,queries", PAGES, ids=[p[0] for p in PAGES])
def test_page_queries(client, crowded, pin_queries, name, role, url, queries):
    verified_login(client, crowded.people[role])
    address = url(crowded)
    client.get(address)
    pin_queries(queries, client.get, address)


API_LISTS = [
    ("areas", "analyst", "/api/v1/areas/", 2),
    ("organisations", "analyst", "/api/v1/organisations/", 3),
    ("people", "analyst", "/api/v1/people/", 14),
    ("partnerships", "analyst", "/api/v1/partnerships/", 3),
    ("agreements", "analyst", "/api/v1/agreements/", 4),
    ("audit entries", "auditor", "/api/v1/audit-entries/", 7),
]


@pytest.mark.parametrize("name,role,url,queries", API_LISTS, ids=[a[0] for a in API_LISTS])
def test_api_list_queries(crowded, pin_queries, name, role, url, queries):
    api = APIClient()
    api.force_authenticate(crowded.people[role])
    api.get(url)
    pin_queries(queries, api.get, url)
