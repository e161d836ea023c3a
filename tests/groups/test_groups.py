"""Recording and changing groups and members, on pages, through the API and in the services:
the happy path, and bad input explained field by field with nothing changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry, Role
from convenor.groups import services
from convenor.groups.models import (
    GroupMember,
    HarmCharacteristic,
    OrganisedCrimeGroup,
    ThreatArea,
)
from tests.conftest import verified_login
from tests.factories import MembershipFactory, UserFactory


def _form(world, groups, **overrides):
    data = {
        "owning_organisation": world.own.pk,
        "name": "Riverside Network",
        "status": "active",
        "summary": "Supplies crack cocaine and heroin through a county line into Preston.",
        "lead_responsible_officer": world.people["analyst"].pk,
        "partnership": world.shared.pk,
        "threat_areas": [ThreatArea.objects.get(code="drugs-supply").pk],
        "harm_characteristics": [
            HarmCharacteristic.objects.get(code="serious-violence").pk,
            HarmCharacteristic.objects.get(code="exercise-of-control").pk,
        ],
        "areas": [groups.preston.code],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_analyst_records_a_group_on_the_page(client, world, groups):
    verified_login(client, world.people["analyst"])
    response = client.post("/groups/new/", _form(world, groups))
    group = OrganisedCrimeGroup.objects.get(name="Riverside Network")
    assert response.status_code == 302 and response["Location"] == f"/groups/{group.pk}/"
    assert group.owning_organisation == world.own and group.partnership == world.shared
    assert set(group.harm_characteristics.values_list("code", flat=True)) == {
        "serious-violence",
        "exercise-of-control",
    }
    assert list(group.areas.values_list("code", flat=True)) == ["E07000123"]
    entry = AuditEntry.objects.get(action="group_recorded", object_id=str(group.pk))
    assert entry.owner_organisation == world.own
    assert entry.detail["threat_areas"] == ["drugs-supply"]
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Riverside Network" in page and "Not yet assessed" in page
    assert "Exercise of control" in page and "Preston" in page


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"name": "  "}, "name", "Enter the name"),
        ({"threat_areas": None}, "threat_areas", "Choose at least one threat area"),
        (
            {"harm_characteristics": None},
            "harm_characteristics",
            "Choose at least one harm characteristic",
        ),
        ({"areas": None}, "areas", "Choose at least one local authority the group operates in"),
        ({"areas": ["E10000017"]}, "areas", "Choose local authorities from the list"),
        ({"areas": ["NOT-A-CODE"]}, "areas", "Choose local authorities from the list"),
        (
            {"lead_responsible_officer": None},
            "lead_responsible_officer",
            "Choose the lead responsible officer",
        ),
        ({"status": "vanished"}, "status", "Choose the status from the list"),
        ({"name": "x" * 201}, "name", "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_input_is_explained_by_field_and_nothing_is_recorded(
    client, world, groups, overrides, field, message
):
    verified_login(client, world.people["analyst"])
    before = OrganisedCrimeGroup.objects.count()
    response = client.post("/groups/new/", _form(world, groups, **overrides))
    assert response.status_code == 400  # the form again, with the error summary
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert OrganisedCrimeGroup.objects.count() == before


def test_officer_and_partnership_must_belong_to_the_owner(client, world, groups):
    verified_login(client, world.people["analyst"])
    partner_officer = world.people["partner_person"]
    response = client.post(
        "/groups/new/",
        _form(world, groups, lead_responsible_officer=partner_officer.pk),
    )
    assert "Choose the lead responsible officer from the list" in response.content.decode()
    response = client.post("/groups/new/", _form(world, groups, partnership=world.elsewhere.pk))
    assert "Choose a partnership of the owning organisation" in response.content.decode()
    response = client.post(
        "/groups/new/", _form(world, groups, owning_organisation=world.partner.pk)
    )
    assert "Choose the owning organisation from the list" in response.content.decode()
    assert not OrganisedCrimeGroup.objects.filter(name="Riverside Network").exists()


def test_the_service_holds_the_rules_whatever_calls_it(world, groups):
    analyst = world.people["analyst"]
    fields = {
        "name": "Service Group",
        "summary": "",
        "status": "active",
        "partnership": world.elsewhere,
        "lead_responsible_officer": world.people["partner_person"],
        "threat_areas": list(ThreatArea.objects.filter(code="firearms")),
        "harm_characteristics": list(HarmCharacteristic.objects.all()[:1]),
        "areas": [groups.lancashire_utla],
    }
    with pytest.raises(ValidationError) as problem:
        services.record_group(analyst, world.own, fields)
    errors = problem.value.message_dict
    assert "not a member of Elsewhere Partnership" in errors["partnership"][0]
    assert "must be a member of staff of Own Police" in errors["lead_responsible_officer"][0]
    assert "lower tier or unitary" in errors["areas"][0]
    with pytest.raises(ValidationError) as problem:
        services.record_group(analyst, world.partner, {**fields, "partnership": None})
    assert "owning_organisation" in problem.value.message_dict
    with pytest.raises(PermissionDenied):
        services.record_group(world.people["practitioner"], world.own, fields)
    # Names are unique per organisation, whatever their case.
    good = {
        **fields,
        "partnership": world.shared,
        "lead_responsible_officer": analyst,
        "areas": [groups.preston],
    }
    with pytest.raises(ValidationError) as problem:
        services.record_group(analyst, world.own, {**good, "name": "own SHARED group"})
    assert "already records a group called" in problem.value.message_dict["name"][0]
    assert not OrganisedCrimeGroup.objects.filter(name="Service Group").exists()


def test_a_group_is_changed_and_the_change_audited(client, world, groups):
    verified_login(client, world.people["partnership_administrator"])
    data = _form(world, groups, name="Own shared group", status="dormant")
    data.pop("owning_organisation")
    response = client.post(f"/groups/{groups.own.pk}/edit/", data)
    assert response.status_code == 302
    groups.own.refresh_from_db()
    assert groups.own.status == "dormant"
    entry = AuditEntry.objects.filter(action="group_changed").latest("id")
    assert entry.detail["changed"]["status"] == "dormant"


def test_the_lead_officer_may_be_any_current_member_of_staff_of_the_owner(world, groups):
    officer = UserFactory(username="own-officer")
    MembershipFactory(user=officer, organisation=world.own, role=Role.PRACTITIONER)
    group = services.change_group(
        world.people["analyst"], groups.own, {"lead_responsible_officer": officer}
    )
    assert group.lead_responsible_officer == officer


def test_members_are_added_changed_and_removed(client, world, groups):
    verified_login(client, world.people["analyst"])
    url = f"/groups/{groups.own.pk}/members/new/"
    response = client.post(url, {"name": "", "role": ""})
    body = response.content.decode()
    assert "Enter the name" in body and "Choose the member&#x27;s role" in body
    assert not groups.own.members.exists()
    client.post(url, {"name": "Jordan Pike", "role": "principal", "notes": "Runs the line"})
    client.post(url, {"name": "Casey Moss", "role": "peripheral"})
    member = groups.own.members.get(name="Jordan Pike")
    page = client.get(f"/groups/{groups.own.pk}/").content.decode()
    assert page.index("Jordan Pike") < page.index("Casey Moss")  # principals first
    client.post(
        f"/groups/{groups.own.pk}/members/{member.pk}/edit/",
        {"name": "Jordan Pike", "role": "significant"},
    )
    member.refresh_from_db()
    assert member.role == "significant"
    client.post(f"/groups/{groups.own.pk}/members/{member.pk}/remove/")
    assert not GroupMember.objects.filter(pk=member.pk).exists()
    actions = list(
        AuditEntry.objects.filter(object_id=str(groups.own.pk), action__startswith="group_member")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "group_member_added",
        "group_member_added",
        "group_member_changed",
        "group_member_removed",
    ]


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _payload(world, groups, **overrides):
    data = {
        "name": "API Group",
        "owning_organisation": world.own.slug,
        "partnership": world.shared.slug,
        "lead_responsible_officer": world.people["analyst"].username,
        "threat_areas": ["money-laundering", "organised-immigration-crime"],
        "harm_characteristics": ["profit-or-loss"],
        "areas": [groups.birmingham.code],
    }
    data.update(overrides)
    return data


def test_api_records_a_group_and_reads_it_back(world, groups):
    api = _api(world.people["analyst"])
    response = api.post("/api/v1/groups/", _payload(world, groups), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["current_assessment"] is None
    assert sorted(body["threat_areas"]) == ["money-laundering", "organised-immigration-crime"]
    read = api.get(f"/api/v1/groups/{body['id']}/").json()
    assert read["areas"] == ["E08000025"] and read["owning_organisation"] == world.own.slug


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"name": ""}, "name"),
        ({"threat_areas": ["not-a-threat"]}, "threat_areas"),
        ({"threat_areas": []}, "threat_areas"),
        ({"harm_characteristics": []}, "harm_characteristics"),
        ({"areas": ["E10000017"]}, "areas"),
        ({"areas": ["E08000025\x00"]}, "areas"),
        ({"lead_responsible_officer": "outside-person"}, "lead_responsible_officer"),
        ({"lead_responsible_officer": "partner-person"}, "lead_responsible_officer"),
        ({"owning_organisation": "outside-council"}, "owning_organisation"),
        ({"owning_organisation": "partner-council"}, "owning_organisation"),
        ({"partnership": "elsewhere-partnership"}, "partnership"),
        ({"status": "gone"}, "status"),
        ({"summary": "x" * 20_000}, "summary"),
    ],
)
def test_api_bad_input_names_the_field_and_records_nothing(world, groups, overrides, field):
    api = _api(world.people["analyst"])
    before = OrganisedCrimeGroup.objects.count()
    response = api.post("/api/v1/groups/", _payload(world, groups, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert OrganisedCrimeGroup.objects.count() == before


def test_api_owner_cannot_be_changed_nor_a_member_moved(world, groups):
    api = _api(world.people["analyst"])
    response = api.patch(
        f"/api/v1/groups/{groups.own.pk}/",
        {"owning_organisation": world.partner.slug},
        format="json",
    )
    assert response.status_code == 400
    member = api.post(
        "/api/v1/group-members/",
        {"group": groups.own.pk, "name": "Alex Rowe", "role": "principal"},
        format="json",
    )
    assert member.status_code == 201, member.content
    moved = api.patch(
        f"/api/v1/group-members/{member.json()['id']}/",
        {"group": groups.own_private.pk},
        format="json",
    )
    assert moved.status_code == 400
    assert GroupMember.objects.get(pk=member.json()["id"]).group == groups.own
    assert api.delete(f"/api/v1/group-members/{member.json()['id']}/").status_code == 204


@pytest.mark.parametrize("group", ["abc", "-1", "99999999999999999999999", "1.5"])
def test_api_filters_and_references_with_odd_ids_are_a_400_or_empty(world, groups, group):
    api = _api(world.people["analyst"])
    assert api.get("/api/v1/group-members/", {"group": group}).status_code == 400
    response = api.post(
        "/api/v1/group-members/", {"group": group, "name": "X", "role": "principal"}, format="json"
    )
    assert response.status_code == 400
    assert api.get(f"/api/v1/groups/{group}/").status_code == 404
