"""Agreements through their life on the site (issue 13 item 8, ADR 0065): each party's own
administrator signs, drafts are edited until the first signature, and a renewal supersedes the
old version, carrying over only what it still covers."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from convenor.core import access
from convenor.core.models import AuditEntry, InformationSharingAgreement, LegalBasis, Signatory
from convenor.groups.models import OrganisedCrimeGroup
from convenor.threat.models import Dataset
from tests.conftest import verified_login
from tests.factories import (
    AgreementFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)


@pytest.fixture
def w(world):
    """The world plus a partner administrator, a third party in the shared partnership and a
    partnership led by the partner."""
    world.people["partner_admin"] = UserFactory(username="partner-admin")
    MembershipFactory(
        user=world.people["partner_admin"],
        organisation=world.partner,
        role="partnership_administrator",
    )
    world.third = OrganisationFactory(name="Third Council", kind="council")
    world.shared.organisations.add(world.third)
    world.shared_agreement.parties.add(world.third)
    world.partner_led = PartnershipFactory(name="Partner Led", lead_organisation=world.partner)
    world.partner_led.organisations.set([world.partner, world.own])
    world.partner_led_agreement = AgreementFactory(partnership=world.partner_led, title="PL ISA")
    world.partner_led_agreement.parties.set([world.partner, world.own])
    return world


def page(agreement, what=""):
    return f"/partnerships/{agreement.partnership.slug}/agreements/{agreement.pk}/{what}"


def form(agreement, **overrides):
    data = {
        "title": agreement.title,
        "purpose": agreement.purpose,
        "legal_bases": agreement.legal_bases,
        "parties": [p.pk for p in agreement.parties.all()],
        "data_categories": agreement.data_categories,
        "retention": agreement.retention,
        "security": agreement.security,
        "starts_on": agreement.starts_on.isoformat(),
        "review_date": agreement.review_date.isoformat(),
    }
    data.update(overrides)
    return data


def dataset(w, organisation, title, legal_basis=LegalBasis.CDA_S115):
    person = w.people["partner_person"]
    return Dataset.objects.create(
        organisation=organisation,
        partnership=w.shared,
        agreement=w.shared_agreement,
        legal_basis=legal_basis,
        kind="taxi_licences",
        title=title,
        contact=person,
        created_by=person,
    )


# --- The matrix: who may edit, sign and renew (hidden: 404; seen, not allowed: 403) ----------

OWN_ADMIN = "partnership_administrator"
# (reader, agreement, {page: status})
CELLS = [
    (OWN_ADMIN, "shared_agreement", {"edit/": 200, "sign/": 200, "renew/": 200}),
    (OWN_ADMIN, "partner_led_agreement", {"edit/": 403, "sign/": 200, "renew/": 403}),
    (OWN_ADMIN, "elsewhere_agreement", {"edit/": 404, "sign/": 404, "renew/": 404}),
    ("analyst", "shared_agreement", {"edit/": 403, "sign/": 403, "renew/": 403}),
    ("practitioner", "shared_agreement", {"edit/": 403, "sign/": 403, "renew/": 403}),
    ("board_member", "shared_agreement", {"edit/": 403, "sign/": 403, "renew/": 403}),
    ("auditor", "shared_agreement", {"edit/": 403, "sign/": 403, "renew/": 403}),
    ("partner_admin", "shared_agreement", {"edit/": 403, "sign/": 200, "renew/": 403}),
    ("partner_admin", "partner_led_agreement", {"edit/": 200, "sign/": 200, "renew/": 200}),
    ("partner_person", "shared_agreement", {"edit/": 403, "sign/": 403, "renew/": 403}),
    ("outside_person", "shared_agreement", {"edit/": 404, "sign/": 404, "renew/": 404}),
    ("outside_person", "elsewhere_agreement", {"edit/": 403, "sign/": 403, "renew/": 403}),
]


@pytest.mark.parametrize("reader,which,expected", CELLS, ids=[f"{r}-{a}" for r, a, _ in CELLS])
def test_who_may_edit_sign_and_renew(client, w, reader, which, expected):
    verified_login(client, w.people[reader])
    agreement = getattr(w, which)
    for what, status in expected.items():
        assert client.get(page(agreement, what)).status_code == status, what
    detail = client.get(page(agreement))
    if expected["sign/"] == 404:
        assert detail.status_code == 404
        return
    body = detail.content.decode()
    assert (">Sign</a>" in body) == (expected["sign/"] == 200)
    assert ("Edit the draft" in body) == (expected["edit/"] == 200)
    assert (">Renew</a>" in body) == (expected["renew/"] == 200)


def test_refused_posts_change_nothing(client, w):
    verified_login(client, w.people["partner_admin"])
    agreement = w.shared_agreement
    assert client.post(page(agreement, "edit/"), form(agreement, title="X")).status_code == 403
    assert client.post(page(agreement, "renew/"), form(agreement)).status_code == 403
    verified_login(client, w.people["outside_person"])
    assert client.post(page(agreement, "sign/"), {}).status_code == 404
    agreement.refresh_from_db()
    assert agreement.title == "Shared ISA" and not agreement.signatories.exists()
    assert InformationSharingAgreement.objects.filter(superseded_by__isnull=False).count() == 0


# --- Signing ---------------------------------------------------------------------------------


def test_each_party_signs_for_itself_recorded_and_audited(client, w):
    agreement = w.shared_agreement
    verified_login(client, w.people["partner_admin"])
    response = client.get(page(agreement))
    assert "Draft: not signed yet" in response.content.decode()
    response = client.post(
        page(agreement, "sign/"),
        {"organisation": w.partner.pk, "name": "Pat Partner", "position": "CEO", "confirm": "on"},
    )
    assert response.status_code == 302
    signature = Signatory.objects.get(agreement=agreement)
    assert signature.organisation == w.partner and signature.signed_by == w.people["partner_admin"]
    assert signature.signed_on == timezone.localdate() and signature.signed_at is not None
    entry = AuditEntry.objects.get(action="agreement_signed", object_id=str(agreement.pk))
    assert entry.actor == w.people["partner_admin"] and entry.detail["name"] == "Pat Partner"
    body = client.get(page(agreement)).content.decode()
    assert "Signed by 1 of 3 parties" in body and "Waiting for: Own Police, Third Council" in body
    # Signed once: the partner has nothing left to sign.
    assert client.get(page(agreement, "sign/")).status_code == 403


def test_the_lead_cannot_sign_for_a_partner(client, w):
    verified_login(client, w.people[OWN_ADMIN])
    response = client.post(
        page(w.shared_agreement, "sign/"),
        {"organisation": w.partner.pk, "name": "Forged", "position": "CEO", "confirm": "on"},
    )
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not Signatory.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "position": "CEO", "confirm": "on"}, "Enter the name of the signatory"),
        ({"name": "Sam", "position": "", "confirm": "on"}, "Enter the signatory&#x27;s position"),
        ({"name": "Sam", "position": "CEO"}, "Confirm that you sign the agreement"),
    ],
)
def test_bad_signatures_are_explained_and_nothing_is_saved(client, w, data, message):
    verified_login(client, w.people[OWN_ADMIN])
    response = client.post(page(w.shared_agreement, "sign/"), {"organisation": w.own.pk, **data})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Signatory.objects.exists()
    assert not AuditEntry.objects.filter(action="agreement_signed").exists()


# --- Drafts ----------------------------------------------------------------------------------


def test_a_draft_is_edited_until_the_first_signature(client, w):
    agreement = w.shared_agreement
    verified_login(client, w.people[OWN_ADMIN])
    response = client.post(page(agreement, "edit/"), form(agreement, title="Shared ISA v2"))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Shared ISA v2"
    entry = AuditEntry.objects.get(action="agreement_changed")
    assert entry.detail["fields"] == ["title"]
    client.post(
        page(agreement, "sign/"),
        {"organisation": w.own.pk, "name": "Own", "position": "Chief", "confirm": "on"},
    )
    assert client.get(page(agreement, "edit/")).status_code == 403
    assert client.post(page(agreement, "edit/"), form(agreement, title="Late")).status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "Shared ISA v2"


def test_an_edit_that_would_uncover_a_dataset_is_refused_whole(client, w):
    agreement = w.shared_agreement
    dataset(w, w.third, "Third's holding")
    verified_login(client, w.people[OWN_ADMIN])
    response = client.post(
        page(agreement, "edit/"),
        form(agreement, title="Changed", parties=[w.own.pk, w.partner.pk]),
    )
    assert response.status_code == 400
    assert "Third&#x27;s holding" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.title == "Shared ISA" and agreement.parties.count() == 3


# --- Renewal ---------------------------------------------------------------------------------


def test_renewal_supersedes_and_carries_over_only_what_it_covers(client, w, today):
    old = w.shared_agreement
    kept = dataset(w, w.partner, "Partner's licences")
    dropped = dataset(w, w.third, "Third's licences")
    wrong_basis = dataset(w, w.partner, "Partner's s17", legal_basis=LegalBasis.CDA_S17)
    group = OrganisedCrimeGroup.objects.create(
        name="Third's crew",
        owning_organisation=w.third,
        partnership=w.shared,
        lead_responsible_officer=w.people["practitioner"],
    )
    verified_login(client, w.people[OWN_ADMIN])
    renewal_form = client.get(page(old, "renew/")).content.decode()
    assert f'value="{today.isoformat()}"' in renewal_form  # starts from the old terms, today
    response = client.post(
        page(old, "renew/"),
        form(old, title="Shared ISA 2", parties=[w.own.pk, w.partner.pk], starts_on=today),
        follow=True,
    )
    renewal = InformationSharingAgreement.objects.get(title="Shared ISA 2")
    old.refresh_from_db()
    assert old.superseded_by == renewal and renewal.supersedes == old
    assert old.review_date == today - datetime.timedelta(days=1) and old.status == "Superseded"
    assert renewal.is_current and renewal.signing().is_draft
    kept.refresh_from_db(), dropped.refresh_from_db(), wrong_basis.refresh_from_db()
    assert kept.agreement == renewal
    assert dropped.agreement == old and wrong_basis.agreement == old
    shown = response.content.decode()
    assert "Not carried over: Dataset “Third&#x27;s licences”" in shown
    assert "Not carried over: Dataset “Partner&#x27;s s17”: The agreement does not name" in shown
    assert "Third&#x27;s crew" in shown and "Third Council is not a party" in shown
    # Sharing follows: the partner still reads its kept holding, the third's stops with the old.
    assert access.sharing_permitted(w.own, w.partner)
    assert not access.sharing_permitted(w.own, w.third)
    assert group.pk not in access.visible(
        w.people["partner_person"], OrganisedCrimeGroup.objects.all()
    ).values_list("pk", flat=True)
    entry = AuditEntry.objects.get(action="agreement_renewed", object_id=str(old.pk))
    assert entry.detail["renewal"] == renewal.pk
    assert entry.detail["carried_over"] == ["Dataset “Partner's licences”"]
    assert len(entry.detail["not_carried_over"]) == 3
    # Both pages link to each other; the old lists what stayed behind; it cannot be renewed twice.
    old_page = client.get(page(old))
    assert old_page.status_code == 200
    old_page = old_page.content.decode()
    assert renewal.get_absolute_url() in old_page and "Not carried over to the renewal" in old_page
    # The holders' own datasets are no longer shared with the lead, so they are counted.
    assert "2 more that you may not see" in old_page and ">Renew</a>" not in old_page
    assert old.get_absolute_url() in client.get(page(renewal)).content.decode()
    assert client.get(page(old, "renew/")).status_code == 403


@pytest.mark.parametrize(
    "starts_on,message",
    [
        (lambda today, old: today + datetime.timedelta(days=3), "starts today or earlier"),
        (lambda today, old: old.starts_on, "A renewal starts on"),
    ],
)
def test_bad_renewal_dates_are_explained_and_nothing_changes(client, w, today, starts_on, message):
    old = w.shared_agreement
    verified_login(client, w.people[OWN_ADMIN])
    before = InformationSharingAgreement.objects.count()
    response = client.post(page(old, "renew/"), form(old, starts_on=starts_on(today, old)))
    assert response.status_code == 400 and message in response.content.decode()
    old.refresh_from_db()
    assert old.superseded_by is None and InformationSharingAgreement.objects.count() == before
    assert not AuditEntry.objects.filter(action="agreement_renewed").exists()


# --- The API: the same use cases ------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_signs_edits_and_renews(w, today):
    agreement = w.shared_agreement
    url = f"/api/v1/agreements/{agreement.pk}/"
    lead = api(w.people[OWN_ADMIN])
    assert lead.patch(url, {"title": "Edited"}, format="json").status_code == 200
    assert (
        api(w.people["partner_admin"]).patch(url, {"title": "No"}, format="json").status_code == 403
    )
    assert api(w.people["outside_person"]).post(f"{url}sign/", {}).status_code == 404
    assert api(w.people["analyst"]).post(f"{url}sign/", {}).status_code == 403
    bad = api(w.people["partner_admin"]).post(f"{url}sign/", {"organisation": w.partner.slug})
    assert bad.status_code == 400 and "name" in bad.json()
    signed = api(w.people["partner_admin"]).post(
        f"{url}sign/",
        {"organisation": w.partner.slug, "name": "Pat", "position": "CEO"},
        format="json",
    )
    assert signed.status_code == 201 and signed.json()["signing"] == "Signed by 1 of 3 parties"
    assert lead.patch(url, {"title": "Late"}, format="json").status_code == 403
    body = api(w.people[OWN_ADMIN]).get(url).json()
    assert body["title"] == "Edited" and body["signatories"][0]["organisation"] == w.partner.slug
    renewed = lead.post(
        f"{url}renew/",
        {
            **{k: v for k, v in body.items() if k in InformationSharingAgreement.RECORDED_FIELDS},
            "title": "Renewed",
            "starts_on": today.isoformat(),
        },
        format="json",
    )
    assert renewed.status_code == 201, renewed.json()
    assert renewed.json()["supersedes"] == agreement.pk
    assert renewed.json()["not_carried_over"] == [] and renewed.json()["signing"].startswith(
        "Draft"
    )
    assert lead.post(f"{url}renew/", {}, format="json").status_code == 403


@pytest.mark.parametrize("key", ["null,null", "abc", "1.5", "%20"])
@pytest.mark.parametrize("what", ["sign/", "renew/", ""])
def test_api_a_key_that_cannot_be_an_id_is_not_found(w, key, what):
    """Found by schemathesis in CI: ``/agreements/null,null/sign/`` was a server error."""
    lead = api(w.people[OWN_ADMIN])
    if what:
        answer = lead.post(f"/api/v1/agreements/{key}/{what}", {}, format="json")
    else:
        answer = lead.get(f"/api/v1/agreements/{key}/")
    assert answer.status_code == 404
