"""Writing a header and rows as CSV, XLSX or JSON bytes.

CSV is UTF-8 with a byte-order mark (so that spreadsheet programs read Arabic correctly),
comma-separated, CRLF line ends; None is an empty cell. XLSX is one sheet written by openpyxl
in write-only mode (rows streamed to the file, not held as cell objects); numbers stay
numeric cells, None an empty cell. Every string cell of both goes through guard.neutralise
(see pave.interop.tabular.guard): text starting with =, +, -, @, tab or carriage return gets
a leading quote. JSON is UTF-8, indented, non-ASCII kept as is.

Pure Python (and openpyxl): no Django, no PAVE imports.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from pave.interop.tabular.guard import NUMBERS, neutralise

BOM = "\ufeff"
# Characters Excel refuses in a sheet's name, and the longest name it accepts.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_TITLE_MAX = 31


def csv_cell(value: Any) -> Any:
    """A value as the csv module should write it: numbers as they are, the rest guarded text."""
    if value is None:
        return ""
    if isinstance(value, NUMBERS):
        return value
    return neutralise(str(value))


def xlsx_cell(value: Any) -> Any:
    """A value as openpyxl should write it: numbers, booleans and dates as such, the rest
    guarded text (so that openpyxl never stores text as a formula)."""
    if value is None or isinstance(value, (*NUMBERS, datetime.date, datetime.time)):
        return value
    return neutralise(str(value))


def write_csv(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(value) for value in headers])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def sheet_title(title: str, default: str = "Sheet") -> str:
    """`title` as Excel accepts a sheet's name (forbidden characters as spaces, 31 at most)."""
    return _SHEET_TITLE_FORBIDDEN.sub(" ", title)[:SHEET_TITLE_MAX] or default


def write_xlsx(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    default_title: str = "Sheet",
) -> bytes:
    """A workbook of one sheet named `title` (made acceptable by sheet_title)."""
    from openpyxl import Workbook  # noqa: PLC0415 - slow to import; only workbooks need it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title, default_title))
    sheet.append([xlsx_cell(value) for value in headers])
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_text(data: Any) -> str:
    """`data` as indented JSON text; Decimals as numbers, dates and times as ISO strings."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def write_json(data: Any) -> bytes:
    return json_text(data).encode("utf-8")
