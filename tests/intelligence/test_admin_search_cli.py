"""The back office for reporting channels, the search filters, the command line, and the receipt
code parser."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from convenor import cli
from convenor.core.models import Area, AuditEntry
from convenor.intelligence import crypto, services
from convenor.intelligence.models import IntelligenceReport, ReportingChannel
from tests.conftest import verified_login

from .conftest import report_fields


def test_partnership_administrators_set_up_their_organisations_channels(client, world, intel):
    admin = world.people["partnership_administrator"]
    verified_login(client, admin)
    assert client.get("/admin/intelligence/reportingchannel/").status_code == 200
    data = {
        "name": "Integrity Line",
        "slug": "integrity-line",
        "kind": "integrity",
        "introduction": "For staff.",
        "receiving_organisation": world.outside.pk,
        "retention_days": 365,
        "active": "on",
    }
    response = client.post("/admin/intelligence/reportingchannel/add/", data)
    assert response.status_code == 200  # the outside organisation is not a choice
    assert not ReportingChannel.objects.filter(slug="integrity-line").exists()
    response = client.post(
        "/admin/intelligence/reportingchannel/add/",
        {**data, "receiving_organisation": world.own.pk},
    )
    assert response.status_code == 302
    channel = ReportingChannel.objects.get(slug="integrity-line")
    assert AuditEntry.objects.filter(action="created_in_admin", object_id=str(channel.pk)).exists()
    # Its analysts, not other staff, triage what arrives.
    assert channel.receiving_organisation == world.own
    for role, status in [("analyst", 403), ("practitioner", 403), ("board_member", 403)]:
        verified_login(client, world.people[role])
        assert client.get("/admin/intelligence/reportingchannel/").status_code == status


def test_channels_of_another_organisation_cannot_be_changed(client, world, intel):
    verified_login(client, world.people["partnership_administrator"])
    url = f"/admin/intelligence/reportingchannel/{intel.outside_channel.pk}/change/"
    response = client.post(url, {"name": "Taken over", "slug": "x", "kind": "public"})
    assert response.status_code == 403
    intel.outside_channel.refresh_from_db()
    assert intel.outside_channel.name == "Outside integrity line"


def test_a_closed_channel_is_not_found_by_the_public(client, world, intel):
    intel.own_channel.active = False
    intel.own_channel.save()
    assert client.get(f"/intelligence/report/{intel.own_channel.slug}/").status_code == 404
    assert "Own anonymous line" not in client.get("/intelligence/report/").content.decode()
    with pytest.raises(ValidationError, match="closed"):
        services.submit_anonymous(intel.own_channel, {"what": "x"})


def test_a_postcode_gives_the_local_authority(world):
    preston = Area.objects.create(code="E07000123", name="Preston", kind="ltla")
    report = services.submit_report(world.people["analyst"], report_fields(postcode="pr12he"))
    assert (report.postcode, report.area) == ("PR1 2HE", preston)


def test_search_filters(client, world):
    analyst = world.people["analyst"]
    preston = Area.objects.create(code="E07000123", name="Preston", kind="ltla")
    guns = services.submit_report(
        analyst,
        report_fields(
            title="Firearm stored at a lock-up",
            threat_areas=["firearms"],
            source_evaluation="1",
            intelligence_assessment="A",
            postcode="PR1 2HE",
        ),
        subjects=[{"kind": "address", "name": "Lock-up 7, Demo Yard"}],
    )
    fraud = services.submit_report(
        analyst,
        report_fields(
            title="Invoice fraud",
            threat_areas=["fraud"],
            handling_code="C",
            handling_conditions="Council only",
        ),
        subjects=[{"kind": "business", "name": "Demo Supplies Ltd"}],
    )
    IntelligenceReport.objects.filter(pk=fraud.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    verified_login(client, analyst)

    def titles(**query):
        response = client.get("/intelligence/", query)
        assert response.status_code == 200
        return {r.title for r in response.context["page"].object_list}

    assert titles(threat_area="firearms") == {guns.title}
    assert titles(threat_area="fraud") == {fraud.title}
    assert titles(source_evaluation="1", intelligence_assessment="A") == {guns.title}
    assert titles(handling_code="C") == {fraud.title}
    assert titles(area=preston.code) == {guns.title}
    assert titles(area="e07000123") == {guns.title}
    assert titles(subject="Demo Supplies") == {fraud.title}
    assert titles(subject_kind="address") == {guns.title}
    assert titles(q="lock-up firearm") == {guns.title}
    recent = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert titles(created_from=recent) == {guns.title}
    assert titles(created_to=recent) == {fraud.title}
    # Bad filters are explained, naming the filter, and match nothing.
    response = client.get("/intelligence/", {"created_from": "last week", "threat_area": "x"})
    body = response.content.decode()
    assert "Enter “recorded from” as a date" in body
    assert "Choose a threat area from the list" in body
    assert response.context["page"].paginator.count == 0


def test_api_search_filters_and_bad_filters(world):
    from rest_framework.test import APIClient

    services.submit_report(world.people["analyst"], report_fields(threat_areas=["firearms"]))
    api = APIClient()
    api.force_authenticate(world.people["analyst"])
    assert (
        api.get("/api/v1/intelligence-reports/", {"threat_area": "firearms"}).json()["count"] == 1
    )
    assert api.get("/api/v1/intelligence-reports/", {"threat_area": "fraud"}).json()["count"] == 0
    response = api.get("/api/v1/intelligence-reports/", {"created_to": "tomorrow"})
    assert response.status_code == 400 and "created_to" in response.json()


def test_the_purge_command_is_listed_in_convenor_help(capsys):
    cli.main(["--help"])
    assert "intelligence" in capsys.readouterr().out


def test_the_purge_command_runs(db):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("intelligence", "purge", stdout=out)
    assert "Destroyed 0 anonymous reports" in out.getvalue()


@given(st.text(max_size=100))
def test_any_text_is_a_receipt_code_or_refused(text):
    normal = crypto.normalise_receipt_code(text)
    assert normal is None or (len(normal) == 24 and normal.isalnum() and normal.isupper())


@given(st.binary(min_size=15, max_size=15), st.sampled_from(["-", " ", "", "\n"]))
def test_receipt_codes_survive_how_people_type_them(raw, separator):
    import base64

    code = base64.b32encode(raw).decode()
    typed = separator.join(code[i : i + 4] for i in range(0, 24, 4)).lower()
    assert crypto.normalise_receipt_code(typed) == code
    assert crypto.normalise_receipt_code(code[:-1]) is None
