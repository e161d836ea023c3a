"""Importing partner files: the happy path, row/column/reason rejections, all-or-nothing,
idempotency, encodings, delimiters, XLSX, formula cells and limits."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from convenor.core.models import AuditEntry
from convenor.threat import importing, services
from convenor.threat.models import DatasetImport, Entity, Record, Relation
from tests.threat.conftest import NOMINALS_CSV, NOMINALS_MAPPING

pytestmark = pytest.mark.django_db


def test_import_creates_records_relations_and_resolves_postcodes(threat, areas):
    result = services.import_file(
        threat.own_analyst,
        threat.own_dataset,
        "nominals.csv",
        NOMINALS_CSV.encode(),
        NOMINALS_MAPPING,
    )
    assert result.status == DatasetImport.Status.DONE, result.message
    assert result.imported_rows == 2
    people = Record.objects.filter(dataset=threat.own_dataset, kind="person").order_by("row_number")
    assert [p.label for p in people] == ["Daniel Whitlow", "Kyle Brennan"]
    daniel = people[0]
    assert str(daniel.date_of_birth) == "1988-02-14"
    assert daniel.postcode == "PR1 2HE"
    assert daniel.local_authority.name == "Preston"
    assert daniel.easting and daniel.northing
    assert daniel.phone == "07700900123"
    assert daniel.raw["Forename"] == "Daniel"
    # Each row: a person and an address; Kyle is an associate of Daniel.
    assert Record.objects.filter(dataset=threat.own_dataset, kind="address").count() == 2
    assert Relation.objects.filter(kind="lives_at").count() == 2
    associate = Relation.objects.get(kind="associate_of")
    assert (associate.from_record.surname, associate.to_record.surname) == ("Brennan", "Whitlow")
    # Every record starts as its own entity of the dataset's partnership.
    assert Entity.objects.filter(partnership=threat.core.shared).count() == 4
    assert AuditEntry.objects.filter(action="dataset_imported").count() == 1
    assert threat.own_dataset.imports.get().content is None  # the file is not kept


def test_reimporting_the_same_content_changes_nothing(threat, areas):
    first = services.import_file(
        threat.own_analyst, threat.own_dataset, "a.csv", NOMINALS_CSV.encode(), NOMINALS_MAPPING
    )
    records = Record.objects.count()
    again = services.import_file(
        threat.own_analyst, threat.own_dataset, "b.csv", NOMINALS_CSV.encode(), NOMINALS_MAPPING
    )
    assert again.pk == first.pk
    assert Record.objects.count() == records
    assert DatasetImport.objects.count() == 1


def test_a_bad_row_rejects_the_whole_file_naming_row_column_and_reason(threat, areas):
    content = (
        NOMINALS_CSV
        + "N3,Lee,Marsh,31/02/1990,1 Church St,PR1 3BQ,,\n"
        + "N4,Amy,Cole,01/01/1985,2 Church St,NOT A POSTCODE,,\n"
        + "N5,Sam,Hart,01/01/1985,3 Church St,PR1 3BQ,12345,N99\n"
    ).encode()
    result = services.import_file(
        threat.own_analyst, threat.own_dataset, "bad.csv", content, NOMINALS_MAPPING
    )
    assert result.status == DatasetImport.Status.REJECTED
    assert Record.objects.count() == 0 and Relation.objects.count() == 0
    reasons = {(r["row"], r["column"]) for r in result.rejected_rows}
    assert reasons == {(4, "DOB"), (5, "Postcode"), (6, "Mobile"), (6, "Associate of")}
    by_cell = {(r["row"], r["column"]): r["reason"] for r in result.rejected_rows}
    assert "not a date" in by_cell[(4, "DOB")]
    assert "not a UK postcode" in by_cell[(5, "Postcode")]
    assert "N99" in by_cell[(6, "Associate of")]
    assert "3 rows need correcting" in result.message


def test_a_postcode_not_in_the_ons_directory_is_refused(threat, areas):
    content = b"Surname,Postcode\nSmith,ZZ9 9ZZ\n"
    result = services.import_file(
        threat.own_analyst,
        threat.own_dataset,
        "x.csv",
        content,
        {"surname": "Surname", "postcode": "Postcode"},
    )
    assert result.status == "rejected"
    assert result.rejected_rows == [
        {"row": 2, "column": "Postcode", "reason": "ZZ9 9ZZ is not in the ONS Postcode Directory"}
    ]


@pytest.mark.parametrize(
    "encoding,bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("utf-16", b"")],
)
def test_encodings_and_boms(threat, areas, encoding, bom):
    text = "Forename;Surname;DOB\nZoë;O’Neill;3.7.1990\n"
    content = bom + text.encode(encoding)
    result = services.import_file(
        threat.own_analyst,
        threat.own_dataset,
        "enc.csv",
        content,
        {"first_name": "Forename", "surname": "Surname", "date_of_birth": "DOB"},
    )
    assert result.status == "done", (result.message, result.rejected_rows)
    person = Record.objects.get(kind="person")
    assert (person.first_name, person.surname, str(person.date_of_birth)) == (
        "Zoë",
        "O’Neill",
        "1990-07-03",
    )


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(delimiter):
    text = delimiter.join(["Surname", "Company"]) + "\n" + delimiter.join(["Hart", "A, B Ltd"])
    table = importing.read_table("x.csv", text.encode())
    assert table.headers == ["Surname", "Company"]
    if delimiter != ",":
        assert table.rows == [["Hart", "A, B Ltd"]]


def test_xlsx_with_dates_and_numbers(threat, areas):
    import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Company", "Company number", "Director forename", "Director surname", "DOB"])
    sheet.append(["Ribble Groundworks Ltd", 9876543, "Kyle", "Brennan", datetime.date(1990, 7, 3)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = services.import_file(
        threat.own_analyst,
        threat.own_dataset,
        "contractors.xlsx",
        buffer.getvalue(),
        {
            "company_name": "Company",
            "company_number": "Company number",
            "first_name": "Director forename",
            "surname": "Director surname",
            "date_of_birth": "DOB",
        },
    )
    assert result.status == "done", result.rejected_rows
    business = Record.objects.get(kind="business")
    assert business.company_number == "09876543"
    assert str(Record.objects.get(kind="person").date_of_birth) == "1990-07-03"
    # The nominals dataset is not a contractors list and the row gives no role.
    assert Relation.objects.get().kind == "associate_of"


def test_formula_cells_are_stored_as_text_and_escaped_for_export(threat, areas):
    content = b'Surname,Address\n"=HYPERLINK(""http://x"")",@SUM(A1)\n'
    result = services.import_file(
        threat.own_analyst,
        threat.own_dataset,
        "f.csv",
        content,
        {"surname": "Surname", "address": "Address"},
    )
    assert result.status == "done"
    person = Record.objects.get(kind="person")
    assert person.surname == '=HYPERLINK("http://x")'
    assert importing.escape_formula(person.surname) == '\'=HYPERLINK("http://x")'
    assert importing.escape_formula("@SUM(A1)") == "'@SUM(A1)"
    assert importing.escape_formula("Hart") == "Hart"


def test_huge_cells_are_refused_with_row_and_column(threat, areas, settings):
    settings.CONVENOR_IMPORT_MAX_CELL = 50
    content = ("Surname,Address\nHart," + "x" * 51 + "\n").encode()
    result = services.import_file(
        threat.own_analyst, threat.own_dataset, "h.csv", content, {"surname": "Surname"}
    )
    assert result.status == "rejected"
    assert result.rejected_rows == [
        {
            "row": 2,
            "column": "Address",
            "reason": "The cell has 51 characters; the most allowed is 50",
        }
    ]


def test_files_over_the_size_limit_are_refused_before_anything_is_kept(threat, settings):
    settings.CONVENOR_IMPORT_MAX_BYTES = 100
    with pytest.raises(importing.ImportFileError, match="the most Convenor takes"):
        services.upload_file(threat.own_analyst, threat.own_dataset, "big.csv", b"a,b\n" * 40)
    assert DatasetImport.objects.count() == 0


def test_unreadable_files_are_refused_with_a_clear_message(threat):
    with pytest.raises(importing.ImportFileError, match="NUL"):
        services.upload_file(threat.own_analyst, threat.own_dataset, "x.csv", b"a,b\n\x00\x00\n")
    with pytest.raises(importing.ImportFileError, match="Excel"):
        services.upload_file(threat.own_analyst, threat.own_dataset, "x.xlsx", b"PK\x03\x04junk")
    with pytest.raises(importing.ImportFileError, match="empty"):
        services.upload_file(threat.own_analyst, threat.own_dataset, "x.csv", b"")


def test_mapping_must_name_existing_columns_and_identifying_fields(threat):
    upload = services.upload_file(
        threat.own_analyst, threat.own_dataset, "n.csv", NOMINALS_CSV.encode()
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="no column “Shoe size”"):
        services.start_import(threat.own_analyst, upload, {"surname": "Shoe size"})
    with pytest.raises(ValidationError, match="at least one column that names"):
        services.start_import(threat.own_analyst, upload, {"phone": "Mobile"})
    upload.refresh_from_db()
    assert upload.status == "uploaded"


def test_only_the_holders_analysts_import(threat):
    for person in (threat.partner_analyst, threat.core.people["practitioner"]):
        with pytest.raises(PermissionDenied):
            services.upload_file(person, threat.own_dataset, "n.csv", NOMINALS_CSV.encode())


def test_dates_in_several_formats():
    for text in (
        "1988-02-14",
        "14/02/1988",
        "14-02-1988",
        "14.02.1988",
        "14 Feb 1988",
        "14 February 1988",
        "19880214",
        "1988-02-14T00:00:00",
    ):
        assert str(importing.parse_date(text)) == "1988-02-14", text
    with pytest.raises(ValueError, match="not a date"):
        importing.parse_date("14/02/88x")


def test_suggested_mapping_from_headers():
    assert importing.suggest_mapping(["Forename", "Surname", "D.O.B", "Post Code", "VRM"]) == {
        "first_name": "Forename",
        "surname": "Surname",
        "date_of_birth": "D.O.B",
        "postcode": "Post Code",
        "vehicle_registration": "VRM",
    }


def test_mapping_documents_yaml_and_json():
    assert importing.parse_mapping_document("columns:\n  surname: Surname\n") == {
        "surname": "Surname"
    }
    assert importing.parse_mapping_document('{"surname": "Surname"}') == {"surname": "Surname"}
    with pytest.raises(importing.ImportFileError):
        importing.parse_mapping_document("- a\n- b\n")
