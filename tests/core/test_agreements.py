"""Information sharing agreements: recorded with validation, shown as expired, and sharing stops."""

import datetime

import pytest

from convenor.core import access
from convenor.core.models import AuditEntry, InformationSharingAgreement
from tests.conftest import verified_login
from tests.factories import AgreementFactory


def _form(world, **overrides):
    data = {
        "title": "Preston SOC ISA 2027",
        "purpose": "Disrupting organised crime groups",
        "legal_bases": ["cda_s115", "dpa_part3"],
        "parties": [world.own.pk, world.partner.pk],
        "data_categories": "Nominals, licences",
        "retention": "MoPI",
        "security": "OFFICIAL-SENSITIVE",
        "starts_on": "2026-12-01",
        "review_date": "2027-12-01",
    }
    data.update(overrides)
    return data


def test_administrator_records_an_agreement(client, world):
    verified_login(client, world.people["partnership_administrator"])
    url = f"/partnerships/{world.shared.slug}/agreements/new/"
    response = client.post(url, _form(world))
    assert response.status_code == 302
    agreement = InformationSharingAgreement.objects.get(title="Preston SOC ISA 2027")
    assert set(agreement.parties.all()) == {world.own, world.partner}
    assert agreement.legal_bases == ["cda_s115", "dpa_part3"]
    assert AuditEntry.objects.filter(
        action="agreement_created", object_id=str(agreement.pk)
    ).exists()


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"review_date": "2026-11-01"}, "The review date must be after the start date"),
        ({"legal_bases": []}, "Select at least one legal basis"),
        ({"legal_bases": ["not_a_basis"]}, "Select a valid choice"),
        ({"parties": []}, "Select the organisations"),
        ({"title": ""}, "Enter the title"),
        ({"starts_on": "31/31/2026"}, "Enter a valid date"),
        ({"parties": ["OWN_ONLY"]}, "An agreement needs at least two parties"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, world, overrides, message):
    verified_login(client, world.people["partnership_administrator"])
    before = InformationSharingAgreement.objects.count()
    if overrides.get("parties") == ["OWN_ONLY"]:
        overrides = {"parties": [world.own.pk]}
    response = client.post(
        f"/partnerships/{world.shared.slug}/agreements/new/", _form(world, **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert InformationSharingAgreement.objects.count() == before


def test_an_outside_organisation_cannot_be_made_a_party(client, world):
    verified_login(client, world.people["partnership_administrator"])
    before = InformationSharingAgreement.objects.count()
    response = client.post(
        f"/partnerships/{world.shared.slug}/agreements/new/",
        _form(world, parties=[world.own.pk, world.outside.pk]),
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert InformationSharingAgreement.objects.count() == before


def test_expired_agreement_is_shown_as_such_and_stops_sharing(client, world, today):
    assert access.sharing_permitted(world.own, world.partner)
    world.shared_agreement.starts_on = today - datetime.timedelta(days=400)
    world.shared_agreement.review_date = today - datetime.timedelta(days=1)
    world.shared_agreement.save()
    assert not access.sharing_permitted(world.own, world.partner)
    verified_login(client, world.people["analyst"])
    body = client.get(world.shared_agreement.get_absolute_url()).content.decode()
    assert "Expired" in body and "Nothing can be shared under it" in body


def test_sharing_needs_both_organisations_to_be_parties(world, today):
    assert not access.sharing_permitted(world.own, world.outside)
    AgreementFactory(partnership=world.shared).parties.set([world.own])
    assert not access.sharing_permitted(world.own, world.outside)
    assert access.sharing_permitted(world.own, world.own)


def test_agreement_not_yet_in_force_does_not_permit_sharing(world, today):
    world.shared_agreement.starts_on = today + datetime.timedelta(days=5)
    world.shared_agreement.review_date = today + datetime.timedelta(days=50)
    world.shared_agreement.save()
    assert not access.sharing_permitted(world.own, world.partner)
    assert world.shared_agreement.status == "Not yet in force"


def test_api_bad_input_gets_field_errors(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.people["partnership_administrator"])
    payload = {
        "partnership": world.shared.slug,
        "title": "x",
        "purpose": "x",
        "legal_bases": [],
        "parties": [world.own.slug],
        "data_categories": "x",
        "retention": "x",
        "security": "x",
        "starts_on": "2027-01-01",
        "review_date": "2026-01-01",
    }
    before = InformationSharingAgreement.objects.count()
    response = api.post("/api/v1/agreements/", payload, format="json")
    assert response.status_code == 400
    assert "legal_bases" in response.json()
    assert InformationSharingAgreement.objects.count() == before
