"""Which column of a file holds which of Convenor's fields: a first guess from the column names,
the mapping written for the CLI, and the check before an import starts."""

from __future__ import annotations

import json
import re

import yaml
from django.core.exceptions import ValidationError

from .files import ImportFileError

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


def starting_mapping(saved: dict[str, str], headers: list[str]) -> dict[str, str]:
    """What the mapping form starts from: the dataset's saved mapping if it names one of the
    file's columns, otherwise a guess from the column names."""
    if saved and set(saved.values()) & set(headers):
        return saved
    return suggest_mapping(headers)


def mapping_document(dataset_pk: int, mapping: dict[str, str]) -> str:
    """A dataset's saved mapping as the YAML ``convenor import --mapping`` reads back."""
    return (
        f"# convenor import FILE --dataset {dataset_pk} --mapping this-file.yaml --user USERNAME\n"
        + yaml.safe_dump({"columns": mapping}, allow_unicode=True, sort_keys=False)
    )


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
