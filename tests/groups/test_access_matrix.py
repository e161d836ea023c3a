"""The access matrix for groups: every role of organisation A against A's groups (shared and not),
a partner's (B, party with A to the current agreement of `shared`) and an outsider's (C), for
every page and endpoint. Each cell written out; what a user may not see is 404, never 403."""

from __future__ import annotations

import copy
import json

import pytest
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry
from convenor.groups.models import Assessment, GroupMember
from tests.conftest import ROLES, build_world, built_once, verified_login
from tests.groups.conftest import build_groups, inputs


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        world = build_world()
        yield world, build_groups(world)


@pytest.fixture
def world(db, built):
    return copy.deepcopy(built[0])


@pytest.fixture
def groups(db, built):
    return copy.deepcopy(built[1])


ADMIN, ANALYST, PRACTITIONER, BOARD, AUDITOR = ROLES


def everyone(status):
    return {role: status for role in ROLES}


def editors(status, otherwise):
    return {role: status if role in (ADMIN, ANALYST) else otherwise for role in ROLES}


def _member(group):
    return GroupMember.objects.get_or_create(group=group, name="Test Member", role="peripheral")[0]


def _assessment(group):
    return Assessment.objects.filter(group=group).first()


# (cell name, url builder taking (world, groups), expected status per role of a member of A)
PAGES = [
    ("group list", lambda w, g: "/groups/", everyone(200)),
    ("rankings", lambda w, g: "/groups/rankings/", everyone(200)),
    ("rankings export", lambda w, g: "/groups/rankings/export.csv", everyone(200)),
    ("scoring model", lambda w, g: "/groups/scoring-model/", everyone(200)),
    ("record a group", lambda w, g: "/groups/new/", editors(200, 403)),
    ("own group", lambda w, g: f"/groups/{g.own.pk}/", everyone(200)),
    ("own private group", lambda w, g: f"/groups/{g.own_private.pk}/", everyone(200)),
    ("partner shared group", lambda w, g: f"/groups/{g.partner.pk}/", everyone(200)),
    ("partner private group", lambda w, g: f"/groups/{g.partner_private.pk}/", everyone(404)),
    ("outside group", lambda w, g: f"/groups/{g.outside.pk}/", everyone(404)),
    ("missing group", lambda w, g: "/groups/999999/", everyone(404)),
    ("change own group", lambda w, g: f"/groups/{g.own.pk}/edit/", editors(200, 403)),
    ("change partner group", lambda w, g: f"/groups/{g.partner.pk}/edit/", everyone(403)),
    (
        "change partner private group",
        lambda w, g: f"/groups/{g.partner_private.pk}/edit/",
        everyone(404),
    ),
    ("change outside group", lambda w, g: f"/groups/{g.outside.pk}/edit/", everyone(404)),
    ("add member, own", lambda w, g: f"/groups/{g.own.pk}/members/new/", editors(200, 403)),
    ("add member, partner", lambda w, g: f"/groups/{g.partner.pk}/members/new/", everyone(403)),
    ("add member, outside", lambda w, g: f"/groups/{g.outside.pk}/members/new/", everyone(404)),
    (
        "change member, own",
        lambda w, g: f"/groups/{g.own.pk}/members/{_member(g.own).pk}/edit/",
        editors(200, 403),
    ),
    (
        "change member, outside",
        lambda w, g: f"/groups/{g.outside.pk}/members/{_member(g.outside).pk}/edit/",
        everyone(404),
    ),
    (
        "outside member through own group",
        lambda w, g: f"/groups/{g.own.pk}/members/{_member(g.outside).pk}/edit/",
        everyone(404),
    ),
    (
        "assess own group",
        lambda w, g: f"/groups/{g.own.pk}/assessments/new/",
        editors(200, 403),
    ),
    (
        "assess partner group",
        lambda w, g: f"/groups/{g.partner.pk}/assessments/new/",
        everyone(403),
    ),
    (
        "assess outside group",
        lambda w, g: f"/groups/{g.outside.pk}/assessments/new/",
        everyone(404),
    ),
    (
        "partner group's assessment",
        lambda w, g: f"/groups/{g.partner.pk}/assessments/{_assessment(g.partner).pk}/",
        everyone(200),
    ),
    (
        "outside group's assessment",
        lambda w, g: f"/groups/{g.outside.pk}/assessments/{_assessment(g.outside).pk}/",
        everyone(404),
    ),
    (
        "outside assessment through partner group",
        lambda w, g: f"/groups/{g.partner.pk}/assessments/{_assessment(g.outside).pk}/",
        everyone(404),
    ),
]

API = [
    ("api group list", lambda w, g: "/api/v1/groups/", everyone(200)),
    ("api own group", lambda w, g: f"/api/v1/groups/{g.own.pk}/", everyone(200)),
    ("api partner group", lambda w, g: f"/api/v1/groups/{g.partner.pk}/", everyone(200)),
    (
        "api partner private group",
        lambda w, g: f"/api/v1/groups/{g.partner_private.pk}/",
        everyone(404),
    ),
    ("api outside group", lambda w, g: f"/api/v1/groups/{g.outside.pk}/", everyone(404)),
    ("api member list", lambda w, g: "/api/v1/group-members/", everyone(200)),
    (
        "api own member",
        lambda w, g: f"/api/v1/group-members/{_member(g.own).pk}/",
        everyone(200),
    ),
    (
        "api outside member",
        lambda w, g: f"/api/v1/group-members/{_member(g.outside).pk}/",
        everyone(404),
    ),
    ("api assessment list", lambda w, g: "/api/v1/group-assessments/", everyone(200)),
    (
        "api partner assessment",
        lambda w, g: f"/api/v1/group-assessments/{_assessment(g.partner).pk}/",
        everyone(200),
    ),
    (
        "api outside assessment",
        lambda w, g: f"/api/v1/group-assessments/{_assessment(g.outside).pk}/",
        everyone(404),
    ),
    ("api rankings", lambda w, g: "/api/v1/group-rankings/", everyone(200)),
    ("api threat areas", lambda w, g: "/api/v1/threat-areas/", everyone(200)),
    ("api harm characteristics", lambda w, g: "/api/v1/harm-characteristics/", everyone(200)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(client, world, groups, role, name, url, expected):
    verified_login(client, world.people[role])
    response = client.get(url(world, groups))
    assert response.status_code == expected[role], f"{name} as {role}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", API, ids=[p[0] for p in API])
def test_api_matrix(world, groups, role, name, url, expected):
    api = APIClient()
    api.force_authenticate(world.people[role])
    response = api.get(url(world, groups))
    assert response.status_code == expected[role], f"{name} as {role}"


ASSESS = [
    ("own group", lambda g: g.own, editors(201, 403)),
    ("partner shared group", lambda g: g.partner, everyone(403)),
    # A group the user may not see is not among the choices: the same answer as a missing one.
    ("partner private group", lambda g: g.partner_private, everyone(400)),
    ("outside group", lambda g: g.outside, everyone(400)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,group,expected", ASSESS, ids=[a[0] for a in ASSESS])
def test_api_assess_matrix(world, groups, role, name, group, expected):
    api = APIClient()
    api.force_authenticate(world.people[role])
    target = group(groups)
    before = Assessment.objects.filter(group=target).count()
    payload = {"group": target.pk, "inputs": inputs(), "rationale": "New evidence"}
    response = api.post(
        "/api/v1/group-assessments/", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == expected[role], response.content
    after = Assessment.objects.filter(group=target).count()
    assert after == before + (1 if expected[role] == 201 else 0)


CHANGE = [
    ("own group", lambda g: g.own, editors(200, 403)),
    ("partner shared group", lambda g: g.partner, everyone(403)),
    ("partner private group", lambda g: g.partner_private, everyone(404)),
    ("outside group", lambda g: g.outside, everyone(404)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,group,expected", CHANGE, ids=[c[0] for c in CHANGE])
def test_api_change_group_matrix(world, groups, role, name, group, expected):
    api = APIClient()
    api.force_authenticate(world.people[role])
    target = group(groups)
    response = api.patch(
        f"/api/v1/groups/{target.pk}/",
        data=json.dumps({"status": "dormant"}),
        content_type="application/json",
    )
    assert response.status_code == expected[role], response.content
    target.refresh_from_db()
    assert target.status == ("dormant" if expected[role] == 200 else "active")


@pytest.mark.parametrize("role", ROLES)
def test_page_post_to_add_a_member_of_a_partner_group_is_refused(client, world, groups, role):
    verified_login(client, world.people[role])
    for group, status in ((groups.partner, 403), (groups.outside, 404)):
        response = client.post(
            f"/groups/{group.pk}/members/new/", {"name": "X", "role": "principal"}
        )
        assert response.status_code == status
        assert not group.members.filter(name="X").exists()


def test_lists_never_name_a_group_the_user_may_not_see(client, world, groups):
    verified_login(client, world.people[ANALYST])
    for url in ["/groups/", "/groups/rankings/", "/groups/rankings/export.csv"]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert "Own shared group" in text and "Partner shared group" in text, url
        assert "Partner private group" not in text and "Outside group" not in text, url


def test_api_lists_hold_only_visible_groups(world, groups):
    api = APIClient()
    api.force_authenticate(world.people[PRACTITIONER])
    names = {g["name"] for g in api.get("/api/v1/groups/").json()["results"]}
    assert names == {"Own shared group", "Own private group", "Partner shared group"}
    ranked = {g["name"] for g in api.get("/api/v1/group-rankings/").json()["results"]}
    assert ranked == names
    visible_groups = {a["group"] for a in api.get("/api/v1/group-assessments/").json()["results"]}
    assert visible_groups == {groups.own.pk, groups.partner.pk}  # own_private not yet assessed


def test_partner_sees_what_is_shared_with_it_and_nothing_else(client, world, groups):
    verified_login(client, world.people["partner_person"])
    assert client.get(f"/groups/{groups.own.pk}/").status_code == 200
    assert client.get(f"/groups/{groups.own_private.pk}/").status_code == 404
    assert client.get(f"/groups/{groups.partner_private.pk}/").status_code == 200
    assert client.get(f"/groups/{groups.own.pk}/edit/").status_code == 403


def test_outsiders_see_none_of_the_partnership_groups(client, world, groups):
    verified_login(client, world.people["outside_person"])
    for group in (groups.own, groups.own_private, groups.partner, groups.partner_private):
        assert client.get(f"/groups/{group.pk}/").status_code == 404
    assert client.get(f"/groups/{groups.outside.pk}/").status_code == 200


def test_an_expired_agreement_stops_the_sharing(client, world, groups, today):
    import datetime

    world.shared_agreement.starts_on = today - datetime.timedelta(days=400)
    world.shared_agreement.review_date = today - datetime.timedelta(days=1)
    world.shared_agreement.save()
    verified_login(client, world.people["partner_person"])
    assert client.get(f"/groups/{groups.own.pk}/").status_code == 404
    verified_login(client, world.people[ANALYST])
    assert client.get(f"/groups/{groups.partner.pk}/").status_code == 404
    assert client.get(f"/groups/{groups.own.pk}/").status_code == 200  # its own: always


def test_an_agreement_that_does_not_name_the_owner_shares_nothing(client, world, groups):
    world.shared_agreement.parties.set([world.partner])
    verified_login(client, world.people["partner_person"])
    assert client.get(f"/groups/{groups.own.pk}/").status_code == 404


def test_reading_a_group_is_audited_for_the_owner(client, world, groups):
    verified_login(client, world.people["partner_person"])
    client.get(f"/groups/{groups.own.pk}/")
    entry = AuditEntry.objects.filter(action="group_viewed").latest("id")
    assert entry.object_id == str(groups.own.pk)
    assert entry.actor == world.people["partner_person"]
    assert entry.owner_organisation == world.own
    api = APIClient()
    api.force_authenticate(world.people[AUDITOR])
    api.get(f"/api/v1/groups/{groups.own.pk}/")
    assert AuditEntry.objects.filter(action="group_viewed", detail__via="api").exists()


def test_exports_are_audited(client, world, groups):
    verified_login(client, world.people[BOARD])
    response = client.get("/groups/rankings/export.csv?threat_area=drugs-supply")
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.filter(action="groups_exported").latest("id")
    assert entry.detail["filters"]["threat_area"] == "drugs-supply"
    assert entry.detail["rows"] == 2  # own shared and own private (partner's is firearms)


def test_anonymous_visitors_are_sent_to_sign_in(client, groups):
    for url in ["/groups/", f"/groups/{groups.own.pk}/", "/groups/rankings/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert APIClient().get("/api/v1/groups/").status_code == 401


def test_api_reads_of_members_and_assessments_are_audited(world, groups):
    GroupMember.objects.create(group=groups.own, name="Jordan Pike", role="principal")
    api = APIClient()
    api.force_authenticate(world.people["partner_person"])
    api.get("/api/v1/group-members/")
    api.get("/api/v1/group-assessments/", {"group": groups.own.pk})
    members = AuditEntry.objects.get(action="group_members_read")
    assert members.object_id == str(groups.own.pk) and members.owner_organisation == world.own
    assert members.actor == world.people["partner_person"]
    assessments = AuditEntry.objects.get(action="group_assessments_read")
    assert assessments.object_id == str(groups.own.pk)
