from __future__ import annotations

import pandas as pd
import pytest

# A small partnership's records with known answers. The same person appears as:
#   a1 (council), a2 (police: "Jon", UK date, unspaced postcode), a3 (DVLA: first name and surname
#   swapped, day and month transposed, no postcode), a4 (housing: surname typo, year one out).
# b1/b2 share a surname, postcode and date of birth with a first-name variant (one person).
# c1/c2 are two people of one household (same surname and postcode, different first names and
# dates of birth): they must NOT link.
# v1/v2 one vehicle; co1/co2 one business; x1 nobody else.
KNOWN_RECORDS = [
    {
        "record_id": "a1",
        "source": "council",
        "first_name": "John",
        "surname": "Smith",
        "date_of_birth": "1980-03-12",
        "postcode": "PR1 2HE",
        "phone": "07700 900123",
    },
    {
        "record_id": "a2",
        "source": "police",
        "first_name": "Jon",
        "surname": "Smith",
        "date_of_birth": "12/03/1980",
        "postcode": "pr12he",
        "phone": "+44 7700 900123",
    },
    {
        "record_id": "a3",
        "source": "dvla",
        "first_name": "Smith",
        "surname": "John",
        "date_of_birth": "1980-12-03",
        "postcode": None,
    },
    {
        "record_id": "a4",
        "source": "housing",
        "first_name": "John",
        "surname": "Smyth",
        "date_of_birth": "1981-03-12",
        "postcode": "PR1 2HE",
    },
    {
        "record_id": "b1",
        "source": "council",
        "first_name": "Aisha",
        "surname": "Khan",
        "date_of_birth": "1992-07-01",
        "postcode": "B1 1AA",
        "email": "aisha.k@example.org",
    },
    {
        "record_id": "b2",
        "source": "police",
        "first_name": "Ayesha",
        "surname": "Khan",
        "date_of_birth": "01/07/1992",
        "postcode": "B1 1AA",
    },
    {
        "record_id": "c1",
        "source": "council",
        "first_name": "Peter",
        "surname": "Jones",
        "date_of_birth": "1975-05-20",
        "postcode": "M1 1AE",
    },
    {
        "record_id": "c2",
        "source": "council",
        "first_name": "Mary",
        "surname": "Jones",
        "date_of_birth": "1977-08-09",
        "postcode": "M1 1AE",
    },
    {
        "record_id": "x1",
        "source": "police",
        "first_name": "Grace",
        "surname": "Okafor",
        "date_of_birth": "1969-11-30",
        "postcode": "LS1 4DY",
    },
    {"record_id": "v1", "source": "dvla", "kind": "vehicle", "vehicle_registration": "AB12 CDE"},
    {"record_id": "v2", "source": "police", "kind": "vehicle", "vehicle_registration": "ab12cde"},
    {
        "record_id": "co1",
        "source": "companies-house",
        "kind": "business",
        "company_name": "Acme Scrap Metal Ltd",
        "company_number": "1234567",
    },
    {
        "record_id": "co2",
        "source": "council",
        "kind": "business",
        "company_name": "ACME Scrap Metal Limited",
        "company_number": "01234567",
    },
]

EXPECTED_CLUSTERS = [
    {"a1", "a2", "a3", "a4"},
    {"b1", "b2"},
    {"c1"},
    {"c2"},
    {"x1"},
    {"v1", "v2"},
    {"co1", "co2"},
]


@pytest.fixture
def known_records() -> pd.DataFrame:
    return pd.DataFrame(KNOWN_RECORDS)


def clusters_of(result) -> list[set[str]]:
    groups = result.clusters.groupby("cluster_id")["record_id"].apply(set)
    return sorted(groups.tolist(), key=lambda group: sorted(group))


def pair_set(result) -> set[frozenset[str]]:
    return {
        frozenset(pair)
        for pair in zip(result.pairs["record_id_l"], result.pairs["record_id_r"], strict=True)
    }
