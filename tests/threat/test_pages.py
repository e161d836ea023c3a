"""The threat pages' journeys: add a dataset, upload, map columns, import; records, entities
with flag-and-contact, link review decisions, merge and split, the network and its exports."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from convenor.core.models import AuditEntry
from convenor.threat import selectors, services
from convenor.threat.models import (
    Dataset,
    DatasetImport,
    Entity,
    LinkageRun,
    LinkDecision,
    MatchPair,
    Record,
)
from tests.conftest import verified_login
from tests.factories import AgreementFactory
from tests.threat.conftest import NOMINALS_CSV

pytestmark = pytest.mark.django_db


def person(dataset, surname="Whitlow"):
    return Record.objects.get(dataset=dataset, kind="person", surname=surname)


def link(a, b, probability=0.97, agreeing=("surname", "date_of_birth", "phone")):
    """A finished linkage run with one pair, as the linkage library would leave it."""
    run = LinkageRun.objects.create(
        partnership=a.dataset.partnership,
        started_by=a.dataset.created_by,
        status=LinkageRun.Status.DONE,
    )
    first, second = sorted((a, b), key=lambda r: r.pk)
    return MatchPair.objects.create(
        run=run,
        partnership=a.dataset.partnership,
        record_a=first,
        record_b=second,
        match_probability=probability,
        match_weight=7.5,
        agreeing=list(agreeing),
    )


def test_dataset_upload_mapping_and_import_journey(client, threat, areas):
    verified_login(client, threat.own_analyst)
    response = client.post(
        "/threat/datasets/new/",
        {
            "title": "Lancashire nominals",
            "organisation": threat.core.own.pk,
            "partnership": threat.core.shared.pk,
            "agreement": threat.core.shared_agreement.pk,
            "legal_basis": "cda_s115",
            "kind": "police_nominals",
            "description": "Nominals of interest",
            "contact": threat.own_analyst.pk,
            "extracted_on": "01/11/2026",
        },
    )
    dataset = Dataset.objects.get(title="Lancashire nominals")
    assert (
        response.status_code == 302
        and response["Location"] == f"/threat/datasets/{dataset.pk}/import/"
    )

    response = client.post(
        f"/threat/datasets/{dataset.pk}/import/",
        {"file": SimpleUploadedFile("nominals.csv", NOMINALS_CSV.encode()), "confirm": "on"},
    )
    job = DatasetImport.objects.get(dataset=dataset)
    assert response["Location"] == f"/threat/datasets/{dataset.pk}/imports/{job.pk}/columns/"
    page = client.get(response["Location"]).content.decode()
    assert "Whitlow" in page and "First rows" in page
    # The mapping form starts from a guess made from the column names.
    assert '<option value="Forename" selected>' in page
    response = client.post(
        response["Location"],
        {
            "reference": "Nominal ID",
            "first_name": "Forename",
            "surname": "Surname",
            "date_of_birth": "DOB",
            "address": "Address",
            "postcode": "Postcode",
            "phone": "Mobile",
            "associate_reference": "Associate of",
        },
    )
    assert response["Location"] == f"/threat/datasets/{dataset.pk}/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done", job.message
    page = client.get(response["Location"]).content.decode()
    assert "Imported" in page and job.content_sha256 in page
    dataset.refresh_from_db()
    assert dataset.column_mapping["surname"] == "Surname"  # saved for the next import
    progress = client.get(f"/threat/datasets/{dataset.pk}/imports/{job.pk}/progress.json").json()
    assert progress == {
        "status": "done",
        "status_label": "Imported",
        "percent": 100,
        "processed_rows": 2,
        "total_rows": 2,
        "finished": True,
    }
    page = client.get(f"/threat/datasets/{dataset.pk}/").content.decode()
    assert "Daniel Whitlow" in page and "Preston" in page
    assert AuditEntry.objects.filter(action="threat_records_listed").exists()

    # The same file again: nothing changes.
    response = client.post(
        f"/threat/datasets/{dataset.pk}/import/",
        {"file": SimpleUploadedFile("again.csv", NOMINALS_CSV.encode()), "confirm": "on"},
    )
    assert response["Location"] == f"/threat/datasets/{dataset.pk}/imports/{job.pk}/"
    assert DatasetImport.objects.filter(dataset=dataset).count() == 1


def test_bad_dataset_form_names_the_fields(client, threat):
    verified_login(client, threat.own_analyst)
    response = client.post("/threat/datasets/new/", {"title": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a title for the dataset" in page
    assert "Choose the agreement the data is shared under" in page
    assert Dataset.objects.count() == 3


def test_legal_basis_must_be_one_the_agreement_names(client, threat):
    verified_login(client, threat.own_analyst)
    response = client.post(
        "/threat/datasets/new/",
        {
            "title": "X",
            "organisation": threat.core.own.pk,
            "partnership": threat.core.shared.pk,
            "agreement": threat.core.shared_agreement.pk,
            "legal_basis": "uk_gdpr_6_1_c",
            "kind": "police_nominals",
            "contact": threat.own_analyst.pk,
        },
    )
    assert "The agreement does not name this legal basis" in response.content.decode()
    assert not Dataset.objects.filter(title="X").exists()


def test_upload_refuses_unreadable_files_with_a_message(client, threat):
    verified_login(client, threat.own_analyst)
    response = client.post(
        f"/threat/datasets/{threat.own_dataset.pk}/import/",
        {"file": SimpleUploadedFile("x.csv", b"a,b\n\x00\x00"), "confirm": "on"},
    )
    assert response.status_code == 400
    assert "NUL characters" in response.content.decode()
    assert DatasetImport.objects.count() == 0
    response = client.post(
        f"/threat/datasets/{threat.own_dataset.pk}/import/",
        {"file": SimpleUploadedFile("x.csv", NOMINALS_CSV.encode())},
    )
    assert "Confirm that the legal basis and agreement cover the file" in response.content.decode()


def test_rejected_import_lists_row_column_and_reason(client, threat, areas):
    verified_login(client, threat.own_analyst)
    content = NOMINALS_CSV + "N3,Lee,Marsh,31/02/1990,1 Church St,PR1 3BQ,,\n"
    job = services.upload_file(threat.own_analyst, threat.own_dataset, "n.csv", content.encode())
    from tests.threat.conftest import NOMINALS_MAPPING

    client.post(
        f"/threat/datasets/{threat.own_dataset.pk}/imports/{job.pk}/columns/", NOMINALS_MAPPING
    )
    page = client.get(
        f"/threat/datasets/{threat.own_dataset.pk}/imports/{job.pk}/"
    ).content.decode()
    assert "Rows to correct" in page and "DOB" in page and "“31/02/1990” is not a date" in page
    assert Record.objects.count() == 0


def test_flag_and_contact_reveals_only_holder_and_contact(client, imported):
    """Partner's taxi record is the same man as own nominal; once the partner's agreement has
    expired, own analysts learn only that a match exists and whom to ask."""
    own_record = person(imported.own_dataset)
    partner_record = person(imported.partner_dataset)
    link(own_record, partner_record)
    services.decide_pair(
        imported.partner_analyst, own_record, partner_record, "confirm", "Same DOB and phone"
    )
    entity = Record.objects.get(pk=own_record.pk).entity
    assert Record.objects.get(pk=partner_record.pk).entity == entity

    expired = AgreementFactory(
        partnership=imported.core.shared,
        title="Old licensing ISA",
        starts_on=timezone.localdate() - datetime.timedelta(days=400),
        review_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    expired.parties.set([imported.core.own, imported.core.partner])
    Dataset.objects.filter(pk=imported.partner_dataset.pk).update(agreement=expired)

    verified_login(client, imported.own_analyst)
    page = client.get(f"/threat/entities/{entity.pk}/").content.decode()
    assert "Daniel Whitlow" in page
    assert "1 match in <strong>Partner Council</strong>" in page
    assert "Priya Shah" in page  # the named contact
    for secret in ("Danny", "PN19ABC", "TX-1001", "Partner taxi licences"):
        assert secret not in page
    assert client.get(f"/threat/records/{partner_record.pk}/").status_code == 404
    links_page = client.get("/threat/links/").content.decode()
    assert "Danny" not in links_page and "a match in Partner Council" in links_page
    # The partner's own analysts still see their records; they are the holder.
    verified_login(client, imported.partner_analyst)
    page = client.get(f"/threat/entities/{entity.pk}/").content.decode()
    assert "Danny" in page


def test_link_review_confirm_and_reject(client, imported):
    own_record = person(imported.own_dataset)
    partner_record = person(imported.partner_dataset)
    pair = link(own_record, partner_record)
    verified_login(client, imported.own_analyst)
    page = client.get("/threat/links/").content.decode()
    assert "Daniel Whitlow" in page and "0.970" in page and "surname, date_of_birth, phone" in page
    page = client.get(f"/threat/links/{pair.pk}/").content.decode()
    assert "Danny" in page and 'govuk-tag--green">Same</strong> Exact match' in page

    response = client.post(f"/threat/links/{pair.pk}/", {"decision": "confirm", "reason": ""})
    assert response.status_code == 400
    assert "Say why you decided this" in response.content.decode()
    assert LinkDecision.objects.count() == 0

    client.post(f"/threat/links/{pair.pk}/", {"decision": "confirm", "reason": "Same DOB, phone"})
    own_record.refresh_from_db()
    partner_record.refresh_from_db()
    assert own_record.entity_id == partner_record.entity_id
    # Decided pairs leave the queue.
    assert "Daniel Whitlow" not in client.get("/threat/links/").content.decode()

    client.post(f"/threat/links/{pair.pk}/", {"decision": "reject", "reason": "Different man"})
    own_record.refresh_from_db()
    partner_record.refresh_from_db()
    assert own_record.entity_id != partner_record.entity_id
    assert selectors.current_decisions(imported.core.shared) == (
        set(),
        {frozenset((str(own_record.pk), str(partner_record.pk)))},
    )


def test_merge_and_split_entities(client, imported):
    own_record = person(imported.own_dataset)
    partner_record = person(imported.partner_dataset)
    verified_login(client, imported.own_analyst)
    keep = own_record.entity
    response = client.post(
        f"/threat/entities/{keep.pk}/merge/",
        {"other": partner_record.entity_id, "reason": "Same man: DOB and phone"},
    )
    assert response.status_code == 302
    partner_record.refresh_from_db()
    assert partner_record.entity_id == keep.pk
    assert LinkDecision.objects.get().via == "merge"

    response = client.post(f"/threat/entities/{keep.pk}/merge/", {"other": 99999999, "reason": "x"})
    assert response.status_code == 400
    assert "No entity with that number that you can see" in response.content.decode()

    response = client.post(
        f"/threat/entities/{keep.pk}/split/",
        {"record": partner_record.pk, "reason": "Different middle name on the licence"},
    )
    assert response.status_code == 302
    partner_record.refresh_from_db()
    assert partner_record.entity_id != keep.pk
    assert selectors.current_decisions(imported.core.shared)[1] == {
        frozenset((str(own_record.pk), str(partner_record.pk)))
    }


def test_network_page_and_exports(client, imported):
    verified_login(client, imported.own_analyst)
    page = client.get("/threat/network/").content.decode()
    assert "<svg" in page and "Kyle Brennan" in page and "Associate of" in page
    assert "Outside" not in page
    csv_body = client.get("/threat/network.csv").content.decode()
    assert csv_body.splitlines()[0] == "source,source_label,kind,target,target_label"
    assert "associate_of" in csv_body
    data = json.loads(client.get("/threat/network.json").content)
    kinds = {e["kind"] for e in data["edges"]}
    assert kinds == {"associate_of", "lives_at", "drives"}
    assert data["components"] >= 2
    exported = AuditEntry.objects.filter(action="threat_network_exported")
    assert exported.count() == 2
    assert AuditEntry.objects.filter(action="threat_network_viewed").count() == 1


def test_network_export_escapes_formula_labels(client, threat, areas):
    services.import_file(
        threat.own_analyst,
        threat.own_dataset,
        "f.csv",
        b"Surname,Address\n=cmd|calc,1 High St\n",
        {"surname": "Surname", "address": "Address"},
    )
    verified_login(client, threat.own_analyst)
    body = client.get("/threat/network.csv").content.decode()
    assert "'=cmd|calc" in body
    assert "\n=cmd" not in body and ",=cmd" not in body


def test_edge_providers_add_edges_but_never_reveal_hidden_entities(client, imported):
    from convenor.threat import graph

    own_entity = person(imported.own_dataset).entity_id
    outside_entity = person(imported.outside_dataset).entity_id

    def groups(user, entity_ids):
        return (
            [graph.Node("group:1", "group", "Fishergate crew")],
            [
                graph.Edge(graph.entity_node_id(own_entity), "group:1", "member_of_group"),
                graph.Edge(graph.entity_node_id(outside_entity), "group:1", "member_of_group"),
            ],
        )

    graph.register_edge_provider(groups)
    try:
        network = graph.build_network(imported.own_analyst)
    finally:
        graph._PROVIDERS.remove(groups)
    member_edges = [e for e in network.edges if e.kind == "member_of_group"]
    assert member_edges == [
        graph.Edge(graph.entity_node_id(own_entity), "group:1", "member_of_group")
    ]
    assert "group:1" in network.node_ids
    assert graph.entity_node_id(outside_entity) not in network.node_ids


def test_entity_kinds_and_partnership(imported):
    kinds = set(
        Entity.objects.filter(partnership=imported.core.shared).values_list("kind", flat=True)
    )
    assert kinds == {"person", "address", "vehicle"}
