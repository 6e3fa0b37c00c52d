"""Reading a CSV or XLSX file into a header row and the rows under it.

`read_table(filename, content)` takes the first sheet of an XLSX workbook (openpyxl in
read-only mode: rows are streamed, formulas read as their cached values) or a CSV file
(UTF-8 with or without a byte-order mark; comma, semicolon or tab, guessed from the first
4 kB). Blank rows are skipped; the first non-blank row is the header; every cell is text,
stripped, with the leading quote of a guarded export cell taken off (guard.restore).
Anything that stops the file being read raises ReadError, whose `code` says what
(pave.interop.messages words it for people, in their language).

Limits, so that no file can exhaust memory or time (docs/security.md, "Uploads"): the file
itself (`max_bytes`); for XLSX, before openpyxl parses anything, the zip directory is checked:
the parts' declared unpacked sizes (zipfile never inflates a part beyond its declared size, so
the sum bounds what parsing can see), their number and each part's compression ratio; then,
while rows stream, the rows, the columns read, the non-empty cells and each cell's length. A
limit exceeded raises `LimitExceeded` (a ReadError), which the web and API answer with 413.

Pure Python (and openpyxl): no Django, no PAVE imports.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pave.interop.tabular.guard import restore

MAX_BYTES = 1_000_000
MAX_ROWS = 5000
# XLSX: what its zip directory may declare. A 5000-row sheet of 12 columns unpacks to 3 MB at
# a ratio of 13; a 400 MB shared string compresses to 390 kB (ratio 1000).
MAX_UNPACKED_BYTES = 25_000_000
MAX_PARTS = 500
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1_000_000  # smaller parts may compress as well as they like
# Any table: its width, its non-empty cells, the text in one cell.
MAX_COLUMNS = 200
MAX_CELLS = 250_000
MAX_CELL_CHARS = 10_000
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
        "unpacked_too_large": "Unpacked, the workbook is larger than {limit_mb} MB.",
        "too_many_parts": "The workbook has more than {limit} parts.",
        "compression_ratio": "A part of the workbook is compressed more than {limit} times.",
        "too_many_columns": "More than {max_columns} columns.",
        "too_many_cells": "More than {max_cells} filled cells.",
        "cell_too_long": "Row {row}: a cell holds more than {max_chars} characters.",
    }

    def __init__(self, code: str, **params: Any):
        super().__init__(self.CODES[code].format(**params))
        self.code = code
        self.params = params


class LimitExceeded(ReadError):
    """The file is refused for its size, unpacked or as a table, before it is read whole."""

    LIMIT_CODES = frozenset(
        {
            "too_large",
            "unpacked_too_large",
            "too_many_parts",
            "compression_ratio",
            "too_many_rows",
            "too_many_columns",
            "too_many_cells",
            "cell_too_long",
        }
    )


def _refuse(code: str, **params: Any) -> ReadError:
    """The error for `code`: LimitExceeded for a limit, ReadError otherwise."""
    kind = LimitExceeded if code in LimitExceeded.LIMIT_CODES else ReadError
    return kind(code, **params)


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
        raise _refuse("too_large", limit_kb=max_bytes // 1000)
    if not content.strip():
        raise _refuse("empty")
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


def xlsx_check(content: bytes, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
    """Refuse a workbook whose zip directory declares too much, before anything is inflated.

    zipfile stops inflating a part at the size the directory declares (and then fails its
    CRC check), so a part that lies about its size cannot unpack to more than it declared.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _refuse("not_xlsx") from exc
    if len(parts) > MAX_PARTS:
        raise _refuse("too_many_parts", limit=MAX_PARTS)
    if sum(part.file_size for part in parts) > max_unpacked:
        raise _refuse("unpacked_too_large", limit_mb=max_unpacked // 1_000_000)
    for part in parts:
        if part.file_size > RATIO_CHECKED_FROM and (
            part.file_size > MAX_RATIO * max(part.compress_size, 1)
        ):
            raise _refuse("compression_ratio", limit=MAX_RATIO)


def read_xlsx(content: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    xlsx_check(content)
    from openpyxl import load_workbook  # noqa: PLC0415 - slow to import; only workbooks need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise _refuse("not_xlsx") from exc
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared dimension is not trusted: openpyxl would pad every row to it
        # (A1:XFD1048576 is a million rows of 16,384 cells). Rows are read as they are in
        # the file, at most one column past the limit (to see whether something is there).
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        return _table(_xlsx_rows(rows), max_rows)
    finally:
        workbook.close()


def _xlsx_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(rows, start=1):
        if not any(value is not None for value in values):
            yield number, []
            continue
        if len(values) > MAX_COLUMNS and values[MAX_COLUMNS] is not None:
            raise _refuse("too_many_columns", max_columns=MAX_COLUMNS)
        cells = [cell_text(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        yield number, cells


def read_csv(content: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse("not_utf8") from exc
    try:
        dialect: Any = csv.Sniffer().sniff(text[:CSV_SNIFF_CHARS], delimiters=CSV_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _table(_numbered(reader), max_rows)
    except csv.Error as exc:
        raise _refuse("damaged_csv", detail=exc) from exc


def _numbered(reader: Iterable[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in enumerate(reader, start=1):
        if len(cells) > MAX_COLUMNS:
            raise _refuse("too_many_columns", max_columns=MAX_COLUMNS)
        yield number, [cell_text(cell) for cell in cells]


def _table(raw_rows: Iterable[tuple[int, list[str]]], max_rows: int) -> Table:
    header_row, headers, rows = 0, list[str](), list[tuple[int, list[str]]]()
    filled = 0
    for number, cells in raw_rows:
        if not any(cells):
            continue
        for cell in cells:
            if len(cell) > MAX_CELL_CHARS:
                raise _refuse("cell_too_long", row=number, max_chars=MAX_CELL_CHARS)
        filled += sum(1 for cell in cells if cell)
        if filled > MAX_CELLS:
            raise _refuse("too_many_cells", max_cells=MAX_CELLS)
        if not headers:
            header_row, headers = number, cells
            continue
        rows.append((number, cells + [""] * (len(headers) - len(cells))))
        if len(rows) > max_rows:
            raise _refuse("too_many_rows", max_rows=max_rows)
    if not headers:
        raise _refuse("no_header")
    return Table(header_row, headers, rows)
