"""The demo programme (the 2014 factsheet's partners and 89 assisted migrants) and bulk data.

`demo_load` writes only through the services of the apps that own the records (accounts,
cases and the case workflow, assistance, referrals, notifications), so its records are
encrypted, indexed and audited exactly like hand-entered ones: the 89 cases, the services,
plans, visits and reintegration assessments they received, consents, referrals between the
partners and the service directory, as of 30 June 2014. The one exception is the clock: the
referral and workflow services stamp each step with the time it is recorded, so
`demo_backdate` dates those steps as the story says, in one audited update.

`demo_generate` builds persons and cases in bulk for benchmarks, reusing the cases services'
indexing helpers, with one audit event per batch instead of one per row. Both are
deterministic for a given seed.
"""

from __future__ import annotations

import datetime
import itertools
import os
import random
import secrets
import string
from collections import Counter as Tally
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pave.accounts.models import Office, Organisation, User
from pave.accounts.roles import Role
from pave.accounts.services import office_create, organisation_create, user_create
from pave.assistance.models import ServiceDelivery, ServiceType
from pave.assistance.services import (
    case_plan_create,
    follow_up_schedule,
    reintegration_assess,
    service_delivery_record,
)
from pave.cases.models import Case, CaseTransition, Person, PersonNameToken
from pave.cases.services import (
    case_closure_approve,
    case_closure_request,
    case_open,
    case_transition,
    derive_is_minor,
    index_person,
    next_references,
    person_name_digests,
)
from pave.core.audit import audit_record
from pave.core.codelists import CASE_STAGE_STATUS, CaseStage
from pave.demo import data
from pave.monitoring.demo import monitoring_demo_load
from pave.notifications.services import notifications_mark_all_read
from pave.referrals.models import Referral
from pave.referrals.services import (
    consent_record,
    directory_entry_create,
    referral_accept,
    referral_complete,
    referral_decline,
    referral_revoke,
    referral_send,
)
from pave.training.demo import training_demo_load

DEMO_ACTOR = "cli:demo"
DEMO_SEED = 20140630
DEMO_ORGANISATION = "IOM-LB"
# The factsheet's "as of" date: demo stages are what they would have been then, and
# nothing in the demo happened later.
DEMO_AS_OF = datetime.date(2014, 6, 30)
PROJECT_START = datetime.date(2013, 7, 1)
LOGINS_FILE = "demo-logins.txt"


@dataclass(frozen=True)
class OrganisationSpec:
    code: str
    name: str
    type: str
    office: str
    city: str = "Beirut"
    country: str = "LB"


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    organisation: str
    first_name: str
    last_name: str


ORGANISATIONS = [
    OrganisationSpec("IOM-LB", "IOM Lebanon", "InternationalOrganisation", "Beirut (Jnah)"),
    OrganisationSpec(
        "GSD-LB",
        "General Directorate of General Security",
        "ImmigrationService",
        "Detention centre screening unit",
    ),
    OrganisationSpec("BMS", "Beirut Migrant Support", "NGO", "Bourj Hammoud drop-in centre"),
    OrganisationSpec("CLA", "Cedar Legal Aid", "NGO", "Legal clinic"),
    OrganisationSpec(
        "PH-EMB-LB", "Embassy of the Philippines in Lebanon", "Embassy", "Consular section"
    ),
    # The donor (the EU funds 80 % of the project) sees results, never person-level data.
    OrganisationSpec(
        "EU-LB",
        "Delegation of the European Union to Lebanon",
        "InternationalOrganisation",
        "Beirut",
    ),
]
# One user per role; every name is fictional.
USERS = [
    UserSpec("admin", Role.ADMINISTRATOR, "IOM-LB", "Karim", "Haddad"),
    UserSpec("farah", Role.PROJECT_MANAGER, "IOM-LB", "Farah", "Mansour"),
    UserSpec("bilal", Role.CASE_MANAGER, "IOM-LB", "Bilal", "Khoury"),
    UserSpec("amal", Role.CASE_WORKER, "IOM-LB", "Amal", "Nasser"),
    UserSpec("dina", Role.SCREENING_OFFICER, "GSD-LB", "Dina", "Saab"),
    UserSpec("tarek", Role.TRAINER, "IOM-LB", "Tarek", "Aoun"),
    UserSpec("maya", Role.ME_OFFICER, "IOM-LB", "Maya", "Rizk"),
    UserSpec("rana", Role.PARTNER_FOCAL_POINT, "BMS", "Rana", "Chidiac"),
    UserSpec("eva", Role.DONOR_VIEWER, "EU-LB", "Eva", "Lindqvist"),
]
# The partners that provide services have their own staff: a focal point answers the
# referrals they receive, an administrator keeps their entries in the service directory.
PARTNER_USERS = [
    UserSpec("georges", Role.ADMINISTRATOR, "BMS", "Georges", "Tannous"),
    UserSpec("nadim", Role.PARTNER_FOCAL_POINT, "CLA", "Nadim", "Azar"),
    UserSpec("joelle", Role.ADMINISTRATOR, "CLA", "Joelle", "Abi Khalil"),
    UserSpec("liza", Role.PARTNER_FOCAL_POINT, "PH-EMB-LB", "Liza", "Manalo"),
    UserSpec("ramon", Role.ADMINISTRATOR, "PH-EMB-LB", "Ramon", "Dizon"),
]


class DemoError(Exception):
    """The demo cannot be loaded or generated here (the message says why)."""


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    organisation: str
    password: str


@dataclass
class LoadResult:
    logins: list[Login]
    cases: int
    stages: dict[str, int] = field(default_factory=dict)
    # Persons with a delivered service, and deliveries per service family.
    assisted: int = 0
    delivered: dict[str, int] = field(default_factory=dict)
    referrals: dict[str, int] = field(default_factory=dict)
    directory: int = 0


# --- random but reproducible people ----------------------------------------------------------


class Weighted:
    """A weighted choice with its cumulative weights computed once (hot path of generate)."""

    def __init__(self, pairs: Sequence[tuple[Any, int]]):
        self.values = [value for value, _weight in pairs]
        self.cum = list(itertools.accumulate(weight for _value, weight in pairs))

    def __call__(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cum)[0]


CITIZENSHIP = Weighted(data.GENERATE_CITIZENSHIP)
SOURCES = Weighted(data.IDENTIFICATION_SOURCES)
CASE_TYPES = Weighted(data.CASE_TYPES)
WOMEN_EXPLOITATION = Weighted(data.EXPLOITATION_OF_WOMEN)
WOMEN_INDUSTRY = Weighted(data.WOMEN_INDUSTRIES)
MEN_INDUSTRY = Weighted(data.MEN_INDUSTRIES)
# HTCDS "decided by": General Security (non-police government), a partner NGO, or other.
DECIDED_BY = Weighted([("NonPoliceGovernmentalOrganization", 60), ("NGO", 25), ("Other", 15)])
LEBANESE_MOBILE_PREFIXES = ("03", "70", "71", "76", "78", "79", "81")


@dataclass(frozen=True)
class Profile:
    """Who a synthetic person is before the names and details are drawn."""

    sex: str
    citizenship: str
    minor: bool
    identification_date: datetime.date


def _birth_date(rng: random.Random, profile: Profile) -> datetime.date:
    if profile.minor:
        years = 16 if rng.random() < 0.5 else rng.choice((14, 15, 17))
    else:
        years = min(max(int(rng.gauss(29, 6.5)), 19), 55)
    days = years * 365.25 + rng.randint(20, 340)
    return profile.identification_date - datetime.timedelta(days=int(days))


def _other_names(rng: random.Random, nationality: data.Nationality, given: str, family: str) -> str:
    arabic = [nationality.arabic.get(given), nationality.arabic.get(family)]
    if all(arabic) and rng.random() < 0.6:
        return " ".join(a for a in arabic if a)
    return ""


def _phone(rng: random.Random) -> str:
    digits = f"{rng.randrange(1_000_000):06d}"
    return f"+961 {rng.choice(LEBANESE_MOBILE_PREFIXES)} {digits[:3]} {digits[3:]}"


def _methods(rng: random.Random, case_type: str) -> list[str]:
    scale = 0.4 if case_type == "vulnerable_migrant" else 1.0
    chosen = [
        code for code, percent in data.METHODS_OF_CONTROL if rng.random() < percent / 100 * scale
    ]
    if not chosen and case_type != "vulnerable_migrant":
        chosen = ["WithholdsDocuments"]
    return chosen


def _trafficking_status(rng: random.Random, case_type: str) -> tuple[str, str]:
    if case_type == "victim_of_trafficking":
        if rng.random() < 0.7:
            return "ActualVictimOfTrafficking", DECIDED_BY(rng)
        return "PossibleVictimOfTrafficking", ""
    if case_type == "exploited_migrant_worker" and rng.random() < 0.5:
        return "NotAVictimOfTrafficking", DECIDED_BY(rng)
    return "", ""


def synthetic_person(
    rng: random.Random, profile: Profile, *, identity_number: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Person and case fields (as case_open accepts them) for one synthetic migrant."""
    nationality = data.NATIONALITIES[profile.citizenship]
    given = rng.choice(nationality.women if profile.sex == "female" else nationality.men)
    family = rng.choice(nationality.family)
    person: dict[str, Any] = {
        "given_name": given,
        "family_name": family,
        "other_names": _other_names(rng, nationality, given, family),
        "sex": profile.sex,
        "gender": "Feminine" if profile.sex == "female" else "Masculine",
        "citizenship": [nationality.code],
        "languages": list(nationality.languages[: rng.choice((1, 1, 2))]),
        # A third have no papers with them: the employer kept the passport.
        "identity_number": identity_number if rng.random() < 0.7 else "",
        "phone": _phone(rng) if rng.random() < 0.6 else "",
        "address": rng.choice(data.ADDRESSES) if rng.random() < 0.4 else "",
    }
    if profile.minor or rng.random() < 0.75:
        person["birth_date"] = _birth_date(rng, profile)
    else:
        person["age_estimate"] = min(max(int(rng.gauss(30, 6)), 20), 55)
    return person, _case_fields(rng, profile)


def _case_fields(rng: random.Random, profile: Profile) -> dict[str, Any]:
    case_type = "victim_of_trafficking" if profile.minor else CASE_TYPES(rng)
    status, decided_by = _trafficking_status(rng, case_type)
    if profile.minor:
        exploitation = ["ForcedLabour", "ChildLabour"]
    elif profile.sex == "female":
        exploitation = list(WOMEN_EXPLOITATION(rng))
    else:
        exploitation = ["ForcedLabour"]
    source = "screening" if profile.minor else SOURCES(rng)
    return {
        "case_type": case_type,
        "country": "LB",
        "trafficking_status": status,
        "trafficking_status_decided_by": decided_by,
        "types_of_exploitation": exploitation if case_type != "vulnerable_migrant" else [],
        "methods_of_control": _methods(rng, case_type),
        "industry": (WOMEN_INDUSTRY if profile.sex == "female" else MEN_INDUSTRY)(rng),
        "country_of_recruitment": profile.citizenship,
        "country_of_exploitation": "LB",
        "identification_source": source,
        "identification_date": profile.identification_date,
        "summary": f"{data.SOURCE_SUMMARY[source]} Synthetic demo record.",
    }


def stage_for(rng: random.Random, identified: datetime.date, as_of: datetime.date) -> str:
    """A plausible stage for a case identified `as_of - identified` days ago."""
    age = (as_of - identified).days
    if age > 240:
        pairs = [("closed", 70), ("closed_referred", 10), ("follow_up", 20)]
    elif age > 120:
        pairs = [("follow_up", 40), ("closed", 35), ("assistance", 25)]
    elif age > 45:
        pairs = [("assistance", 60), ("follow_up", 25), ("assessed", 15)]
    else:
        pairs = [("assistance", 45), ("assessed", 35), ("identified", 20)]
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


# --- pave demo load --------------------------------------------------------------------------


def demo_profiles(rng: random.Random) -> list[Profile]:
    """The factsheet's 89: 85 adult women, 3 adult men, 1 girl of 16, July 2013 – June 2014."""
    people = [("female", code, False) for code, n in data.DEMO_WOMEN.items() for _ in range(n)]
    people += [("male", code, False) for code, n in data.DEMO_MEN.items() for _ in range(n)]
    people.append(("female", data.DEMO_MINOR_CITIZENSHIP, True))
    rng.shuffle(people)
    dates = sorted(
        datetime.date(year, month, rng.randint(1, 28))
        for (year, month), count in data.DEMO_MONTHS
        for _ in range(count)
    )
    return [
        Profile(sex, code, minor, day)
        for (sex, code, minor), day in zip(people, dates, strict=True)
    ]


def _fix_minor_age(person: dict[str, Any], profile: Profile) -> None:
    """The factsheet's minor was a girl of 16 at identification, not 14 or 17."""
    if profile.minor:
        person["birth_date"] = profile.identification_date - datetime.timedelta(days=16 * 365 + 100)


def demo_password() -> str:
    """A random 20-character password (about 100 bits), grouped for reading aloud."""
    alphabet = "".join(c for c in string.ascii_lowercase + string.digits if c not in "l1o0")
    groups = ["".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4)]
    return "-".join(groups)


def _create_organisations() -> dict[str, tuple[Organisation, Office]]:
    created = {}
    for spec in ORGANISATIONS:
        org = organisation_create(
            actor=DEMO_ACTOR, code=spec.code, name=spec.name, type=spec.type, country=spec.country
        )
        office = office_create(
            actor=DEMO_ACTOR,
            organisation=org,
            name=spec.office,
            country=spec.country,
            city=spec.city,
        )
        created[spec.code] = (org, office)
    return created


def _create_users(orgs: dict[str, tuple[Organisation, Office]]) -> list[Login]:
    logins = []
    for spec in USERS + PARTNER_USERS:
        password = demo_password()
        user_create(
            actor=DEMO_ACTOR,
            username=spec.username,
            organisation=orgs[spec.organisation][0],
            role=spec.role,
            password=password,
            first_name=spec.first_name,
            last_name=spec.last_name,
        )
        logins.append(Login(spec.username, spec.role, spec.organisation, password))
    return logins


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


def _open_demo_cases(office: Office, rng: random.Random) -> list[CaseFacts]:
    """Open the 89 cases through case_open; return each with the stage it should reach."""
    workers = list(
        User.objects.filter(organisation=office.organisation, role=Role.CASE_WORKER).order_by(
            "username"
        )
    )
    serials = rng.sample(range(1_000_000, 10_000_000), 89)
    opened_cases = []
    for index, profile in enumerate(demo_profiles(rng)):
        prefix = data.NATIONALITIES[profile.citizenship].passport_prefix
        person, case = synthetic_person(rng, profile, identity_number=f"{prefix}{serials[index]}")
        _fix_minor_age(person, profile)
        case["office"] = office
        opened = case_open(actor=workers[index % len(workers)], person=person, case=case)
        opened_cases.append(
            CaseFacts(
                case_id=opened.pk,
                index=index,
                sex=profile.sex,
                minor=bool(opened.is_minor),
                citizenship=profile.citizenship,
                identified=profile.identification_date,
                stage=stage_for(rng, profile.identification_date, DEMO_AS_OF),
                case_type=case["case_type"],
                exploitation=tuple(case["types_of_exploitation"]),
            )
        )
    return opened_cases


# --- the assistance the 89 received ----------------------------------------------------------
#
# Each case's story is planned first, as plain data (`story_for`, `plan_referrals`: pure and
# seeded, one generator per case so that a change to one case's story leaves the others
# alone), then told through the services of the apps that own the records (`_tell`): consents,
# services, plans, visits, assessments and referrals, then the case's steps through the real
# workflow, each by the user whose role takes it.

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
SHARED_WITH = {
    "BMS": ("given_name", "sex", "age_group", "languages", "phone"),
    "CLA": ("given_name", "family_name", "sex", "age_group", "citizenship", "languages"),
    "PH-EMB-LB": ("given_name", "family_name", "sex", "citizenship"),
}
VISIT_OUTCOMES = Weighted(
    [("stable", 60), ("needs_support", 25), ("not_reached", 10), ("at_risk", 5)]
)


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


def _days(n: int | float) -> datetime.timedelta:
    return datetime.timedelta(days=int(n))


def _clamp(day: datetime.date, low: datetime.date, high: datetime.date) -> datetime.date:
    return max(low, min(day, high))


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _text(rng: random.Random, key: str, story: Story, **values: Any) -> str:
    template = rng.choice(data.SERVICE_NOTES[key])
    return template.format(capital=story.origin.capital, demonym=story.origin.demonym, **values)


def _usd(rng: random.Random, low: int, high: int, step: int = 5) -> tuple[Decimal | None, str]:
    return Decimal(rng.randrange(low, high + 1, step)), "USD"


def story_for(rng: random.Random, facts: CaseFacts, as_of: datetime.date = DEMO_AS_OF) -> Story:
    """What one person received from identification to `as_of`, consistent with the stage
    the case had reached: recovery first, then (for returned persons) travel, reception and
    reintegration with its follow-up, and a closure once reintegration looked sustainable."""
    story = Story(facts)
    d0 = facts.identified
    span = (as_of - d0).days
    if facts.stage in RETURNED_STAGES:
        closed = facts.stage in CLOSED_STAGES
        cap = int(span * (0.35 if closed else 0.6))
        returned = d0 + _days(max(14, min(rng.randint(18, 60), cap)))
        story.returned_on = returned
        if closed:
            post = (as_of - returned).days
            length = max(30, min(post - rng.randint(0, 10), rng.randint(100, 200)))
            story.closed_on = min(returned + _days(length), as_of)
    _recovery(rng, story)
    if story.returned_on:
        _return(rng, story)
        _reintegration(rng, story)
        _follow_up(rng, story)
    elif facts.stage == "assistance" and span > 50 and rng.random() < 0.45:
        _return_prepared(rng, story, as_of)
    if not story.delivered():
        story.services.append(
            PlannedService(
                "medical",
                DEMO_ORGANISATION,
                d0,
                cost=Decimal(rng.randrange(35, 120, 5)),
                currency="USD",
                notes=rng.choice(data.SERVICE_NOTES["medical"][:1]),
            )
        )
    _plans(rng, story)
    _consents(rng, story)
    _steps(rng, story)
    return story


def _recovery(rng: random.Random, story: Story) -> None:
    """Shelter, medical care, counselling and legal aid in Lebanon, before any return."""
    facts, d0 = story.facts, story.facts.identified
    last = (story.returned_on - _days(1)) if story.returned_on else DEMO_AS_OF
    woman = facts.sex == "female"
    if woman and (facts.minor or facts.stage == "identified" or rng.random() < 0.65):
        day = _clamp(d0 + _days(rng.randint(0, 1)), d0, last)
        nights = max(1, ((story.returned_on or DEMO_AS_OF) - day).days)
        if facts.citizenship == "PH":
            notes = _text(rng, "shelter-embassy", story, nights=nights)
            story.services.append(PlannedService("shelter", "PH-EMB-LB", day, notes=notes))
        else:
            rate = rng.choice((20_000, 25_000, 30_000))  # LBP a night
            notes = _text(rng, "shelter", story, nights=nights)
            story.services.append(
                PlannedService(
                    "shelter", "BMS", day, cost=Decimal(nights * rate), currency="LBP", notes=notes
                )
            )
    if facts.minor or rng.random() < 0.55:
        day = _clamp(d0 + _days(rng.randint(0, 4)), d0, last)
        texts = [t for t in data.SERVICE_NOTES["medical"] if woman or "Gynaec" not in t]
        if rng.random() < 0.6:
            cost, currency = _usd(rng, 35, 420)
        else:
            cost, currency = Decimal(rng.randrange(50_000, 450_001, 5_000)), "LBP"
        notes = rng.choice(texts)
        story.services.append(
            PlannedService(
                "medical", DEMO_ORGANISATION, day, cost=cost, currency=currency, notes=notes
            )
        )
    if facts.stage == "identified":
        return
    # BMS counsels women only; IOM's own counsellor sees the men.
    if rng.random() < (1.0 if facts.minor else 0.7 if woman else 0.35):
        provider = "BMS" if woman else DEMO_ORGANISATION
        day = d0 + _days(rng.randint(2, 10))
        for _course in range(2 if rng.random() < 0.3 else 1):
            if day > last:
                break
            notes = _text(rng, "psychosocial-recovery", story, sessions=rng.randint(3, 8))
            story.services.append(
                PlannedService("psychosocial-recovery", provider, day, notes=notes)
            )
            day += _days(rng.randint(14, 40))
    if facts.stage == "assessed":
        return
    victim = facts.case_type == "victim_of_trafficking"
    if rng.random() < (1.0 if facts.minor else 0.45 if victim else 0.3):
        day = _clamp(d0 + _days(rng.randint(5, 25)), d0, last)
        if facts.minor:
            notes = _text(rng, "legal-aid-minor", story)
        else:
            texts = [t for t in data.SERVICE_NOTES["legal-aid"] if victim or "164/2011" not in t]
            notes = rng.choice(texts)
        cost, currency = _usd(rng, 150, 600, 25) if rng.random() < 0.55 else (None, "")
        story.services.append(
            PlannedService("legal-aid", "CLA", day, cost=cost, currency=currency, notes=notes)
        )


def _return(rng: random.Random, story: Story) -> None:
    """Travel documents, ticket, escort for some, and reception on arrival."""
    assert story.returned_on is not None
    d0, home = story.facts.identified, story.returned_on
    docs = _clamp(home - _days(rng.randint(4, 12)), d0, home)
    if story.facts.citizenship == "PH":
        notes = _text(rng, "travel-documents-embassy", story)
        story.services.append(PlannedService("travel-documents", "PH-EMB-LB", docs, notes=notes))
    else:
        cost, currency = _usd(rng, 25, 75)
        notes = _text(rng, "travel-documents", story)
        story.services.append(
            PlannedService(
                "travel-documents",
                DEMO_ORGANISATION,
                docs,
                cost=cost,
                currency=currency,
                notes=notes,
            )
        )
    if rng.random() < 0.07:
        day = _clamp(docs - _days(rng.randint(1, 5)), d0, docs)
        notes = _text(rng, "ticket-cancelled", story)
        story.services.append(
            PlannedService("ticket", DEMO_ORGANISATION, day, status="cancelled", notes=notes)
        )
    fare = story.origin.fare_usd
    cost, currency = _usd(rng, *fare)
    ticket = _clamp(home - _days(rng.randint(1, 4)), docs, home)
    notes = _text(rng, "ticket", story)
    story.services.append(
        PlannedService(
            "ticket", DEMO_ORGANISATION, ticket, cost=cost, currency=currency, notes=notes
        )
    )
    if story.facts.minor or rng.random() < 0.08:
        cost, currency = _usd(rng, 600, 1100, 50)
        notes = _text(rng, "escort-minor" if story.facts.minor else "escort", story)
        story.services.append(
            PlannedService(
                "escort", DEMO_ORGANISATION, home, cost=cost, currency=currency, notes=notes
            )
        )
    cost, currency = _usd(rng, 40, 120)
    arrival = min(home + _days(rng.randint(0, 1)), story.end)
    notes = _text(rng, "reception-on-arrival", story)
    story.services.append(
        PlannedService(
            "reception-on-arrival",
            DEMO_ORGANISATION,
            arrival,
            cost=cost,
            currency=currency,
            notes=notes,
        )
    )


def _return_prepared(rng: random.Random, story: Story, as_of: datetime.date) -> None:
    """Still in Lebanon on `as_of`, with papers ready and, for some, a flight booked."""
    d0 = story.facts.identified
    docs = d0 + _days((as_of - d0).days * rng.uniform(0.5, 0.9))
    if story.facts.citizenship == "PH":
        notes = _text(rng, "travel-documents-embassy", story)
        story.services.append(PlannedService("travel-documents", "PH-EMB-LB", docs, notes=notes))
    else:
        cost, currency = _usd(rng, 25, 75)
        notes = _text(rng, "travel-documents", story)
        story.services.append(
            PlannedService(
                "travel-documents",
                DEMO_ORGANISATION,
                docs,
                cost=cost,
                currency=currency,
                notes=notes,
            )
        )
    if rng.random() < 0.5:
        cost, currency = _usd(rng, *story.origin.fare_usd)
        flight = _clamp(as_of - _days(rng.randint(0, 5)), docs, as_of)
        notes = _text(rng, "ticket", story)
        story.services.append(
            PlannedService(
                "ticket",
                DEMO_ORGANISATION,
                flight,
                status="planned",
                cost=cost,
                currency=currency,
                notes=notes,
            )
        )


def _reintegration(rng: random.Random, story: Story) -> None:
    """Economic, social and psychosocial reintegration at home, through IOM."""
    assert story.returned_on is not None
    home, end = story.returned_on, story.end
    post = (end - home).days

    def when(low: float, high: float) -> datetime.date:
        return _clamp(home + _days(post * rng.uniform(low, high)), home + _days(1), end)

    chosen = []
    if not story.facts.minor and rng.random() < 0.85:
        chosen.append("economic-reintegration")
    if story.facts.minor or rng.random() < 0.5:
        chosen.append("social-reintegration")
    if story.facts.minor or rng.random() < 0.35:
        chosen.append("psychosocial-reintegration")
    for code in chosen or ["economic-reintegration"]:
        cost: Decimal | None
        if code == "economic-reintegration":
            day, cost, currency = when(0.2, 0.5), Decimal(rng.randrange(800, 1501, 50)), "EUR"
        elif code == "social-reintegration":
            day, (cost, currency) = when(0.1, 0.6), _usd(rng, 120, 350, 10)
        else:
            day, cost, currency = when(0.05, 0.4), None, ""
        key = (
            f"{code}-minor" if story.facts.minor and f"{code}-minor" in data.SERVICE_NOTES else code
        )
        notes = _text(rng, key, story, sessions=rng.randint(4, 10))
        story.services.append(
            PlannedService(code, DEMO_ORGANISATION, day, cost=cost, currency=currency, notes=notes)
        )


def _scores(rng: random.Random, before: dict[str, Any] | None, sustainable: bool) -> dict:
    if before is None:
        return {
            "economic_score": rng.randint(0, 2),
            "social_score": rng.randint(1, 2),
            "psychosocial_score": rng.randint(1, 2),
        }
    floor = 3 if sustainable else 0
    return {
        name: min(4, max(floor, before[name] + rng.randint(1, 2)))
        for name in ("economic_score", "social_score", "psychosocial_score")
    }


def _follow_up(rng: random.Random, story: Story) -> None:
    """Follow-up visits after return and two reintegration assessments over time (one when
    the person came home less than two months before DEMO_AS_OF)."""
    assert story.returned_on is not None
    home, end = story.returned_on, story.end
    post = (end - home).days
    closed = story.closed_on is not None
    capital = story.origin.capital
    business = bool(story.delivered(code="economic-reintegration"))

    def on(fraction: float) -> datetime.date:
        return _clamp(home + _days(post * fraction), home + _days(1), end)

    if closed:
        visit_days = [on(f) for f in ((0.3, 0.6, 0.9) if post >= 90 else (0.35, 0.9))]
        assessment_days = [on(0.25), on(0.85)]
    else:
        visit_days = [on(f) for f, needed in ((0.5, 14), (0.9, 60)) if post >= needed]
        assessment_days = [_clamp(home + _days(max(7, post * 0.3)), home, end)]
        if post >= 60:
            assessment_days.append(on(0.85))
    for number, day in enumerate(visit_days, 1):
        outcome = "stable" if closed and number == len(visit_days) else VISIT_OUTCOMES(rng)
        texts = [t for t in data.VISIT_NOTES[outcome] if business or "business" not in t]
        notes = rng.choice(texts or data.VISIT_NOTES["stable"][1:]).format(capital=capital)
        story.visits.append({"due_on": day, "done_on": day, "outcome": outcome, "notes": notes})
    if not closed:
        due = end + _days(rng.randint(7, 30))
        notes = data.VISIT_NOTES["due"][0].format(capital=capital)
        story.visits.append({"due_on": due, "notes": notes})
    before = None
    for number, day in enumerate(assessment_days, 1):
        scores = _scores(rng, before, closed and number == len(assessment_days))
        notes = rng.choice(data.ASSESSMENT_NOTES).format(capital=capital)
        story.assessments.append({"assessed_on": day, **scores, "notes": notes})
        before = scores


def _plan(plan_type: str, story: Story, start: datetime.date, **rest: Any) -> dict[str, Any]:
    objectives, action_plan = data.PLANS[plan_type]
    return {
        "plan_type": plan_type,
        "objectives": objectives,
        "action_plan": action_plan.format(capital=story.origin.capital),
        "started_on": start,
        **rest,
    }


def _plans(rng: random.Random, story: Story) -> None:
    """A support plan for under half the cases being assisted, and a livelihood plan for
    some of those who went home."""
    facts, home, closed_on = story.facts, story.returned_on, story.closed_on
    if facts.stage in ("identified", "assessed") or not (facts.minor or rng.random() < 0.45):
        return
    if facts.minor:
        plan_type = "SocialCare"
    elif "SexualExploitation" in facts.exploitation:
        plan_type = "SexualExploitationRehabilitation"
    elif story.delivered(code="legal-aid") and rng.random() < 0.35:
        plan_type = "Legal"
    elif story.delivered(code="medical") and rng.random() < 0.15:
        plan_type = "Health"
    else:
        plan_type = "LabourExploitationRehabilitation"
    start = _clamp(facts.identified + _days(rng.randint(2, 6)), facts.identified, DEMO_AS_OF)
    planned_end = start + _days(rng.randint(60, 150))
    if home is None or (closed_on is None and plan_type == "SocialCare"):
        ending: dict[str, Any] = {"status": "active"}
    elif plan_type == "Legal" and rng.random() < 0.35:
        # The person chose to go home before the case came to a hearing.
        ending = {"status": "discontinued", "actual_end": max(start, home - _days(1))}
    elif closed_on is not None:
        end = max(start, closed_on - _days(rng.randint(0, 3)))
        ending = {"status": "completed", "actual_end": end}
    else:
        ending = {"status": "completed", "actual_end": max(start, home)}
    story.plans.append(_plan(plan_type, story, start, planned_end=planned_end, **ending))
    if home is not None and rng.random() < 0.4:
        start = _clamp(home + _days(rng.randint(3, 10)), home, story.end)
        ending = (
            {"status": "completed", "actual_end": closed_on} if closed_on else {"status": "active"}
        )
        story.plans.append(
            _plan("Livelihood", story, start, planned_end=start + _days(180), **ending)
        )


def _consents(rng: random.Random, story: Story) -> None:
    """Consent to processing from everyone (for the girl, from the guardian the juvenile
    judge appointed), to statistics from most."""
    facts = story.facts
    if facts.minor:
        day = _clamp(facts.identified + _days(rng.randint(7, 12)), facts.identified, DEMO_AS_OF)
        how, notes = "guardian", data.CONSENT_NOTES["processing-minor"]
    else:
        day, notes = facts.identified, data.CONSENT_NOTES["processing"]
        how = "written" if rng.random() < 0.7 else "verbal"
    story.consents.append(PlannedConsent("processing", day, how, notes=notes))
    if facts.minor or rng.random() < 0.85:
        notes = data.CONSENT_NOTES["statistics"]
        story.consents.append(PlannedConsent("statistics", day, how, notes=notes))


def _last_record_day(story: Story) -> datetime.date:
    days = [s.day for s in story.services]
    days += [v["done_on"] for v in story.visits if v.get("done_on")]
    days += [a["assessed_on"] for a in story.assessments]
    days += [p["actual_end"] for p in story.plans if p.get("actual_end")]
    return max(days, default=story.facts.identified)


def _steps(rng: random.Random, story: Story) -> None:
    """The case's steps through the workflow, dated as they would have happened."""
    facts, capital = story.facts, story.origin.capital
    previous = _at(facts.identified, 9)
    outcome = "closed_referred" if facts.stage == "closed_referred" else "closed"
    for to_stage in STAGE_PATHS[facts.stage]:
        prev_day = previous.date()
        if to_stage == "assessed":
            day = facts.identified + _days(rng.randint(1, 4))
        elif to_stage == "assistance":
            day = prev_day + _days(rng.randint(1, 6))
        elif to_stage == "follow_up":
            day = story.returned_on or prev_day
        elif to_stage == "closure_requested":
            assert story.closed_on is not None
            low = max(prev_day, min(_last_record_day(story), story.closed_on))
            day = _clamp(story.closed_on - _days(rng.randint(1, 4)), low, story.closed_on)
        else:
            day = story.closed_on or prev_day
        day = _clamp(day, prev_day, story.end)
        at = _at(day, rng.randint(9, 16), rng.randrange(0, 60, 5))
        if at <= previous:
            at = previous + datetime.timedelta(minutes=rng.randint(20, 90))
        key = to_stage
        if to_stage == "closure_requested" and outcome == "closed_referred":
            key = "closure_requested-referred"
        reason = rng.choice(data.STEP_REASONS[key]).format(capital=capital)
        story.steps.append(
            PlannedStep(to_stage, at, reason, outcome if to_stage == "closure_requested" else "")
        )
        previous = at


def _answered(rng: random.Random, sent: datetime.datetime, day: datetime.date) -> datetime.datetime:
    """A time on `day` after `sent`."""
    at = _at(day, rng.randint(9, 17), rng.randrange(0, 60, 5))
    return at if at > sent else sent + datetime.timedelta(minutes=rng.randint(30, 240))


def _refer_for_delivered(
    rng: random.Random, story: Story, org: str, *, completed: bool, override: str = ""
) -> None:
    """A referral that led to the services `org` delivered: sent before the first of them,
    accepted by then, completed after the last."""
    given = story.delivered(provider=org)
    first, last = min(s.day for s in given), max(s.day for s in given)
    d0 = story.facts.identified
    sent_day = _clamp(first - _days(rng.randint(0, 3)), d0, first)
    sent = _at(sent_day, rng.randint(9, 11), rng.randrange(0, 60, 5))
    accepted = _answered(rng, sent, _clamp(sent_day + _days(rng.randint(0, 2)), sent_day, first))
    referral = PlannedReferral(
        to_org=org,
        services=tuple(sorted({s.code for s in given})),
        status="completed" if completed else "accepted",
        sent_at=sent,
        answered_at=accepted,
        override_reason=override,
    )
    if completed:
        done = _clamp(last + _days(rng.randint(0, 3)), accepted.date(), story.end)
        referral.closed_at = _answered(rng, accepted, done)
    _add_referral(rng, story, referral)


def _refer_unanswered(
    rng: random.Random,
    story: Story,
    org: str,
    services: tuple[str, ...],
    sent_day: datetime.date | None = None,
) -> PlannedReferral:
    """A referral sent (a few days after identification unless `sent_day` says when) that
    nothing was delivered under; the caller says how it ended."""
    d0 = story.facts.identified
    if sent_day is None:
        latest = (story.returned_on - _days(2)) if story.returned_on else DEMO_AS_OF
        sent_day = _clamp(d0 + _days(rng.randint(2, 10)), d0, max(d0, latest))
    sent = _at(sent_day, rng.randint(9, 16), rng.randrange(0, 60, 5))
    referral = PlannedReferral(to_org=org, services=services, status="sent", sent_at=sent)
    _add_referral(rng, story, referral)
    return referral


def _add_referral(rng: random.Random, story: Story, referral: PlannedReferral) -> None:
    story.referrals.append(referral)
    if not referral.override_reason:
        sent_day, d0 = referral.sent_at.date(), story.facts.identified
        day = _clamp(sent_day - _days(rng.randint(0, 2)), d0, sent_day)
        notes = data.CONSENT_NOTES["referral"]
        story.consents.append(
            PlannedConsent("referral", day, "written", organisation=referral.to_org, notes=notes)
        )


def plan_referrals(rng: random.Random, stories: Sequence[Story]) -> None:
    """About fifteen referrals from IOM Lebanon to BMS (counselling), CLA (legal aid) and the
    Philippine embassy (travel documents, shelter), ending in every status a referral can
    end in; each (but the girl's, sent in her best interests) with the person's consent."""
    taken: set[int] = set()

    def take(n: int, test: Callable[[Story], bool]) -> list[Story]:
        pool = [s for s in stories if s.facts.index not in taken and test(s)]
        chosen = sorted(rng.sample(pool, min(n, len(pool))), key=lambda s: s.facts.index)
        taken.update(s.facts.index for s in chosen)
        return chosen

    def returned(s: Story) -> bool:
        return s.returned_on is not None

    def open_case(s: Story) -> bool:
        return s.facts.stage in ("assessed", "assistance")

    def served_by(org: str, test: Callable[[Story], bool]) -> Callable[[Story], bool]:
        return lambda s: test(s) and bool(s.delivered(provider=org))

    for story in take(1, lambda s: s.facts.minor and bool(s.delivered(provider="BMS"))):
        _refer_for_delivered(rng, story, "BMS", completed=True, override=data.OVERRIDE_REASON)
    for org, completed, accepted in (("BMS", 4, 1), ("CLA", 3, 1), ("PH-EMB-LB", 2, 0)):
        for story in take(completed, served_by(org, returned)):
            _refer_for_delivered(rng, story, org, completed=True)
        for story in take(accepted, served_by(org, open_case)):
            _refer_for_delivered(rng, story, org, completed=False)
    for story in take(1, lambda s: not returned(s) and bool(s.delivered(provider="PH-EMB-LB"))):
        _refer_for_delivered(rng, story, "PH-EMB-LB", completed=False)
    # Declined: a man by BMS (women only); someone by CLA (conflict of interest).
    for org, services, test in (
        ("BMS", ("psychosocial-recovery",), lambda s: open_case(s) and s.facts.sex == "male"),
        ("CLA", ("legal-aid",), lambda s: open_case(s) and not s.delivered(provider="CLA")),
    ):
        for story in take(1, test):
            referral = _refer_unanswered(rng, story, org, services)
            key = "BMS-male" if org == "BMS" else org
            sent_day = referral.sent_at.date()
            answer_day = _clamp(sent_day + _days(rng.randint(1, 4)), sent_day, DEMO_AS_OF)
            referral.status, referral.reason = "declined", data.DECLINE_REASONS[key]
            referral.answered_at = _answered(rng, referral.sent_at, answer_day)
    # Still waiting for an answer (overdue): sent to CLA in the last days of June.
    for story in take(
        1,
        lambda s: (
            open_case(s)
            and s.facts.identified >= DEMO_AS_OF - _days(30)
            and not s.delivered(provider="CLA")
        ),
    ):
        sent_day = _clamp(DEMO_AS_OF - _days(rng.randint(3, 8)), story.facts.identified, DEMO_AS_OF)
        _refer_unanswered(rng, story, "CLA", ("legal-aid",), sent_day=sent_day)
    # Revoked: the person went home before BMS answered.
    for story in take(
        1,
        lambda s: returned(s) and s.facts.sex == "female" and not s.delivered(provider="BMS"),
    ):
        referral = _refer_unanswered(rng, story, "BMS", ("psychosocial-recovery",))
        assert story.returned_on is not None
        revoked_day = _clamp(
            referral.sent_at.date() + _days(rng.randint(1, 3)),
            referral.sent_at.date(),
            story.returned_on,
        )
        referral.status = "revoked"
        referral.reason = data.REVOKE_REASON.format(capital=story.origin.capital)
        referral.closed_at = _answered(rng, referral.sent_at, revoked_day)


def demo_stories(facts: Sequence[CaseFacts]) -> list[Story]:
    """Every demo case's story: the same for the same cases on every load."""
    stories = [story_for(random.Random(DEMO_SEED + 1 + f.index), f) for f in facts]  # noqa: S311
    plan_referrals(random.Random(DEMO_SEED - 1), stories)  # noqa: S311
    return stories


# --- telling the stories through the services ------------------------------------------------


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


def _cast(orgs: dict[str, tuple[Organisation, Office]]) -> Cast:
    users = {u.username: u for u in User.objects.select_related("organisation")}
    return Cast(
        worker=users[CASE_WORKER],
        manager=users[CASE_MANAGER],
        receivers={org: users[name] for org, name in REFERRAL_RECEIVERS.items()},
        organisations={code: org for code, (org, _office) in orgs.items()},
        service_types={t.code: t for t in ServiceType.objects.all()},
    )


def _tell(story: Story, cast: Cast) -> None:
    case_id, worker = story.facts.case_id, cast.worker
    for consent in sorted(story.consents, key=lambda c: c.day):
        organisation = cast.organisations[consent.organisation] if consent.organisation else None
        consent_record(
            actor=worker,
            case_id=case_id,
            purpose=consent.purpose,
            given_on=consent.day,
            how_obtained=consent.how,
            organisation_id=organisation.pk if organisation else None,
            notes=consent.notes,
        )
    for service in sorted(story.services, key=lambda s: s.day):
        fields: dict[str, Any] = {
            "service_type": cast.service_types[service.code],
            "provider": cast.organisations[service.provider],
            "delivered_on": service.day,
            "status": service.status,
            "notes": service.notes,
        }
        if service.cost is not None:
            fields |= {"cost": service.cost, "currency": service.currency}
        service_delivery_record(actor=worker, case_id=case_id, data=fields)
    for plan in story.plans:
        case_plan_create(actor=worker, case_id=case_id, data=plan)
    for visit in story.visits:
        follow_up_schedule(actor=worker, case_id=case_id, data=visit)
    for assessment in story.assessments:
        reintegration_assess(actor=worker, case_id=case_id, data=assessment)
    for referral in story.referrals:
        _tell_referral(story, referral, cast)
    version = Case.objects.values_list("version", flat=True).get(pk=case_id)
    for step in story.steps:
        if step.to_stage == "closure_requested":
            transition = case_closure_request(
                actor=worker,
                case_id=case_id,
                reason=step.reason,
                version=version,
                outcome=step.outcome,
            )
        elif step.to_stage in CLOSED_STAGES:
            transition = case_closure_approve(
                actor=cast.manager, case_id=case_id, reason=step.reason, version=version
            )
        else:
            transition = case_transition(
                actor=worker,
                case_id=case_id,
                to_stage=step.to_stage,
                reason=step.reason,
                version=version,
            )
        version = transition.case_version
        cast.step_dates.append((transition.pk, step.at))


def _tell_referral(story: Story, planned: PlannedReferral, cast: Cast) -> None:
    receiver = cast.receivers[planned.to_org]
    referral = referral_send(
        actor=cast.manager if planned.override_reason else cast.worker,
        case_id=story.facts.case_id,
        to_org_id=cast.organisations[planned.to_org].pk,
        service_ids=[cast.service_types[code].pk for code in planned.services],
        reason="AdditionalServicesRequired",
        details_for_receiver=data.REFERRAL_DETAILS[planned.to_org],
        shared_fields=SHARED_WITH[planned.to_org],
        override_reason=planned.override_reason,
    )
    if planned.status in ("accepted", "completed"):
        referral_accept(actor=receiver, referral_id=referral.pk)
    if planned.status == "completed":
        referral_complete(actor=receiver, referral_id=referral.pk)
    elif planned.status == "declined":
        referral_decline(actor=receiver, referral_id=referral.pk, reason=planned.reason)
    elif planned.status == "revoked":
        referral_revoke(actor=cast.worker, referral_id=referral.pk, reason=planned.reason)
    due = planned.sent_at + datetime.timedelta(days=settings.PAVE_REFERRAL_RESPONSE_DAYS)
    dates = {"sent_at": planned.sent_at, "due_by": due}
    if planned.answered_at:
        dates["responded_at"] = planned.answered_at
    if planned.closed_at:
        dates["revoked_at" if planned.status == "revoked" else "completed_at"] = planned.closed_at
    cast.referral_dates.append((referral.pk, dates))


def demo_backdate(*, actor: Any, cast: Cast) -> None:
    """Date the referrals and stage steps as the story says (demo only).

    The referral and workflow services stamp every step with the time it is recorded and
    take no other date; the demo's happened in 2013–2014. Only those clock fields are
    rewritten here, once, and the rewrite is itself in the audit log."""
    for referral_id, dates in cast.referral_dates:
        Referral.objects.filter(pk=referral_id).update(**dates)
    steps = [CaseTransition(pk=pk, at=at) for pk, at in cast.step_dates]
    CaseTransition.objects.bulk_update(steps, ["at"], batch_size=500)
    audit_record(
        actor=actor,
        action="demo.backdate",
        object_type="demo",
        fields=[
            "referral.sent_at",
            "referral.due_by",
            "referral.responded_at",
            "referral.completed_at",
            "referral.revoked_at",
            "casetransition.at",
        ],
        detail={
            "referrals": len(cast.referral_dates),
            "transitions": len(cast.step_dates),
            "as_of": DEMO_AS_OF.isoformat(),
        },
    )


def _directory(orgs: dict[str, tuple[Organisation, Office]]) -> int:
    """Each partner's administrator lists the services it offers; IOM Lebanon also lists
    reception and reintegration in every country of origin (with the IOM mission there)."""
    admins = {
        u.organisation_id: u
        for u in User.objects.filter(role=Role.ADMINISTRATOR).order_by("-username")
    }
    types = {t.code: t for t in ServiceType.objects.all()}
    entries = [
        (org, country, city, code, notes)
        for org, country, city, codes, notes in data.DIRECTORY
        for code in codes
    ]
    entries += [
        (
            DEMO_ORGANISATION,
            code,
            origin.capital,
            service,
            data.DIRECTORY_ORIGIN_NOTES % origin.capital,
        )
        for code, origin in data.ORIGINS.items()
        for service in data.DIRECTORY_ORIGIN_SERVICES
    ]
    for org, country, city, code, notes in entries:
        directory_entry_create(
            actor=admins[orgs[org][0].pk],
            service_type_id=types[code].pk,
            country=country,
            city=city,
            contact_notes=notes,
        )
    return len(entries)


def _read_notifications() -> None:
    """The demo's notifications are about 2013–2014 events: every user has read them."""
    users = User.objects.filter(notifications__read_at__isnull=True).distinct().order_by("pk")
    for user in users:
        notifications_mark_all_read(actor=user)


def demo_assistance_counts() -> tuple[int, dict[str, int], dict[str, int]]:
    """Persons with a delivered service in the project period so far, deliveries per family,
    and referrals per status (from the records, as a report would count them)."""
    delivered = ServiceDelivery.objects.filter(
        status="delivered", delivered_on__range=(PROJECT_START, DEMO_AS_OF)
    )
    persons = delivered.order_by().values("case__person").distinct().count()
    families = Tally(delivered.values_list("service_type__family", flat=True))
    statuses = Tally(Referral.objects.values_list("status", flat=True))
    return persons, dict(sorted(families.items())), dict(sorted(statuses.items()))


def demo_check_empty() -> None:
    """Raise DemoError unless the database has no organisation yet."""
    if Organisation.objects.filter(code=DEMO_ORGANISATION).exists():
        raise DemoError(
            "the demo programme is already loaded (organisation IOM-LB exists); "
            "use `pave demo load --if-empty` to skip, or start from an empty database"
        )
    if Organisation.objects.exists():
        raise DemoError(
            "this database already holds organisations: the demo programme is "
            "only loaded into an empty database"
        )


@transaction.atomic
def demo_load() -> LoadResult:
    """Create the demo programme in an empty database: all of it, or nothing."""
    demo_check_empty()
    rng = random.Random(DEMO_SEED)  # noqa: S311 - reproducible synthetic data, not secrets
    orgs = _create_organisations()
    logins = _create_users(orgs)
    facts = _open_demo_cases(orgs[DEMO_ORGANISATION][1], rng)
    directory = _directory(orgs)
    cast = _cast(orgs)
    for story in demo_stories(facts):
        _tell(story, cast)
    demo_backdate(actor=DEMO_ACTOR, cast=cast)
    _read_notifications()
    # The factsheet's training and outreach, then the project that reports on all of it.
    training_demo_load(actor=DEMO_ACTOR, organisations=orgs)
    monitoring_demo_load(actor=DEMO_ACTOR)
    assisted, delivered, referrals = demo_assistance_counts()
    stages = Tally(Case.objects.values_list("stage", flat=True))
    audit_record(
        actor=DEMO_ACTOR,
        action="demo.load",
        object_type="organisation",
        detail={
            "organisations": len(orgs),
            "users": len(logins),
            "cases": len(facts),
            "assisted": assisted,
            "referrals": sum(referrals.values()),
            "directory": directory,
        },
    )
    return LoadResult(
        logins=logins,
        cases=len(facts),
        stages=dict(sorted(stages.items())),
        assisted=assisted,
        delivered=delivered,
        referrals=referrals,
        directory=directory,
    )


def logins_path() -> Path:
    return Path(settings.DATA_DIR) / LOGINS_FILE


def logins_table(logins: Sequence[Login]) -> str:
    header = ("username", "role", "organisation", "password")
    rows = [header] + [(x.username, x.role, x.organisation, x.password) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def logins_write(logins: Sequence[Login], *, base_url: str = "") -> Path:
    """Write the demo logins with mode 0600 (they are real passwords to this installation)."""
    path = logins_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    when = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"PAVE demo logins (demo loaded {when}). Every person in the demo is synthetic.\n"
        f"{logins_table(logins)}\n"
    )
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


# --- pave demo generate ----------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratePlan:
    organisation: Organisation
    office: Office | None
    assignees: list[User]
    first_index: int
    start: datetime.date
    end: datetime.date


def generate_plan(*, organisation_code: str) -> GeneratePlan:
    org = Organisation.objects.filter(code=organisation_code).first()
    if org is None:
        raise DemoError(f"no organisation {organisation_code!r} (run `pave demo load` first)")
    assignees = list(
        User.objects.filter(organisation=org, is_active=True, role=Role.CASE_WORKER).order_by(
            "username"
        )
    ) or list(
        User.objects.filter(
            organisation=org, is_active=True, role__in=[Role.CASE_MANAGER, Role.ADMINISTRATOR]
        ).order_by("username")
    )
    if not assignees:
        raise DemoError(f"organisation {organisation_code!r} has no case worker to assign to")
    return GeneratePlan(
        organisation=org,
        office=org.offices.order_by("pk").first(),
        assignees=assignees,
        first_index=Person.objects.count(),
        start=datetime.date(2013, 7, 1),
        end=timezone.localdate(),
    )


def generated_identity_number(index: int, citizenship: str) -> str:
    """A passport number unique per generated person: an affine bijection of `index` mod 10^8."""
    serial = (index * 104_729 + 31_337) % 100_000_000
    return f"{data.NATIONALITIES[citizenship].passport_prefix}{serial:08d}"


def _generated_profile(rng: random.Random, plan: GeneratePlan) -> Profile:
    span = (plan.end - plan.start).days
    identified = plan.start + datetime.timedelta(days=rng.randint(0, span))
    sex = "female" if rng.random() < 0.82 else "male"
    return Profile(sex, CITIZENSHIP(rng), rng.random() < 0.03, identified)


def reserve_references(*, country: str, year: int, count: int) -> Iterator[str]:
    """A block of `count` references, in one update of the cases app's counter."""
    return iter(next_references(country=country, year=year, count=count))


def _build_batch(
    rng: random.Random, plan: GeneratePlan, first_index: int, size: int
) -> tuple[list[Person], list[Case]]:
    persons, cases = [], []
    for offset in range(size):
        index = first_index + offset
        profile = _generated_profile(rng, plan)
        person_fields, case_fields = synthetic_person(
            rng,
            profile,
            identity_number=generated_identity_number(index, profile.citizenship),
        )
        person = Person(organisation=plan.organisation, **person_fields)
        index_person(person)
        worker = plan.assignees[index % len(plan.assignees)]
        stage = stage_for(rng, profile.identification_date, plan.end)
        case = Case(
            organisation=plan.organisation,
            office=plan.office,
            assigned_to=worker,
            created_by=worker,
            stage=stage,
            status=CASE_STAGE_STATUS[CaseStage(stage)],
            is_minor=derive_is_minor(person, profile.identification_date),
            **case_fields,
        )
        persons.append(person)
        cases.append(case)
    return persons, cases


def _assign_references(persons: list[Person], cases: list[Case]) -> None:
    by_year = Tally(case.identification_date.year for case in cases)
    country = str(cases[0].country)
    blocks = {
        year: reserve_references(country=country, year=year, count=n)
        for year, n in sorted(by_year.items())
    }
    for person, case in zip(persons, cases, strict=True):
        person.reference = case.reference = next(blocks[case.identification_date.year])


@transaction.atomic
def _store_batch(persons: list[Person], cases: list[Case], *, plan: GeneratePlan) -> None:
    _assign_references(persons, cases)
    Person.objects.bulk_create(persons, batch_size=1000)
    PersonNameToken.objects.bulk_create(
        (
            PersonNameToken(person_id=person.pk, digest=digest)
            for person in persons
            for digest in person_name_digests(person)
        ),
        batch_size=2000,
    )
    for person, case in zip(persons, cases, strict=True):
        case.person_id = person.pk
    Case.objects.bulk_create(cases, batch_size=1000)
    audit_record(
        actor=DEMO_ACTOR,
        action="demo.generate",
        object_type="organisation",
        object_id=plan.organisation.pk,
        detail={"count": len(cases), "first_case": cases[0].pk, "last_case": cases[-1].pk},
    )


def demo_generate(
    *,
    persons: int,
    organisation_code: str = DEMO_ORGANISATION,
    seed: int = 1,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Bulk-create `persons` synthetic persons, each with one case; returns how many."""
    if persons < 1 or batch < 1:
        raise ValidationError("--persons and --batch must be positive")
    plan = generate_plan(organisation_code=organisation_code)
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    done = 0
    while done < persons:
        size = min(batch, persons - done)
        built = _build_batch(rng, plan, plan.first_index + done, size)
        _store_batch(*built, plan=plan)
        done += size
        if progress:
            progress(size)
    return done
