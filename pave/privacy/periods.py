"""Reporting periods: the only windows a suppressed (public or donor) output is computed over.

Small-cell suppression hides a count below the threshold in one table; it does not stop a
reader from subtracting two tables. With arbitrary dates, a donor asks for 1 January to 9 June
and 1 January to 10 June and learns who was assisted on 10 June, however each table is
suppressed. So what leaves the organisation is computed over whole, ended reporting periods
only: a calendar month (`2014-06`), quarter (`2014-Q2`) or year (`2014`). Internal readers
keep arbitrary dates. docs/reports.md and docs/security.md describe the rule.
"""

from __future__ import annotations

import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")

Window = tuple[datetime.date | None, datetime.date | None]


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_parse(text: str) -> tuple[datetime.date, datetime.date]:
    """`2014` → the year, `2014-Q2` → April to June, `2014-06` → June (first and last day)."""
    match = _PERIOD.match(text.strip().upper())
    if match is None or int(match["year"]) < 1900:
        raise ValidationError(
            {"period": [_("A period is a year (2014), a quarter (2014-Q2) or a month (2014-06).")]}
        )
    year = int(match["year"])
    if match["quarter"]:
        first = 3 * int(match["quarter"]) - 2
        return datetime.date(year, first, 1), _month_end(year, first + 2)
    if match["month"]:
        month = int(match["month"])
        return datetime.date(year, month, 1), _month_end(year, month)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def is_reporting_period(start: datetime.date, end: datetime.date) -> bool:
    """True when [start, end] is exactly one calendar month, quarter or year."""
    if start.day != 1 or end != _month_end(end.year, end.month) or start.year != end.year:
        return False
    months = end.month - start.month + 1
    return (
        months == 1 or (months == 3 and start.month % 3 == 1) or (months == 12 and start.month == 1)
    )


def last_closed_day(today: datetime.date) -> datetime.date:
    """The last day of the last month that has ended."""
    return today.replace(day=1) - datetime.timedelta(days=1)


def release_window(
    *,
    period: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    suppressed: bool,
    today: datetime.date,
) -> Window:
    """The window to count over, from a `period` or from/to dates.

    Suppressed outputs: a whole reporting period that has ended (else ValidationError on
    `period`); with neither period nor dates, the window is left open at its start and ends
    on the last day of the last ended month, so asking again tomorrow gives the same numbers.
    Internal outputs: any dates (None leaves that end to the caller's default).
    """
    if period:
        if date_from is not None or date_to is not None:
            raise ValidationError(
                {"period": [_("Give either a period or from/to dates, not both.")]}
            )
        date_from, date_to = period_parse(period)
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ValidationError({"to": [_("The period ends before it starts.")]})
    if not suppressed:
        return date_from, date_to
    if date_from is None and date_to is None:
        return None, last_closed_day(today)
    if date_from is None or date_to is None or not is_reporting_period(date_from, date_to):
        raise ValidationError(
            {
                "period": [
                    _(
                        "Outputs with small counts suppressed are released for a whole "
                        "month, quarter or year only: give period=2014, 2014-Q2 or 2014-06."
                    )
                ]
            }
        )
    if date_to >= today:
        raise ValidationError(
            {"period": [_("This period has not ended yet: its numbers are released after it.")]}
        )
    return date_from, date_to
