"""Event participants as a source of the counting engine (pave.core.counting).

Participants are counted through their attendance at the organisation's sessions: a
participant is one person however many sessions they attended. The training aggregates and
the results framework's participant indicators both count with this adapter.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pave.accounts.models import Organisation
from pave.core.counting import Adapter, Span
from pave.training.models import Attendance, Event


def _attendances(organisation: Organisation) -> QuerySet:
    return Attendance._default_manager.filter(
        session__event__organisation=organisation, present=True
    )


def _with_partner(codes: list[Any]) -> Q:
    """Sessions of events one of these organisations (by code) is a partner of."""
    events = Event.objects.filter(partners__code__in=codes).values("pk")
    return Q(session__event__in=events)


SOURCES = {
    "participants": Adapter(
        _attendances,
        person="participant_id",
        reference="participant_id",
        period={
            "event_date": "session__date",
            # A session lasting several days is in a period when any of its days is.
            "session_dates": Span("session__date", "session__end_date"),
        },
        filters={
            "event_type": "session__event__event_type",
            "stakeholder_group": "participant__stakeholder_group",
            "country": "participant__country",
            "event": "session__event_id",
            "partner": _with_partner,
        },
        sex="participant__sex",
        country="participant__country",
        extra={
            "stakeholder_group": "participant__stakeholder_group",
            "event_type": "session__event__event_type",
            "country": "participant__country",
            "event": "session__event_id",
            "session": "session_id",
        },
    ),
}
