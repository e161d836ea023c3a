"""The access matrix for disruptions, ancillary orders and breaches: every role of organisation A
against A's group, a partner's (B, party with A to the current agreement of `shared`), the same
partner once that agreement has expired, and an outsider's (C), for every page and endpoint; then
B's practitioner against A's group; then who may verify. Each cell written out; what a user may
not see is 404, never 403."""

from __future__ import annotations

import copy
import datetime
import json
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from convenor.groups.models import Disruption, OrderBreach
from tests.conftest import ROLES, build_world, built_once, verified_login
from tests.groups.conftest import build_groups, make_disruption, make_order

ADMIN, ANALYST, PRACTITIONER, BOARD, AUDITOR = ROLES


@dataclass
class Response:
    """One group's disruption, order and breach."""

    group: object
    disruption: object
    order: object
    breach: object


def _response_of(group):
    officer = group.lead_responsible_officer
    order = make_order(group, officer)
    breach = OrderBreach.objects.create(
        order=order,
        occurred_on=datetime.date(2025, 8, 1),
        description="Two phones",
        outcome="Arrested",
        recorded_by=officer,
    )
    return Response(group, make_disruption(group, officer), order, breach)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        world = build_world()
        groups = build_groups(world)
        made = {
            "own": _response_of(groups.own),
            "partner": _response_of(groups.partner),
            "outside": _response_of(groups.outside),
        }
        yield world, groups, made


@pytest.fixture
def world(db, built):
    return copy.deepcopy(built[0])


@pytest.fixture
def made(db, built):
    return copy.deepcopy(built[2])


def everyone(status):
    return {role: status for role in ROLES}


def editors(status, otherwise):
    return {role: status if role in (ADMIN, ANALYST) else otherwise for role in ROLES}


def expire(world):
    today = datetime.date.today()
    world.shared_agreement.starts_on = today - datetime.timedelta(days=400)
    world.shared_agreement.review_date = today - datetime.timedelta(days=1)
    world.shared_agreement.save()


def _pages(key):
    return [
        ("disruption", lambda r: f"/groups/{r.group.pk}/disruptions/{r.disruption.pk}/"),
        ("record disruption", lambda r: f"/groups/{r.group.pk}/disruptions/new/"),
        ("verify", lambda r: f"/groups/{r.group.pk}/disruptions/{r.disruption.pk}/verify/"),
        ("order", lambda r: f"/groups/{r.group.pk}/orders/{r.order.pk}/"),
        ("record order", lambda r: f"/groups/{r.group.pk}/orders/new/"),
        ("record breach", lambda r: f"/groups/{r.group.pk}/orders/{r.order.pk}/breaches/new/"),
        ("api disruption", lambda r: f"/api/v1/group-disruptions/{r.disruption.pk}/"),
        ("api order", lambda r: f"/api/v1/group-orders/{r.order.pk}/"),
        ("api breach", lambda r: f"/api/v1/group-order-breaches/{r.breach.pk}/"),
    ]


# (target, agreement expired?, page, expected per role of A). The verify page of A's own
# disruption: the recorder (A's analyst) is told a second person verifies (200, no button).
CELLS = [
    ("own", False, "disruption", everyone(200)),
    ("own", False, "record disruption", editors(200, 403)),
    ("own", False, "verify", editors(200, 403)),
    ("own", False, "order", everyone(200)),
    ("own", False, "record order", editors(200, 403)),
    ("own", False, "record breach", editors(200, 403)),
    ("own", False, "api disruption", everyone(200)),
    ("own", False, "api order", everyone(200)),
    ("own", False, "api breach", everyone(200)),
    ("partner", False, "disruption", everyone(200)),
    ("partner", False, "record disruption", everyone(403)),
    ("partner", False, "verify", everyone(403)),
    ("partner", False, "order", everyone(200)),
    ("partner", False, "record order", everyone(403)),
    ("partner", False, "record breach", everyone(403)),
    ("partner", False, "api disruption", everyone(200)),
    ("partner", False, "api order", everyone(200)),
    ("partner", False, "api breach", everyone(200)),
    ("partner", True, "disruption", everyone(404)),
    ("partner", True, "record disruption", everyone(404)),
    ("partner", True, "verify", everyone(404)),
    ("partner", True, "order", everyone(404)),
    ("partner", True, "record order", everyone(404)),
    ("partner", True, "record breach", everyone(404)),
    ("partner", True, "api disruption", everyone(404)),
    ("partner", True, "api order", everyone(404)),
    ("partner", True, "api breach", everyone(404)),
    ("own", True, "disruption", everyone(200)),  # its own: always
    ("own", True, "verify", editors(200, 403)),
    ("outside", False, "disruption", everyone(404)),
    ("outside", False, "record disruption", everyone(404)),
    ("outside", False, "verify", everyone(404)),
    ("outside", False, "order", everyone(404)),
    ("outside", False, "record order", everyone(404)),
    ("outside", False, "record breach", everyone(404)),
    ("outside", False, "api disruption", everyone(404)),
    ("outside", False, "api order", everyone(404)),
    ("outside", False, "api breach", everyone(404)),
]
URLS = dict(_pages(None))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "target,expired,page,expected",
    CELLS,
    ids=[f"{c[0]}{' expired' if c[1] else ''} {c[2]}" for c in CELLS],
)
def test_matrix(client, world, made, role, target, expired, page, expected):
    if expired:
        expire(world)
    url = URLS[page](made[target])
    user = world.people[role]
    if page.startswith("api"):
        api = APIClient()
        api.force_authenticate(user)
        response = api.get(url)
    else:
        verified_login(client, user)
        response = client.get(url)
    assert response.status_code == expected[role], f"{page} of {target} as {role}"


# The lists: every role sees the same rows, those of the groups it may see.
LISTS = ["/groups/orders/", "/groups/orders/expiring/?days=3660"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", LISTS)
def test_lists_show_only_visible_groups_orders(client, world, made, role, url):
    verified_login(client, world.people[role])
    page = client.get(url).content.decode()
    assert made["own"].order.get_absolute_url() in page
    assert made["partner"].order.get_absolute_url() in page
    assert made["outside"].order.get_absolute_url() not in page
    expire(world)
    page = client.get(url).content.decode()
    assert made["own"].order.get_absolute_url() in page
    assert made["partner"].order.get_absolute_url() not in page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url", ["/api/v1/group-disruptions/", "/api/v1/group-orders/", "/api/v1/group-order-breaches/"]
)
def test_api_lists_show_only_visible_groups(world, made, role, url):
    api = APIClient()
    api.force_authenticate(world.people[role])
    groups = {row["group"] for row in api.get(url).json()["results"]}
    assert groups == {made["own"].group.pk, made["partner"].group.pk}
    expire(world)
    groups = {row["group"] for row in api.get(url).json()["results"]}
    assert groups == {made["own"].group.pk}


# B's practitioner against A's group: reads under the current agreement, never changes; 404 once
# it has expired. C's practitioner: 404 throughout.
PARTNER_CELLS = [
    ("disruption", 200, 404),
    ("record disruption", 403, 404),
    ("verify", 403, 404),
    ("order", 200, 404),
    ("record order", 403, 404),
    ("record breach", 403, 404),
    ("api disruption", 200, 404),
    ("api order", 200, 404),
    ("api breach", 200, 404),
]


@pytest.mark.parametrize("page,current,expired", PARTNER_CELLS, ids=[c[0] for c in PARTNER_CELLS])
def test_partner_and_outsider_on_own_group(client, world, made, page, current, expired):
    url = URLS[page](made["own"])
    for person, status in [("partner_person", current), ("outside_person", 404)]:
        verified_login(client, world.people[person])
        api = APIClient()
        api.force_authenticate(world.people[person])
        response = api.get(url) if page.startswith("api") else client.get(url)
        assert response.status_code == status, f"{page} as {person}"
    expire(world)
    verified_login(client, world.people["partner_person"])
    api = APIClient()
    api.force_authenticate(world.people["partner_person"])
    response = api.get(url) if page.startswith("api") else client.get(url)
    assert response.status_code == expired


# Who may verify A's disruption recorded by A's analyst (POST through the API and the page).
VERIFY = {ADMIN: 200, ANALYST: 400, PRACTITIONER: 403, BOARD: 403, AUDITOR: 403}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_verify_through_the_api(world, made, role):
    disruption = made["own"].disruption
    assert disruption.recorded_by == world.people[ANALYST]
    api = APIClient()
    api.force_authenticate(world.people[role])
    response = api.post(f"/api/v1/group-disruptions/{disruption.pk}/verify/")
    assert response.status_code == VERIFY[role], role
    disruption.refresh_from_db()
    assert disruption.verified == (VERIFY[role] == 200)
    if role == ANALYST:
        assert "a second person" in json.dumps(response.json())


@pytest.mark.parametrize("role", ROLES)
def test_who_may_verify_through_the_page(client, world, made, role):
    disruption = made["own"].disruption
    verified_login(client, world.people[role])
    response = client.post(f"/groups/{disruption.group_id}/disruptions/{disruption.pk}/verify/")
    expected = {200: 302}.get(VERIFY[role], VERIFY[role])
    assert response.status_code == expected, role
    assert Disruption.objects.get(pk=disruption.pk).verified == (expected == 302)


@pytest.mark.parametrize("person,status", [("partner_person", 403), ("outside_person", 404)])
def test_partners_and_outsiders_never_verify(world, made, person, status):
    api = APIClient()
    api.force_authenticate(world.people[person])
    disruption = made["own"].disruption
    response = api.post(f"/api/v1/group-disruptions/{disruption.pk}/verify/")
    assert response.status_code == status
    assert not Disruption.objects.get(pk=disruption.pk).verified
