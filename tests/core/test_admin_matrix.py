# ruff: noqa: E501  (the matrix is a table: one cell per line)
"""The back-office access matrix: every registered admin model x add / change / delete x role of
organisation A x A's own, a partner's (B) and an outsider's (C) object, including forged POSTs
that name foreign ids (the attacks of issue 11).

Every cell asserts the status code and whether the database changed: a refused cell changes
nothing. Only partnership administrators reach the back office; every other role gets 403.
"""

from __future__ import annotations

import copy

import pytest
from django.forms.models import model_to_dict

from convenor.core.models import (
    Area,
    InformationSharingAgreement,
    Membership,
    Organisation,
    Partnership,
    PartnershipInvitation,
    Signatory,
    User,
)
from convenor.groups.models import HarmCharacteristic, ThreatArea
from convenor.intelligence.models import ReportingChannel
from tests.conftest import ROLES, build_world, built_once, verified_login
from tests.factories import AgreementFactory, PartnershipFactory

ADMIN = "partnership_administrator"
WATCHED = [
    Area,
    Organisation,
    User,
    Membership,
    Partnership,
    Partnership.organisations.through,
    InformationSharingAgreement,
    InformationSharingAgreement.parties.through,
    Signatory,
    PartnershipInvitation,
    ReportingChannel,
    ThreatArea,
    HarmCharacteristic,
]


def snapshot():
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in WATCHED}


def build():
    w = build_world()
    # A partnership A belongs to but does not lead: its agreements are not A's to record.
    w.partner_led = PartnershipFactory(name="Partner-led Partnership", lead_organisation=w.partner)
    w.partner_led.organisations.set([w.own, w.partner])
    w.partner_led_agreement = AgreementFactory(partnership=w.partner_led, title="Partner-led ISA")
    w.partner_led_agreement.parties.set([w.own, w.partner])
    w.area = Area.objects.create(code="E07000123", name="Preston", kind="ltla")
    w.channels = {
        name: ReportingChannel.objects.create(
            slug=f"{name}-line",
            name=f"{name} line",
            kind="public",
            introduction="Tell us",
            receiving_organisation=org,
            retention_days=30,
        )
        for name, org in (("own", w.own), ("partner", w.partner), ("outside", w.outside))
    }
    w.invitation = PartnershipInvitation.objects.create(
        partnership=w.shared, organisation=w.outside, invited_by=w.people[ADMIN]
    )
    w.threat_area = ThreatArea.objects.create(code="drugs", name="Drugs")
    w.harm = HarmCharacteristic.objects.create(code="violence", name="Violence")
    return w


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        yield build()


@pytest.fixture
def world(db, built):
    return copy.deepcopy(built)


def agreement_post(w, partnership, parties, **extra):
    data = {
        "partnership": partnership.pk,
        "title": "Forged ISA",
        "purpose": "Sharing",
        "legal_bases": '["cda_s115"]',
        "parties": [p.pk for p in parties],
        "data_categories": "Nominals",
        "retention": "MoPI",
        "security": "OFFICIAL-SENSITIVE",
        "starts_on": "2020-01-01",
        "review_date": "2099-01-01",
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def partnership_post(lead, organisations, name="New Partnership"):
    return {
        "name": name,
        "slug": name.lower().replace(" ", "-"),
        "purpose": "",
        "lead_organisation": lead.pk,
        "organisations": [o.pk for o in organisations],
    }


def organisation_post(org):
    return {"name": org.name + " renamed", "slug": org.slug, "kind": org.kind, "description": ""}


def channel_post(org, slug="new-line"):
    return {
        "name": "New line",
        "slug": slug,
        "kind": "public",
        "introduction": "Tell us",
        "receiving_organisation": org.pk,
        "retention_days": 30,
        "active": "on",
    }


def person_post(user, organisation, role="analyst"):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "job_title": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-organisation": organisation.pk,
        "memberships-0-role": role,
        "memberships-0-started_on": "2020-01-01",
    }


def signatory_post(w, agreement, organisation):
    data = agreement_post(w, agreement.partnership, [w.own, w.partner])
    data.update(
        model_to_dict(agreement, fields=["title", "purpose", "starts_on", "review_date"]),
        legal_bases='["cda_s115"]',
        **{
            "signatories-TOTAL_FORMS": "1",
            "signatories-0-organisation": organisation.pk,
            "signatories-0-name": "Sam Signer",
            "signatories-0-position": "Chief Constable",
            "signatories-0-signed_on": "2020-01-01",
        },
    )
    return data


def url(model, *rest):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/" + "".join(
        f"{part}/" for part in rest
    )


# (cell, method, url builder, POST data builder or None, status for an administrator of A,
#  whether that administrator's request changes the database)
CELLS = [
    # Areas: reference geography, operators only.
    ("area add", "post", lambda w: url(Area, "add"), lambda w: {"code": "X1", "name": "X", "kind": "ltla"}, 403, False),
    ("area change", "post", lambda w: url(Area, w.area.pk, "change"), lambda w: {"code": "X1", "name": "X", "kind": "ltla"}, 403, False),
    ("area delete", "post", lambda w: url(Area, w.area.pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    # Organisations: only operators create or delete; an administrator changes their own.
    ("organisation add", "post", lambda w: url(Organisation, "add"), lambda w: organisation_post(w.outside) | {"slug": "new"}, 403, False),
    ("organisation change own", "post", lambda w: url(Organisation, w.own.pk, "change"), lambda w: organisation_post(w.own), 302, True),
    ("organisation change partner", "post", lambda w: url(Organisation, w.partner.pk, "change"), lambda w: organisation_post(w.partner), 403, False),
    ("organisation change outside", "post", lambda w: url(Organisation, w.outside.pk, "change"), lambda w: organisation_post(w.outside), 403, False),
    ("organisation change own, forged foreign parent", "post", lambda w: url(Organisation, w.own.pk, "change"), lambda w: organisation_post(w.own) | {"parent": w.outside.pk}, 200, False),
    ("organisation delete own", "post", lambda w: url(Organisation, w.own.pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    ("organisation delete partner", "post", lambda w: url(Organisation, w.partner.pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    ("organisation delete outside", "post", lambda w: url(Organisation, w.outside.pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    # (A hidden object answers as a missing one would: 403 where the model refuses the action
    # outright, else the admin's redirect to its index. Either way nothing tells it exists.)
    # People and their memberships: operators only (a role in another organisation included).
    ("person add", "post", lambda w: url(User, "add"), lambda w: person_post(w.people["analyst"], w.own) | {"username": "new"}, 403, False),
    ("person change own, membership in own", "post", lambda w: url(User, w.people["analyst"].pk, "change"), lambda w: person_post(w.people["analyst"], w.own, "auditor"), 403, False),
    ("person change own, membership in outside", "post", lambda w: url(User, w.people["analyst"].pk, "change"), lambda w: person_post(w.people["analyst"], w.outside), 403, False),
    ("person change partner", "post", lambda w: url(User, w.people["partner_person"].pk, "change"), lambda w: person_post(w.people["partner_person"], w.own), 403, False),
    ("person change outside", "post", lambda w: url(User, w.people["outside_person"].pk, "change"), lambda w: person_post(w.people["outside_person"], w.own), 403, False),
    ("person delete own", "post", lambda w: url(User, w.people["analyst"].pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    ("person delete outside", "post", lambda w: url(User, w.people["outside_person"].pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    # Partnerships: formed only with each member's consent.
    ("partnership add, own organisation only", "post", lambda w: url(Partnership, "add"), lambda w: partnership_post(w.own, [w.own]), 302, True),
    ("partnership add, with partner (no consent)", "post", lambda w: url(Partnership, "add"), lambda w: partnership_post(w.own, [w.own, w.partner]), 200, False),
    ("partnership add, forged outside member", "post", lambda w: url(Partnership, "add"), lambda w: partnership_post(w.own, [w.own, w.outside]), 200, False),
    ("partnership add, partner as lead", "post", lambda w: url(Partnership, "add"), lambda w: partnership_post(w.partner, [w.own]), 200, False),
    ("partnership change own, remove partner", "post", lambda w: url(Partnership, w.shared.pk, "change"), lambda w: partnership_post(w.own, [w.own], w.shared.name), 302, True),
    ("partnership change own, forged outside member", "post", lambda w: url(Partnership, w.shared.pk, "change"), lambda w: partnership_post(w.own, [w.own, w.partner, w.outside], w.shared.name), 200, False),
    ("partnership change partner-led", "post", lambda w: url(Partnership, w.partner_led.pk, "change"), lambda w: partnership_post(w.partner, [w.own, w.partner], w.partner_led.name), 403, False),
    ("partnership change outside", "post", lambda w: url(Partnership, w.elsewhere.pk, "change"), lambda w: partnership_post(w.outside, [w.outside, w.own], w.elsewhere.name), 302, False),
    ("partnership delete own (its agreements protect it)", "post", lambda w: url(Partnership, w.shared.pk, "delete"), lambda w: {"post": "yes"}, 200, False),
    ("partnership delete partner-led", "post", lambda w: url(Partnership, w.partner_led.pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    ("partnership delete outside", "post", lambda w: url(Partnership, w.elsewhere.pk, "delete"), lambda w: {"post": "yes"}, 302, False),
    # Agreements: only for partnerships A leads, parties only from their members.
    ("agreement add, own partnership", "post", lambda w: url(InformationSharingAgreement, "add"), lambda w: agreement_post(w, w.shared, [w.own, w.partner]), 302, True),
    ("agreement add, partner-led partnership", "post", lambda w: url(InformationSharingAgreement, "add"), lambda w: agreement_post(w, w.partner_led, [w.own, w.partner]), 200, False),
    ("agreement add, forged outside partnership", "post", lambda w: url(InformationSharingAgreement, "add"), lambda w: agreement_post(w, w.elsewhere, [w.own, w.outside]), 200, False),
    ("agreement add, forged outside party", "post", lambda w: url(InformationSharingAgreement, "add"), lambda w: agreement_post(w, w.shared, [w.own, w.outside]), 200, False),
    ("agreement change own", "post", lambda w: url(InformationSharingAgreement, w.shared_agreement.pk, "change"), lambda w: agreement_post(w, w.shared, [w.own, w.partner]), 302, True),
    ("agreement change own, moved to partner-led", "post", lambda w: url(InformationSharingAgreement, w.shared_agreement.pk, "change"), lambda w: agreement_post(w, w.partner_led, [w.own, w.partner]), 200, False),
    ("agreement change own, signatory its own party", "post", lambda w: url(InformationSharingAgreement, w.shared_agreement.pk, "change"), lambda w: signatory_post(w, w.shared_agreement, w.own), 302, True),
    # A party signs for itself (ADR 0065): the lead cannot record the partner's signature.
    ("agreement change own, signatory the partner", "post", lambda w: url(InformationSharingAgreement, w.shared_agreement.pk, "change"), lambda w: signatory_post(w, w.shared_agreement, w.partner), 200, False),
    ("agreement change own, forged outside signatory", "post", lambda w: url(InformationSharingAgreement, w.shared_agreement.pk, "change"), lambda w: signatory_post(w, w.shared_agreement, w.outside), 200, False),
    ("agreement change partner-led", "post", lambda w: url(InformationSharingAgreement, w.partner_led_agreement.pk, "change"), lambda w: agreement_post(w, w.partner_led, [w.own, w.partner]), 403, False),
    ("agreement change outside", "post", lambda w: url(InformationSharingAgreement, w.elsewhere_agreement.pk, "change"), lambda w: agreement_post(w, w.elsewhere, [w.outside]), 302, False),
    ("agreement delete own", "post", lambda w: url(InformationSharingAgreement, w.shared_agreement.pk, "delete"), lambda w: {"post": "yes"}, 302, True),
    ("agreement delete partner-led", "post", lambda w: url(InformationSharingAgreement, w.partner_led_agreement.pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    ("agreement delete outside", "post", lambda w: url(InformationSharingAgreement, w.elsewhere_agreement.pk, "delete"), lambda w: {"post": "yes"}, 302, False),
    # Invitations: decided through the services only.
    ("invitation add", "post", lambda w: url(PartnershipInvitation, "add"), lambda w: {"partnership": w.shared.pk, "organisation": w.outside.pk}, 403, False),
    ("invitation change", "post", lambda w: url(PartnershipInvitation, w.invitation.pk, "change"), lambda w: {"accepted": "true"}, 403, False),
    ("invitation delete", "post", lambda w: url(PartnershipInvitation, w.invitation.pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    # Reporting channels: the receiving organisation's administrators.
    ("channel add own", "post", lambda w: url(ReportingChannel, "add"), lambda w: channel_post(w.own), 302, True),
    ("channel add, forged partner", "post", lambda w: url(ReportingChannel, "add"), lambda w: channel_post(w.partner), 200, False),
    ("channel add, forged outside", "post", lambda w: url(ReportingChannel, "add"), lambda w: channel_post(w.outside), 200, False),
    ("channel change own", "post", lambda w: url(ReportingChannel, w.channels["own"].pk, "change"), lambda w: channel_post(w.own, "own-line"), 302, True),
    ("channel change own, forged outside receiver", "post", lambda w: url(ReportingChannel, w.channels["own"].pk, "change"), lambda w: channel_post(w.outside, "own-line"), 200, False),
    ("channel change partner", "post", lambda w: url(ReportingChannel, w.channels["partner"].pk, "change"), lambda w: channel_post(w.partner, "partner-line"), 403, False),
    ("channel change outside", "post", lambda w: url(ReportingChannel, w.channels["outside"].pk, "change"), lambda w: channel_post(w.outside, "outside-line"), 403, False),
    ("channel delete own", "post", lambda w: url(ReportingChannel, w.channels["own"].pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    ("channel delete outside", "post", lambda w: url(ReportingChannel, w.channels["outside"].pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    # Taxonomies: operators only.
    ("threat area add", "post", lambda w: url(ThreatArea, "add"), lambda w: {"code": "x", "name": "X", "position": 1}, 403, False),
    ("threat area change", "post", lambda w: url(ThreatArea, w.threat_area.pk, "change"), lambda w: {"code": "x", "name": "X", "position": 1}, 403, False),
    ("threat area delete", "post", lambda w: url(ThreatArea, w.threat_area.pk, "delete"), lambda w: {"post": "yes"}, 403, False),
    ("harm add", "post", lambda w: url(HarmCharacteristic, "add"), lambda w: {"code": "x", "name": "X", "position": 1}, 403, False),
    ("harm change", "post", lambda w: url(HarmCharacteristic, w.harm.pk, "change"), lambda w: {"code": "x", "name": "X", "position": 1}, 403, False),
    ("harm delete", "post", lambda w: url(HarmCharacteristic, w.harm.pk, "delete"), lambda w: {"post": "yes"}, 403, False),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("cell", "method", "make_url", "make_data", "admin_status", "admin_changes"),
    CELLS,
    ids=[c[0] for c in CELLS],
)
def test_back_office_cell(
    client, world, role, cell, method, make_url, make_data, admin_status, admin_changes
):
    verified_login(client, world.people[role])
    before = snapshot()
    response = client.post(make_url(world), make_data(world))
    is_admin = role == ADMIN
    assert response.status_code == (admin_status if is_admin else 403), cell
    changed = snapshot() != before
    assert changed == (is_admin and admin_changes), cell
