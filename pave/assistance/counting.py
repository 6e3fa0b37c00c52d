"""Services delivered as a source of the counting engine (pave.core.counting)."""

from __future__ import annotations

from django.db.models import QuerySet

from pave.accounts.models import Organisation
from pave.assistance.models import ServiceDelivery
from pave.cases.counting import CASE_DIMENSIONS, PEOPLE
from pave.core.counting import Adapter, Through, prefixed


def _services(organisation: Organisation) -> QuerySet:
    return ServiceDelivery.objects.filter(case__organisation=organisation)


SOURCES = {
    "services": Adapter(
        _services,
        person="case__person_id",
        reference="case__person__reference",
        period={"delivered_on": "delivered_on"},
        filters={
            "status": "status",
            "service_family": "service_type__family",
            "service_type": "service_type__code",
            "case_type": "case__case_type",
        },
        **prefixed("case__", PEOPLE),
        extra={"service_family": "service_type__family", "case_type": "case__case_type"},
        # People served are the cases with a matching service: each case read once.
        through=Through("cases", link="case", dimensions=CASE_DIMENSIONS),
    ),
}
