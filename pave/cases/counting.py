"""Cases as a source of the counting engine (pave.core.counting): people identified."""

from __future__ import annotations

from django.db.models import QuerySet

from pave.accounts.models import Organisation
from pave.cases.models import Case
from pave.core.counting import Adapter, People

# Where a case's person is counted by sex, age, country and citizenship: the sources whose
# records belong to a case (services, referrals) reach them through "case__".
PEOPLE = People(
    sex="person__sex", minor="is_minor", country="country", citizenship="person__citizenship"
)
# The disaggregations that belong to the case or its person, not to a record of the case.
CASE_DIMENSIONS = frozenset({"sex", "age_group", "sex_age", "country", "citizenship", "case_type"})


def _cases(organisation: Organisation) -> QuerySet:
    return Case.objects.filter(organisation=organisation)


SOURCES = {
    "cases": Adapter(
        _cases,
        person="person_id",
        reference="person__reference",
        period={"identification_date": "identification_date"},
        filters={
            "case_type": "case_type",
            "stage": "stage",
            "status": "status",
            "identification_source": "identification_source",
            "country": "country",
        },
        **PEOPLE,
        extra={"case_type": "case_type", "stage": "stage"},
    ),
}
