"""Reading a CSV or XLSX file into a header row and the rows under it.

`read_table(filename, content)` takes the first sheet of an XLSX workbook (openpyxl in
read-only mode: rows are streamed, formulas read as their cached values) or a CSV file
(UTF-8 with or without a byte-order mark; comma, semicolon or tab, guessed from the first
4 kB). Blank rows are skipped; the first non-blank row is the header; every cell is text,
stripped, with the leading quote of a guarded export cell taken off (guard.restore).
Anything that stops the file being read raises ReadError, whose `code` says what
(pave.interop.messages words it for people, in their language).

Pure Python (and openpyxl): no Django, no PAVE imports.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pave.interop.tabular.guard import restore

MAX_BYTES = 1_000_000
MAX_ROWS = 5000
CSV_SNIFF_CHARS = 4096
CSV_DELIMITERS = ",;\t"


class ReadError(Exception):
    """The file cannot be read as a table. `code` is one of CODES, `params` fill its message."""

    CODES = {
        "too_large": "The file is larger than {limit_kb} kB.",
        "empty": "The file is empty.",
        "not_xlsx": "This is not an XLSX file that can be read.",
        "not_utf8": "The file is not UTF-8 text: save it as “CSV UTF-8” and retry.",
        "damaged_csv": "The CSV file is damaged: {detail}",
        "too_many_rows": "More than {max_rows} rows.",
        "no_header": "The file has no header row.",
    }

    def __init__(self, code: str, **params: Any):
        super().__init__(self.CODES[code].format(**params))
        self.code = code
        self.params = params


@dataclass
class Table:
    """A sheet: the header's row number (1-based, as the spreadsheet shows it), the header
    cells, and each row under it as (row number, cells padded to the header's width)."""

    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(
    filename: str, content: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> Table:
    """The first sheet of an XLSX file (by its name or its zip signature), else a CSV file."""
    if len(content) > max_bytes:
        raise ReadError("too_large", limit_kb=max_bytes // 1000)
    if not content.strip():
        raise ReadError("empty")
    if is_xlsx(filename, content):
        return read_xlsx(content, max_rows=max_rows)
    return read_csv(content, max_rows=max_rows)


def is_xlsx(filename: str, content: bytes) -> bool:
    return content[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm"))


def cell_text(value: Any) -> str:
    """A cell as the text a person typed: dates as ISO dates, whole floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore(str(value).strip())


def read_xlsx(content: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    from openpyxl import load_workbook  # noqa: PLC0415 - slow to import; only workbooks need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError("not_xlsx") from exc
    try:
        sheet = workbook.worksheets[0]
        return _table(
            (
                (number, [cell_text(value) for value in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ),
            max_rows,
        )
    finally:
        workbook.close()


def read_csv(content: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError("not_utf8") from exc
    try:
        dialect: Any = csv.Sniffer().sniff(text[:CSV_SNIFF_CHARS], delimiters=CSV_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _table(_numbered(reader), max_rows)
    except csv.Error as exc:
        raise ReadError("damaged_csv", detail=exc) from exc


def _numbered(reader: Iterable[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in enumerate(reader, start=1):
        yield number, [cell_text(cell) for cell in cells]


def _table(raw_rows: Iterable[tuple[int, list[str]]], max_rows: int) -> Table:
    header_row, headers, rows = 0, list[str](), list[tuple[int, list[str]]]()
    for number, cells in raw_rows:
        if not any(cells):
            continue
        if not headers:
            header_row, headers = number, cells
            continue
        rows.append((number, cells + [""] * (len(headers) - len(cells))))
        if len(rows) > max_rows:
            raise ReadError("too_many_rows", max_rows=max_rows)
    if not headers:
        raise ReadError("no_header")
    return Table(header_row, headers, rows)
