"""Synthetic data for the factsheet benchmark (bench/reports.py), fast enough for millions of rows.

`pave demo generate` builds every person through the ORM and encrypts each of their fields
(about 2,500 persons a second): right for realistic data, far too slow for 1M persons and 3M
services. This module writes the same tables directly — `executemany` in large transactions on
SQLite (journal off, synchronous off, only while loading), `COPY` on PostgreSQL — and varies
what the factsheet counts (sex, date of birth → minor at identification, citizenship, dates,
statuses, stakeholder groups, countries, event types, attendance). Encrypted columns take their
values from a small pool encrypted with the installation's real keyring, so every row still
decrypts; columns the benchmark does not set get the model field's default, so a column another
change adds does not break the load. Name tokens (search) are not generated: the report does
not read them.

Generated rows are recognisable: person and case references start with `BENCH-`, participants'
`match_scope` with `@bench-`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import common  # bench/common.py: this folder is on the path when a script runs

PREFIX = "BENCH-"
SCOPE_PREFIX = "@bench-"
ORGANISATION = "IOM-LB"
CHUNK = 50_000
FIRST_DAY = datetime.date(2012, 7, 1)  # identification dates: mostly inside the project period
LAST_DAY = datetime.date(2015, 6, 30)
CITIZENSHIP = {"ET": 30, "PH": 18, "BD": 14, "LK": 10, "NP": 8, "SY": 8, "SD": 5, "MG": 4, "EG": 3}
COUNTRIES = ["LB", "JO", "EG", "IQ", "SY", "TN", "MA", "YE", "LY", "SD", "ET", "PH", "BD", "LK"]
GROUP_EVENT = {  # a stakeholder group's usual event type (a fifth of attendances are elsewhere)
    "government_officer": "training_workshop",
    "civil_society": "training_workshop",
    "consular": "training_workshop",
    "journalist": "media_workshop",
    "policy_delegate": "policy_dialogue",
    "public": "awareness_session",
}
GROUP_WEIGHTS = [20, 25, 8, 7, 5, 35]
EVENT_TYPES = {
    "training_workshop": 40,
    "awareness_session": 25,
    "media_workshop": 12,
    "policy_dialogue": 8,
    "information_session": 15,
}


@dataclass(frozen=True)
class Sizes:
    persons: int
    services: int
    participants: int


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- loading rows --------------------------------------------------------------------------


class Table:
    """One model's table: the columns the generator sets, then every other concrete column
    with its field's default (prepared once for this database)."""

    def __init__(self, model: Any, varying: list[str]):
        from django.db import connection
        from django.utils import timezone

        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.name = model._meta.db_table
        self.model = model
        now = timezone.now()
        constants: list[tuple[str, Any]] = []
        for field in model._meta.concrete_fields:
            if field.attname in varying:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value: Any = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank and field.get_internal_type() in {"CharField", "TextField"}:
                value = ""
            else:
                raise ValueError(f"{model._meta.label}.{field.name}: no value and no default")
            constants.append((field.column, field.get_db_prep_save(value, connection)))
        self.columns = [fields[name].column for name in varying] + [c for c, _ in constants]
        self.constants = tuple(value for _, value in constants)

    def next_id(self) -> int:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.name}"')  # noqa: S608
            return int(cursor.fetchone()[0]) + 1

    def load(self, rows: Iterable[tuple]) -> int:
        """Insert the rows (varying values first, in `varying` order); returns how many."""
        from django.db import connection, transaction

        columns = ", ".join(f'"{c}"' for c in self.columns)
        constants = self.constants
        count = 0
        connection.ensure_connection()
        raw = connection.connection
        with transaction.atomic():
            if connection.vendor == "postgresql":
                sql = f'COPY "{self.name}" ({columns}) FROM STDIN'
                with raw.cursor() as cursor, cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row + constants)
                        count += 1
            else:
                marks = ", ".join("?" * len(self.columns))
                sql = f'INSERT INTO "{self.name}" ({columns}) VALUES ({marks})'  # noqa: S608
                cursor = raw.cursor()
                for chunk in _chunks(rows, CHUNK):
                    cursor.executemany(sql, [row + constants for row in chunk])
                    count += len(chunk)
        return count


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def fast_loading(on: bool) -> None:
    """Only while the benchmark loads: no journal and no fsync (SQLite), no waiting for the
    WAL flush at commit (PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET synchronous_commit = {'off' if on else 'on'}")
        return
    with connection.cursor() as cursor:
        if on:
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB of page cache while loading
        else:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-2000")


def settle() -> None:
    """After the bulk load: sequences past the new ids, planner statistics, pages on disk
    (as autovacuum and time would do; bench/run.py does the same)."""
    from django.core.management.color import no_style
    from django.db import connection

    from pave.assistance.models import ServiceDelivery
    from pave.cases.models import Case, Person
    from pave.training.models import Attendance, Event, Participant, Session

    models = [Person, Case, ServiceDelivery, Event, Session, Participant, Attendance]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    common.settle(connection)


def analyze() -> None:
    """Fresh planner statistics (a reused database may have new indexes since it was loaded)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- what exists ---------------------------------------------------------------------------


def existing() -> Sizes:
    """How many generated persons, services and participants the database holds."""
    from pave.assistance.models import ServiceDelivery
    from pave.cases.models import Person
    from pave.training.models import Participant

    return Sizes(
        persons=Person.objects.filter(reference__startswith=PREFIX).count(),
        services=ServiceDelivery.objects.filter(case__reference__startswith=PREFIX).count(),
        participants=Participant.objects.filter(match_scope__startswith=SCOPE_PREFIX).count(),
    )


# --- the data ------------------------------------------------------------------------------


def _pool(context: str, values: list[str]) -> list[str]:
    from pave.core.crypto import keyring

    ring = keyring()
    return [ring.encrypt(value, context) for value in values]


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def persons_and_cases(sizes: Sizes, rng: random.Random) -> array:
    """`sizes.persons` persons, one case each; returns each case's identification day
    (ordinal), indexed from the first generated case."""
    from pave.accounts.models import Organisation, User
    from pave.cases.models import Case, Person
    from pave.core import codelists

    org = Organisation.objects.get(code=ORGANISATION)
    office = org.offices.order_by("pk").values_list("pk", flat=True).first()
    workers = list(
        User.objects.filter(organisation=org, is_active=True)
        .order_by("username")
        .values_list("pk", flat=True)
    )
    person_table = Table(
        Person,
        [
            "id",
            "organisation_id",
            "reference",
            "given_name",
            "family_name",
            "birth_date",
            "sex",
            "age_estimate",
            "citizenship",
        ],
    )
    case_table = Table(
        Case,
        [
            "id",
            "organisation_id",
            "office_id",
            "person_id",
            "reference",
            "case_type",
            "country",
            "stage",
            "status",
            "identification_source",
            "identification_date",
            "is_minor",
            "assigned_to_id",
            "created_by_id",
        ],
    )
    given = _pool("cases.Person.given_name", [f"Given{i}" for i in range(64)])
    family = _pool("cases.Person.family_name", [f"Family{i}" for i in range(64)])
    # Births from 1965 to 2004: about one in twenty is a minor when identified.
    births = []
    for _ in range(3000):
        year = rng.randint(1965, 1995) if rng.random() < 0.93 else rng.randint(1996, 2004)
        births.append(datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)))
    birth_text = _pool("cases.Person.birth_date", [b.isoformat() for b in births])
    citizenship = [json.dumps([code]) for code in CITIZENSHIP]
    nationality_weights = list(CITIZENSHIP.values())
    stages = list(codelists.CASE_STAGE_STATUS)
    stage_weights = [10, 10, 35, 15, 3, 20, 7]
    case_types = [c.value for c in codelists.CaseType]
    sources = [s.value for s in codelists.IdentificationSource]
    first_day, span = FIRST_DAY.toordinal(), (LAST_DAY - FIRST_DAY).days
    person_id, case_id = person_table.next_id(), case_table.next_id()
    days = array("i", bytes(4 * sizes.persons))
    people: list[tuple] = []
    cases: list[tuple] = []

    def build(start: int, stop: int) -> None:
        people.clear()
        cases.clear()
        for i in range(start, stop):
            day = first_day + rng.randrange(span)
            days[i] = day
            identified = datetime.date.fromordinal(day)
            reference = f"{PREFIX}{i + 1:08d}"
            draw = rng.random()
            sex = "female" if draw < 0.8 else "male" if draw < 0.97 else "other"
            if rng.random() < 0.06:  # date of birth not known: no minor flag
                birth, minor, estimate = "", None, None
            else:
                b = rng.randrange(len(births))
                birth, minor, estimate = birth_text[b], _age(births[b], identified) < 18, None
            stage = rng.choices(stages, weights=stage_weights)[0]
            nationality = rng.choices(citizenship, weights=nationality_weights)[0]
            people.append(
                (
                    person_id + i,
                    org.pk,
                    reference,
                    given[i % 64],
                    family[(i * 7) % 64],
                    birth,
                    sex,
                    estimate,
                    nationality,
                )
            )
            cases.append(
                (
                    case_id + i,
                    org.pk,
                    office,
                    person_id + i,
                    reference,
                    case_types[i % 3],
                    "LB" if rng.random() < 0.9 else "JO",
                    stage,
                    codelists.CASE_STAGE_STATUS[stage],
                    sources[i % len(sources)],
                    identified.isoformat(),
                    minor,
                    workers[i % len(workers)],
                    workers[(i + 1) % len(workers)],
                )
            )

    step = 200_000
    for start in range(0, sizes.persons, step):
        stop = min(start + step, sizes.persons)
        build(start, stop)
        person_table.load(people)
        case_table.load(cases)
        log(f"  persons and cases: {stop:,}")
    return days


def services(sizes: Sizes, rng: random.Random, days: array) -> None:
    """`sizes.services` deliveries, each to a random generated case, 0–180 days after the
    case's identification (so some fall after the project's end)."""
    from pave.accounts.models import Organisation, User
    from pave.assistance.models import ServiceDelivery, ServiceType
    from pave.cases.models import Case

    org = Organisation.objects.get(code=ORGANISATION)
    providers = [org.pk] * 8 + list(
        Organisation.objects.exclude(pk=org.pk).order_by("pk").values_list("pk", flat=True)[:2]
    )
    recorders = list(User.objects.filter(organisation=org).values_list("pk", flat=True))
    types = list(ServiceType.objects.order_by("pk").values_list("pk", flat=True))
    first_case = Case.objects.filter(reference=f"{PREFIX}{1:08d}").values_list("pk", flat=True)[0]
    table = Table(
        ServiceDelivery,
        [
            "id",
            "case_id",
            "service_type_id",
            "provider_id",
            "delivered_on",
            "status",
            "recorded_by_id",
        ],
    )
    first_id = table.next_id()
    n = len(days)
    ordinal_text: dict[int, str] = {}

    def rows(start: int, stop: int) -> Iterator[tuple]:
        randrange, random_ = rng.randrange, rng.random
        for i in range(start, stop):
            c = randrange(n)
            day = days[c] + randrange(181)
            text = ordinal_text.get(day)
            if text is None:
                text = ordinal_text[day] = datetime.date.fromordinal(day).isoformat()
            draw = random_()
            status = "delivered" if draw < 0.85 else "planned" if draw < 0.95 else "cancelled"
            yield (
                first_id + i,
                first_case + c,
                types[i % len(types)],
                providers[i % len(providers)],
                text,
                status,
                recorders[i % len(recorders)],
            )

    step = 500_000
    for start in range(0, sizes.services, step):
        stop = min(start + step, sizes.services)
        table.load(rows(start, stop))
        log(f"  services: {stop:,}")


def training(sizes: Sizes, rng: random.Random) -> int:
    """Events with their sessions, `sizes.participants` participants and their attendance
    (one to five sessions each, mostly at their group's usual kind of event); returns the
    number of attendances."""
    from pave.accounts.models import Organisation
    from pave.training.models import Attendance, Event, Participant, Session

    org = Organisation.objects.get(code=ORGANISATION)
    event_table = Table(Event, ["id", "organisation_id", "title", "event_type", "country"])
    session_table = Table(Session, ["id", "event_id", "date"])
    participant_table = Table(
        Participant,
        [
            "id",
            "organisation_id",
            "full_name",
            "sex",
            "stakeholder_group",
            "country",
            "match_scope",
            "name_bidx",
        ],
    )
    attendance_table = Table(Attendance, ["id", "session_id", "participant_id", "present"])
    n_events = max(20, sizes.participants // 100)
    event_id, session_id = event_table.next_id(), session_table.next_id()
    kinds = _weighted(rng, EVENT_TYPES, n_events)
    for kind in EVENT_TYPES:  # every kind at least once
        kinds[rng.randrange(n_events)] = kind
    events = [
        (event_id + e, org.pk, f"Bench {kinds[e].replace('_', ' ')} {e + 1}", kinds[e], "LB")
        for e in range(n_events)
    ]
    event_table.load(events)
    sessions, by_kind = [], {kind: [] for kind in EVENT_TYPES}
    first_day, span = FIRST_DAY.toordinal(), (LAST_DAY - FIRST_DAY).days
    for e in range(n_events):
        day = first_day + rng.randrange(span)
        for k in range(rng.randint(1, 3)):
            sid = session_id + len(sessions)
            sessions.append((sid, event_id + e, datetime.date.fromordinal(day + k).isoformat()))
            by_kind[kinds[e]].append(sid)
    session_table.load(sessions)

    names = _pool("training.Participant.full_name", [f"Participant {i}" for i in range(64)])
    groups = rng.choices(list(GROUP_EVENT), weights=GROUP_WEIGHTS, k=sizes.participants)
    participant_id = participant_table.next_id()
    people = []
    for i in range(sizes.participants):
        country = COUNTRIES[min(int(rng.expovariate(0.35)), len(COUNTRIES) - 1)]
        people.append(
            (
                participant_id + i,
                org.pk,
                names[i % 64],
                "female" if rng.random() < 0.55 else "male",
                groups[i],
                country,
                SCOPE_PREFIX + country.lower(),
                hashlib.blake2b(f"bench participant {i}".encode(), digest_size=16).hexdigest(),
            )
        )
    participant_table.load(people)
    log(f"  participants: {sizes.participants:,}")

    attendance_id = attendance_table.next_id()
    all_sessions = [s[0] for s in sessions]

    def attendances() -> Iterator[tuple]:
        a = attendance_id
        for i in range(sizes.participants):
            home = by_kind[GROUP_EVENT[groups[i]]]
            chosen = set()
            for _ in range(rng.randint(1, 5)):
                pool = home if rng.random() < 0.8 else all_sessions
                chosen.add(pool[rng.randrange(len(pool))])
            for sid in sorted(chosen):
                yield (a, sid, participant_id + i, rng.random() < 0.92)
                a += 1

    count = attendance_table.load(attendances())
    log(f"  attendances: {count:,}")
    return count


def generate(sizes: Sizes, *, seed: int = 5, progress: Callable[[str], None] = log) -> dict:
    """Add the generated rows (to a database with the demo programme loaded); returns counts
    and timings."""
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    fast_loading(True)
    try:
        started = time.monotonic()
        days = persons_and_cases(sizes, rng)
        timings["persons_cases_s"] = time.monotonic() - started
        started = time.monotonic()
        services(sizes, rng, days)
        timings["services_s"] = time.monotonic() - started
        started = time.monotonic()
        attendances = training(sizes, rng)
        timings["training_s"] = time.monotonic() - started
    finally:
        fast_loading(False)
    started = time.monotonic()
    settle()
    timings["settle_s"] = time.monotonic() - started
    progress(f"  settled (statistics, checkpoint): {timings['settle_s']:.1f} s")
    return {"attendances": attendances, **timings}
