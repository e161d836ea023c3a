"""The network page narrowed to what an analyst asks: around one node, along chosen kinds of
link, and the connections from businesses or licence holders to organised crime groups. Every
answer comes from the network the user may see: a hidden node reads like one that does not exist."""

from __future__ import annotations

import json
import re

import pytest
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry
from convenor.groups.models import GroupMember, OrganisedCrimeGroup
from convenor.threat import graph, services
from convenor.threat.models import Entity, Record
from tests.conftest import verified_login
from tests.threat.conftest import make_dataset

pytestmark = pytest.mark.django_db

# A council contractor whose director is Kyle Brennan, the associate of Daniel Whitlow.
CONTRACTORS_CSV = (
    "Supplier ref,Company,Company no,Director first name,Director surname,Director DOB,"
    "Address,Postcode\n"
    "S1,Ribble Roofing Ltd,01234567,Kyle,Brennan,03/07/1990,4 Ribbleton Lane,PR1 5EP\n"
    "S2,Clean Ltd,07654321,Ann,Other,01/01/1970,9 Elsewhere Road,PR2 8DY\n"
)
CONTRACTORS_MAPPING = {
    "reference": "Supplier ref",
    "company_name": "Company",
    "company_number": "Company no",
    "first_name": "Director first name",
    "surname": "Director surname",
    "date_of_birth": "Director DOB",
    "address": "Address",
    "postcode": "Postcode",
}


@pytest.fixture
def crewed(imported):
    world = imported.core
    contractors = make_dataset(
        world.own,
        world.shared,
        world.shared_agreement,
        imported.own_analyst,
        "Council contractors",
        kind="contractors",
    )
    services.import_file(
        imported.own_analyst,
        contractors,
        "contractors.csv",
        CONTRACTORS_CSV.encode(),
        CONTRACTORS_MAPPING,
    )
    services.start_linkage(imported.own_analyst, world.shared, background=False)
    whitlow = Record.objects.get(dataset=imported.own_dataset, surname="Whitlow", kind="person")
    crew = OrganisedCrimeGroup.objects.create(
        name="Fishergate crew",
        owning_organisation=world.own,
        partnership=world.shared,
        lead_responsible_officer=world.people["practitioner"],
        summary="Invented for tests",
    )
    GroupMember.objects.create(group=crew, name="Danny", role="principal", entity=whitlow.entity)
    imported.crew = crew
    imported.whitlow = whitlow.entity
    imported.brennan = Record.objects.get(
        dataset=imported.own_dataset, surname="Brennan", kind="person"
    ).entity
    imported.roofing = Record.objects.get(company_name="Ribble Roofing Ltd", kind="business").entity
    imported.clean = Record.objects.get(company_name="Clean Ltd", kind="business").entity
    return imported


def node(entity: Entity) -> str:
    return graph.entity_node_id(entity.pk)


def page(client, user, query: str) -> str:
    verified_login(client, user)
    response = client.get(f"/threat/network/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_director_links_to_the_nominal_and_the_contractor_to_the_group(crewed):
    director = Record.objects.get(dataset__kind="contractors", surname="Brennan")
    assert director.entity_id == crewed.brennan.pk  # linkage made them one person
    network = graph.build_network(crewed.own_analyst, crewed.core.shared)
    found = graph.connections_to_groups(crewed.own_analyst, network, "business")
    assert [(c.start.id, c.group.id) for c in found] == [
        (node(crewed.roofing), f"group:{crewed.crew.pk}")
    ]
    chain = [(kind, step.id) for kind, step in found[0].steps]
    assert chain == [
        ("director_of", node(crewed.brennan)),
        ("associate_of", node(crewed.whitlow)),
        ("member_of_group", f"group:{crewed.crew.pk}"),
    ]
    # Clean Ltd has no path to any group; nobody is a licence holder the analyst can read but
    # the Whitlow taxi driver, who is the member himself.
    holders = graph.connections_to_groups(crewed.own_analyst, network, "licence")
    assert [c.start.id for c in holders] == [node(crewed.whitlow)]
    assert holders[0].length == 1
    with pytest.raises(ValueError, match="start must be one of"):
        graph.connections_to_groups(crewed.own_analyst, network, "planet")


def test_focus_keeps_what_is_within_reach_along_the_chosen_links(crewed):
    network = graph.build_network(crewed.own_analyst, crewed.core.shared)
    one = graph.focus(network, graph.Focus(around=node(crewed.brennan), steps=1))
    assert node(crewed.whitlow) in one.node_ids and node(crewed.roofing) in one.node_ids
    assert f"group:{crewed.crew.pk}" not in one.node_ids
    two = graph.focus(network, graph.Focus(around=node(crewed.brennan), steps=2))
    assert f"group:{crewed.crew.pk}" in two.node_ids
    assert node(crewed.clean) not in two.node_ids
    assert all(e.source in two.node_ids and e.target in two.node_ids for e in two.edges)
    only_membership = graph.focus(
        network, graph.Focus(around=node(crewed.brennan), steps=4, kinds=frozenset({"drives"}))
    )
    assert only_membership.node_ids == {node(crewed.brennan)} and not only_membership.edges
    kinds = graph.focus(network, graph.Focus(kinds=frozenset({"director_of"})))
    assert {e.kind for e in kinds.edges} == {"director_of"}
    assert graph.focus(network, graph.Focus(around="entity:999999")) is None
    assert graph.focus(network, graph.Focus()) is network


def test_the_page_shows_connections_and_the_focus_and_audits_them(client, crewed):
    body = page(client, crewed.own_analyst, "start=business")
    assert "Connections to organised crime groups: businesses (1)" in body
    assert "Ribble Roofing Ltd" in body and "— director of —" in body
    assert "— member of group —" in body and "Fishergate crew" in body
    viewed = AuditEntry.objects.filter(action="threat_network_viewed").latest("pk")
    assert viewed.detail["connections_from"] == "business"
    around = page(client, crewed.own_analyst, f"around={node(crewed.whitlow)}&steps=1")
    assert "around " in around and "Fishergate crew" in around
    assert "Ribble Roofing Ltd" not in around  # two links away
    viewed = AuditEntry.objects.filter(action="threat_network_viewed").latest("pk")
    assert viewed.detail["around"] == node(crewed.whitlow) and viewed.detail["steps"] == 1
    # The entity and the group pages lead here.
    verified_login(client, crewed.own_analyst)
    entity_page = client.get(f"/threat/entities/{crewed.whitlow.pk}/").content.decode()
    assert f"around=entity:{crewed.whitlow.pk}" in entity_page
    group_page = client.get(f"/groups/{crewed.crew.pk}/").content.decode()
    assert f"around=group%3A{crewed.crew.pk}" in group_page


def test_exports_and_the_api_hold_only_the_focused_part(client, crewed):
    query = f"around={node(crewed.whitlow)}&steps=1"
    verified_login(client, crewed.own_analyst)
    data = json.loads(client.get(f"/threat/network.json?{query}").content)
    ids = {n["id"] for n in data["nodes"]}
    assert node(crewed.roofing) not in ids and f"group:{crewed.crew.pk}" in ids
    csv_body = client.get(f"/threat/network.csv?{query}").content.decode()
    assert "Ribble Roofing" not in csv_body and "member_of_group" in csv_body
    exported = AuditEntry.objects.filter(action="threat_network_exported").latest("pk")
    assert exported.detail["around"] == node(crewed.whitlow)
    api_client = APIClient()
    api_client.force_authenticate(crewed.own_analyst)
    body = api_client.get(
        "/api/v1/threat/network/?start=business&kind=director_of&kind=associate_of"
    ).json()
    assert {e["kind"] for e in body["edges"]} == {"director_of", "associate_of"}
    assert body["connections"] == []  # membership links were not followed
    api = api_client.get("/api/v1/threat/network/?start=business").json()
    assert [c["start"] for c in api["connections"]] == [node(crewed.roofing)]
    assert [step["kind"] for step in api["connections"][0]["steps"]] == [
        "director_of",
        "associate_of",
        "member_of_group",
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("steps=9", "Choose from 1 to 4 links"),
        ("steps=two", "Choose from 1 to 4 links"),
        ("kind=knows", "Choose kinds of link from the list"),
        ("start=planet", "Choose where the connections start from the list"),
        ("around=DROP TABLE", "Enter a node such as entity:12 or group:3"),
        ("around=entity:999999", "Nothing you can see is linked to that node"),
    ],
)
def test_bad_choices_are_explained_not_failed(client, crewed, query, message):
    body = page(client, crewed.own_analyst, query)
    assert "There is a problem" in body and message in body
    api_client = APIClient()
    api_client.force_authenticate(crewed.own_analyst)
    api = api_client.get(f"/api/v1/threat/network/?{query}")
    assert api.status_code == 400 and message in json.dumps(api.json())
    # An export of a bad choice goes back to the page that explains it.
    verified_login(client, crewed.own_analyst)
    assert client.get(f"/threat/network.csv?{query}").status_code == 302


def test_a_node_hidden_from_the_user_reads_like_one_that_does_not_exist(client, crewed):
    outside_entity = Record.objects.filter(dataset=crewed.outside_dataset).first().entity
    hidden = page(client, crewed.own_analyst, f"around={node(outside_entity)}")
    missing = page(client, crewed.own_analyst, "around=entity:999999")
    assert "Nothing you can see is linked to that node" in hidden
    same = re.compile(rf"entity(:|%3A)({outside_entity.pk}|999999)\b|value=\"[A-Za-z0-9]{{64}}\"")
    assert same.sub("X", hidden) == same.sub("X", missing)  # all but the id and the CSRF token
    # The outside analyst's connections never reach the shared partnership's group.
    network = graph.build_network(crewed.outside_analyst)
    assert f"group:{crewed.crew.pk}" not in network.node_ids
    assert graph.connections_to_groups(crewed.outside_analyst, network, "business") == []


def test_building_a_focused_network_gives_what_focusing_the_whole_one_gives(crewed):
    # The page builds only the focused part (labelling only it); it must equal the whole network
    # narrowed afterwards, for every choice.
    whole = graph.build_network(crewed.own_analyst, crewed.core.shared)
    group = f"group:{crewed.crew.pk}"
    choices = [
        graph.Focus(around=around, steps=steps, kinds=kinds)
        for around in ("", node(crewed.brennan), node(crewed.roofing), group)
        for steps in (1, 2, 4)
        for kinds in (frozenset(), frozenset({"director_of", "associate_of"}))
        if around or kinds
    ]
    for chosen in choices:
        built = graph.build_network(crewed.own_analyst, crewed.core.shared, chosen=chosen)
        assert built == graph.focus(whole, chosen), chosen
    missing = graph.Focus(around="entity:999999")
    assert graph.build_network(crewed.own_analyst, crewed.core.shared, chosen=missing) is None
    assert (
        graph.build_network(crewed.own_analyst, crewed.core.shared, chosen=graph.Focus()) == whole
    )
