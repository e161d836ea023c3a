"""Query counts pinned for every threat list and detail page, form page and API list, with
several datasets, imports, records, relations, links and decisions each, so that a query per row
would show. Each URL is fetched once first, so process-wide caches (content types, areas) do not
depend on the test order."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from convenor.threat import services
from convenor.threat.models import LinkageRun, MatchPair, Record
from tests.conftest import verified_login
from tests.threat.conftest import NOMINALS_MAPPING, make_dataset

pytestmark = pytest.mark.django_db

ROWS = 8


def nominals(rows: int, prefix: str) -> bytes:
    """A nominals file of ``rows`` people at one postcode, each an associate of the first."""
    lines = ["Nominal ID,Forename,Surname,DOB,Address,Postcode,Mobile,Associate of"]
    for n in range(1, rows + 1):
        associate = f"{prefix}1" if n > 1 else ""
        lines.append(
            f"{prefix}{n},Name{n},{prefix}-Surname{n},01/02/19{60 + n},"
            f"{n} Fishergate,PR1 2HE,0770090{n:04d},{associate}"
        )
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def many(imported):
    """Three more datasets of A, each with an import of eight people; eight current links
    between them (one run) and decisions on three of them."""
    datasets = [
        make_dataset(
            imported.core.own,
            imported.core.shared,
            imported.core.shared_agreement,
            imported.own_analyst,
            f"Nominals {n}",
        )
        for n in range(3)
    ]
    for n, dataset in enumerate(datasets):
        services.import_file(
            imported.own_analyst, dataset, "n.csv", nominals(ROWS, f"D{n}-"), NOMINALS_MAPPING
        )
    run = LinkageRun.objects.create(
        partnership=imported.core.shared,
        started_by=imported.own_analyst,
        status=LinkageRun.Status.DONE,
    )
    first, second = (
        list(Record.objects.filter(dataset=d, kind="person").order_by("pk")) for d in datasets[:2]
    )
    pairs = [
        MatchPair.objects.create(
            run=run,
            partnership=imported.core.shared,
            record_a=a,
            record_b=b,
            match_probability=0.9,
            match_weight=5.0,
            agreeing=["date_of_birth"],
        )
        for a, b in zip(first, second, strict=True)
    ]
    for pair in pairs[:3]:
        services.decide_pair(
            imported.own_analyst, pair.record_a, pair.record_b, "confirm", "Same date of birth"
        )
    imported.datasets = datasets
    imported.pairs = pairs
    imported.run = run
    return imported


def _entity(world):
    return Record.objects.get(dataset=world.datasets[0], reference="D0-1", kind="person").entity


PAGES = [
    ("dataset list", lambda w: "/threat/datasets/", 14),
    ("dataset detail", lambda w: f"/threat/datasets/{w.datasets[0].pk}/", 24),
    ("dataset form", lambda w: "/threat/datasets/new/", 17),
    ("upload form", lambda w: f"/threat/datasets/{w.datasets[0].pk}/import/", 14),
    (
        "import detail",
        lambda w: f"/threat/datasets/{w.datasets[0].pk}/imports/{w.datasets[0].imports.get().pk}/",
        21,
    ),
    ("record detail", lambda w: f"/threat/records/{w.pairs[0].record_a_id}/", 21),
    # 26, and one query for each section other apps add (groups, intelligence, orders).
    ("entity detail", lambda w: f"/threat/entities/{_entity(w).pk}/", 29),
    ("link list", lambda w: "/threat/links/", 24),
    ("link list, all", lambda w: "/threat/links/?show=all", 24),
    ("link detail", lambda w: f"/threat/links/{w.pairs[0].pk}/", 22),
    ("linkage run", lambda w: f"/threat/linkage/{w.run.pk}/", 14),
    ("network", lambda w: "/threat/network/", 23),
    ("network around", lambda w: f"/threat/network/?around=entity:{_entity(w).pk}&steps=2", 23),
]


@pytest.mark.parametrize("name,url,queries", PAGES, ids=[p[0] for p in PAGES])
def test_page_queries(client, many, pin_queries, name, url, queries):
    verified_login(client, many.own_analyst)
    address = url(many)
    client.get(address)
    pin_queries(queries, client.get, address)


def test_mapping_form_queries(client, many, pin_queries):
    upload = services.upload_file(
        many.own_analyst, many.datasets[0], "more.csv", nominals(ROWS + 1, "M-")
    )
    verified_login(client, many.own_analyst)
    address = f"/threat/datasets/{many.datasets[0].pk}/imports/{upload.pk}/columns/"
    client.get(address)
    pin_queries(14, client.get, address)


API_LISTS = [
    ("datasets", "/api/v1/threat/datasets/", 2),
    ("imports", "/api/v1/threat/imports/", 2),
    ("records", "/api/v1/threat/records/", 7),
    ("entities", "/api/v1/threat/entities/", 3),
    ("links", "/api/v1/threat/links/", 2),
    ("decisions", "/api/v1/threat/decisions/", 2),
    ("network", "/api/v1/threat/network/", 9),
]


@pytest.mark.parametrize("name,url,queries", API_LISTS, ids=[a[0] for a in API_LISTS])
def test_api_list_queries(many, pin_queries, name, url, queries):
    api = APIClient()
    api.force_authenticate(many.own_analyst)
    api.get(url)
    pin_queries(queries, api.get, url)
