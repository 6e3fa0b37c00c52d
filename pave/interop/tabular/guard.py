"""The formula-injection guard applied to every string cell PAVE writes to CSV or XLSX.

A spreadsheet program runs a cell whose text starts with `=`, `+`, `-` or `@` as a formula
(and a leading tab or carriage return can hide such a start), so a name such as
`=HYPERLINK("http://evil", "click")` typed into PAVE could act on whoever opens an export.
Such text is written with a leading single quote (`'=HYPERLINK(…)`), the OWASP
recommendation for CSV injection: the program then shows it as text. Numbers (int, float,
Decimal) and booleans are written as numbers and never altered, so `-5` stays a number
while the text "-5" becomes "'-5". Reading (`restore`) takes the quote off again.

Pure Python: no Django, no PAVE imports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
NUMBERS = (int, float, Decimal)  # bool is an int: written as is too


def neutralise(value: Any) -> Any:
    """`value` with a leading quote if it is text a spreadsheet would run; anything else as is."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """Text read from a cell without the leading quote an export may have put there.

    Any leading quote is taken off (not only one before a dangerous character), as the
    sign-in sheet importer always has: spreadsheet programs treat it as a text marker.
    """
    return text[1:] if text.startswith(QUOTE) else text
