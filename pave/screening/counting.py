"""Screening interviews as a source of the counting engine (pave.core.counting)."""

from __future__ import annotations

from django.db.models import QuerySet

from pave.accounts.models import Organisation
from pave.core.counting import Adapter
from pave.screening.models import Screening


def _screenings(organisation: Organisation) -> QuerySet:
    return Screening.objects.filter(organisation=organisation)


SOURCES = {
    "screenings": Adapter(
        _screenings,
        person="pk",
        reference="pk",
        period={"interviewed_on": "interviewed_on"},
        filters={"outcome": "outcome", "consent_given": "consent_given"},
        sex="sex",
        extra={"outcome": "outcome"},
    ),
}
