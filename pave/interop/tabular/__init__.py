"""One toolkit for the spreadsheets and files PAVE reads and writes.

- `read_table` reads the first sheet of an XLSX file or a CSV file (UTF-8 with or without a
  byte-order mark; comma, semicolon or tab) into a `Table`: a header and the rows under it,
  every cell as text. A file that cannot be read raises `ReadError` with a `code`;
  `pave.interop.messages.read_error_message` words it for people.
- Limits (`MAX_*`): a file beyond one raises `LimitExceeded`, a ReadError the web and API
  answer with 413; an XLSX file's zip directory is checked before anything is unpacked.
- `write_csv` (UTF-8 with a byte-order mark, so that spreadsheet programs read Arabic
  correctly), `write_xlsx` (one sheet, openpyxl in write-only mode) and `write_json`.

The formula-injection guard (OWASP "CSV injection"): every string cell written to CSV or
XLSX that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a
leading single quote (`'=SUM(A1)`), so that a spreadsheet program shows it as text instead of
running it. Numbers (int, float, Decimal) and booleans are written as numbers and never
altered. Reading takes a leading quote off again, so an exported list imports back as it was.

Pure Python (and openpyxl): no Django and no other PAVE app, so any app can use it.
"""

from pave.interop.tabular.guard import DANGEROUS_PREFIXES, neutralise, restore
from pave.interop.tabular.reading import (
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_PARTS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    LimitExceeded,
    ReadError,
    Table,
    cell_text,
    read_csv,
    read_table,
    read_xlsx,
    xlsx_check,
)
from pave.interop.tabular.writing import (
    csv_cell,
    json_text,
    sheet_title,
    write_csv,
    write_json,
    write_xlsx,
    xlsx_cell,
)

__all__ = [
    "DANGEROUS_PREFIXES",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_PARTS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "LimitExceeded",
    "ReadError",
    "Table",
    "cell_text",
    "csv_cell",
    "json_text",
    "neutralise",
    "read_csv",
    "read_table",
    "read_xlsx",
    "restore",
    "sheet_title",
    "write_csv",
    "write_json",
    "write_xlsx",
    "xlsx_cell",
    "xlsx_check",
]
