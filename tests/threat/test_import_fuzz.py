"""The importer fuzzed: whatever bytes arrive (malformed encodings, BOMs, wrong delimiters, huge
fields, formula cells, dates in many formats), the answer is a clear refusal or a complete
import — never an unexpected error, never part of a file."""

from __future__ import annotations

import codecs
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convenor.threat import importing, services
from convenor.threat.models import DatasetImport, Entity, Record, Relation

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADER = ["Ref", "Forename", "Surname", "DOB", "Postcode", "Phone", "Company", "Reg", "Associate"]
MAPPING = {
    "reference": "Ref",
    "first_name": "Forename",
    "surname": "Surname",
    "date_of_birth": "DOB",
    "postcode": "Postcode",
    "phone": "Phone",
    "company_name": "Company",
    "vehicle_registration": "Reg",
    "associate_reference": "Associate",
}

text_cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["=SUM(A1)", "+44 7700 900123", "-1", "@cmd", "PR1 2HE", "pr12he", "N1"]),
    st.text(alphabet="0123456789/-. ", max_size=12),
    st.text(min_size=1, max_size=5).map(lambda t: t * 400),  # huge fields
)
dates = st.dates(min_value=datetime.date(1901, 1, 1), max_value=datetime.date(2020, 12, 31))
date_text = st.tuples(
    dates, st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%Y%m%d"])
).map(lambda t: (t[0], t[0].strftime(t[1])))


def encode(rows: list[list[str]], delimiter: str, encoding: str, bom: bool) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    data = buffer.getvalue().encode(encoding, errors="replace")
    return (codecs.BOM_UTF8 if bom and encoding == "utf-8" else b"") + data


def assert_all_or_nothing(job: DatasetImport, before: dict[str, int]) -> None:
    counts = _counts()
    if getattr(job, "repeated", False):
        assert counts == before  # the same bytes as an earlier example: nothing changed
    elif job.status == DatasetImport.Status.DONE:
        assert job.imported_rows > 0
        rows = set(Record.objects.filter(dataset_import=job).values_list("row_number", flat=True))
        assert len(rows) == job.imported_rows
        assert (
            counts["records"]
            == before["records"] + Record.objects.filter(dataset_import=job).count()
        )
    else:
        assert job.status == DatasetImport.Status.REJECTED, job.message
        assert counts == before
        assert job.message
        for rejection in job.rejected_rows:
            assert set(rejection) == {"row", "column", "reason"} and rejection["reason"]
            assert 2 <= rejection["row"] <= 10_000


def _counts():
    return {
        "records": Record.objects.count(),
        "relations": Relation.objects.count(),
        "entities": Entity.objects.count(),
    }


def _import(threat, content: bytes, name: str = "fuzz.csv"):
    try:
        upload = services.upload_file(threat.own_analyst, threat.own_dataset, name, content)
    except importing.ImportFileError as refusal:
        assert str(refusal)
        return None
    if upload.status == DatasetImport.Status.DONE:
        upload.repeated = True
        return upload
    try:
        return services.start_import(threat.own_analyst, upload, MAPPING, background=False)
    except Exception as error:  # only a ValidationError about the mapping may escape
        from django.core.exceptions import ValidationError

        assert isinstance(error, ValidationError), repr(error)
        return None


@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=400))
def test_any_bytes_are_refused_cleanly_or_imported_whole(threat, areas, data):
    before = _counts()
    job = _import(threat, data)
    if job is not None:
        assert_all_or_nothing(job, before)
    else:
        assert _counts() == before


@pytest.mark.django_db
@FUZZ
@given(
    rows=st.lists(st.lists(text_cell, min_size=0, max_size=11), min_size=0, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
    bom=st.booleans(),
)
def test_malformed_tables_never_import_in_part(threat, areas, rows, delimiter, encoding, bom):
    before = _counts()
    content = encode([HEADER, *rows], delimiter, encoding, bom)
    job = _import(threat, content)
    if job is not None:
        assert_all_or_nothing(job, before)


@pytest.mark.django_db
@FUZZ
@given(
    people=st.lists(
        st.tuples(
            st.sampled_from(["Amy", "Lee", "Zoë", "=HYPERLINK(1)", "@x"]),
            st.sampled_from(["Hart", "O’Neill", "-Smith", "+Jones"]),
            date_text,
        ),
        min_size=1,
        max_size=5,
    ),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
    bom=st.booleans(),
)
def test_good_rows_import_whole_with_dates_and_formula_text_kept(
    threat, areas, people, delimiter, encoding, bom
):
    rows = [
        [f"R{i}", first, last, shown, "", "", "", "", ""]
        for i, (first, last, (_, shown)) in enumerate(people)
    ]
    before = _counts()
    job = _import(threat, encode([HEADER, *rows], delimiter, encoding, bom))
    assert job is not None
    assert job.status == DatasetImport.Status.DONE, (job.message, job.rejected_rows)
    assert Record.objects.count() == before["records"] + len(people)
    stored = list(
        Record.objects.filter(dataset_import=job)
        .order_by("row_number")
        .values_list("first_name", "surname", "date_of_birth")
    )
    assert stored == [(first, last, day) for first, last, (day, _) in people]


@given(text=st.text(max_size=40))
def test_date_parser_answers_a_date_or_a_clear_message(text):
    try:
        value = importing.parse_date(text)
    except ValueError as error:
        assert "is not a date" in str(error)
    else:
        assert isinstance(value, datetime.date)


@given(text=st.text(max_size=30))
def test_phone_normaliser_is_idempotent_or_refuses(text):
    try:
        phone = importing.normalise_phone(text)
    except ValueError as error:
        assert "is not a UK phone number" in str(error)
    else:
        assert importing.normalise_phone(phone) == phone and phone.isdigit()


@given(value=st.text(max_size=20))
def test_escaped_cells_never_start_a_formula(value):
    escaped = importing.escape_formula(value)
    assert not importing.is_formula(escaped) or escaped.startswith("'")


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=300), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f"]))
def test_the_upload_page_never_fails_on_any_file(client, threat, data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import verified_login

    verified_login(client, threat.own_analyst)
    response = client.post(
        f"/threat/datasets/{threat.own_dataset.pk}/import/",
        {"file": SimpleUploadedFile(name, data), "confirm": "on"},
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "There is a problem" in response.content.decode()
