"""The demo programme (the 2014 factsheet's partners and 89 assisted migrants) and bulk data.

`demo_load` writes only through the accounts and cases services, so its records are encrypted,
indexed and audited exactly like hand-entered ones. `demo_generate` builds the same rows in
bulk for benchmarks, reusing the cases services' indexing helpers, with one audit event per
batch instead of one per row. Both are deterministic for a given seed.
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
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pave.accounts.models import Office, Organisation, User
from pave.accounts.roles import Role
from pave.accounts.services import office_create, organisation_create, user_create
from pave.cases.models import Case, Person, PersonNameToken
from pave.cases.services import (
    case_open,
    derive_is_minor,
    index_person,
    next_references,
    person_name_digests,
)
from pave.core.audit import audit_record
from pave.core.codelists import CASE_STAGE_STATUS, CaseStage
from pave.demo import data

DEMO_ACTOR = "cli:demo"
DEMO_SEED = 20140630
DEMO_ORGANISATION = "IOM-LB"
# The factsheet's "as of" date: demo stages are what they would have been then.
DEMO_AS_OF = datetime.date(2014, 6, 30)
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
    for spec in USERS:
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


def _open_demo_cases(office: Office, rng: random.Random) -> dict[int, str]:
    """Open the 89 cases through case_open; return the stage each should be at."""
    workers = list(
        User.objects.filter(organisation=office.organisation, role=Role.CASE_WORKER).order_by(
            "username"
        )
    )
    serials = rng.sample(range(1_000_000, 10_000_000), 89)
    stages: dict[int, str] = {}
    for index, profile in enumerate(demo_profiles(rng)):
        prefix = data.NATIONALITIES[profile.citizenship].passport_prefix
        person, case = synthetic_person(rng, profile, identity_number=f"{prefix}{serials[index]}")
        _fix_minor_age(person, profile)
        case["office"] = office
        opened = case_open(actor=workers[index % len(workers)], person=person, case=case)
        stages[opened.pk] = stage_for(rng, profile.identification_date, DEMO_AS_OF)
    return stages


def demo_stages_set(*, actor: Any, stages: dict[int, str]) -> dict[str, int]:
    """Move demo cases to their stages in bulk (demo only; real moves use the workflow)."""
    by_stage: dict[str, list[int]] = {}
    for case_id, stage in stages.items():
        by_stage.setdefault(stage, []).append(case_id)
    for stage, ids in by_stage.items():
        Case.objects.filter(pk__in=ids).update(
            stage=stage, status=CASE_STAGE_STATUS[CaseStage(stage)], version=F("version") + 1
        )
    counts = {stage: len(ids) for stage, ids in sorted(by_stage.items())}
    audit_record(
        actor=actor,
        action="demo.stage",
        object_type="case",
        fields=["stage", "status"],
        detail={"stages": counts},
    )
    return counts


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
    stages = _open_demo_cases(orgs[DEMO_ORGANISATION][1], rng)
    counts = demo_stages_set(actor=DEMO_ACTOR, stages=stages)
    audit_record(
        actor=DEMO_ACTOR,
        action="demo.load",
        object_type="organisation",
        detail={"organisations": len(orgs), "users": len(logins), "cases": len(stages)},
    )
    return LoadResult(logins=logins, cases=len(stages), stages=counts)


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
