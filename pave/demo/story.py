"""A demo case's story as plain data: who the person is and what they received, planned first
(pure and seeded) and told afterwards through the services by the cast."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pave.accounts.models import Office, Organisation, User
from pave.assistance.models import ServiceType
from pave.demo import data
from pave.demo.common import DEMO_AS_OF


@dataclass(frozen=True)
class CaseFacts:
    """What a demo case's assistance is drawn from: who the person is and the stage the
    case had reached on DEMO_AS_OF."""

    case_id: int
    index: int
    sex: str
    minor: bool
    citizenship: str
    identified: datetime.date
    stage: str
    case_type: str
    exploitation: tuple[str, ...] = ()


RETURNED_STAGES = frozenset({"follow_up", "closed", "closed_referred"})
CLOSED_STAGES = frozenset({"closed", "closed_referred"})
# The workflow steps that take a case from "identified" to each stage (pave.cases.workflow).
STAGE_PATHS: dict[str, tuple[str, ...]] = {
    "identified": (),
    "assessed": ("assessed",),
    "assistance": ("assessed", "assistance"),
    "follow_up": ("assessed", "assistance", "follow_up"),
    "closed": ("assessed", "assistance", "follow_up", "closure_requested", "closed"),
    "closed_referred": (
        "assessed",
        "assistance",
        "follow_up",
        "closure_requested",
        "closed_referred",
    ),
}
CASE_WORKER = "amal"
CASE_MANAGER = "bilal"
# Who answers the referrals each partner receives.
REFERRAL_RECEIVERS = {"BMS": "rana", "CLA": "nadim", "PH-EMB-LB": "liza"}


@dataclass
class PlannedService:
    code: str
    provider: str  # organisation code
    day: datetime.date
    status: str = "delivered"
    cost: Decimal | None = None
    currency: str = ""
    notes: str = ""


@dataclass
class PlannedConsent:
    purpose: str
    day: datetime.date
    how: str
    organisation: str = ""  # referral consents: the organisation's code
    notes: str = ""


@dataclass
class PlannedReferral:
    to_org: str
    services: tuple[str, ...]
    status: str  # what it ends as: sent, accepted, declined, completed or revoked
    sent_at: datetime.datetime
    answered_at: datetime.datetime | None = None  # accepted or declined
    closed_at: datetime.datetime | None = None  # completed or revoked
    reason: str = ""  # why declined or revoked
    override_reason: str = ""  # sent without consent (by the case manager)


@dataclass
class PlannedStep:
    to_stage: str
    at: datetime.datetime
    reason: str
    outcome: str = ""  # closure requests: closed or closed_referred


@dataclass
class Story:
    facts: CaseFacts
    returned_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    services: list[PlannedService] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    consents: list[PlannedConsent] = field(default_factory=list)
    referrals: list[PlannedReferral] = field(default_factory=list)
    steps: list[PlannedStep] = field(default_factory=list)

    def delivered(self, *, provider: str = "", code: str = "") -> list[PlannedService]:
        return [
            s
            for s in self.services
            if s.status == "delivered"
            and (not provider or s.provider == provider)
            and (not code or s.code == code)
        ]

    @property
    def origin(self) -> data.Origin:
        return data.ORIGINS[self.facts.citizenship]

    @property
    def end(self) -> datetime.date:
        """The last day anything can happen in this story."""
        return self.closed_on or DEMO_AS_OF


def note_text(rng: random.Random, key: str, story: Story, **values: Any) -> str:
    template = rng.choice(data.SERVICE_NOTES[key])
    return template.format(capital=story.origin.capital, demonym=story.origin.demonym, **values)


def usd(rng: random.Random, low: int, high: int, step: int = 5) -> tuple[Decimal | None, str]:
    return Decimal(rng.randrange(low, high + 1, step)), "USD"


@dataclass
class Cast:
    """Who does what, and the records the stories name by code."""

    worker: User
    manager: User
    receivers: dict[str, User]
    organisations: dict[str, Organisation]
    service_types: dict[str, ServiceType]
    # What the services stamp with the time of the load, to be dated as the story says.
    referral_dates: list[tuple[int, dict[str, datetime.datetime]]] = field(default_factory=list)
    step_dates: list[tuple[int, datetime.datetime]] = field(default_factory=list)


def cast_for(orgs: dict[str, tuple[Organisation, Office]]) -> Cast:
    users = {u.username: u for u in User.objects.select_related("organisation")}
    return Cast(
        worker=users[CASE_WORKER],
        manager=users[CASE_MANAGER],
        receivers={org: users[name] for org, name in REFERRAL_RECEIVERS.items()},
        organisations={code: org for code, (org, _office) in orgs.items()},
        service_types={t.code: t for t in ServiceType.objects.all()},
    )
