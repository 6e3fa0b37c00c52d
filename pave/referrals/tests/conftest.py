"""Fixtures for consent and referral tests.

Besides the personas (BMS sends; CLA is the outsider who must never see anything), a
receiving organisation across the border: "Addis Reintegration Centre" in Ethiopia, with
one user per role; **fatima** is its partner focal point.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from pave.accounts.models import User
from pave.accounts.roles import Role
from pave.assistance.models import ServiceType
from pave.referrals import services
from pave.referrals.models import Consent, Referral, ServiceDirectoryEntry
from pave.testing import catalogue_ensure, make_case, make_org, make_user, person_data


class Partner:
    def __init__(self) -> None:
        self.org = make_org("ARC-ET", name="Addis Reintegration Centre", country="ET")
        self.fatima = make_user("fatima", self.org, Role.PARTNER_FOCAL_POINT)
        self.fatima.email = "fatima@arc.example"
        self.fatima.save()
        self.by_role: dict[str, User] = {Role.PARTNER_FOCAL_POINT: self.fatima}
        for role in Role.values:
            if role not in self.by_role:
                self.by_role[role] = make_user(f"arc_{role}", self.org, role)


def offers(org, *codes: str, country: str = "ET", city: str = "Addis Ababa") -> None:
    """The organisation offers these services (an active directory entry each): a referral
    goes only to an organisation that does."""
    for pk in service_ids(*codes):
        ServiceDirectoryEntry.objects.get_or_create(
            organisation=org, service_type_id=pk, country=country, city=city
        )


@pytest.fixture
def partner(personas) -> Partner:
    return Partner()


@pytest.fixture
def the_case(personas):
    person = person_data(
        given_name="Selamawit", family_name="Haile", phone="+961 70 555 123", languages=["am"]
    )
    return make_case(personas.amal, person=person)


def ensure_catalogue() -> None:
    """The catalogue is loaded by a migration; a transactional test may run after another
    one flushed the tables, so put it back."""

    catalogue_ensure()


def service_ids(*codes: str) -> list[int]:
    codes = codes or ("shelter",)
    return list(ServiceType.objects.filter(code__in=codes).values_list("pk", flat=True))


def record_consent(actor, case, organisation=None, **overrides: Any) -> Consent:
    values: dict[str, Any] = {
        "purpose": "referral",
        "given_on": timezone.localdate() - datetime.timedelta(days=1),
        "how_obtained": "written",
        "organisation_id": organisation.pk if organisation else None,
        "any_organisation": organisation is None,
    }
    values.update(overrides)
    return services.consent_record(actor=actor, case_id=case.pk, **values)


def send(actor, case, to_org, **overrides: Any) -> Referral:
    values: dict[str, Any] = {
        "to_org_id": to_org.pk,
        "service_ids": service_ids("shelter", "medical"),
        "reason": "AdditionalServicesRequired",
        "details_for_receiver": "Arrives Tuesday by bus",
        "shared_fields": ["given_name", "sex", "age_group"],
    }
    values.update(overrides)
    codes = ServiceType.objects.filter(pk__in=values["service_ids"]).values_list("code", flat=True)
    offers(to_org, *codes)
    return services.referral_send(actor=actor, case_id=case.pk, **values)


@pytest.fixture
def consent(personas, partner, the_case) -> Consent:
    return record_consent(personas.amal, the_case, partner.org)


@pytest.fixture
def referral(personas, partner, the_case, consent) -> Referral:
    return send(personas.amal, the_case, partner.org)
