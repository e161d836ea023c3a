"""An entity's page shows the groups it belongs to, the intelligence about it and the orders on
it, each only as far as the reader may see, in a fixed number of queries."""

from __future__ import annotations

from django.test import Client

from convenor.groups.models import GroupMember
from convenor.intelligence import services as intelligence
from tests.conftest import verified_login
from tests.groups.conftest import make_group, make_order
from tests.intelligence.conftest import report_fields


def _page(user, entity) -> str:
    client = verified_login(Client(), user)
    response = client.get(entity.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _hidden_links(found):
    """A group and a report the own side may not see, linked to its entity all the same."""
    GroupMember.objects.create(
        group=found.outside_group, name="S Gill", role="peripheral", entity=found.gill
    )
    subject = found.outside_report.subjects.get()
    subject.entity_id = found.gill.pk
    subject.save(update_fields=["entity_id"])


def test_the_entity_page_lists_its_groups_intelligence_and_orders(found):
    _hidden_links(found)
    order = make_order(found.own_group, found.threat.own_analyst, member=found.own_member)
    make_order(found.outside_group, found.threat.outside_analyst, member=found.outside_member)
    page = _page(found.core.people["analyst"], found.gill)
    assert 'id="groups"' in page and 'id="intelligence"' in page and 'id="orders"' in page
    assert found.own_group.get_absolute_url() in page
    assert found.outside_group.get_absolute_url() not in page and "Outside crew" not in page
    assert found.own_report.get_absolute_url() in page
    assert found.conditions_report.get_absolute_url() in page  # the originator's side
    assert found.outside_report.get_absolute_url() not in page
    assert (
        order.get_absolute_url() in page
        and "Serious Crime Prevention Order on Sandeep Gill" in page
    )
    assert page.count("Preston Crown Court") == 1


def test_a_partner_sees_code_c_intelligence_on_the_page_once_acknowledged(found):
    partner = found.threat.partner_analyst  # reads the shared partnership's records
    page = _page(partner, found.gill)
    assert found.own_report.get_absolute_url() in page
    assert found.conditions_report.get_absolute_url() not in page
    intelligence.acknowledge_conditions(partner, found.conditions_report)
    assert found.conditions_report.get_absolute_url() in _page(partner, found.gill)


def test_an_entity_in_nothing_says_so(found):
    page = _page(found.core.people["analyst"], found.hartley)
    assert "In no organised crime group you may see." in page
    assert "No intelligence you may see." in page and "No orders you may see." in page


def test_entity_page_query_count(client, found, pin_queries):
    _hidden_links(found)
    analyst = found.core.people["analyst"]
    for n in range(3):  # several rows in each section: a query per row would show
        crew = make_group(f"Crew {n}", found.core.own, officer=found.threat.own_analyst)
        GroupMember.objects.create(
            group=crew, name=f"Gill {n}", role="peripheral", entity=found.gill
        )
        make_order(found.own_group, found.threat.own_analyst, member=found.own_member)
        report = intelligence.submit_report(
            analyst, report_fields(), subjects=[{"kind": "person", "name": f"Gill {n}"}]
        )
        intelligence.link_subject(analyst, report.subjects.get(), found.gill.pk)
    verified_login(client, found.core.people["analyst"])
    client.get(found.gill.get_absolute_url())
    # As tests/threat/test_query_counts.py's entity page, plus one query per section: groups,
    # intelligence and orders.
    response = pin_queries(29, client.get, found.gill.get_absolute_url())
    page = response.content.decode()
    assert page.count('href="/intelligence/') == 1 + 5  # the menu's, and five reports
    assert "Crew 2" in page
