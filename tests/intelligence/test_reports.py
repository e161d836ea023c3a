"""Submitting, sharing, reading and sanitising intelligence reports, as their users would."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from convenor.core.models import AuditEntry
from convenor.intelligence import services
from convenor.intelligence.models import (
    Acknowledgement,
    Dissemination,
    InformationRequest,
    IntelligenceReport,
    Reading,
)
from tests.conftest import verified_login
from tests.factories import AgreementFactory, MembershipFactory, OrganisationFactory, UserFactory

from .conftest import png_bytes, report_fields


def _form(**overrides) -> dict:
    data = {
        "title": "Cuckooing at a flat",
        "content": "Young people visiting a vulnerable adult's flat at all hours.",
        "occurred_on": "",
        "location": "Deepdale",
        "postcode": "",
        "threat_areas": ["drugs_supply"],
        "four_p": ["pursue", "prevent"],
        "source_evaluation": "1",
        "intelligence_assessment": "C",
        "handling_code": "P",
        "handling_conditions": "",
        "classification": "official_sensitive",
        "legal_basis": "dpa_part3",
        "review_date": (timezone.localdate() + datetime.timedelta(days=100)).isoformat(),
        "subject_1_kind": "vehicle",
        "subject_1_name": "Black hatchback",
        "subject_1_identifier": "XX00 TEST",
    }
    data.update(overrides)
    return data


def test_a_member_of_staff_submits_a_graded_report(client, world):
    verified_login(client, world.people["board_member"])
    response = client.post("/intelligence/new/", _form())
    report = IntelligenceReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/intelligence/{report.pk}/"
    assert report.grading == "1CP"
    assert report.owner_organisation == world.own
    assert report.author == world.people["board_member"]
    assert report.threat_areas == ["drugs_supply"] and report.four_p == ["pursue", "prevent"]
    subject = report.subjects.get()
    assert (subject.kind, subject.name, subject.identifier) == (
        "vehicle",
        "Black hatchback",
        "XX00 TEST",
    )
    assert subject.entity_id is None
    assert AuditEntry.objects.filter(
        action="intelligence_report_submitted", object_id=str(report.pk)
    ).exists()
    # The author reads their own report.
    assert "Black hatchback" in client.get(report.get_absolute_url()).content.decode()


def test_a_postcode_gives_the_local_authority(world):
    report = services.submit_report(
        world.people["analyst"], report_fields(postcode="pr12he"), subjects=[]
    )
    assert report.postcode == "PR1 2HE"


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"title": ""}, "title", "Enter the title"),
        ({"content": ""}, "content", "Enter the what is known"),
        ({"source_evaluation": "4"}, "source_evaluation", "Choose a source evaluation"),
        ({"intelligence_assessment": "F"}, "intelligence_assessment", "Choose a intelligence"),
        ({"handling_code": "X"}, "handling_code", "Choose a handling code"),
        (
            {"handling_code": "C", "handling_conditions": "  "},
            "handling_conditions",
            "Handling code C needs its conditions written out",
        ),
        ({"review_date": "2001-01-01"}, "review_date", "The review date must be in the future"),
        ({"review_date": "31/31/2031"}, "review_date", "as a date"),
        ({"threat_areas": ["not_a_threat"]}, "threat_areas", "Choose threat areas from the list"),
        ({"postcode": "ZZ99 9ZZ"}, "postcode", "not in the ONS Postcode Directory"),
        ({"postcode": "NOT A POSTCODE"}, "postcode", "The postcode must be 10 characters or fewer"),
        ({"postcode": "NOTAPC"}, "postcode", "postcode"),
        ({"subject_1_name": ""}, "subject_1_name", "Enter subject 1's name"),
        (
            {"subject_1_kind": "", "subject_1_name": "Someone"},
            "subject_1_kind",
            "Choose what kind of subject 1 is",
        ),
        ({"legal_basis": "because"}, "legal_basis", "Choose a legal basis"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, world, overrides, field, message):
    verified_login(client, world.people["analyst"])
    audit_before = AuditEntry.objects.count()
    response = client.post("/intelligence/new/", _form(**overrides))
    assert response.status_code == 400  # a form failing validation answers 400 (form_view)
    body = response.content.decode()
    assert "There is a problem" in body
    errors = response.context["form"].errors
    assert field in errors or "__all__" in errors, errors
    assert message.lower() in " ".join(sum(errors.values(), [])).lower(), errors
    assert IntelligenceReport.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_sharing_stops_at_the_edge_of_a_current_agreement(world):
    analyst = world.people["analyst"]
    report = services.submit_report(analyst, report_fields())
    with pytest.raises(ValidationError) as refused:
        services.disseminate(analyst, report, organisations=[world.partner, world.outside])
    assert "Outside Council" in str(refused.value)
    assert not Dissemination.objects.filter(report=report).exists()  # nothing shared at all
    # A partnership member outside any current agreement with A is skipped and named.
    latecomer = OrganisationFactory(name="Latecomer Council")
    world.shared.organisations.add(latecomer)
    result = services.disseminate(analyst, report, partnerships=[world.shared])
    assert result.shared_with == [world.partner]
    assert [o for o, _ in result.not_shared] == [latecomer]
    assert set(report.disseminations.values_list("organisation__name", flat=True)) == {
        "Partner Council"
    }


def test_an_expired_agreement_shares_nothing(world):
    analyst = world.people["analyst"]
    world.shared_agreement.review_date = timezone.localdate() - datetime.timedelta(days=1)
    world.shared_agreement.starts_on = timezone.localdate() - datetime.timedelta(days=400)
    world.shared_agreement.save()
    report = services.submit_report(analyst, report_fields())
    with pytest.raises(ValidationError):
        services.disseminate(analyst, report, organisations=[world.partner])
    AgreementFactory(partnership=world.shared).parties.set([world.own, world.partner])
    services.disseminate(analyst, report, organisations=[world.partner])
    assert report.disseminations.count() == 1


def test_only_the_originator_shares(world, intel):
    for person in ("board_member", "partnership_administrator", "auditor", "partner_person"):
        with pytest.raises(Exception) as refused:
            services.disseminate(
                world.people[person], intel.shared_report, organisations=[world.partner]
            )
        assert refused.type.__name__ == "PermissionDenied", person


def test_the_disseminate_page_shares_and_reports_what_it_did(client, world):
    report = services.submit_report(world.people["analyst"], report_fields())
    verified_login(client, world.people["analyst"])
    page = client.get(f"/intelligence/{report.pk}/disseminate/").content.decode()
    assert "Partner Council" in page and "Outside Council" not in page
    response = client.post(
        f"/intelligence/{report.pk}/disseminate/", {"organisations": [world.outside.pk]}
    )
    assert response.status_code == 400 and "Choose from the list" in response.content.decode()
    response = client.post(f"/intelligence/{report.pk}/disseminate/", {})
    assert "Choose at least one organisation or partnership" in response.content.decode()
    assert not report.disseminations.exists()
    response = client.post(
        f"/intelligence/{report.pk}/disseminate/", {"partnerships": [world.shared.pk]}, follow=True
    )
    assert "Shared with Partner Council" in response.content.decode()


def test_handling_conditions_come_before_the_content(client, world, intel):
    report = intel.conditions_report
    partner = world.people["partner_person"]
    verified_login(client, partner)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Not to be shared beyond trading standards." in page
    assert "CONDITIONALCONTENT" not in page and "Hidden Business" not in page
    assert not Reading.objects.filter(report=report).exists()
    # Not ticking the box acknowledges nothing.
    response = client.post(f"/intelligence/{report.pk}/acknowledge/", {})
    assert response.status_code == 400
    assert "Confirm that you will keep to the conditions" in response.content.decode()
    assert not Acknowledgement.objects.exists()
    response = client.post(f"/intelligence/{report.pk}/acknowledge/", {"acknowledge": "yes"})
    assert response.status_code == 302
    acknowledgement = Acknowledgement.objects.get(report=report, user=partner)
    assert acknowledgement.conditions == report.handling_conditions
    page = client.get(report.get_absolute_url()).content.decode()
    assert "CONDITIONALCONTENT" in page and "Hidden Business" in page
    assert AuditEntry.objects.filter(action="intelligence_conditions_acknowledged").exists()


def test_api_enforces_conditions_before_content(world, intel):
    api = APIClient()
    api.force_authenticate(world.people["partner_person"])
    url = f"/api/v1/intelligence-reports/{intel.conditions_report.pk}/"
    response = api.get(url)
    assert response.status_code == 403
    assert "CONDITIONALCONTENT" not in response.content.decode()
    assert "Not to be shared beyond trading standards." in response.json()["detail"]
    assert api.post(url + "acknowledge/").status_code == 200
    assert api.get(url).json()["content"] == "CONDITIONALCONTENT behind conditions."


def test_every_view_print_export_and_download_is_audited_and_shown_to_the_originator(
    client, world, intel
):
    report = intel.shared_report
    attachment = services.add_attachment(world.people["analyst"], report, "a.png", png_bytes())
    partner = world.people["partner_person"]
    verified_login(client, partner)
    assert client.get(report.get_absolute_url()).status_code == 200
    assert client.get(f"/intelligence/{report.pk}/print/").status_code == 200
    export = client.get(f"/intelligence/{report.pk}/export.json")
    assert export["Content-Disposition"].startswith("attachment")
    assert json.loads(export.content)["content"] == "SHAREDCONTENT visible to B."
    download = client.get(f"/intelligence/{report.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download.content.startswith(b"\x89PNG")
    actions = set(
        AuditEntry.objects.filter(actor=partner, object_id=str(report.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "intelligence_report_viewed",
        "intelligence_report_printed",
        "intelligence_report_exported",
        "intelligence_report_downloaded",
    } <= actions
    kinds = set(Reading.objects.filter(report=report, user=partner).values_list("kind", flat=True))
    assert kinds == {"viewed", "printed", "exported", "downloaded"}
    # The originator sees who read it; the reader does not see the list of readers.
    assert "Who has read it" not in client.get(report.get_absolute_url()).content.decode()
    originator = Client()
    verified_login(originator, world.people["practitioner"])
    page = originator.get(report.get_absolute_url()).content.decode()
    assert "Who has read it" in page and str(partner) in page and "Partner Council" in page


def test_a_sanitised_version_is_shared_while_the_original_stays(client, world, intel):
    analyst = world.people["analyst"]
    verified_login(client, analyst)
    original = intel.shared_report
    response = client.post(
        f"/intelligence/{original.pk}/sanitise/",
        {
            "title": "Sanitised copy",
            "content": "Something is happening somewhere.",
            "handling_code": "P",
            "location": "",
        },
    )
    version = IntelligenceReport.objects.get(title="Sanitised copy")
    assert response.status_code == 302
    assert version.sanitised_from == original and version.owner_organisation == world.own
    assert version.subjects.count() == 0 and not version.disseminations.exists()
    assert version.grading == original.grading
    services.disseminate(analyst, version, organisations=[world.partner])
    partner = Client()
    verified_login(partner, world.people["partner_person"])
    # The original of intel.sanitised is not shared: the version does not link to it for B.
    page = partner.get(intel.sanitised.get_absolute_url()).content.decode()
    assert "Sanitised from" not in page and intel.own_report.reference not in page
    assert partner.get(intel.own_report.get_absolute_url()).status_code == 404
    api = APIClient()
    api.force_authenticate(world.people["partner_person"])
    data = api.get(f"/api/v1/intelligence-reports/{intel.sanitised.pk}/").json()
    assert data["sanitised_from"] is None
    # Bad input changes nothing.
    before = IntelligenceReport.objects.count()
    response = client.post(
        f"/intelligence/{original.pk}/sanitise/",
        {"title": "", "content": "x", "handling_code": "C", "handling_conditions": ""},
    )
    body = response.content.decode()
    assert "Enter the title" in body and "Handling code C needs its conditions" in body
    assert IntelligenceReport.objects.count() == before


def test_recipients_ask_and_the_originator_answers(client, world, intel):
    report = intel.shared_report
    verified_login(client, world.people["partner_person"])
    response = client.post(f"/intelligence/{report.pk}/requests/", {"question": ""})
    assert (
        response.status_code == 400 and "Enter what you need to know" in response.content.decode()
    )
    client.post(f"/intelligence/{report.pk}/requests/", {"question": "Which days?"})
    request = InformationRequest.objects.get()
    assert request.requesting_organisation == world.partner
    # The recipient cannot answer its own question.
    response = client.post(
        f"/intelligence/{report.pk}/requests/{request.pk}/answer/", {"answer": "x"}
    )
    assert response.status_code == 403
    originator = Client()
    verified_login(originator, world.people["analyst"])
    assert "Which days?" in originator.get(report.get_absolute_url()).content.decode()
    originator.post(
        f"/intelligence/{report.pk}/requests/{request.pk}/answer/", {"answer": "Saturdays."}
    )
    request.refresh_from_db()
    assert request.answer == "Saturdays." and request.answered_by == world.people["analyst"]
    assert "Saturdays." in client.get(report.get_absolute_url()).content.decode()
    # Someone else who also received it sees only their own organisation's requests.
    other = UserFactory(username="other-recipient")
    other_org = OrganisationFactory(name="Other Recipient")
    MembershipFactory(user=other, organisation=other_org, role="analyst")
    world.shared.organisations.add(other_org)
    world.shared_agreement.parties.add(other_org)
    services.disseminate(world.people["analyst"], report, organisations=[other_org])
    third = Client()
    verified_login(third, other)
    assert "Which days?" not in third.get(report.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "path,data",
    [
        ("/intelligence/new/", _form()),
        ("/intelligence/{pk}/disseminate/", {"organisations": ["{partner}"]}),
        ("/intelligence/{pk}/sanitise/", {"title": "t", "content": "c", "handling_code": "P"}),
        ("/intelligence/{pk}/requests/", {"question": "Why?"}),
        ("/intelligence/{pk}/acknowledge/", {"acknowledge": "yes"}),
        ("/intelligence/{pk}/attachments/", {}),
        ("/intelligence/triage/{sub}/", {"action": "close", "close-reason": "Spam"}),
    ],
)
def test_every_staff_form_needs_a_csrf_token(world, intel, path, data):
    client = Client(enforce_csrf_checks=True)
    verified_login(client, world.people["analyst"])
    url = path.format(pk=intel.shared_report.pk, sub=intel.own_submission.pk)
    data = {k: ([str(world.partner.pk)] if v == ["{partner}"] else v) for k, v in data.items()}
    before = (
        IntelligenceReport.objects.count(),
        Dissemination.objects.count(),
        InformationRequest.objects.count(),
        AuditEntry.objects.count(),
    )
    response = client.post(url, data)
    assert response.status_code == 403
    after = (
        IntelligenceReport.objects.count(),
        Dissemination.objects.count(),
        InformationRequest.objects.count(),
        AuditEntry.objects.count(),
    )
    assert before == after
    intel.own_submission.refresh_from_db()
    assert intel.own_submission.status == "new"


def test_api_submits_a_report_and_refuses_bad_input(world):
    api = APIClient()
    api.force_authenticate(world.people["practitioner"])
    payload = {
        "title": "API report",
        "content": "Seen at the docks",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "C",
        "handling_conditions": "Police only",
        "legal_basis": "cda_s115",
        "review_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "threat_areas": ["firearms"],
        "subjects": [{"kind": "address", "name": "Unit 4, Docks Road"}],
    }
    response = api.post("/api/v1/intelligence-reports/", payload, format="json")
    assert response.status_code == 201, response.content
    report = IntelligenceReport.objects.get(title="API report")
    assert report.subjects.get().name == "Unit 4, Docks Road"
    bad = {**payload, "handling_conditions": "", "threat_areas": ["nope"], "title": "x\x00y"}
    response = api.post("/api/v1/intelligence-reports/", bad, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"threat_areas", "title"} <= set(errors)
    response = api.post(
        "/api/v1/intelligence-reports/",
        {**payload, "handling_conditions": "", "postcode": ""},
        format="json",
    )
    assert "handling_conditions" in response.json()
    response = api.post(
        "/api/v1/intelligence-reports/", {**payload, "postcode": "ZZ99 9ZZ"}, format="json"
    )
    assert response.status_code == 400 and "postcode" in response.json()
    assert IntelligenceReport.objects.count() == 1


def test_api_disseminates_inside_agreements_only(world):
    report = services.submit_report(world.people["analyst"], report_fields())
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    url = f"/api/v1/intelligence-reports/{report.pk}/disseminate/"
    # An organisation the user may not see is not a choice at all.
    response = api.post(url, {"organisations": [world.outside.slug]}, format="json")
    assert response.status_code == 400
    response = api.post(url, {"organisations": [world.partner.slug]}, format="json")
    assert response.json() == {"shared_with": [world.partner.slug], "not_shared": []}
    api.force_authenticate(world.people["board_member"])
    assert api.post(url, {"organisations": [world.partner.slug]}, format="json").status_code == 404


def test_someone_in_two_organisations_chooses_which_holds_the_report(client, world):
    person = world.people["practitioner"]
    MembershipFactory(user=person, organisation=world.partner, role="practitioner")
    verified_login(client, person)
    response = client.post("/intelligence/new/", _form(organisation=str(world.outside.pk)))
    assert "Choose one of your organisations" in response.content.decode()
    assert not IntelligenceReport.objects.exists()
    client.post("/intelligence/new/", _form(organisation=str(world.partner.pk)))
    assert IntelligenceReport.objects.get().owner_organisation == world.partner
    api = APIClient()
    api.force_authenticate(person)
    payload = {
        "title": "Via API",
        "content": "c",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "legal_basis": "cda_s115",
        "review_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    response = api.post(
        "/api/v1/intelligence-reports/",
        {**payload, "organisation": world.outside.slug},
        format="json",
    )
    assert response.status_code == 400 and "organisation" in response.json()
    response = api.post(
        "/api/v1/intelligence-reports/", {**payload, "organisation": world.own.slug}, format="json"
    )
    assert response.status_code == 201, response.content
    assert IntelligenceReport.objects.get(title="Via API").owner_organisation == world.own


def test_an_author_who_leaves_the_organisation_loses_sight_of_its_reports(client, world, intel):
    from convenor.core.models import Membership

    author = world.people["practitioner"]
    verified_login(client, author)
    assert client.get(intel.own_report.get_absolute_url()).status_code == 200
    Membership.objects.filter(user=author).update(
        ended_on=timezone.localdate() - datetime.timedelta(days=1),
        started_on=timezone.localdate() - datetime.timedelta(days=100),
    )
    client = Client()
    verified_login(client, author)
    # With no current role left, the person is signed out at once (core/standing.py).
    response = client.get(intel.own_report.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_recipients_lose_sight_when_the_agreement_lapses(client, world, intel):
    verified_login(client, world.people["partner_person"])
    url = intel.shared_report.get_absolute_url()
    assert client.get(url).status_code == 200
    world.shared_agreement.starts_on = timezone.localdate() - datetime.timedelta(days=400)
    world.shared_agreement.review_date = timezone.localdate() - datetime.timedelta(days=1)
    world.shared_agreement.save()
    assert client.get(url).status_code == 404
    assert "Shared report" not in client.get("/intelligence/").content.decode()
    renewed = AgreementFactory(partnership=world.shared, title="Renewed ISA")
    renewed.parties.set([world.own, world.partner])
    assert client.get(url).status_code == 200
    # The originator never loses sight of its own report.
    owner = Client()
    verified_login(owner, world.people["analyst"])
    renewed.parties.set([world.own])
    assert owner.get(url).status_code == 200
