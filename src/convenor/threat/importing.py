"""Reading partner files: decoding, tabulating, mapping columns to Convenor's fields, and
validating every row into the records it will become.

Nothing here writes to the database: :func:`convenor.threat.services.run_import` calls
:func:`read_table` and :func:`validate_rows`, and writes only when every row is good.

* Encodings: UTF-8 (with or without BOM), UTF-16 with a BOM, Windows-1252.
* Delimiters: comma, semicolon, tab or pipe, sniffed from the first lines.
* XLSX: the first worksheet (openpyxl, read-only, values not formulas).
* Cells starting ``=``, ``+``, ``-`` or ``@`` are kept as plain text; :func:`escape_formula`
  neutralises them in every export.
* Limits: file size, rows, characters per cell (settings ``CONVENOR_IMPORT_MAX_BYTES``,
  ``CONVENOR_IMPORT_MAX_ROWS``, ``CONVENOR_IMPORT_MAX_CELL``).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from convenor.core.areas import PostcodeError, normalise_postcode

# Convenor's fields a column may map to, with what a person sees on the mapping form.
FIELDS: dict[str, str] = {
    "reference": "Partner's reference for the row",
    "first_name": "First name",
    "surname": "Surname",
    "date_of_birth": "Date of birth",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email address",
    "vehicle_registration": "Vehicle registration",
    "company_name": "Company or premises name",
    "company_number": "Company number",
    "licence_number": "Licence number",
    "role": "Role (e.g. director, licence holder)",
    "associate_reference": "Reference of an associate (another row)",
}
MAX_LENGTH = {
    "reference": 100,
    "first_name": 100,
    "surname": 100,
    "address": 300,
    "email": 254,
    "company_name": 200,
    "licence_number": 50,
    "role": 100,
    "associate_reference": 100,
}
# Header words that suggest a field, for the first mapping of a new file.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "ref", "id", "nominalid", "urn", "recordid", "licenceref"),
    "first_name": ("firstname", "forename", "forenames", "givenname", "first"),
    "surname": ("surname", "lastname", "familyname", "last"),
    "date_of_birth": ("dateofbirth", "dob", "birthdate", "born"),
    "address": ("address", "addressline1", "street", "premisesaddress", "homeaddress"),
    "postcode": ("postcode", "postalcode", "pc", "post code"),
    "phone": ("phone", "telephone", "mobile", "tel", "phonenumber", "contactnumber"),
    "email": ("email", "emailaddress", "e-mail"),
    "vehicle_registration": ("vehicleregistration", "vrm", "registration", "reg", "vehiclereg"),
    "company_name": ("companyname", "company", "business", "premisesname", "tradingname"),
    "company_number": ("companynumber", "companyno", "crn", "companiesHousenumber"),
    "licence_number": ("licencenumber", "licenceno", "licence", "license", "badgenumber"),
    "role": ("role", "position", "capacity"),
    "associate_reference": ("associateof", "associate", "associateref", "linkedto"),
}

DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %m %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%Y%m%d",
    "%Y/%m/%d",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
COMPANY_NUMBER = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6})$")
VEHICLE_REGISTRATION = re.compile(r"^[A-Z0-9]{2,8}$")


class ImportFileError(ValueError):
    """The whole file cannot be read; the message says why, in words for the person importing."""


def limits() -> tuple[int, int, int]:
    return (
        int(getattr(settings, "CONVENOR_IMPORT_MAX_BYTES", 50 * 1024 * 1024)),
        int(getattr(settings, "CONVENOR_IMPORT_MAX_ROWS", 1_000_000)),
        int(getattr(settings, "CONVENOR_IMPORT_MAX_CELL", 1000)),
    )


# --- Reading --------------------------------------------------------------------------------


def decode(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, or Windows-1252."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise ImportFileError(
                "The file contains NUL characters: it is not a text (CSV) file. "
                "Save it as CSV UTF-8 or XLSX."
            )
        return text
    raise ImportFileError(
        "The file's text is neither UTF-8 nor Windows-1252. Save it as CSV UTF-8 and try again."
    )


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text[:65536].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # data rows only; file row number = index + 2
    delimiter: str = ","
    file_type: str = "csv"

    @property
    def total(self) -> int:
        return len(self.rows)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean_headers(headers: list[str]) -> list[str]:
    cleaned = [h.strip().lstrip("\ufeff") for h in headers]
    if not any(cleaned):
        raise ImportFileError("The first row must name the columns; it is empty.")
    seen: set[str] = set()
    for h in cleaned:
        if h and h in seen:
            raise ImportFileError(f"Two columns are both called “{h[:50]}”: rename one.")
        seen.add(h)
    return cleaned


def is_xlsx(file_name: str, content: bytes) -> bool:
    return content.startswith(b"PK\x03\x04") or file_name.lower().endswith((".xlsx", ".xlsm"))


def read_table(file_name: str, content: bytes) -> Table:
    """The header and data rows of a CSV or XLSX file, or ImportFileError saying what is wrong."""
    max_bytes, max_rows, max_cell = limits()
    if not content:
        raise ImportFileError("The file is empty.")
    if len(content) > max_bytes:
        raise ImportFileError(
            f"The file is {len(content) // (1024 * 1024)} MB; the most Convenor takes in one "
            f"import is {max_bytes // (1024 * 1024)} MB. Split it and import the parts."
        )
    if is_xlsx(file_name, content):
        return _read_xlsx(content, max_rows)
    text = decode(content)
    delimiter = sniff_delimiter(text)
    # A field longer than the cell limit is refused by the row check with its row and column;
    # the csv module's own limit only stops a runaway quote swallowing the whole file.
    csv.field_size_limit(max(max_cell * 4, 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, None)
        if headers is None:
            raise ImportFileError("The file is empty.")
        headers = _clean_headers(headers)
        rows = []
        for row in reader:
            if len(rows) >= max_rows:
                raise ImportFileError(
                    f"The file has more than {max_rows:,} rows; split it and import the parts."
                )
            rows.append(row)
    except csv.Error as error:
        raise ImportFileError(
            f"Row {reader.line_num}: the file cannot be read as CSV ({error}). "
            "Check for an unclosed quotation mark or a very long field."
        ) from error
    return Table(headers=headers, rows=rows, delimiter=delimiter, file_type="csv")


def _read_xlsx(content: bytes, max_rows: int) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ImportFileError(
            "The file cannot be read as an Excel workbook (XLSX). "
            "Save it again from Excel, or as CSV."
        ) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError("The workbook has no worksheet.")
        values = sheet.iter_rows(values_only=True)
        first = next(values, None)
        if first is None:
            raise ImportFileError("The first worksheet is empty.")
        headers = _clean_headers([_cell_text(v) for v in first])
        rows = []
        for row in values:
            if len(rows) >= max_rows:
                raise ImportFileError(
                    f"The worksheet has more than {max_rows:,} rows; split it and import the parts."
                )
            rows.append([_cell_text(v) for v in row])
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise ImportFileError(
            "The workbook's first worksheet cannot be read. Save it again from Excel, or as CSV."
        ) from error
    finally:
        workbook.close()
    return Table(headers=headers, rows=rows, file_type="xlsx")


# --- Mapping --------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """A first guess at which column holds which field, from the column names."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field_name, words in SYNONYMS.items():
        squashed_words = {_squash(w) for w in words}
        for header in headers:
            if header and header not in used and _squash(header) in squashed_words:
                mapping[field_name] = header
                used.add(header)
                break
    return mapping


def parse_mapping_document(text: str) -> dict[str, str]:
    """A mapping written for the CLI: YAML or JSON, ``{field: column}`` or ``{columns: {...}}``."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        try:
            document = json.loads(text)
        except ValueError:
            raise ImportFileError(f"The mapping file is not YAML or JSON: {error}") from error
    if isinstance(document, dict) and isinstance(document.get("columns"), dict):
        document = document["columns"]
    if not isinstance(document, dict):
        raise ImportFileError("The mapping must be a list of field: column name lines.")
    return {str(k): str(v) for k, v in document.items() if v not in (None, "")}


def check_mapping(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """The mapping if every field is known and every column exists; ValidationError otherwise."""
    errors = []
    clean: dict[str, str] = {}
    for field_name, column in mapping.items():
        if not column:
            continue
        if field_name not in FIELDS:
            errors.append(f"“{field_name[:50]}” is not one of Convenor's fields")
        elif column not in headers:
            errors.append(f"{FIELDS[field_name]}: the file has no column “{column[:50]}”")
        else:
            clean[field_name] = column
    if not errors and not set(clean) & {
        "surname",
        "first_name",
        "company_name",
        "company_number",
        "vehicle_registration",
        "address",
        "postcode",
    }:
        errors.append(
            "Map at least one column that names someone or something: a name, company, "
            "vehicle registration, address or postcode"
        )
    if errors:
        raise ValidationError(errors)
    return clean


# --- Validating rows ------------------------------------------------------------------------


def parse_date(text: str) -> datetime.date:
    text = re.sub(r"\s+", " ", text.strip())
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    # ISO date-times from spreadsheets (2001-02-03T00:00:00).
    match = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", text)
    if match:
        return parse_date(match.group(1))
    raise ValueError(
        f"“{text[:40]}” is not a date: use a full date such as 21/03/1987 or 1987-03-21"
    )


def normalise_phone(text: str) -> str:
    digits = re.sub(r"[\s().-]", "", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if digits.startswith("0(0)"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise ValueError(f"“{text[:40]}” is not a UK phone number: enter one like 01772 906000")
    return digits


def is_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def escape_formula(value: Any) -> Any:
    """A cell safe for a spreadsheet: text starting = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


@dataclass
class RowRecord:
    kind: str
    fields: dict[str, Any]


@dataclass
class RowResult:
    row_number: int
    reference: str = ""
    associate_reference: str = ""
    records: list[RowRecord] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, from, to)
    raw: dict[str, str] = field(default_factory=dict)
    postcode: str = ""


@dataclass
class Rejection:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


def _person_business_relation(dataset_kind: str, role: str) -> str:
    role = role.lower()
    if "director" in role or dataset_kind == "contractors":
        return "director_of"
    if "licen" in role or dataset_kind == "premises_licences":
        return "holds_licence"
    return "associate_of"


def validate_row(
    row_number: int,
    headers: list[str],
    cells: list[str],
    mapping: dict[str, str],
    dataset_kind: str,
    today: datetime.date,
) -> tuple[RowResult | None, list[Rejection]]:
    """One data row as the records it gives, or the reasons it is refused (row, column, reason).

    ``None`` with no reasons: a blank row, skipped.
    """
    _, _, max_cell = limits()
    problems: list[Rejection] = []
    if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers) :]):
        problems.append(
            Rejection(
                row_number,
                "",
                f"The row has {len(cells)} cells but the header names {len(headers)} columns",
            )
        )
    raw = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}
    if not any(v.strip() for v in raw.values()) and not problems:
        return None, []
    for column, value in raw.items():
        if len(value) > max_cell:
            problems.append(
                Rejection(
                    row_number,
                    column,
                    f"The cell has {len(value):,} characters; the most allowed is {max_cell:,}",
                )
            )
    if problems:
        return None, problems

    values: dict[str, str] = {}
    for field_name, column in mapping.items():
        value = re.sub(r"\s+", " ", raw.get(column, "")).strip()
        values[field_name] = value

    def reject(field_name: str, reason: str) -> None:
        problems.append(Rejection(row_number, mapping.get(field_name, field_name), reason))

    for field_name, limit in MAX_LENGTH.items():
        if len(values.get(field_name, "")) > limit:
            reject(field_name, f"Longer than {limit} characters")
            values[field_name] = ""

    date_of_birth = None
    if values.get("date_of_birth"):
        try:
            date_of_birth = parse_date(values["date_of_birth"])
        except ValueError as error:
            reject("date_of_birth", str(error))
            date_of_birth = None
        else:
            if date_of_birth > today:
                reject("date_of_birth", f"{date_of_birth:%d/%m/%Y} is in the future")
            elif date_of_birth.year < 1900:
                reject("date_of_birth", f"{date_of_birth:%d/%m/%Y} is before 1900")
    postcode = ""
    if values.get("postcode"):
        try:
            postcode = normalise_postcode(values["postcode"])
        except PostcodeError as error:
            reject("postcode", str(error))
    phone = ""
    if values.get("phone"):
        try:
            phone = normalise_phone(values["phone"])
        except ValueError as error:
            reject("phone", str(error))
    email = values.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reject("email", f"“{email[:60]}” is not an email address")
            email = ""
    registration = re.sub(r"[\s-]", "", values.get("vehicle_registration", "")).upper()
    if registration and not VEHICLE_REGISTRATION.fullmatch(registration):
        reject("vehicle_registration", f"“{registration[:20]}” is not a vehicle registration")
        registration = ""
    company_number = re.sub(r"\s", "", values.get("company_number", "")).upper()
    if company_number.isdigit() and len(company_number) < 8:
        company_number = company_number.zfill(8)
    if company_number and not COMPANY_NUMBER.fullmatch(company_number):
        reject(
            "company_number",
            f"“{company_number[:20]}” is not a Companies House number (8 digits, or 2 "
            "letters and 6 digits)",
        )
        company_number = ""

    address = values.get("address", "")
    first_name, surname = values.get("first_name", ""), values.get("surname", "")
    company_name = values.get("company_name", "")
    role = values.get("role", "")
    result = RowResult(
        row_number=row_number,
        reference=values.get("reference", ""),
        associate_reference=values.get("associate_reference", ""),
        raw=raw,
        postcode=postcode,
    )
    common = {"reference": result.reference, "role": role}
    location = {"address": address, "postcode": postcode}
    person = business = vehicle = place = None
    if first_name or surname:
        person = RowRecord(
            "person",
            {
                **common,
                **location,
                "first_name": first_name,
                "surname": surname,
                "date_of_birth": date_of_birth,
                "phone": phone,
                "email": email,
                "vehicle_registration": registration,
                "licence_number": values.get("licence_number", ""),
            },
        )
    elif date_of_birth:
        reject("date_of_birth", "A date of birth needs a first name or surname in the row")
        return None, problems
    if company_name or company_number:
        business = RowRecord(
            "business",
            {
                **common,
                **location,
                "company_name": company_name,
                "company_number": company_number,
                "licence_number": "" if person else values.get("licence_number", ""),
                "phone": "" if person else phone,
                "email": "" if person else email,
            },
        )
    if registration:
        vehicle = RowRecord("vehicle", {**common, "vehicle_registration": registration})
    if address or postcode:
        place = RowRecord("address", {**common, **location})
    result.records = [r for r in (person, business, vehicle, place) if r is not None]
    if not result.records and not problems:
        problems.append(
            Rejection(
                row_number,
                "",
                "Nothing to import: the row names no person, business, vehicle or address",
            )
        )
        return None, problems
    holder = "person" if person else ("business" if business else None)
    if person and business:
        result.relations.append(
            (_person_business_relation(dataset_kind, role), "person", "business")
        )
    if holder and vehicle:
        result.relations.append(("drives", holder, "vehicle"))
    if holder and place:
        result.relations.append(("lives_at", holder, "address"))
    if not result.records:
        return None, problems
    return result, problems


def validate_rows(
    table: Table,
    mapping: dict[str, str],
    dataset_kind: str,
    today: datetime.date,
    progress=None,
) -> tuple[list[RowResult], list[Rejection]]:
    """Every row checked; the good ones as records, every bad one with row, column and reason."""
    results: list[RowResult] = []
    rejections: list[Rejection] = []
    references: dict[str, int] = {}
    has_person: dict[str, bool] = {}
    for index, cells in enumerate(table.rows):
        row_number = index + 2
        result, problems = validate_row(
            row_number, table.headers, cells, mapping, dataset_kind, today
        )
        rejections.extend(problems)
        if result is not None:
            if result.reference:
                if result.reference in references:
                    rejections.append(
                        Rejection(
                            row_number,
                            mapping["reference"],
                            f"Reference “{result.reference[:40]}” is also on row "
                            f"{references[result.reference]}",
                        )
                    )
                references.setdefault(result.reference, row_number)
                has_person.setdefault(
                    result.reference, any(r.kind == "person" for r in result.records)
                )
            results.append(result)
        if progress is not None and (index + 1) % 500 == 0:
            progress(index + 1)
    for result in results:
        wanted = result.associate_reference
        if not wanted:
            continue
        if wanted not in references:
            rejections.append(
                Rejection(
                    result.row_number,
                    mapping["associate_reference"],
                    f"No row has the reference “{wanted[:40]}”",
                )
            )
        elif not any(r.kind == "person" for r in result.records) or not has_person[wanted]:
            rejections.append(
                Rejection(
                    result.row_number,
                    mapping["associate_reference"],
                    "An associate is a person: both rows need a first name or surname",
                )
            )
        elif wanted == result.reference:
            rejections.append(
                Rejection(
                    result.row_number,
                    mapping["associate_reference"],
                    "A row cannot be its own associate",
                )
            )
    rejections.sort(key=lambda r: (r.row, r.column))
    return results, rejections


def iter_preview(table: Table, limit: int = 5) -> Iterator[dict[str, str]]:
    for cells in table.rows[:limit]:
        yield {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(table.headers)}
