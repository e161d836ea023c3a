# ruff: noqa: E501
"""An ISA party outside its partnership: refused at every door, and trusted by no data rule even
if such a row gets into the database; partnerships grow only with each member's consent."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from convenor.core import access, services
from convenor.core.models import AuditEntry, InformationSharingAgreement
from tests.conftest import verified_login
from tests.factories import MembershipFactory, UserFactory


def test_model_refuses_party_outside_the_partnership(world):
    # Raised inside add()'s transaction, so nothing of the add survives.
    with pytest.raises(ValidationError), transaction.atomic():
        world.shared_agreement.parties.add(world.outside)
    with pytest.raises(ValidationError), transaction.atomic():
        world.outside.agreements.add(world.shared_agreement)
    assert not world.shared_agreement.parties.filter(pk=world.outside.pk).exists()


def _forged_party(world):
    """Bypass the guard, as a raw insert would: C made a party to A and B's agreement."""
    through = InformationSharingAgreement.parties.through
    through.objects.bulk_create(
        [through(informationsharingagreement=world.shared_agreement, organisation=world.outside)]
    )


def test_sharing_needs_partnership_membership_as_well_as_party_status(world):
    assert access.sharing_permitted(world.own, world.partner)
    _forged_party(world)
    assert not access.sharing_permitted(world.own, world.outside)
    assert not access.agreements_covering(world.outside.pk).filter(pk=world.shared_agreement.pk)


def test_threat_datasets_not_shared_with_a_forged_party(world):
    from convenor.threat.access_rules import visible_datasets
    from convenor.threat.models import Dataset

    dataset = Dataset.objects.create(
        organisation=world.own,
        partnership=world.shared,
        agreement=world.shared_agreement,
        legal_basis="cda_s115",
        kind=Dataset.Kind.values[0],
        title="Licences",
        contact=world.people["analyst"],
        created_by=world.people["analyst"],
    )
    outside_analyst = UserFactory(username="outside-analyst")
    MembershipFactory(user=outside_analyst, organisation=world.outside, role="analyst")
    partner_analyst = UserFactory(username="partner-analyst")
    MembershipFactory(user=partner_analyst, organisation=world.partner, role="analyst")
    _forged_party(world)
    assert dataset in visible_datasets(access.standing(partner_analyst))
    assert dataset not in visible_datasets(access.standing(outside_analyst))


def test_invited_organisation_joins_only_when_its_administrator_accepts(world, client):
    lead_admin = world.people["partnership_administrator"]
    invitation = services.invite_organisation(lead_admin, world.shared, world.outside)
    assert not world.shared.organisations.filter(pk=world.outside.pk).exists()
    with pytest.raises(PermissionDenied):
        services.decide_invitation(lead_admin, invitation, accept=True)
    outside_admin = UserFactory(username="outside-admin")
    MembershipFactory(
        user=outside_admin, organisation=world.outside, role="partnership_administrator"
    )
    verified_login(client, outside_admin)
    assert "Invitations to join a partnership" in client.get("/account/").content.decode()
    response = client.post(f"/invitations/{invitation.pk}/", {"decision": "accept"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.accepted is True and invitation.decided_by == outside_admin
    assert world.shared.organisations.filter(pk=world.outside.pk).exists()
    assert AuditEntry.objects.filter(action="partnership_invitation_accepted").exists()


def test_declined_invitation_adds_nothing(world, client):
    lead_admin = world.people["partnership_administrator"]
    invitation = services.invite_organisation(lead_admin, world.shared, world.outside)
    outside_admin = UserFactory(username="outside-admin")
    MembershipFactory(
        user=outside_admin, organisation=world.outside, role="partnership_administrator"
    )
    verified_login(client, outside_admin)
    client.post(f"/invitations/{invitation.pk}/", {"decision": "decline"})
    invitation.refresh_from_db()
    assert invitation.accepted is False
    assert not world.shared.organisations.filter(pk=world.outside.pk).exists()
    assert AuditEntry.objects.filter(action="partnership_invitation_declined").exists()


def test_invitation_page_on_the_partnership(world, client):
    verified_login(client, world.people["partnership_administrator"])
    response = client.post(
        f"/partnerships/{world.shared.slug}/invitations/", {"organisation": world.outside.slug}
    )
    assert response.status_code == 302
    assert world.shared.invitations.filter(
        organisation=world.outside, accepted__isnull=True
    ).exists()
    verified_login(client, world.people["analyst"])
    response = client.post(
        f"/partnerships/{world.shared.slug}/invitations/", {"organisation": world.outside.slug}
    )
    assert response.status_code == 403
