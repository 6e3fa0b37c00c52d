"""Fixtures for training tests.

The personas' NGO "Beirut Migrant Support" (BMS) organises the events; its trainer is
**ngo_trainer**. "Cedar Legal Aid" (CLA) is the outsider who must never see them.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook

from pave.accounts.roles import Role
from pave.training import importers, services
from pave.training.models import Event

D = datetime.date
HEADERS = ["Name", "Sex", "Organisation", "Stakeholder group", "Country", "Phone", "Pre", "Post"]


def make_event(
    actor: Any,
    *,
    sessions: Sequence[tuple[datetime.date, datetime.date | None]] = ((D(2014, 6, 10), None),),
    **data: Any,
) -> Event:
    values = {
        "title": "Victim identification for front-line officers",
        "event_type": "training_workshop",
        "country": "LB",
        "city": "Beirut",
        "topics": ["victim identification"],
    }
    values.update(data)
    event = services.event_create(actor=actor, data=values)
    for first, last in sessions:
        services.session_add(actor=actor, event_id=event.pk, date=first, end_date=last)
    return event


def sheet_csv(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS, **kw: Any) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, **kw)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def sheet_xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(
    actor: Any,
    event: Event,
    content: bytes,
    *,
    filename: str = "sheet.csv",
    dry_run: bool = False,
    **defaults: Any,
) -> services.ImportReport:
    defaults.setdefault("max_score", Decimal(20))
    return services.participants_import(
        actor=actor,
        event_id=event.pk,
        filename=filename,
        content=content,
        dry_run=dry_run,
        defaults=importers.Defaults(**defaults),
    )


OFFICERS: list[list[Any]] = [
    ["Nour Haddad", "F", "General Security", "government_officer", "LB", "+961 3 123 456", 8, 15],
    ["Karim Saad", "M", "General Security", "government_officer", "LB", "", 10, 17],
    ["علي حسن", "ذكر", "الأمن العام", "government_officer", "LB", "", "", ""],
]


@pytest.fixture
def trainer(personas):
    return personas.by_role[Role.TRAINER]


@pytest.fixture
def event(trainer):
    return make_event(trainer)


@pytest.fixture
def two_session_event(trainer):
    return make_event(
        trainer,
        title="Two sessions",
        sessions=[(D(2013, 10, 29), D(2013, 10, 30)), (D(2014, 1, 21), D(2014, 1, 22))],
    )


@pytest.fixture
def attended(trainer, event):
    """The event with three officers present (two with test scores)."""
    run_import(trainer, event, sheet_csv(OFFICERS))
    return event
