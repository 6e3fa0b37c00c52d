"""Rules about persons and cases that need no database: which fields exist, which hold
personal data, and how age and minority are derived. Services, selectors, forms and the API
all read them from here."""

from __future__ import annotations

import datetime

from pave.cases.models import ADULT_AGE, Person
from pave.core import codelists

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "birth_date",
    "age_estimate",
    "sex",
    "gender",
    "citizenship",
    "languages",
    "phone",
    "identity_number",
    "address",
)
CASE_FIELDS = (
    "case_type",
    "country",
    "office",
    "trafficking_status",
    "trafficking_status_decided_by",
    "types_of_exploitation",
    "methods_of_control",
    "industry",
    "country_of_recruitment",
    "country_of_exploitation",
    "identification_source",
    "identification_date",
    "assigned_to",
    "summary",
)
MULTI_CHOICE = {
    "types_of_exploitation": codelists.TypeOfExploitation,
    "methods_of_control": codelists.MethodOfControl,
}
# The longest text each free-text field takes, in characters: the service enforces them, and
# the web forms and the API schemas read them from here.
TEXT_LIMITS = {
    "given_name": 200,
    "family_name": 200,
    "other_names": 400,
    "identity_number": 64,
    "phone": 32,
    "address": 1000,
    "summary": 20000,
    "note": 20000,
}
PERSONAL_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "other_names",
        "birth_date",
        "phone",
        "identity_number",
        "address",
        "summary",
    }
)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    years = day.year - birth_date.year
    return years - ((day.month, day.day) < (birth_date.month, birth_date.day))


def derive_is_minor(person: Person, identification_date: datetime.date) -> bool | None:
    if person.birth_date:
        return age_on(person.birth_date, identification_date) < ADULT_AGE
    if person.age_estimate is not None:
        return person.age_estimate < ADULT_AGE
    return None
