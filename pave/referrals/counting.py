"""Referrals sent as a source of the counting engine (pave.core.counting)."""

from __future__ import annotations

from django.db.models import QuerySet

from pave.accounts.models import Organisation
from pave.cases.counting import PEOPLE
from pave.core.counting import Adapter, prefixed
from pave.referrals.models import Referral


def _referrals(organisation: Organisation) -> QuerySet:
    return Referral.objects.filter(from_org=organisation)


SOURCES = {
    "referrals": Adapter(
        _referrals,
        person="case__person_id",
        reference="case__person__reference",
        period={"sent_on": "sent_at__date"},
        filters={"status": "status", "reason": "reason"},
        **prefixed("case__", PEOPLE),
        extra={"status": "status"},
    ),
}
