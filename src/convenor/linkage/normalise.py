"""Normalisers for the fields partner datasets share: names, dates of birth, UK postcodes and phone
numbers, e-mail addresses, vehicle registrations, Companies House numbers, licence numbers and
addresses.

Every normaliser takes whatever a partner's file holds (a string, a number, None, NaN, a date) and
returns the field's canonical form or None when nothing usable is left. None of them raises, and
each is idempotent: normalising a normalised value changes nothing.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
import zlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

# The columns a record may carry (all optional except record_id).
RECORD_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "kind",
    "first_name",
    "surname",
    "date_of_birth",
    "postcode",
    "phone",
    "email",
    "vehicle_registration",
    "company_name",
    "company_number",
    "licence_number",
    "address",
)
KINDS: tuple[str, ...] = ("person", "business", "vehicle", "address")

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "lord"})
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_COMPANY_WORDS = {
    "limited": "ltd",
    "ltd": "ltd",
    "plc": "plc",
    "llp": "llp",
    "company": "co",
    "co": "co",
    "and": "and",
}
_COMPANY_SUFFIXES = ("ltd", "plc", "llp", "co")
_ADDRESS_WORDS = {
    "road": "rd",
    "street": "st",
    "avenue": "ave",
    "lane": "ln",
    "drive": "dr",
    "close": "cl",
    "court": "ct",
    "crescent": "cres",
    "place": "pl",
    "square": "sq",
    "terrace": "ter",
    "gardens": "gdns",
    "flat": "flat",
    "apartment": "flat",
}


def _text(value: Any) -> str | None:
    """A value as stripped text, or None for None, NaN, pandas' NA and empty strings."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        text = str(value)
    except Exception:  # noqa: BLE001 — a value whose str() fails carries nothing usable
        return None
    if text in {"nan", "NaN", "<NA>", "NaT", "None"}:
        return None
    text = text.replace("\x00", "").strip()
    return text or None


def _ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=200_000)
def _normalise_name(text: str) -> str | None:
    folded = _ascii_fold(text).lower()
    folded = re.sub(r"['’`]", "", folded)  # O'Brien -> obrien
    folded = re.sub(r"[^a-z]+", " ", folded)  # hyphens, dots, digits -> space
    words = folded.split()
    while words and words[0] in _TITLES:
        words = words[1:]
    return " ".join(words) or None


def normalise_name(value: Any) -> str | None:
    """A first name or surname: lower case, accents folded, apostrophes dropped, other punctuation
    as spaces, leading titles (Mr, Mrs, Dr...) removed. "  Dr  Siân O'Brien-Smith" becomes
    "sian obrien smith"."""
    text = _text(value)
    return None if text is None else _normalise_name(text)


@lru_cache(maxsize=200_000)
def _normalise_postcode(text: str) -> str | None:
    cleaned = re.sub(r"[^A-Z0-9]", "", _ascii_fold(text).upper())
    if len(cleaned) >= 5:
        outward, inward = cleaned[:-3], cleaned[-3:]
        # The inward code starts with a digit: a letter O or I there is a mistyped 0 or 1.
        inward = {"O": "0", "I": "1"}.get(inward[0], inward[0]) + inward[1:]
        match = _POSTCODE.match(outward + inward)
        if match:
            return f"{match.group(1)} {match.group(2)}"
    if _OUTWARD.match(cleaned):
        return cleaned  # only the outward code (district) is known
    return None


def normalise_postcode(value: Any) -> str | None:
    """A UK postcode as "PR1 2HE" (upper case, one space before the inward code); an outward code
    alone ("PR1") is kept; anything else is None."""
    text = _text(value)
    return None if text is None else _normalise_postcode(text)


def postcode_sector(postcode: str | None) -> str | None:
    """ "PR1 2HE" -> "PR1 2"."""
    return postcode[:-2] if postcode and " " in postcode else None


def postcode_district(postcode: str | None) -> str | None:
    """ "PR1 2HE" -> "PR1"."""
    return postcode.split(" ")[0] if postcode else None


@lru_cache(maxsize=200_000)
def _normalise_phone(text: str) -> str | None:
    international = text.lstrip().startswith("+") or text.lstrip().startswith("00")
    digits = re.sub(r"\D", "", text)
    if text.lstrip().startswith("00"):
        digits = digits[2:]
    if international or (digits.startswith("44") and len(digits) in (11, 12)):
        if digits.startswith("44"):
            national = digits[2:]
            if national.startswith("0"):  # "+44 (0)7700 900123"
                national = national[1:]
            digits = "0" + national
        elif international and len(digits) >= 7:
            return "+" + digits
        else:
            return None
    if digits.startswith("0") and len(digits) in (10, 11):
        return digits
    if not digits.startswith("0") and len(digits) == 10 and digits[0] in "123578":
        return "0" + digits  # national number with its leading 0 lost (e.g. a spreadsheet)
    return None


def normalise_phone(value: Any) -> str | None:
    """A UK phone number in national format, digits only: "+44 (0)7700 900123", "07700-900123" and
    "447700900123" all become "07700900123"; other countries' numbers keep "+" and their digits;
    anything else is None."""
    text = _text(value)
    if text is None:
        return None
    if text.endswith(".0") and text[:-2].isdigit():  # a number read by a spreadsheet as a float
        text = text[:-2]
    return _normalise_phone(text)


def _valid_date(year: int, month: int, day: int) -> str | None:
    if not 1880 <= year <= 2100:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _four_digit_year(year: str) -> int:
    number = int(year)
    if len(year) == 2:
        this_year = datetime.date.today().year % 100
        return 2000 + number if number <= this_year else 1900 + number
    return number


@lru_cache(maxsize=200_000)
def _normalise_date(text: str) -> str | None:
    text = text.strip().lower()
    text = re.sub(r"[t ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?$", "", text)
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if match:  # ISO order: 1984-07-02, 1984/7/2
        return _valid_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = re.fullmatch(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})", text)
    if match:  # UK order: day first
        year = _four_digit_year(match.group(3))
        return _valid_date(year, int(match.group(2)), int(match.group(1)))
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match:  # 19840702
        return _valid_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?[-/ ,]*([a-z]+)\.?[-/ ,]*(\d{4}|\d{2})", text)
    if match and match.group(2) in _MONTHS:  # 2 July 1984, 02-Jul-84
        year = _four_digit_year(match.group(3))
        return _valid_date(year, _MONTHS[match.group(2)], int(match.group(1)))
    match = re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", text)
    if match and match.group(1) in _MONTHS:  # July 2, 1984
        return _valid_date(int(match.group(3)), _MONTHS[match.group(1)], int(match.group(2)))
    return None


def normalise_date(value: Any) -> str | None:
    """A date (of birth) as ISO 8601 "1984-07-02". Reads ISO dates and timestamps, UK day-first
    dates ("02/07/1984", "2.7.84", "2 July 1984", "02-Jul-1984"), "19840702" and "July 2, 1984";
    impossible dates (31 February) and years outside 1880-2100 are None."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return _valid_date(value.year, value.month, value.day)
    text = _text(value)
    return None if text is None else _normalise_date(text)


def normalise_email(value: Any) -> str | None:
    """An e-mail address in lower case without spaces or a "mailto:"; None unless it has one "@"
    and a dotted domain."""
    text = _text(value)
    if text is None:
        return None
    text = re.sub(r"\s+", "", text.lower())
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    text = text.strip("<>")
    local, at, domain = text.partition("@")
    if not at or not local or "@" in domain or "." not in domain.strip("."):
        return None
    return text


def normalise_vehicle_registration(value: Any) -> str | None:
    """A vehicle registration mark, upper case without spaces or punctuation: "ab12 cde" becomes
    "AB12CDE"; None when it is not 2 to 8 letters and digits."""
    text = _text(value)
    if text is None:
        return None
    cleaned = re.sub(r"[^A-Z0-9]", "", _ascii_fold(text).upper())
    return cleaned if 2 <= len(cleaned) <= 8 else None


def normalise_company_number(value: Any) -> str | None:
    """A Companies House number as its 8 characters: "123456" becomes "00123456", "sc 12345"
    becomes "SC012345"; None when it cannot be one."""
    text = _text(value)
    if text is None:
        return None
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    cleaned = re.sub(r"[^A-Z0-9]", "", _ascii_fold(text).upper())
    match = re.fullmatch(r"([A-Z]{2})?(\d{1,8})", cleaned)
    if not match:
        return None
    prefix, digits = match.group(1) or "", match.group(2)
    width = 8 - len(prefix)
    if len(digits) > width:
        return None
    return prefix + digits.zfill(width)


@lru_cache(maxsize=200_000)
def _normalise_company_name(text: str) -> str | None:
    folded = _ascii_fold(text).lower().replace("&", " and ")
    folded = re.sub(r"['’`]", "", folded)
    words = re.sub(r"[^a-z0-9]+", " ", folded).split()
    words = [_COMPANY_WORDS.get(word, word) for word in words]
    if words and words[0] == "the":
        words = words[1:]
    while words and words[-1] in _COMPANY_SUFFIXES:
        words = words[:-1]
    return " ".join(words) or None


def normalise_company_name(value: Any) -> str | None:
    """A business name for comparison: lower case, "&" as "and", a leading "The" and trailing
    "Limited"/"Ltd"/"PLC"/"LLP"/"Co" dropped. "The Acme Scrap Metal Co. Limited" becomes
    "acme scrap metal"."""
    text = _text(value)
    return None if text is None else _normalise_company_name(text)


def normalise_licence_number(value: Any) -> str | None:
    """A licence number (driving, premises, scrap metal dealer...): upper-case letters, digits."""
    text = _text(value)
    if text is None:
        return None
    cleaned = re.sub(r"[^A-Z0-9]", "", _ascii_fold(text).upper())
    return cleaned or None


@lru_cache(maxsize=200_000)
def _normalise_address(text: str) -> str | None:
    folded = _ascii_fold(text).lower()
    folded = re.sub(r"['’`]", "", folded)
    words = re.sub(r"[^a-z0-9]+", " ", folded).split()
    words = [_ADDRESS_WORDS.get(word, word) for word in words]
    return " ".join(words) or None


def normalise_address(value: Any) -> str | None:
    """An address line for comparison: lower case, punctuation as spaces, common street words
    abbreviated ("Road" -> "rd", "Street" -> "st")."""
    text = _text(value)
    return None if text is None else _normalise_address(text)


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=200_000)
def name_variants(first_name: str | None) -> list[str] | None:
    """A normalised first name with the full names it may be a nickname of (the `nicknames`
    dataset): "bill" -> ["bill", "will", "william", ...]. Two first names that share a variant
    may be one person's."""
    if not first_name:
        return None
    return sorted({first_name} | set(_nicknamer().canonicals_of(first_name)))


@lru_cache(maxsize=200_000)
def sound_of(name: str | None) -> str | None:
    """A name's phonetic code (metaphone): "matthews" and "mathews" sound alike."""
    if not name:
        return None
    import jellyfish

    return jellyfish.metaphone(name.replace(" ", "")) or None


_FLAT = re.compile(r"\b(?:flat|unit|apt)\s+\w+\b")
_HOUSE_NUMBER = re.compile(r"\b(\d+[a-z]?)\s+[a-z]")


@lru_cache(maxsize=200_000)
def address_parts(address: str | None) -> tuple[str | None, str | None]:
    """A normalised address line as its house number (the first number before a word, a flat's
    number left out) and its words without the flat and the numbers:
    "flat 3 12 church rd" -> ("12", "church rd"). A flat number is often dropped by one partner
    and kept by another, so neither part carries it."""
    if not address:
        return None, None
    without_flat = _FLAT.sub(" ", address)
    match = _HOUSE_NUMBER.search(without_flat)
    words = " ".join(word for word in without_flat.split() if not word[0].isdigit())
    return (match.group(1) if match else None), (words or None)


@lru_cache(maxsize=200_000)
def address_tokens(address: str | None) -> list[str] | None:
    """The distinct words and numbers of a normalised address line, a flat's number left out:
    two lines of one home written differently ("75 brooklyn wa 4171" and "75 scantlebury cres
    brooklyn wa 4171") still share most of them, in whatever order and with one word mistyped."""
    if not address:
        return None
    return sorted(set(_FLAT.sub(" ", address).split())) or None


def token_bits(tokens: list[str] | None) -> int | None:
    """A 63-bit signature of a set of words: one bit per word, by a stable hash (two words may
    fall on one bit)."""
    if not tokens:
        return None
    bits = 0
    for token in tokens:
        bits |= 1 << (zlib.crc32(token.encode()) % 63)
    return bits


def normalise_text(value: Any) -> str | None:
    """Identifiers such as record_id and source: stripped text, or None."""
    return _text(value)


def infer_kind(record: Mapping[str, Any]) -> str:
    """The record's kind when the partner file does not say: a person when it names one, else a
    business, a vehicle or an address by the fields it has."""
    kind = (_text(record.get("kind")) or "").lower()
    if kind in KINDS:
        return kind
    if record.get("first_name") or record.get("surname") or record.get("date_of_birth"):
        return "person"
    if record.get("company_name") or record.get("company_number"):
        return "business"
    if record.get("vehicle_registration"):
        return "vehicle"
    return "address" if record.get("address") or record.get("postcode") else "person"


NORMALISERS = {
    "record_id": normalise_text,
    "source": normalise_text,
    "first_name": normalise_name,
    "surname": normalise_name,
    "date_of_birth": normalise_date,
    "postcode": normalise_postcode,
    "phone": normalise_phone,
    "email": normalise_email,
    "vehicle_registration": normalise_vehicle_registration,
    "company_name": normalise_company_name,
    "company_number": normalise_company_number,
    "licence_number": normalise_licence_number,
    "address": normalise_address,
}


def normalise_record(record: Mapping[str, Any]) -> dict[str, str | None]:
    """Every known column of one record in its canonical form (missing columns are None), with
    `kind` filled in. Unknown columns are dropped."""
    normalised: dict[str, str | None] = {
        column: normalise(record.get(column)) for column, normalise in NORMALISERS.items()
    }
    normalised["kind"] = infer_kind({**record, **normalised})
    return {column: normalised[column] for column in RECORD_COLUMNS}
