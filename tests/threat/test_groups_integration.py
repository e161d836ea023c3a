"""With the groups app: members linked to entities stay linked when entities merge or a re-run
of linkage moves their records, and the network shows "member of group" edges."""

from __future__ import annotations

import pytest

from convenor.groups.models import GroupMember, OrganisedCrimeGroup
from convenor.threat import graph, services
from convenor.threat.models import Record

pytestmark = pytest.mark.django_db


def person(dataset, surname="Whitlow"):
    return Record.objects.get(dataset=dataset, kind="person", surname=surname)


@pytest.fixture
def crew(imported):
    group = OrganisedCrimeGroup.objects.create(
        name="Fishergate crew",
        owning_organisation=imported.core.own,
        partnership=imported.core.shared,
        lead_responsible_officer=imported.core.people["practitioner"],
        summary="Invented for tests",
    )
    return group


def test_a_member_follows_the_person_when_entities_merge(imported, crew):
    nominal, driver = person(imported.own_dataset), person(imported.partner_dataset)
    member = GroupMember.objects.create(
        group=crew, name="Danny Whitlow", role="peripheral", entity=driver.entity
    )
    services.merge_entities(imported.own_analyst, nominal.entity, driver.entity, "Same man")
    member.refresh_from_db()
    assert member.entity_id == nominal.entity_id


def test_a_member_follows_the_person_across_linkage_runs(imported, crew):
    nominal, driver = person(imported.own_dataset), person(imported.partner_dataset)
    # The driver's singleton entity will not survive: its record joins the nominal's.
    member = GroupMember.objects.create(
        group=crew, name="Danny Whitlow", role="peripheral", entity=driver.entity
    )
    old_entity = driver.entity_id
    services.start_linkage(imported.own_analyst, imported.core.shared, background=False)
    member.refresh_from_db()
    driver.refresh_from_db()
    nominal.refresh_from_db()
    assert driver.entity_id == nominal.entity_id != old_entity  # the records moved...
    assert member.entity_id == driver.entity_id  # ...and the member with them


def test_network_shows_membership_only_for_visible_entities(imported, crew):
    nominal = person(imported.own_dataset)
    GroupMember.objects.create(group=crew, name="Danny", role="principal", entity=nominal.entity)
    network = graph.build_network(imported.own_analyst, imported.core.shared)
    assert (
        graph.Edge(graph.entity_node_id(nominal.entity_id), f"group:{crew.pk}", "member_of_group")
        in network.edges
    )
    summary = graph.analyse_network(network)
    assert f"group:{crew.pk}" in summary.degree
