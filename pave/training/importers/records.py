"""What the sign-in sheet importer works with: the problems it reports, the event's sessions
and defaults it is given, and what it makes of each row and of the header."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a sheet: `row` None is the file itself, `column` its header."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = _("file") if self.row is None else _("row %(n)s") % {"n": self.row}
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )

    @property
    def key(self) -> str:
        """A field name for the API's {"errors": {name: [...]}}."""
        where = "file" if self.row is None else f"row {self.row}"
        return f"{where}: {self.column}" if self.column else where


@dataclass(frozen=True)
class SessionRef:
    """What the importer knows of an event's session."""

    id: int
    number: int  # 1, 2, 3… in date order
    date: datetime.date
    last_day: datetime.date
    title: str


@dataclass(frozen=True)
class Defaults:
    """Values for cells a sheet leaves empty (or columns it does not have)."""

    stakeholder_group: str = ""
    affiliation: str = ""
    country: str = ""
    max_score: Decimal = Decimal(100)
    session_id: int | None = None


@dataclass
class SheetRow:
    row: int
    participant: dict[str, str]
    attendance: dict[int, bool] = field(default_factory=dict)
    pre_score: Decimal | None = None
    post_score: Decimal | None = None
    max_score: Decimal = Decimal(100)
    # Filled by the service: the existing participant this row is, or the row it repeats.
    match_id: int | None = None
    same_as_row: int | None = None


@dataclass
class Columns:
    fields: dict[int, str] = field(default_factory=dict)  # column index -> field name
    sessions: dict[int, int] = field(default_factory=dict)  # column index -> session id
    present: int | None = None  # a single "present" column
    ignored: list[str] = field(default_factory=list)
