"""Reading partner files: decoding, tabulating, mapping columns to Convenor's fields, and
validating every row into the records it will become.

One module per step: ``files`` (reading), ``mapping`` (columns to fields) and ``rows``
(validating). Nothing here writes to the database: :func:`convenor.threat.services.run_import` calls
:func:`read_table` and :func:`validate_rows`, and writes only when every row is good.

* Encodings: UTF-8 (with or without BOM), UTF-16 with a BOM, Windows-1252.
* Delimiters: comma, semicolon, tab or pipe, sniffed from the first lines.
* XLSX: the first worksheet (openpyxl, read-only, values not formulas).
* Cells starting ``=``, ``+``, ``-`` or ``@`` are kept as plain text; :func:`escape_formula`
  neutralises them in every export.
* Limits: file size, rows, characters per cell (settings ``CONVENOR_IMPORT_MAX_BYTES``,
  ``CONVENOR_IMPORT_MAX_ROWS``, ``CONVENOR_IMPORT_MAX_CELL``).
"""

from .files import (
    FORMULA_PREFIXES,
    ImportFileError,
    Table,
    decode,
    escape_formula,
    is_formula,
    is_xlsx,
    iter_preview,
    limits,
    read_table,
    sniff_delimiter,
)
from .mapping import (
    FIELDS,
    SYNONYMS,
    check_mapping,
    mapping_document,
    parse_mapping_document,
    starting_mapping,
    suggest_mapping,
)
from .rows import (
    MAX_LENGTH,
    Rejection,
    RowRecord,
    RowResult,
    normalise_phone,
    parse_date,
    validate_row,
    validate_rows,
)

__all__ = [
    "FIELDS",
    "FORMULA_PREFIXES",
    "MAX_LENGTH",
    "SYNONYMS",
    "ImportFileError",
    "Rejection",
    "RowRecord",
    "RowResult",
    "Table",
    "check_mapping",
    "decode",
    "escape_formula",
    "is_formula",
    "is_xlsx",
    "iter_preview",
    "limits",
    "mapping_document",
    "normalise_phone",
    "parse_date",
    "parse_mapping_document",
    "read_table",
    "sniff_delimiter",
    "starting_mapping",
    "suggest_mapping",
    "validate_row",
    "validate_rows",
]
