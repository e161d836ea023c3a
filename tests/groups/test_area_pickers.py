"""The rankings filter and the group's areas of operation offer the current areas of the user's
partnerships (issue 13 item 3), and the service refuses any other new area, on a forged form
and through the API, while a group keeps the areas it holds."""

from __future__ import annotations

import re

from rest_framework.test import APIClient

from convenor.core.selectors import areas_for_user
from convenor.groups import services
from convenor.groups.forms import GroupForm
from convenor.groups.models import OrganisedCrimeGroup
from tests.conftest import verified_login
from tests.factories import lancashire_areas
from tests.groups.test_groups import _form, _payload


def _places(world):
    places = lancashire_areas()
    world.shared.areas.set([places.preston])
    world.elsewhere.areas.set([places.birmingham])
    return places


def _options(page: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select))


def test_the_rankings_filter_offers_every_level_of_the_users_partnerships(client, world, groups):
    _places(world)
    analyst = world.people["analyst"]
    verified_login(client, analyst)
    options = _options(client.get("/groups/rankings/").content.decode(), "area")
    assert set(options) == set(areas_for_user(analyst).values_list("code", flat=True))
    assert options == {
        "E07000123": "Preston (local authority)",
        "E10000017": "Lancashire (county)",
        "E23000003": "Lancashire (police force area)",
    }
    client.logout()
    verified_login(client, world.people["outside_person"])
    options = _options(client.get("/groups/rankings/").content.decode(), "area")
    assert options == {
        "E08000025": "Birmingham (local authority)",
        "E23000014": "West Midlands (police force area)",
    }


def test_a_ranking_for_an_area_outside_the_partnerships_is_explained(client, world, groups):
    _places(world)
    verified_login(client, world.people["analyst"])
    page = client.get("/groups/rankings/", {"area": "E08000025"}).content.decode()
    assert "Birmingham is not among them" in page
    assert "Groups ranked in Birmingham" not in page
    assert (
        "Groups ranked in Lancashire"
        in client.get("/groups/rankings/", {"area": "E23000003"}).content.decode()
    )
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    response = api.get("/api/v1/group-rankings/", {"area": "E08000025"})
    assert response.status_code == 400 and "Birmingham" in response.json()["area"]
    assert api.get("/api/v1/group-rankings/", {"area": "E07000123"}).status_code == 200


def test_the_group_form_offers_only_the_partnerships_local_authorities(client, world, groups):
    places = _places(world)
    verified_login(client, world.people["analyst"])
    options = _options(client.get("/groups/new/").content.decode(), "areas")
    assert set(options) == {"E07000123"}  # the current local authorities (Chorley is not named)
    assert places.ended.code not in options


def test_a_forged_form_naming_another_partnerships_area_saves_nothing(client, world, groups):
    places = _places(world)
    verified_login(client, world.people["analyst"])
    for code in (places.birmingham.code, places.ended.code):
        response = client.post("/groups/new/", _form(world, groups, areas=[code]))
        assert response.status_code == 400
        assert "Choose local authorities from the list" in response.content.decode()
    assert not OrganisedCrimeGroup.objects.filter(name="Riverside Network").exists()


def test_the_api_and_the_service_refuse_an_area_outside_the_partnerships(world, groups):
    places = _places(world)
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    before = OrganisedCrimeGroup.objects.count()
    for code in (places.birmingham.code, places.ended.code):
        response = api.post("/api/v1/groups/", _payload(world, groups, areas=[code]), format="json")
        assert response.status_code == 400, response.content
        assert "not among them" in response.json()["areas"][0]
    assert OrganisedCrimeGroup.objects.count() == before
    response = api.patch(
        f"/api/v1/groups/{groups.own.pk}/", {"areas": ["E08000025"]}, format="json"
    )
    assert response.status_code == 400
    assert list(groups.own.areas.values_list("code", flat=True)) == ["E07000123"]
    created = api.post(
        "/api/v1/groups/", _payload(world, groups, areas=["E07000123"]), format="json"
    )
    assert created.status_code == 201, created.content


def test_a_group_keeps_an_area_since_abolished(world, groups):
    places = _places(world)
    analyst = world.people["analyst"]
    groups.own.areas.set([places.preston, places.ended])
    services.change_group(analyst, groups.own, {"name": "Renamed"})
    assert set(groups.own.areas.values_list("code", flat=True)) == {"E07000123", "E07000999"}
    form = GroupForm(user=analyst, group=groups.own)
    assert set(form.fields["areas"].queryset.values_list("code", flat=True)) == {
        "E07000123",
        "E07000999",
    }
