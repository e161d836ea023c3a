"""A link's page and API explain it by the comparison levels the model scored for that pair (its
comparison vector), field by field: an address that differs never "agrees", and an identical
surname or postcode always shows as the same. Links stored before runs kept the vector are
scored again through the same comparisons."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from convenor.threat import services
from convenor.threat.models import LinkageRun, MatchPair, Record
from tests.conftest import verified_login
from tests.threat.conftest import NOMINALS_MAPPING

pytestmark = pytest.mark.django_db

HEADER = "Nominal ID,Forename,Surname,DOB,Address,Postcode,Mobile,Associate of\n"
# The demo's two cases: Brennan's address lines differ (the postcodes share a sector); Whitlow's
# two records have one surname, postcode and address line.
OWN_CSV = (
    HEADER + "N1,Kyle,Brennan,1990-07-03,14 Ribbleton Lane,PR1 1AB,07700 900412,\n"
    "N2,Daniel,Whitlow,14/02/1988,12 Fishergate,PR1 0BS,07700 900123,\n"
)
PARTNER_CSV = (
    HEADER + 'C1,Kyle,Brennan,03/07/1990,"Unit 4, Tulketh Road",PR1 1JZ,,\n'
    "C2,Danny,Whitlow,14/02/1988,12 Fishergate,PR1 0BS,,\n"
)


@pytest.fixture
def linked(threat, areas):
    services.import_file(
        threat.own_analyst, threat.own_dataset, "own.csv", OWN_CSV.encode(), NOMINALS_MAPPING
    )
    services.import_file(
        threat.partner_analyst,
        threat.partner_dataset,
        "partner.csv",
        PARTNER_CSV.encode(),
        NOMINALS_MAPPING,
    )
    run = services.start_linkage(threat.own_analyst, threat.core.shared, background=False)
    assert run.status == LinkageRun.Status.DONE, run.message
    return threat


def pair_of(surname: str) -> MatchPair:
    a, b = sorted(
        Record.objects.filter(surname=surname, kind="person").values_list("pk", flat=True)
    )
    return MatchPair.objects.get(record_a=a, record_b=b)


def rows_of(page: str) -> dict[str, str]:
    """The side-by-side table: each field's label -> the last cell's text."""
    rows = {}
    for label, cells in re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]+)</th>(.*?)</tr>', page, re.S
    ):
        last = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', cells, re.S)[-1]
        rows[label] = " ".join(re.sub(r"<[^>]+>", " ", last).split())
    return rows


def words_of(text: str) -> str:
    """A row's tag and words, without the evidence sentence."""
    return re.split(r" (?:Strong evidence|Evidence|No evidence)", text)[0]


def page_rows(client, user, pair: MatchPair) -> dict[str, str]:
    verified_login(client, user)
    response = client.get(f"/threat/links/{pair.pk}/")
    assert response.status_code == 200
    return rows_of(response.content.decode())


def test_an_address_that_differs_does_not_agree(client, linked):
    pair = pair_of("Brennan")
    assert pair.comparison_vector["address"][0] >= 0  # scored, not missing
    rows = page_rows(client, linked.own_analyst, pair)
    assert rows["Address"].startswith("Different Address lines differ")
    assert rows["Postcode"].startswith("Close Same postcode sector")
    assert "postcode and address scored together" in rows["Address"]
    assert rows["Surname"].startswith("Same Exact match")
    assert rows["Date of birth"].startswith("Same Exact match")
    assert rows["Phone"] == "Not recorded Not recorded in one record No evidence (weight 0.00)"
    # The links list names the columns that agree: the postcode's sector, not the address.
    assert pair.agreeing == ["first_name", "surname", "date_of_birth", "postcode"]


def test_identical_surname_postcode_and_address_show_as_the_same(client, linked):
    pair = pair_of("Whitlow")
    rows = page_rows(client, linked.own_analyst, pair)
    assert rows["Surname"].startswith("Same Exact match")
    assert rows["Postcode"].startswith("Same Same postcode")
    assert rows["Address"].startswith("Close Same or very similar address line")
    assert rows["First name"].startswith("Close Nickname (Bill and William)")
    assert pair.agreeing == ["first_name", "surname", "date_of_birth", "postcode", "address"]
    # The evidence is the pair's own weight for the field, as stored by the run.
    weight = pair.comparison_vector["date_of_birth"][1]
    assert f"Strong evidence for (weight {weight:.2f})" in rows["Date of birth"]


def test_a_link_stored_without_its_vector_is_scored_again_the_same_way(client, linked):
    pair = pair_of("Brennan")
    stored = page_rows(client, linked.own_analyst, pair)
    MatchPair.objects.filter(pk=pair.pk).update(comparison_vector={})
    again = page_rows(client, linked.own_analyst, pair)
    for label in ("Address", "Postcode", "Surname", "First name", "Phone"):
        # Same level and words; the weight and so its strength may differ (the run's level
        # weight, without the term frequency adjustment the run made).
        assert words_of(again[label]) == words_of(stored[label])
    assert words_of(again["Address"]) == "Different Address lines differ"


def test_the_api_gives_each_comparison_in_words(linked):
    pair = pair_of("Brennan")
    client = APIClient()
    client.force_authenticate(linked.own_analyst)
    body = client.get(f"/api/v1/threat/links/{pair.pk}/").json()
    assert body["comparison_vector"] == pair.comparison_vector
    address = next(entry for entry in body["explanation"] if entry["field"] == "address")
    assert address["level"] == "same postcode sector"
    assert address["columns"] == {
        "postcode": {"standing": "close", "words": "same postcode sector"},
        "address": {"standing": "different", "words": "address lines differ"},
    }
    surname = next(entry for entry in body["explanation"] if entry["field"] == "surname")
    assert (surname["words"], surname["columns"]["surname"]["standing"]) == ("exact match", "same")

    # A link stored without its vector: the list does not score it again, the link itself does.
    MatchPair.objects.filter(pk=pair.pk).update(comparison_vector={})
    listed = client.get("/api/v1/threat/links/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert next(row for row in rows if row["id"] == pair.pk)["explanation"] is None
    body = client.get(f"/api/v1/threat/links/{pair.pk}/").json()
    assert next(e for e in body["explanation"] if e["field"] == "address")["level"] == (
        "same postcode sector"
    )
