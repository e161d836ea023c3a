"""The normalisers: known answers, and (Hypothesis) they never raise and are idempotent."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convenor.linkage import (
    normalise_address,
    normalise_company_name,
    normalise_company_number,
    normalise_date,
    normalise_email,
    normalise_licence_number,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    normalise_record,
    normalise_vehicle_registration,
)
from convenor.linkage.normalise import address_parts, name_variants, sound_of

NORMALISERS = [
    normalise_address,
    normalise_company_name,
    normalise_company_number,
    normalise_date,
    normalise_email,
    normalise_licence_number,
    normalise_name,
    normalise_phone,
    normalise_postcode,
    normalise_vehicle_registration,
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Dr  Siân O'Brien-Smith ", "sian obrien smith"),
        ("JOHN", "john"),
        ("Mr", None),
        ("mr mrs jones", "jones"),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_names(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pr12he", "PR1 2HE"),
        (" PR1  2HE ", "PR1 2HE"),
        ("b11aa", "B1 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("M1 OAE", "M1 0AE"),  # letter O typed for zero in the inward code
        ("PR1", "PR1"),
        ("not a postcode", None),
        ("12345", None),
    ],
)
def test_postcodes(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07700 900123", "07700900123"),
        ("+44 (0)7700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("447700900123", "07700900123"),
        ("0044 7700 900123", "07700900123"),
        ("7700900123", "07700900123"),
        ("7700900123.0", "07700900123"),
        ("01772 906000", "01772906000"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("12345", None),
        ("call me", None),
    ],
)
def test_phones(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1984-07-02", "1984-07-02"),
        ("1984-07-02T00:00:00", "1984-07-02"),
        ("1984-07-02 13:45:00", "1984-07-02"),
        ("02/07/1984", "1984-07-02"),
        ("2/7/1984", "1984-07-02"),
        ("02.07.84", "1984-07-02"),
        ("2 July 1984", "1984-07-02"),
        ("2nd July 1984", "1984-07-02"),
        ("02-Jul-1984", "1984-07-02"),
        ("July 2, 1984", "1984-07-02"),
        ("19840702", "1984-07-02"),
        ("1984/7/2", "1984-07-02"),
        (datetime.date(1984, 7, 2), "1984-07-02"),
        (datetime.datetime(1984, 7, 2, 9, 30), "1984-07-02"),
        ("31/02/1984", None),
        ("1700-01-01", None),
        ("yesterday", None),
    ],
)
def test_dates(raw, expected):
    assert normalise_date(raw) == expected


@pytest.mark.parametrize(
    ("normalise", "raw", "expected"),
    [
        (normalise_email, " Aisha.Khan@Example.ORG ", "aisha.khan@example.org"),
        (normalise_email, "mailto:a@b.co.uk", "a@b.co.uk"),
        (normalise_email, "no-at-sign.example.org", None),
        (normalise_email, "a@b@c.org", None),
        (normalise_vehicle_registration, "ab12 cde", "AB12CDE"),
        (normalise_vehicle_registration, "A", None),
        (normalise_company_number, "1234567", "01234567"),
        (normalise_company_number, "sc 12345", "SC012345"),
        (normalise_company_number, "1234567.0", "01234567"),
        (normalise_company_number, "123456789", None),
        (normalise_company_name, "The Acme Scrap Metal Co. Limited", "acme scrap metal"),
        (normalise_company_name, "ACME SCRAP METAL LTD", "acme scrap metal"),
        (normalise_company_name, "Smith & Sons plc", "smith and sons"),
        (normalise_licence_number, "smith 801021 j99ab", "SMITH801021J99AB"),
        (normalise_address, "12, Fishergate Road", "12 fishergate rd"),
    ],
)
def test_other_fields(normalise, raw, expected):
    assert normalise(raw) == expected


def test_record_gets_every_column_and_a_kind():
    record = normalise_record({"record_id": " r1 ", "company_name": "Acme Ltd", "extra": "dropped"})
    assert record["record_id"] == "r1"
    assert record["kind"] == "business"
    assert record["company_name"] == "acme"
    assert record["first_name"] is None
    assert "extra" not in record
    assert normalise_record({"record_id": "v", "vehicle_registration": "AB12CDE"})["kind"] == (
        "vehicle"
    )
    assert normalise_record({"record_id": "p", "kind": "PERSON"})["kind"] == "person"


anything = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789 +-()/.:TZ", max_size=30),
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ", max_size=12
    ),
    st.integers(),
    st.floats(),
    st.dates(),
    st.datetimes(),
)

dates_in_many_formats = st.dates(
    min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)
).flatmap(
    lambda day: st.sampled_from(
        [
            day.isoformat(),
            day.strftime("%d/%m/%Y"),
            day.strftime("%d.%m.%Y"),
            day.strftime("%d %B %Y"),
            day.strftime("%d-%b-%Y"),
            day.strftime("%Y%m%d"),
            f"{day.isoformat()}T00:00:00",
        ]
    ).map(lambda text, day=day: (text, day))
)


@pytest.mark.parametrize("normalise", NORMALISERS, ids=lambda f: f.__name__)
@given(value=anything)
def test_normalisers_never_raise_and_are_idempotent(normalise, value):
    once = normalise(value)
    assert once is None or isinstance(once, str)
    assert normalise(once) == once


@given(pair=dates_in_many_formats)
def test_dates_in_several_formats_read_as_the_same_day(pair):
    text, day = pair
    assert normalise_date(text) == day.isoformat()


@given(
    number=st.from_regex(r"7[0-9]{9}", fullmatch=True),
    style=st.sampled_from(["0{n}", "+44{n}", "+44 (0){n}", "0044 {n}", "44{n}", "0{a} {b}"]),
)
def test_uk_mobile_numbers_in_any_style_normalise_alike(number, style):
    text = style.format(n=number, a=number[:4], b=number[4:])
    assert normalise_phone(text) == "0" + number


@given(
    area=st.sampled_from(["PR", "B", "M", "SW", "LS", "E"]),
    district=st.integers(min_value=1, max_value=99),
    sector=st.integers(min_value=0, max_value=9),
    unit=st.text(alphabet="ABDEFGHJLNPQRSTUWXYZ", min_size=2, max_size=2),
    spacing=st.sampled_from(["", " ", "  "]),
    lower=st.booleans(),
)
def test_postcodes_in_any_spacing_or_case_normalise_alike(
    area, district, sector, unit, spacing, lower
):
    text = f"{area}{district}{spacing}{sector}{unit}"
    assert normalise_postcode(text.lower() if lower else text) == f"{area}{district} {sector}{unit}"


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        ("Flat 2, 22 Grange Road", ("22", "grange rd")),
        ("22 grange road", ("22", "grange rd")),
        ("Apartment 7 The Mill, 3 Mill Lane", ("3", "the mill mill ln")),
        ("12a High St", ("12a", "high st")),
        ("5 eugenia street strathlea kedron 3056 qld", ("5", "eugenia st strathlea kedron qld")),
        ("The Old Rectory", (None, "the old rectory")),
        (None, (None, None)),
    ],
)
def test_address_parts_are_the_house_number_and_the_words_without_the_flat(address, parts):
    assert address_parts(normalise_address(address)) == parts


def test_name_variants_join_nicknames_to_their_full_names():
    assert set(name_variants("william")) & set(name_variants("bill"))
    assert set(name_variants("danny")) & set(name_variants("daniel"))
    assert not set(name_variants("william")) & set(name_variants("daniel"))
    assert name_variants(None) is None


def test_names_that_sound_alike_share_a_code():
    assert sound_of("matthews") == sound_of("mathews")
    assert sound_of("smith") != sound_of("jones")
    assert sound_of(None) is None
