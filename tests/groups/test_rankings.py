"""Ranked lists of groups per area and per threat area: highest current score first, never
assessed last, archived left out unless asked for, only what the user may see."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from rest_framework.test import APIClient

from convenor.core.models import Area
from convenor.groups.models import OrganisedCrimeGroup, ThreatArea
from convenor.groups.rankings import ranked_groups
from tests.conftest import verified_login
from tests.groups.conftest import area, assess, inputs, make_group


@pytest.fixture
def ranked(world, groups):
    """Four more of A's groups in Preston with known scores (the fixture's are all 42.0)."""
    analyst = world.people["analyst"]
    high = make_group("High", world.own, officer=analyst, areas=[groups.preston])
    low = make_group("Low", world.own, officer=analyst, areas=[groups.preston])
    unassessed = make_group("Unassessed", world.own, officer=analyst, areas=[groups.preston])
    archived = make_group("Archived", world.own, officer=analyst, areas=[groups.preston])
    archived.status = OrganisedCrimeGroup.Status.ARCHIVED
    archived.save()
    # An older high score does not count: the latest assessment does.
    assess(low, analyst, inputs(5, 5, 5, 5), on=datetime.date(2025, 1, 1))
    assess(low, analyst, inputs(0, 1, 1, 1), on=datetime.date(2026, 2, 1))  # 5.0
    assess(high, analyst, inputs(5, 5, 5, 4), on=datetime.date(2026, 2, 1))  # 97.5
    assess(archived, analyst, inputs(5, 5, 5, 5))  # 100.0
    return {"high": high, "low": low, "unassessed": unassessed, "archived": archived}


def names(queryset):
    return [g.name for g in queryset]


def test_ranking_in_a_local_authority(world, groups, ranked):
    result = ranked_groups(world.people["analyst"], area=groups.preston)
    # Own shared and own private groups: own shared 42.0; own private never assessed.
    assert names(result) == ["High", "Own shared group", "Low", "Own private group", "Unassessed"]
    assert [float(g.current_score) for g in list(result)[:3]] == [97.5, 42.0, 5.0]


def test_archived_groups_only_when_asked_for(world, groups, ranked):
    result = ranked_groups(world.people["analyst"], area=groups.preston, include_archived=True)
    assert names(result)[0] == "Archived"


def test_an_upper_tier_police_force_area_or_region_covers_its_local_authorities(
    world, groups, ranked
):
    analyst = world.people["analyst"]
    assert names(ranked_groups(analyst, area=groups.lancashire_utla)) == names(
        ranked_groups(analyst, area=groups.preston)
    )
    region = area("E12000002", "North West", Area.Kind.REGION)
    force = area("E23000003", "Lancashire", Area.Kind.POLICE_FORCE, parent=region)
    force.local_authorities.set([groups.preston])
    assert "High" in names(ranked_groups(analyst, area=force))
    assert "High" in names(ranked_groups(analyst, area=region))
    assert "Partner shared group" not in names(ranked_groups(analyst, area=region))


def test_ranking_per_threat_area(world, groups, ranked):
    firearms = ThreatArea.objects.get(code="firearms")
    assert names(ranked_groups(world.people["analyst"], threat_area=firearms)) == [
        "Partner shared group"
    ]


def test_the_outsider_ranks_only_its_own(world, groups, ranked):
    assert names(ranked_groups(world.people["outside_person"], area=groups.preston)) == [
        "Outside group"
    ]


def test_ranking_page_and_csv_export(client, world, groups, ranked):
    verified_login(client, world.people["practitioner"])
    page = client.get("/groups/rankings/", {"area": "E07000123"}).content.decode()
    assert "Groups ranked in Preston" in page
    assert page.index("High") < page.index("Own shared group") < page.index(">Low<")
    response = client.get("/groups/rankings/export.csv", {"area": "E07000123"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["name"] for r in rows] == [
        "High",
        "Own shared group",
        "Low",
        "Own private group",
        "Unassessed",
    ]
    assert [r["rank"] for r in rows] == ["1", "2", "3", "", ""]
    assert rows[0]["score"] == "97.5" and rows[0]["assessed_on"] == "2026-02-01"
    assert rows[0]["areas"] == "E07000123" and rows[0]["band"] == "1"


def test_unknown_filters_are_explained(client, world, groups):
    verified_login(client, world.people["practitioner"])
    page = client.get("/groups/rankings/", {"area": "NOWHERE", "threat_area": "x"})
    assert page.status_code == 200
    assert "There is no area with the code “NOWHERE”" in page.content.decode()
    api = APIClient()
    api.force_authenticate(world.people["practitioner"])
    assert api.get("/api/v1/group-rankings/", {"area": "NOWHERE"}).status_code == 400
    assert api.get("/api/v1/group-rankings/", {"threat_area": "nope"}).status_code == 400


def test_api_ranking_numbers_follow_the_page(world, groups, ranked):
    api = APIClient()
    api.force_authenticate(world.people["board_member"])
    body = api.get("/api/v1/group-rankings/", {"area": "E07000123", "limit": 2, "offset": 1})
    results = body.json()["results"]
    assert [(r["rank"], r["name"], r["score"]) for r in results] == [
        (2, "Own shared group", "42.0"),
        (3, "Low", "5.0"),
    ]
    everything = api.get("/api/v1/group-rankings/", {"threat_area": "drugs-supply"}).json()
    assert everything["results"][-1]["rank"] is None  # never assessed
