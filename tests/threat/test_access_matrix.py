"""The threat access matrix: every role of organisation A, a partner analyst and practitioner
(B, party with A to the shared ISA) and an outside analyst (C), against A's, B's and C's
datasets, records, entities, links, imports, runs, decisions, the network and the API.

Records are personal data: only analysts of the ISA's parties see them. What a user may not see
is 404, never 403, so its existence does not leak. Every cell is written out.
"""

from __future__ import annotations

import copy
import json

import pytest
from rest_framework.test import APIClient

from convenor.core.areas import load_areas
from convenor.threat import services
from convenor.threat.models import LinkageRun, LinkDecision, MatchPair, Record
from tests.conftest import ROLES, build_world, built_once, verified_login
from tests.threat.conftest import build_threat, import_all

ADMIN, ANALYST, PRACTITIONER, BOARD, AUDITOR = ROLES
PARTNER_ANALYST, PARTNER_PRACTITIONER, OUTSIDE_ANALYST = (
    "partner_analyst",
    "partner_practitioner",
    "outside_analyst",
)
VIEWERS = [*ROLES, PARTNER_ANALYST, PARTNER_PRACTITIONER, OUTSIDE_ANALYST]


def expect(default: int, **cells: int) -> dict[str, int]:
    return {viewer: cells.get(viewer, default) for viewer in VIEWERS}


def viewer(t, name):
    return {
        PARTNER_ANALYST: t.partner_analyst,
        PARTNER_PRACTITIONER: t.core.people["partner_person"],
        OUTSIDE_ANALYST: t.outside_analyst,
    }.get(name) or t.core.people[name]


@pytest.fixture(scope="module")
def linked_once(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker):
        load_areas()
        yield build_linked(import_all(build_threat(build_world())))


@pytest.fixture
def linked(db, linked_once):
    return copy.deepcopy(linked_once)


def build_linked(t):
    """Imported datasets, one current link A–B, one link inside C, a decision on A–B."""

    def person(dataset, surname):
        return Record.objects.get(dataset=dataset, kind="person", surname=surname)

    def pair(a, b):
        run = LinkageRun.objects.create(
            partnership=a.dataset.partnership, started_by=a.dataset.created_by, status="done"
        )
        first, second = sorted((a, b), key=lambda r: r.pk)
        return MatchPair.objects.create(
            run=run,
            partnership=a.dataset.partnership,
            record_a=first,
            record_b=second,
            match_probability=0.95,
            agreeing=["surname"],
        )

    t.own_record = person(t.own_dataset, "Whitlow")
    t.partner_record = person(t.partner_dataset, "Whitlow")
    t.outside_record = person(t.outside_dataset, "Whitlow")
    t.shared_pair = pair(t.own_record, t.partner_record)
    t.outside_pair = pair(t.outside_record, person(t.outside_dataset, "Brennan"))
    t.decision = services.decide_pair(
        t.own_analyst, t.own_record, t.partner_record, "confirm", "Same man"
    )
    t.own_import = t.own_dataset.imports.get()
    t.outside_import = t.outside_dataset.imports.get()
    return t


ANALYSTS = {ANALYST: 200, PARTNER_ANALYST: 200}
SHARED_RECORDS = expect(404, **ANALYSTS)

PAGES = [
    ("dataset list", lambda t: "/threat/datasets/", expect(200)),
    (
        "own dataset",
        lambda t: f"/threat/datasets/{t.own_dataset.pk}/",
        expect(200, **{OUTSIDE_ANALYST: 404}),
    ),
    (
        "partner dataset",
        lambda t: f"/threat/datasets/{t.partner_dataset.pk}/",
        expect(200, **{OUTSIDE_ANALYST: 404}),
    ),
    (
        "outside dataset",
        lambda t: f"/threat/datasets/{t.outside_dataset.pk}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    (
        "new dataset",
        lambda t: "/threat/datasets/new/",
        expect(403, **{ANALYST: 200, PARTNER_ANALYST: 200, OUTSIDE_ANALYST: 200}),
    ),
    (
        "import into own dataset",
        lambda t: f"/threat/datasets/{t.own_dataset.pk}/import/",
        expect(403, **{ANALYST: 200, OUTSIDE_ANALYST: 404}),
    ),
    (
        "import into partner dataset",
        lambda t: f"/threat/datasets/{t.partner_dataset.pk}/import/",
        expect(403, **{PARTNER_ANALYST: 200, OUTSIDE_ANALYST: 404}),
    ),
    (
        "import into outside dataset",
        lambda t: f"/threat/datasets/{t.outside_dataset.pk}/import/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    (
        "own import",
        lambda t: f"/threat/datasets/{t.own_dataset.pk}/imports/{t.own_import.pk}/",
        expect(404, **{ANALYST: 200}),
    ),
    (
        "outside import",
        lambda t: f"/threat/datasets/{t.outside_dataset.pk}/imports/{t.outside_import.pk}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    (
        "outside import through own dataset",
        lambda t: f"/threat/datasets/{t.own_dataset.pk}/imports/{t.outside_import.pk}/",
        expect(404),
    ),
    ("own record", lambda t: f"/threat/records/{t.own_record.pk}/", SHARED_RECORDS),
    ("partner record", lambda t: f"/threat/records/{t.partner_record.pk}/", SHARED_RECORDS),
    (
        "outside record",
        lambda t: f"/threat/records/{t.outside_record.pk}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    ("own entity", lambda t: f"/threat/entities/{t.own_record.entity_id}/", SHARED_RECORDS),
    (
        "outside entity",
        lambda t: f"/threat/entities/{t.outside_record.entity_id}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    (
        "link review",
        lambda t: "/threat/links/",
        expect(404, **{ANALYST: 200, PARTNER_ANALYST: 200, OUTSIDE_ANALYST: 200}),
    ),
    ("shared link", lambda t: f"/threat/links/{t.shared_pair.pk}/", SHARED_RECORDS),
    (
        "outside link",
        lambda t: f"/threat/links/{t.outside_pair.pk}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    ("shared linkage run", lambda t: f"/threat/linkage/{t.shared_pair.run_id}/", SHARED_RECORDS),
    (
        "outside linkage run",
        lambda t: f"/threat/linkage/{t.outside_pair.run_id}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    (
        "network",
        lambda t: "/threat/network/",
        expect(404, **{ANALYST: 200, PARTNER_ANALYST: 200, OUTSIDE_ANALYST: 200}),
    ),
    (
        "network of outside partnership",
        lambda t: f"/threat/network/?partnership={t.core.elsewhere.slug}",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    (
        "network connections to groups",
        lambda t: f"/threat/network/?start=business&around=entity:{t.own_record.entity_id}",
        expect(404, **{ANALYST: 200, PARTNER_ANALYST: 200, OUTSIDE_ANALYST: 200}),
    ),
    (
        "network csv",
        lambda t: "/threat/network.csv",
        expect(404, **{ANALYST: 200, PARTNER_ANALYST: 200, OUTSIDE_ANALYST: 200}),
    ),
    (
        "network json",
        lambda t: "/threat/network.json",
        expect(404, **{ANALYST: 200, PARTNER_ANALYST: 200, OUTSIDE_ANALYST: 200}),
    ),
]

API = [
    ("api datasets", lambda t: "/api/v1/threat/datasets/", expect(200)),
    (
        "api own dataset",
        lambda t: f"/api/v1/threat/datasets/{t.own_dataset.pk}/",
        expect(200, **{OUTSIDE_ANALYST: 404}),
    ),
    (
        "api outside dataset",
        lambda t: f"/api/v1/threat/datasets/{t.outside_dataset.pk}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    (
        "api own import",
        lambda t: f"/api/v1/threat/imports/{t.own_import.pk}/",
        expect(404, **{ANALYST: 200}),
    ),
    ("api records", lambda t: "/api/v1/threat/records/", expect(200)),
    ("api own record", lambda t: f"/api/v1/threat/records/{t.own_record.pk}/", SHARED_RECORDS),
    (
        "api partner record",
        lambda t: f"/api/v1/threat/records/{t.partner_record.pk}/",
        SHARED_RECORDS,
    ),
    (
        "api outside record",
        lambda t: f"/api/v1/threat/records/{t.outside_record.pk}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    (
        "api own entity",
        lambda t: f"/api/v1/threat/entities/{t.own_record.entity_id}/",
        SHARED_RECORDS,
    ),
    (
        "api outside entity",
        lambda t: f"/api/v1/threat/entities/{t.outside_record.entity_id}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    ("api shared link", lambda t: f"/api/v1/threat/links/{t.shared_pair.pk}/", SHARED_RECORDS),
    (
        "api outside link",
        lambda t: f"/api/v1/threat/links/{t.outside_pair.pk}/",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
    ("api shared decision", lambda t: f"/api/v1/threat/decisions/{t.decision.pk}/", SHARED_RECORDS),
    (
        "api network",
        lambda t: "/api/v1/threat/network/",
        expect(404, **{ANALYST: 200, PARTNER_ANALYST: 200, OUTSIDE_ANALYST: 200}),
    ),
    (
        "api network around own entity",
        lambda t: f"/api/v1/threat/network/?around=entity:{t.own_record.entity_id}&start=licence",
        # The outside analyst is told only that nothing they can see is linked to it.
        expect(404, **{ANALYST: 200, PARTNER_ANALYST: 200, OUTSIDE_ANALYST: 400}),
    ),
    (
        "api network of outside partnership",
        lambda t: f"/api/v1/threat/network/?partnership={t.core.elsewhere.slug}",
        expect(404, **{OUTSIDE_ANALYST: 200}),
    ),
]


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("name,url,expected", PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(client, linked, who, name, url, expected):
    verified_login(client, viewer(linked, who))
    response = client.get(url(linked))
    assert response.status_code == expected[who], f"{name} as {who}"


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("name,url,expected", API, ids=[p[0] for p in API])
def test_api_matrix(linked, who, name, url, expected):
    api = APIClient()
    api.force_authenticate(viewer(linked, who))
    response = api.get(url(linked))
    assert response.status_code == expected[who], f"{name} as {who}"


@pytest.mark.parametrize("who", VIEWERS)
def test_api_record_lists_hold_only_what_the_viewer_may_read(linked, who):
    api = APIClient()
    api.force_authenticate(viewer(linked, who))
    ids = {r["id"] for r in api.get("/api/v1/threat/records/?limit=500").json()["results"]}
    shared = set(
        Record.objects.filter(dataset__in=[linked.own_dataset, linked.partner_dataset]).values_list(
            "pk", flat=True
        )
    )
    outside = set(
        Record.objects.filter(dataset=linked.outside_dataset).values_list("pk", flat=True)
    )
    expected = {ANALYST: shared, PARTNER_ANALYST: shared, OUTSIDE_ANALYST: outside}
    assert ids == expected.get(who, set())


@pytest.mark.parametrize("who", VIEWERS)
def test_outside_names_never_appear_in_lists(client, linked, who):
    verified_login(client, viewer(linked, who))
    for url in ["/threat/datasets/", "/threat/links/?show=all", "/threat/network/"]:
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = response.content.decode()
        if who == OUTSIDE_ANALYST:
            assert "Own nominals" not in body and "Partner taxi" not in body, url
        else:
            assert "Outside nominals" not in body and "Outside Council" not in body, url


DECIDE = [
    (
        "shared pair",
        lambda t: (t.own_record, t.partner_record),
        expect(400, **{ANALYST: 201, PARTNER_ANALYST: 201}),
    ),
    (
        "outside pair",
        lambda t: (t.outside_record, t.outside_pair.record_b),
        expect(400, **{OUTSIDE_ANALYST: 201}),
    ),
]


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("name,records,expected", DECIDE, ids=[d[0] for d in DECIDE])
def test_api_decision_matrix(linked, who, name, records, expected):
    a, b = records(linked)
    before = LinkDecision.objects.count()
    api = APIClient()
    api.force_authenticate(viewer(linked, who))
    response = api.post(
        "/api/v1/threat/decisions/",
        data=json.dumps({"record_a": a.pk, "record_b": b.pk, "decision": "reject", "reason": "No"}),
        content_type="application/json",
    )
    assert response.status_code == expected[who], response.content
    assert LinkDecision.objects.count() == before + (1 if expected[who] == 201 else 0)


@pytest.mark.parametrize("who", [ANALYST, PARTNER_ANALYST, OUTSIDE_ANALYST, PRACTITIONER])
def test_only_partnership_analysts_start_linkage(client, linked, who):
    verified_login(client, viewer(linked, who))
    runs = LinkageRun.objects.filter(partnership=linked.core.shared)
    before = runs.count()
    response = client.post("/threat/linkage/", {"partnership": linked.core.shared.pk})
    if who in (ANALYST, PARTNER_ANALYST):
        assert response.status_code == 302
        assert runs.count() == before + 1
    elif who == OUTSIDE_ANALYST:
        # Not one of their partnerships: not a choice, so nothing starts.
        assert response.status_code == 302 and response["Location"] == "/threat/links/"
        assert runs.count() == before
    else:
        assert response.status_code == 404
        assert runs.count() == before


def test_reads_of_records_are_audited(client, linked):
    from convenor.core.models import AuditEntry

    verified_login(client, linked.own_analyst)
    client.get(f"/threat/records/{linked.own_record.pk}/")
    client.get(f"/threat/entities/{linked.own_record.entity_id}/")
    client.get(f"/threat/links/{linked.shared_pair.pk}/")
    client.get(f"/threat/datasets/{linked.own_dataset.pk}/")
    client.get(f"/threat/datasets/{linked.own_dataset.pk}/imports/{linked.own_import.pk}/")
    actions = set(
        AuditEntry.objects.filter(actor=linked.own_analyst).values_list("action", flat=True)
    )
    assert {
        "threat_record_viewed",
        "threat_entity_viewed",
        "threat_link_viewed",
        "threat_records_listed",
        "threat_import_viewed",
    } <= actions
    verified_login(client, linked.core.people[BOARD])
    client.get(f"/threat/datasets/{linked.own_dataset.pk}/")
    assert AuditEntry.objects.filter(
        actor=linked.core.people[BOARD], action="threat_dataset_viewed"
    ).exists()


@pytest.mark.parametrize(
    "url",
    ["/threat/datasets/", "/threat/links/", "/threat/network/", "/threat/network.csv"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
