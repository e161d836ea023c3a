"""Validating every row of a file into the records it will become, or the reasons (row, column,
reason) it is refused. Nothing here writes to the database."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from convenor.core.areas import normalise_postcode

from .files import Table, limits

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
COMPANY_NUMBER = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6})$")
VEHICLE_REGISTRATION = re.compile(r"^[A-Z0-9]{2,8}$")


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
    normalised = {"postcode": "", "phone": ""}
    for field_name, normalise in (("postcode", normalise_postcode), ("phone", normalise_phone)):
        if values.get(field_name):
            try:
                normalised[field_name] = normalise(values[field_name])
            except ValueError as error:  # PostcodeError is a ValueError
                reject(field_name, str(error))
    postcode, phone = normalised["postcode"], normalised["phone"]
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
