"""The ancillary orders register: orders recorded on a group's members with their conditions and
monitoring officer, confiscation amounts in pence, breaches with what followed; bad input
explained, nothing saved; orders expiring flagged, listed and printed by the command."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry
from convenor.groups.models import AncillaryOrder, GroupMember, OrderBreach, OrderType
from tests.conftest import verified_login
from tests.groups.conftest import make_order


@pytest.fixture
def member(groups):
    return GroupMember.objects.create(group=groups.own, name="Mark Pike", role="principal")


def _form(world, member, **changes):
    data = {
        "order_type": OrderType.objects.get(code="scpo").pk,
        "subject": member.pk,
        "court": "Preston Crown Court",
        "made_on": "2025-09-19",
        "expires_on": "2030-09-18",
        "conditions": "Only one phone\r\n\r\n  Declare every vehicle  \r\n",
        "monitoring_officer": world.people["analyst"].pk,
        "amount": "",
        "pay_by": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def analyst_client(client, world):
    verified_login(client, world.people["analyst"])
    return client


def test_an_order_is_recorded_with_its_conditions_and_a_breach(
    analyst_client, world, groups, member
):
    response = analyst_client.post(f"/groups/{groups.own.pk}/orders/new/", _form(world, member))
    assert response.status_code == 302
    order = AncillaryOrder.objects.get()
    assert order.conditions == ["Only one phone", "Declare every vehicle"]
    assert response["Location"] == order.get_absolute_url()
    assert AuditEntry.objects.filter(action="order_recorded").count() == 1
    url = f"/groups/{groups.own.pk}/orders/{order.pk}/breaches/new/"
    response = analyst_client.post(
        url, {"occurred_on": "2025-11-28", "description": "Two phones", "outcome": "Charged"}
    )
    assert response.status_code == 302
    page = analyst_client.get(order.get_absolute_url()).content.decode()
    assert "Declare every vehicle" in page and "Two phones" in page and "Charged" in page
    # A breach before the order was made is refused, naming the date.
    response = analyst_client.post(
        url, {"occurred_on": "2025-01-01", "description": "x", "outcome": "y"}
    )
    assert response.status_code == 400
    assert "before the order was made (19 September 2025)" in response.content.decode()
    assert OrderBreach.objects.count() == 1


BAD = [
    ("expiring before made", {"expires_on": "2025-09-01"}, "expires_on",
     "cannot expire before it was made (19 September 2025)"),
    ("made in the future", {"made_on": "2999-01-01", "expires_on": ""}, "made_on",
     "cannot be in the future"),
    ("no court", {"court": "  "}, "court", "Enter the court"),
    ("amount on an SCPO", {"amount": "100"}, "amount_pence", "Only a confiscation order"),
    ("outsider monitoring", {"monitoring_officer": "outside"}, "monitoring_officer", "Choose"),
]  # fmt: skip


@pytest.mark.parametrize("name,changes,field,message", BAD, ids=[b[0] for b in BAD])
def test_bad_orders_are_explained_and_nothing_is_saved(
    analyst_client, world, groups, member, name, changes, field, message
):
    if changes.get("monitoring_officer") == "outside":
        changes = {"monitoring_officer": world.people["outside_person"].pk}
    response = analyst_client.post(
        f"/groups/{groups.own.pk}/orders/new/", _form(world, member, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert field in response.context["form"].errors or response.context["form"].non_field_errors()
    assert not AncillaryOrder.objects.exists()
    assert not AuditEntry.objects.filter(action="order_recorded").exists()


def test_a_confiscation_order_needs_an_amount_and_a_date_to_pay(analyst_client, world, groups,
                                                                 member):  # fmt: skip
    confiscation = OrderType.objects.get(code="confiscation-order").pk
    url = f"/groups/{groups.own.pk}/orders/new/"
    response = analyst_client.post(url, _form(world, member, order_type=confiscation))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Enter the date by which the amount must be paid" in errors["pay_by"]
    assert not AncillaryOrder.objects.exists()
    response = analyst_client.post(
        url,
        _form(world, member, order_type=confiscation, amount="48250.75", pay_by="2025-12-19"),
    )
    assert response.status_code == 302
    order = AncillaryOrder.objects.get()
    assert order.amount_pence == 4_825_075 and order.amount == "£48,250.75"


def test_the_api_records_orders_and_breaches_through_the_services(world, groups, member):
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    payload = {
        "group": groups.own.pk,
        "order_type": "kcpo",
        "subject": member.pk,
        "court": "Preston Crown Court",
        "made_on": "2025-09-19",
        "expires_on": "2025-09-18",
        "conditions": ["No knives"],
        "monitoring_officer": world.people["analyst"].username,
    }

    def post(url, body):
        return api.post(url, data=json.dumps(body), content_type="application/json")

    response = post("/api/v1/group-orders/", payload)
    assert response.status_code == 400
    assert "cannot expire before it was made" in json.dumps(response.json())
    assert not AncillaryOrder.objects.exists()
    payload["expires_on"] = "2027-09-18"
    response = post("/api/v1/group-orders/", payload)
    assert response.status_code == 201, response.json()
    order_id = response.json()["id"]
    assert response.json()["subject_name"] == "Mark Pike"
    response = post(
        "/api/v1/group-order-breaches/",
        {"order": order_id, "occurred_on": "2025-10-01", "description": "Knife",
         "outcome": "Charged"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert api.get(f"/api/v1/group-orders/{order_id}/").json()["breaches"] == 1


def test_orders_expiring_are_flagged_listed_and_printed(
    analyst_client, world, groups, member, today, settings
):
    analyst = world.people["analyst"]
    soon = make_order(
        groups.own, analyst, member=member, expires_on=today + datetime.timedelta(days=30)
    )
    later = make_order(
        groups.own, analyst, member=member, expires_on=today + datetime.timedelta(days=200)
    )
    hidden = make_order(groups.outside, groups.outside.lead_responsible_officer,
                        expires_on=today + datetime.timedelta(days=10))  # fmt: skip
    page = analyst_client.get("/groups/orders/expiring/").content.decode()
    assert soon.get_absolute_url() in page
    assert later.get_absolute_url() not in page and hidden.get_absolute_url() not in page
    register = analyst_client.get("/groups/orders/").content.decode()
    assert register.count("Expiring soon") == 1
    settings.CONVENOR_ORDERS_EXPIRING_DAYS = 365
    page = analyst_client.get("/groups/orders/expiring/").content.decode()
    assert later.get_absolute_url() in page

    out = StringIO()
    call_command("orders", "expiring", "--days", "90", "--as", analyst.username, stdout=out)
    text = out.getvalue()
    assert "1 orders expire within 90 days" in text
    assert (today + datetime.timedelta(days=30)).isoformat() in text
    assert "Outside group" not in text
    assert AuditEntry.objects.filter(action="groups_exported", actor=analyst).exists()
    out = StringIO()
    call_command("orders", "expiring", "--as", world.people["outside_person"].username, stdout=out)
    assert "1 orders expire within 365 days" in out.getvalue()  # C's own, within the setting
    with pytest.raises(CommandError, match="No active user"):
        call_command("orders", "expiring", "--as", "nobody")
    with pytest.raises(CommandError, match="--days"):
        call_command("orders", "expiring", "--days", "0", "--as", analyst.username)


def test_the_database_refuses_an_order_expiring_before_it_was_made(world, groups):
    from django.db import IntegrityError, transaction

    order = make_order(groups.own, world.people["analyst"])
    with pytest.raises(IntegrityError), transaction.atomic():
        AncillaryOrder.objects.filter(pk=order.pk).update(expires_on=datetime.date(2000, 1, 1))


def test_a_member_under_an_order_is_not_removed(analyst_client, world, groups, member):
    make_order(groups.own, world.people["analyst"], member=member)
    url = f"/groups/{groups.own.pk}/members/{member.pk}/remove/"
    response = analyst_client.post(url, follow=True)
    assert "the member stays while the order is recorded" in response.content.decode()
    assert GroupMember.objects.filter(pk=member.pk).exists()
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    response = api.delete(f"/api/v1/group-members/{member.pk}/")
    assert response.status_code == 400
    assert GroupMember.objects.filter(pk=member.pk).exists()
