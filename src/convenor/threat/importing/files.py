"""Reading a partner file into a table: encodings, delimiters, XLSX, limits, and the formula
escaping every export applies to what came from a file."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(ValueError):
    """The whole file cannot be read; the message says why, in words for the person importing."""


def limits() -> tuple[int, int, int]:
    return (
        int(getattr(settings, "CONVENOR_IMPORT_MAX_BYTES", 50 * 1024 * 1024)),
        int(getattr(settings, "CONVENOR_IMPORT_MAX_ROWS", 1_000_000)),
        int(getattr(settings, "CONVENOR_IMPORT_MAX_CELL", 1000)),
    )


def is_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def escape_formula(value: Any) -> Any:
    """A cell safe for a spreadsheet: text starting = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


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


def iter_preview(table: Table, limit: int = 5) -> Iterator[dict[str, str]]:
    for cells in table.rows[:limit]:
        yield {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(table.headers)}
