"""Sign-in sheets: reading participants from CSV or XLSX.

Reading is in two steps, neither of which writes anything: `read_table` turns the file into
a header and rows (the file formats are pave.interop.tabular's), `parse_table` turns rows into
participant data, attendance marks and test scores and lists every problem it finds (row
number as in the spreadsheet, column as headed in the file, message). Matching against
existing participants and writing are the service's (services.participants_import), all or
nothing.

Headers are recognised in English, French and Arabic, whatever their case, accents or
punctuation (docs/training.md lists them). Attendance is one column per session: "Session 1",
"Day 2", "Séance 3", "الجلسة 1", a session's date (2014-06-10) or its title; or one "Present"
column when the sheet is for a single session.

The modules: `vocabulary` (headers and cell values in three languages), `records` (the
importer's data), `columns` (recognising the header), `rows` (reading each row).
"""

from __future__ import annotations

from pave.interop import tabular
from pave.interop.messages import read_error_message
from pave.interop.tabular import MAX_BYTES, MAX_ROWS, LimitExceeded, Table
from pave.training.importers.columns import map_columns, target_session
from pave.training.importers.records import Columns, Defaults, Problem, SessionRef, SheetRow
from pave.training.importers.rows import MAX_TEXT, parse_table
from pave.training.importers.vocabulary import (
    COLUMNS,
    parse_country,
    parse_group,
    parse_score,
    parse_sex,
    parse_yes_no,
)

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_TEXT",
    "Columns",
    "Defaults",
    "LimitExceeded",
    "Problem",
    "SessionRef",
    "SheetRow",
    "Table",
    "map_columns",
    "parse_country",
    "parse_group",
    "parse_score",
    "parse_sex",
    "parse_table",
    "parse_yes_no",
    "read_table",
    "target_session",
]


def read_table(filename: str, content: bytes) -> tuple[Table | None, list[Problem]]:
    """The first sheet of an XLSX file, or a CSV file (UTF-8; comma, semicolon or tab); or
    None and the one problem that stops the file being read. A file beyond a size limit
    (pave.interop.tabular's MAX_*) raises LimitExceeded instead: the caller answers 413."""
    try:
        return tabular.read_table(filename, content, max_bytes=MAX_BYTES, max_rows=MAX_ROWS), []
    except LimitExceeded:
        raise
    except tabular.ReadError as error:
        return None, [Problem(None, "", read_error_message(error))]
