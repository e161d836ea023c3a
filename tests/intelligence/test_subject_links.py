"""Subjects link to the threat picture's entities, only to entities the linker may see, and a
link never shows a reader an entity they may not see."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from convenor.core.models import AuditEntry
from convenor.intelligence import services
from convenor.threat import services as threat_services
from convenor.threat.models import Entity
from tests.conftest import verified_login
from tests.threat.conftest import NOMINALS_MAPPING, threat  # noqa: F401  (fixture)

from .conftest import report_fields

CSV = "Nominal ID,Forename,Surname,DOB,Address,Postcode,Mobile,Associate of\nN1,Dan,Demo,,,,,\n"


def _entity(analyst, dataset) -> Entity:
    threat_services.import_file(analyst, dataset, "n.csv", CSV.encode(), NOMINALS_MAPPING)
    return Entity.objects.filter(records__dataset=dataset).get()


@pytest.fixture
def linked(world, threat):  # noqa: F811
    own_entity = _entity(threat.own_analyst, threat.own_dataset)
    outside_entity = _entity(threat.outside_analyst, threat.outside_dataset)
    report = services.submit_report(
        world.people["analyst"],
        report_fields(title="Subject report"),
        subjects=[{"kind": "person", "name": "Dan Demo"}, {"kind": "vehicle", "name": "Van"}],
    )
    return report, own_entity, outside_entity


def test_the_originator_finds_the_entity_by_searching_and_links_it(client, world, linked):
    report, own_entity, outside_entity = linked
    person = report.subjects.get(kind="person")
    verified_login(client, world.people["analyst"])
    url = f"/intelligence/{report.pk}/subjects/{person.pk}/link/"
    assert url in client.get(report.get_absolute_url()).content.decode()
    page = client.get(url).content.decode()  # searched for the subject's name at first
    assert f'value="{own_entity.pk}"' in page and f'value="{outside_entity.pk}"' not in page
    page = client.get(url, {"q": "Dna Demo"}).content.decode()  # a slip still finds him
    assert f'value="{own_entity.pk}"' in page
    page = client.get(url, {"q": "Nobody Atall"}).content.decode()
    assert "No person you may see matches" in page and 'name="entity"' not in page
    assert AuditEntry.objects.filter(action="search_run", detail__query="Dna Demo").exists()
    response = client.post(url, {"entity": str(outside_entity.pk)})
    assert response.status_code == 400
    assert f"There is no entity E{outside_entity.pk} that you may see" in response.content.decode()
    response = client.post(url, {})
    assert "Choose an entity, or choose to remove the link" in response.content.decode()
    response = client.post(url, {"entity": "forty-two"})
    assert "Choose an entity from the list" in response.content.decode()
    vehicle = report.subjects.get(kind="vehicle")
    with pytest.raises(ValidationError, match="is a person, not a vehicle"):
        services.link_subject(world.people["analyst"], vehicle, own_entity.pk)
    assert (
        f'value="{own_entity.pk}"'
        not in client.get(
            f"/intelligence/{report.pk}/subjects/{vehicle.pk}/link/", {"q": "Dan Demo"}
        ).content.decode()
    )  # only entities of the subject's kind are offered
    person.refresh_from_db()
    assert person.entity_id is None
    response = client.post(url, {"entity": str(own_entity.pk), "q": "Dan Demo"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.entity_id == own_entity.pk
    page = client.get(report.get_absolute_url()).content.decode()
    assert own_entity.get_absolute_url() in page
    assert 'value="none"' in client.get(url).content.decode()
    client.post(url, {"entity": "none"})
    person.refresh_from_db()
    assert person.entity_id is None


def test_a_link_shows_no_reader_an_entity_they_cannot_see(world, linked):
    report, own_entity, _ = linked
    person = report.subjects.get(kind="person")
    services.link_subject(world.people["analyst"], person, own_entity.pk)
    services.disseminate(world.people["analyst"], report, organisations=[world.partner])
    reader = Client()
    verified_login(reader, world.people["partner_person"])  # a practitioner: no threat records
    page = reader.get(report.get_absolute_url()).content.decode()
    assert "Dan Demo" in page and own_entity.get_absolute_url() not in page
    link = f"/intelligence/{report.pk}/subjects/{person.pk}/link/"
    assert link not in page  # recipients do not link
    assert reader.post(link, {"entity": "none"}).status_code == 403
    assert reader.get(link, {"q": "Dan Demo"}).status_code == 403
