"""Disruptions as an analyst records them and a second person verifies them; bad input explained
by field, answered 400, nothing saved; the timeline, the rankings by disruption (page, CSV, API)."""

from __future__ import annotations

import datetime
import json

import pytest
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry
from convenor.groups import selectors
from convenor.groups.models import Disruption, DisruptionImpact, DisruptionType, GroupMember
from convenor.groups.statistics import disruption_statistics
from tests.conftest import verified_login
from tests.groups.conftest import make_disruption


def _form(world, **changes):
    data = {
        "occurred_on": "2026-01-10",
        "disruption_type": DisruptionType.objects.get(code="cash-seized").pk,
        "p": "pursue",
        "description": "Cash found in a car",
        "quantity": "",
        "value": "23400.50",
        "lead_agency": world.own.pk,
        "contributing_partners": [world.partner.pk],
        "impact": DisruptionImpact.objects.get(code="minor").pk,
        "rationale": "A week's takings",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def analyst_client(client, world):
    verified_login(client, world.people["analyst"])
    return client


def test_an_analyst_records_a_disruption_that_counts_once_verified(
    analyst_client, client, world, groups
):
    member = GroupMember.objects.create(group=groups.own, name="Ann Pike", role="principal")
    response = analyst_client.post(
        f"/groups/{groups.own.pk}/disruptions/new/", _form(world, members=[member.pk])
    )
    assert response.status_code == 302
    disruption = Disruption.objects.get(group=groups.own)
    assert disruption.value_pence == 2_340_050
    assert disruption.value == "£23,400.50"
    assert list(disruption.contributing_partners.all()) == [world.partner]
    assert list(disruption.members.all()) == [member]
    assert not disruption.verified
    assert AuditEntry.objects.filter(action="disruption_recorded").count() == 1
    page = analyst_client.get(f"/groups/{groups.own.pk}/").content.decode()
    assert "Cash seized" in page and "Not yet verified" in page
    assert disruption_statistics(selectors.disruption_facts(
        world.people["analyst"], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    )).total == 0  # fmt: skip

    verified_login(client, world.people["partnership_administrator"])
    response = client.post(f"/groups/{groups.own.pk}/disruptions/{disruption.pk}/verify/")
    assert response.status_code == 302
    disruption.refresh_from_db()
    assert disruption.verified_by == world.people["partnership_administrator"]
    assert AuditEntry.objects.filter(action="disruption_verified").count() == 1
    stats = disruption_statistics(
        selectors.disruption_facts(
            world.people["analyst"], datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
        )
    )
    assert stats.total == 1 and stats.by_type == {"Cash seized": 1}
    assert stats.by_partner == {world.own.name: 1, world.partner.name: 1}
    # A second verification is refused with the reason; nothing changes.
    response = client.post(f"/groups/{groups.own.pk}/disruptions/{disruption.pk}/verify/")
    assert response.status_code == 400
    assert "already verified" in response.content.decode()


BAD = [
    ("impact without rationale", {"rationale": ""}, "rationale", "a rationale is required"),
    (
        "dated in the future",
        {"occurred_on": "2999-01-01"},
        "occurred_on",
        "cannot be in the future",
    ),
    ("no impact", {"impact": None}, "impact", "Choose the impact"),
    ("no P", {"p": None}, "p", "Choose the P"),
    ("negative value", {"value": "-5"}, "value", "greater than or equal to 0"),
    ("outsider as lead", {"lead_agency": "outside"}, "lead_agency", "Choose the lead agency"),
]


@pytest.mark.parametrize("name,changes,field,message", BAD, ids=[b[0] for b in BAD])
def test_bad_disruptions_are_explained_and_nothing_is_saved(
    analyst_client, world, groups, name, changes, field, message
):
    if changes.get("lead_agency") == "outside":
        changes = {"lead_agency": world.outside.pk}
    response = analyst_client.post(
        f"/groups/{groups.own.pk}/disruptions/new/", _form(world, **changes)
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert response.content.decode().count("govuk-error-summary") >= 1
    assert not Disruption.objects.exists()
    assert not AuditEntry.objects.filter(action="disruption_recorded").exists()


def test_the_api_refuses_the_same_bad_input_with_the_same_messages(world, groups):
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    payload = {
        "group": groups.own.pk,
        "occurred_on": "2999-01-01",
        "disruption_type": "arrest",
        "p": "pursue",
        "lead_agency": world.own.slug,
        "impact": "major",
        "rationale": "   ",
        "contributing_partners": [world.outside.slug],
    }

    def post():
        return api.post(
            "/api/v1/group-disruptions/", data=json.dumps(payload), content_type="application/json"
        )

    response = post()
    assert response.status_code == 400
    assert "contributing_partners" in response.json()  # C is not even a choice for A's analyst
    payload["contributing_partners"] = [world.partner.slug]
    response = post()
    assert response.status_code == 400
    body = response.json()
    assert "cannot be in the future" in json.dumps(body["occurred_on"])
    assert "a rationale is required" in json.dumps(body["rationale"])
    assert not Disruption.objects.exists()
    payload.update(
        occurred_on="2026-01-02", rationale="Principal charged", contributing_partners=[]
    )
    response = post()
    assert response.status_code == 201, response.json()
    assert response.json()["verified"] is False


def test_the_recorder_may_not_verify_and_is_told_why(analyst_client, world, groups):
    disruption = make_disruption(groups.own, world.people["analyst"])
    url = f"/groups/{groups.own.pk}/disruptions/{disruption.pk}/verify/"
    assert "a second person" in analyst_client.get(url).content.decode()
    response = analyst_client.post(url)
    assert response.status_code == 400
    assert "You recorded this disruption: a second person" in response.content.decode()
    disruption.refresh_from_db()
    assert disruption.verified_by is None and disruption.verified_at is None
    assert not AuditEntry.objects.filter(action="disruption_verified").exists()


def test_the_database_refuses_self_verification_and_a_missing_rationale(world, groups):
    from django.db import IntegrityError, transaction

    analyst = world.people["analyst"]
    with pytest.raises(IntegrityError), transaction.atomic():
        make_disruption(groups.own, analyst, verified_by=analyst)
    disruption = make_disruption(groups.own, analyst)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disruption.objects.filter(pk=disruption.pk).update(rationale="")


def test_rankings_sort_and_filter_by_disruption_in_the_last_12_months(
    analyst_client, world, groups, today
):
    admin = world.people["partnership_administrator"]
    analyst = world.people["analyst"]
    make_disruption(groups.own_private, analyst, on=today - datetime.timedelta(days=20),
                    verified_by=admin)  # fmt: skip
    make_disruption(groups.own, analyst, on=today - datetime.timedelta(days=400),
                    verified_by=admin)  # fmt: skip
    make_disruption(groups.partner, analyst, on=today - datetime.timedelta(days=5))  # unverified
    page = analyst_client.get("/groups/rankings/?disrupted=12m")
    names = [g.name for g in page.context["groups"]]
    assert names == ["Own private group"]
    page = analyst_client.get("/groups/rankings/?sort=disrupted")
    names = [g.name for g in page.context["groups"]]
    assert names[:2] == ["Own private group", "Own shared group"]
    response = analyst_client.get("/groups/rankings/export.csv?disrupted=12m")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 2 and rows[0].endswith("disruptions_12m,last_disrupted_on")
    assert rows[1].endswith(f",1,{(today - datetime.timedelta(days=20)).isoformat()}")
    api = APIClient()
    api.force_authenticate(analyst)
    data = api.get("/api/v1/group-rankings/", {"disrupted": "12m"}).json()["results"]
    assert [(g["name"], g["disruptions_12m"]) for g in data] == [("Own private group", 1)]
    assert api.get("/api/v1/group-rankings/", {"sort": "nonsense"}).status_code == 400
    assert "problem" in analyst_client.get("/groups/rankings/?disrupted=2y").content.decode()
