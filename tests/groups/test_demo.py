"""The demo groups: recorded through the services with a history of assessments, ranked, shared
only where their partnership's agreement allows, and a second `convenor demo` changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from convenor.core.models import Area, AuditEntry, User
from convenor.groups.demo import GROUPS
from convenor.groups.models import Assessment, GroupMember, OrganisedCrimeGroup
from convenor.groups.rankings import ranked_groups
from tests.conftest import verified_login

pytestmark = pytest.mark.slow


def test_demo_groups_load_once_with_their_history(db, capsys, client):
    call_command("demo", "--no-serve")
    assert OrganisedCrimeGroup.objects.count() == len(GROUPS) == 4
    for spec in GROUPS:
        group = OrganisedCrimeGroup.objects.get(name=spec["name"])
        assert group.assessments.count() == len(spec["assessments"]) >= 2
        assert group.members.count() == len(spec["members"])
        assert group.lead_responsible_officer.username == spec["officer"]
    counts = (
        OrganisedCrimeGroup.objects.count(),
        GroupMember.objects.count(),
        Assessment.objects.count(),
        AuditEntry.objects.filter(action="group_assessed").count(),
    )
    call_command("demo", "--no-serve")
    assert counts == (
        OrganisedCrimeGroup.objects.count(),
        GroupMember.objects.count(),
        Assessment.objects.count(),
        AuditEntry.objects.filter(action="group_assessed").count(),
    )
    # Members are linked to the threat demo's entities: the network joins a council contractor
    # and a taxi licence holder to the county line.
    line = OrganisedCrimeGroup.objects.get(name="Ribble Valley Line")
    linked = {m.name: m.entity for m in line.members.all()}
    for name in ["Mark Doyle", "Kyle Brennan", "Ribble Groundworks Ltd", "Danny Whitlow"]:
        assert linked[name] is not None, name
    assert linked["Ribble Groundworks Ltd"].kind == "business"
    assert linked["Tyler Hargreaves"] is None
    from convenor.groups.network import MEMBER_OF_GROUP, group_node_id
    from convenor.threat.graph import build_network

    lee_network = build_network(User.objects.get(username="lee.barnes"))
    into_line = [
        e
        for e in lee_network.edges
        if e.kind == MEMBER_OF_GROUP and e.target == group_node_id(line.pk)
    ]
    assert len(into_line) == 4
    # The threat network page draws the group and its members' edges.
    verified_login(client, User.objects.get(username="lee.barnes"))
    page = client.get("/threat/network/")
    assert page.status_code == 200
    assert "Ribble Valley Line" in page.content.decode()
    assert "Member of group" in page.content.decode()
    preston = Area.objects.get(code="E07000123")
    lee = User.objects.get(username="lee.barnes")
    names = [g.name for g in ranked_groups(lee, area=preston)]
    assert names == ["Ribble Valley Line", "Fishergate Tobacco Suppliers"]
    # West Midlands people see West Midlands groups only, and the other way round.
    priya = User.objects.get(username="priya.shah")
    assert {g.name for g in ranked_groups(priya)} == {"Gleam Network", "Foundry Lane Armourers"}
    assert {g.name for g in ranked_groups(lee)} == {
        "Ribble Valley Line",
        "Fishergate Tobacco Suppliers",
    }


def test_demo_county_line_has_its_response_of_2025(db, today):
    """Six disruptions through 2025, one awaiting verification; two orders, one expiring next
    month and one breached; a second `load_demo` adds nothing."""
    from convenor.core.demo import load_demo as load_core_demo
    from convenor.groups import selectors
    from convenor.groups.demo import load_demo
    from convenor.groups.models import AncillaryOrder, Disruption, OrderBreach
    from convenor.groups.statistics import disruption_statistics

    load_core_demo()
    load_demo()
    line = OrganisedCrimeGroup.objects.get(name="Ribble Valley Line")
    disruptions = list(line.disruptions.all())
    assert len(disruptions) == 6
    assert all(d.occurred_on.year == 2025 for d in disruptions)
    assert [d.disruption_type.code for d in disruptions if not d.verified] == [
        "safeguarding-of-a-victim"
    ]
    assert all(d.verified_by != d.recorded_by for d in disruptions if d.verified)
    orders = {o.order_type.code: o for o in line.orders.all()}
    assert set(orders) == {"cbo", "scpo"}
    assert 0 < (orders["cbo"].expires_on - today).days <= 31
    assert orders["scpo"].breaches.count() == 1
    lee = User.objects.get(username="lee.barnes")
    assert list(selectors.expiring_orders(lee, 90)) == [orders["cbo"]]
    stats = disruption_statistics(
        selectors.disruption_facts(lee, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    )
    assert stats.total == 5 and stats.unverified_left_out == 1
    counts = (
        Disruption.objects.count(),
        AncillaryOrder.objects.count(),
        OrderBreach.objects.count(),
    )
    load_demo()
    assert counts == (
        Disruption.objects.count(),
        AncillaryOrder.objects.count(),
        OrderBreach.objects.count(),
    )
