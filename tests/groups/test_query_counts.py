"""Query counts pinned for every groups list and detail page and API list, with several groups,
members (some linked to entities) and assessments each, so that a query per row would show.
The members, assessments, disruptions, orders and breaches API lists write one audit entry per
group read (ADR 0022), so theirs grow with the groups on the page by design. Each URL is fetched
once first, so process-wide caches (content types, the scoring model) do not depend on the test
order."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from convenor.groups.models import GroupMember, OrderBreach
from tests.conftest import verified_login
from tests.groups.conftest import assess, inputs, make_disruption, make_group, make_order
from tests.groups.test_network import _entity

GROUPS = 8


@pytest.fixture
def many_groups(world, groups):
    """Eight more groups of A shared in `shared`, each with three members (one linked to an
    entity the analyst may see), two assessments, three disruptions (two verified, with partners
    and members) and two orders, each breached once."""
    analyst = world.people["analyst"]
    admin = world.people["partnership_administrator"]
    today = datetime.date.today()
    shared = dict(owner=world.own, agreement=world.shared_agreement, partnership=world.shared)
    made = []
    for n in range(GROUPS):
        group = make_group(
            f"Group {n}",
            world.own,
            partnership=world.shared,
            officer=analyst,
            threat=("drugs-supply", "firearms"),
            areas=[groups.preston, groups.birmingham],
        )
        entity = _entity(world, "person", 10 + n, first_name=f"P{n}", surname="Pike", **shared)
        for role, name in [("principal", "Ann"), ("significant", "Bo"), ("peripheral", "Cy")]:
            GroupMember.objects.create(
                group=group,
                name=f"{name} {n}",
                role=role,
                entity=entity if role == "principal" else None,
            )
        assess(group, analyst, inputs(impact=2))
        assess(group, analyst, inputs(impact=4))
        members = list(group.members.all())
        for days, verifier in [(10, admin), (40, admin), (90, None)]:
            make_disruption(group, analyst, on=today - datetime.timedelta(days=days),
                            verified_by=verifier, partners=[world.own, world.partner],
                            members=members[:2])  # fmt: skip
        for days in (30, 60):
            order = make_order(group, analyst, member=members[0],
                               expires_on=today + datetime.timedelta(days=days))  # fmt: skip
            OrderBreach.objects.create(order=order, occurred_on=datetime.date(2025, 7, 1),
                                       description="Breach", outcome="Warned",
                                       recorded_by=analyst)  # fmt: skip
        made.append(group)
    return made


def _page_client(client, world):
    verified_login(client, world.people["analyst"])
    return client


def _api(world):
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    return api


PAGES = [
    ("list", lambda g: "/groups/", 17),
    ("list filtered", lambda g: "/groups/?status=active&threat_area=firearms&q=Group", 17),
    ("detail", lambda g: f"/groups/{g.pk}/", 30),
    ("assessment", lambda g: f"/groups/{g.pk}/assessments/{g.assessments.first().pk}/", 22),
    ("rankings", lambda g: "/groups/rankings/?area=E07000123", 19),
    ("rankings CSV", lambda g: "/groups/rankings/export.csv?area=E07000123", 21),
    ("record form", lambda g: "/groups/new/", 22),  # +1: the partnerships name areas?
    ("change form", lambda g: f"/groups/{g.pk}/edit/", 23),
    ("member form", lambda g: f"/groups/{g.pk}/members/new/", 14),
    ("assessment form", lambda g: f"/groups/{g.pk}/assessments/new/", 15),
    ("scoring model", lambda g: "/groups/scoring-model/", 13),
    ("rankings by disruption", lambda g: "/groups/rankings/?disrupted=12m&sort=disrupted", 18),
    ("disruption", lambda g: g.disruptions.first().get_absolute_url(), 23),
    ("disruption form", lambda g: f"/groups/{g.pk}/disruptions/new/", 20),
    ("verify form", lambda g: f"{g.disruptions.last().get_absolute_url()}verify/", 17),
    ("orders register", lambda g: "/groups/orders/", 15),
    ("orders expiring", lambda g: "/groups/orders/expiring/", 14),
    ("order", lambda g: g.orders.first().get_absolute_url(), 22),
    ("order form", lambda g: f"/groups/{g.pk}/orders/new/", 17),
    ("breach form", lambda g: f"{g.orders.first().get_absolute_url()}breaches/new/", 15),
]


@pytest.mark.parametrize("name,url,queries", PAGES, ids=[p[0] for p in PAGES])
def test_page_queries(client, world, many_groups, pin_queries, name, url, queries):
    client = _page_client(client, world)
    address = url(many_groups[0])
    client.get(address)
    pin_queries(queries, client.get, address)


API_LISTS = [
    ("groups", "/api/v1/groups/", 6),
    ("groups filtered", "/api/v1/groups/?status=active&threat_area=firearms&area=E07000123", 6),
    ("members", "/api/v1/group-members/", 52),
    ("assessments", "/api/v1/group-assessments/", 63),
    ("rankings", "/api/v1/group-rankings/?area=E07000123", 5),
    ("rankings by disruption", "/api/v1/group-rankings/?disrupted=12m&sort=disrupted", 4),
    ("disruptions", "/api/v1/group-disruptions/", 53),
    ("orders", "/api/v1/group-orders/", 51),
    ("orders expiring", "/api/v1/group-orders/?expiring_within=45", 51),
    ("breaches", "/api/v1/group-order-breaches/", 51),
    ("threat areas", "/api/v1/threat-areas/", 2),
    ("harm characteristics", "/api/v1/harm-characteristics/", 2),
]


@pytest.mark.parametrize("name,url,queries", API_LISTS, ids=[a[0] for a in API_LISTS])
def test_api_list_queries(world, many_groups, pin_queries, name, url, queries):
    api = _api(world)
    api.get(url)
    pin_queries(queries, api.get, url)


def test_api_group_detail_queries(world, many_groups, pin_queries):
    api = _api(world)
    url = f"/api/v1/groups/{many_groups[0].pk}/"
    api.get(url)
    pin_queries(18, api.get, url)
