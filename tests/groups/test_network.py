"""Members linked to threat entities, and the "member_of_group" edges the groups app adds to the
threat network: only for groups and entities the user may see."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from convenor.core.models import LegalBasis
from convenor.groups.network import MEMBER_OF_GROUP, group_node_id
from convenor.threat.graph import build_network, entity_node_id
from convenor.threat.models import Dataset, DatasetImport, Entity, Record
from tests.conftest import verified_login


def _entity(world, kind, row, owner, agreement, partnership, **fields):
    dataset, _ = Dataset.objects.get_or_create(
        organisation=owner,
        title=f"Nominals of {owner}",
        defaults={
            "partnership": partnership,
            "agreement": agreement,
            "legal_basis": LegalBasis.CDA_S115,
            "kind": Dataset.Kind.POLICE_NOMINALS,
            "contact": world.people["analyst"],
            "created_by": world.people["analyst"],
        },
    )
    upload, _ = DatasetImport.objects.get_or_create(
        dataset=dataset,
        file_name="nominals.csv",
        defaults={"content_sha256": "0" * 64, "created_by": world.people["analyst"]},
    )
    entity = Entity.objects.create(partnership=partnership, kind=kind)
    Record.objects.create(
        dataset=dataset, dataset_import=upload, row_number=row, kind=kind, entity=entity, **fields
    )
    return entity


@pytest.fixture
def entities(world, groups):
    shared = dict(owner=world.own, agreement=world.shared_agreement, partnership=world.shared)
    return {
        "person": _entity(world, "person", 2, first_name="Jordan", surname="Pike", **shared),
        "business": _entity(world, "business", 3, company_name="Sparkle Hand Car Wash", **shared),
        "vehicle": _entity(world, "vehicle", 4, vehicle_registration="AB12CDE", **shared),
        "hidden": _entity(
            world,
            "person",
            2,
            first_name="Hidden",
            surname="Person",
            owner=world.outside,
            agreement=world.elsewhere_agreement,
            partnership=world.elsewhere,
        ),
    }


def test_an_analyst_links_a_member_to_an_entity(client, world, groups, entities):
    verified_login(client, world.people["analyst"])
    url = f"/groups/{groups.own.pk}/members/new/"
    person = entities["person"]
    response = client.post(
        url, {"name": "Jordan Pike", "role": "principal", "entity": f"E{person.pk}"}
    )
    assert response.status_code == 302
    member = groups.own.members.get()
    assert member.entity == person
    page = client.get(f"/groups/{groups.own.pk}/").content.decode()
    assert f'href="/threat/entities/{person.pk}/"' in page or person.get_absolute_url() in page


@pytest.mark.parametrize(
    "reference,message",
    [
        ("hidden", "There is no entity with that reference that you may see"),
        ("vehicle", "A member is a person or a business"),
        ("E99999999", "There is no entity with that reference that you may see"),
        ("car wash", "give a reference like E123"),
    ],
)
def test_entity_references_that_do_not_fit_are_refused(
    client, world, groups, entities, reference, message
):
    verified_login(client, world.people["analyst"])
    value = f"E{entities[reference].pk}" if reference in entities else reference
    response = client.post(
        f"/groups/{groups.own.pk}/members/new/", {"name": "X", "role": "principal", "entity": value}
    )
    assert response.status_code == 400  # the form again, with the error summary
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not groups.own.members.exists()


def test_the_same_entity_is_a_member_once(world, groups, entities):
    from django.core.exceptions import ValidationError

    from convenor.groups import services

    analyst = world.people["analyst"]
    fields = {"name": "Jordan Pike", "role": "principal", "entity": entities["person"]}
    services.add_member(analyst, groups.own, fields)
    with pytest.raises(ValidationError, match="already a member"):
        services.add_member(analyst, groups.own, {**fields, "name": "J. Pike"})


def test_the_network_gains_member_of_group_edges_for_what_the_user_may_see(world, groups, entities):
    from convenor.groups import services

    analyst = world.people["analyst"]
    services.add_member(
        analyst,
        groups.own,
        {"name": "Jordan Pike", "role": "principal", "entity": entities["person"]},
    )
    services.add_member(
        analyst,
        groups.own,
        {"name": "Sparkle Hand Car Wash", "role": "significant", "entity": entities["business"]},
    )
    network = build_network(analyst)
    group_edges = {(e.source, e.target) for e in network.edges if e.kind == MEMBER_OF_GROUP}
    assert group_edges == {
        (entity_node_id(entities["person"].pk), group_node_id(groups.own.pk)),
        (entity_node_id(entities["business"].pk), group_node_id(groups.own.pk)),
    }
    group_node = next(n for n in network.nodes if n.id == group_node_id(groups.own.pk))
    assert group_node.kind == "group" and group_node.label == "Own shared group"
    assert group_node.url == f"/groups/{groups.own.pk}/"
    # Someone who may not see the entities (not an analyst) gets no group edges at all.
    assert not [
        e for e in build_network(world.people["practitioner"]).edges if e.kind == MEMBER_OF_GROUP
    ]
    # The outsider sees neither the group nor the entities.
    assert not build_network(world.people["outside_person"]).edges


def test_the_api_hides_an_entity_the_reader_may_not_see(world, groups, entities):
    from convenor.groups import services

    member = services.add_member(
        world.people["analyst"],
        groups.own,
        {"name": "Jordan Pike", "role": "principal", "entity": entities["person"]},
    )
    analyst, practitioner = APIClient(), APIClient()
    analyst.force_authenticate(world.people["analyst"])
    practitioner.force_authenticate(world.people["practitioner"])
    url = f"/api/v1/group-members/{member.pk}/"
    assert analyst.get(url).json()["entity"] == entities["person"].pk
    assert practitioner.get(url).json()["entity"] is None
    hidden = analyst.post(
        "/api/v1/group-members/",
        {
            "group": groups.own.pk,
            "name": "X",
            "role": "peripheral",
            "entity": entities["hidden"].pk,
        },
        format="json",
    )
    assert hidden.status_code == 400 and "entity" in hidden.json()


def test_an_editor_who_cannot_see_the_entity_keeps_the_link(client, world, groups, entities):
    from convenor.groups import services

    member = services.add_member(
        world.people["analyst"],
        groups.own,
        {"name": "Jordan Pike", "role": "principal", "entity": entities["person"]},
    )
    verified_login(client, world.people["partnership_administrator"])  # not an analyst
    page = client.get(f"/groups/{groups.own.pk}/members/{member.pk}/edit/").content.decode()
    assert f'value="E{entities["person"].pk}"' not in page
    client.post(
        f"/groups/{groups.own.pk}/members/{member.pk}/edit/",
        {"name": "Jordan Pike", "role": "significant", "entity": ""},
    )
    member.refresh_from_db()
    assert member.role == "significant" and member.entity == entities["person"]
