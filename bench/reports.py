"""Factsheet benchmark: `pave report` aggregates on generated data vs DuckDB on an export.

Builds a fresh SQLite installation (temporary PAVE_DATA_DIR), loads the demo programme and the
PAVE project, grows it with `pave demo generate` (persons and cases) and bulk services and
participants, then times `report_build` (every indicator, internal and public) and, in the same
run, the same aggregates in DuckDB over a CSV export of the same tables. Appends a section to
bench/RESULTS-reports.md.

    .venv/bin/python bench/reports.py                       # 1M persons, 3M services, 200k
    .venv/bin/python bench/reports.py --persons 20000 --services 60000 --participants 5000
    PAVE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/pave_bench_reports \\
        .venv/bin/python bench/reports.py                   # PostgreSQL (database must be empty)

Needs duckdb (a bench extra, not a runtime dependency): pip install duckdb==2.0.1
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS-reports.md"
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.setdefault("PAVE_DATA_DIR", tempfile.mkdtemp(prefix="pave-bench-reports-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("demo", "load")


def grow(persons: int, services: int, participants: int) -> None:
    from pave.accounts.models import Organisation
    from pave.assistance.models import ServiceDelivery, ServiceType
    from pave.cases.models import Case
    from pave.demo.services import demo_generate
    from pave.training.models import Attendance, Event, Participant, Session

    rng = random.Random(5)
    demo_generate(persons=persons, seed=3)
    org = Organisation.objects.get(code="IOM-LB")
    types = list(ServiceType.objects.values_list("pk", flat=True)) or [
        ServiceType.objects.create(code="bench", family="recovery", name="bench").pk
    ]
    case_ids = list(Case.objects.filter(organisation=org).values_list("pk", "identification_date"))
    batch = []
    for i in range(services):
        case_id, day = case_ids[i % len(case_ids)]
        batch.append(
            ServiceDelivery(
                case_id=case_id,
                service_type_id=types[i % len(types)],
                provider=org,
                delivered_on=day + datetime.timedelta(days=rng.randint(0, 120)),
            )
        )
        if len(batch) == 20000:
            ServiceDelivery.objects.bulk_create(batch)
            batch = []
    ServiceDelivery.objects.bulk_create(batch)
    events = [
        Event.objects.create(organisation=org, title=f"bench {t}", event_type=t, country="LB")
        for t in ("training_workshop", "awareness_session", "media_workshop", "policy_dialogue")
    ]
    sessions = [Session.objects.create(event=e, date=datetime.date(2014, 3, 1)) for e in events]
    groups = ["government_officer", "civil_society", "consular", "journalist", "public"]
    people = Participant.objects.bulk_create(
        (
            Participant(
                organisation=org,
                sex=rng.choice(["female", "male"]),
                stakeholder_group=groups[i % len(groups)],
                country=rng.choice(["LB", "JO", "EG", "IQ"]),
                match_scope=f"bench-{i}",
                name_bidx=f"{i:032d}",
            )
            for i in range(participants)
        ),
        batch_size=10000,
    )
    Attendance.objects.bulk_create(
        (
            Attendance(session=sessions[i % len(sessions)], participant=p)
            for i, p in enumerate(people)
        ),
        batch_size=10000,
    )


def export(directory: Path) -> dict[str, Path]:
    """The tables the factsheet reads, as CSV (what an analyst would load into DuckDB)."""
    from django.db import connection

    queries = {
        "services": "SELECT s.status, s.delivered_on, c.person_id, c.is_minor, p.sex "
        "FROM assistance_servicedelivery s JOIN cases_case c ON c.id = s.case_id "
        "JOIN cases_person p ON p.id = c.person_id",
        "attendance": "SELECT a.participant_id, a.present, e.event_type, x.stakeholder_group, "
        "x.sex, x.country, se.date FROM training_attendance a "
        "JOIN training_session se ON se.id = a.session_id "
        "JOIN training_event e ON e.id = se.event_id "
        "JOIN training_participant x ON x.id = a.participant_id",
    }
    paths = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            path = directory / f"{name}.csv"
            with path.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([col[0] for col in cursor.description])
                writer.writerows(cursor.fetchall())
            paths[name] = path
    return paths


DUCKDB_SQL = [
    "SELECT COUNT(DISTINCT person_id) FROM services WHERE status = 'delivered' "
    "AND delivered_on BETWEEN DATE '{start}' AND DATE '{end}'",
    "SELECT CASE WHEN is_minor THEN 'minors' WHEN sex = 'female' THEN 'women' "
    "WHEN sex = 'male' THEN 'men' ELSE 'other' END AS k, COUNT(DISTINCT person_id) "
    "FROM services WHERE status = 'delivered' AND delivered_on BETWEEN DATE '{start}' "
    "AND DATE '{end}' GROUP BY k",
    "SELECT event_type, stakeholder_group, COUNT(DISTINCT participant_id) FROM attendance "
    "WHERE present AND date BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY ALL",
    "SELECT event_type, sex, COUNT(DISTINCT participant_id) FROM attendance "
    "WHERE present AND date BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY ALL",
    "SELECT event_type, country, COUNT(DISTINCT participant_id) FROM attendance "
    "WHERE present AND date BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY ALL",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--services", type=int, default=3_000_000)
    parser.add_argument("--participants", type=int, default=200_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from pave.monitoring.demo import monitoring_demo_load
    from pave.monitoring.selectors import PUBLIC, report_build

    project = monitoring_demo_load(actor="cli:bench")
    started = time.monotonic()
    grow(args.persons, args.services, args.participants)
    grown = time.monotonic() - started
    timings = {}
    for audience in ("internal", PUBLIC):
        started = time.monotonic()
        report = report_build(project=project, audience=audience)
        timings[audience] = time.monotonic() - started
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        paths = export(Path(tmp))
        db = duckdb.connect()
        for name, path in paths.items():
            db.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{path}')")  # noqa: S608
        started = time.monotonic()
        for sql in DUCKDB_SQL:
            db.execute(sql.format(start=project.start, end=project.end)).fetchall()
        duck = time.monotonic() - started
    ratio = timings["internal"] / duck if duck else float("inf")
    lines = [
        f"\n## {datetime.date.today()} — {connection.vendor}, {args.persons:,} persons, "  # noqa: DTZ011
        f"{args.services:,} services, {args.participants:,} participants\n",
        f"Command: `{shlex.join(['.venv/bin/python', 'bench/reports.py', *sys.argv[1:]])}`\n",
        f"- data generation: {grown:.1f} s",
        f"- report_build (8 indicators, internal): {timings['internal']:.2f} s",
        f"- report_build (public, suppressed): {timings[PUBLIC]:.2f} s",
        f"- DuckDB {duckdb.__version__}, same aggregates over the CSV export "
        f"(loaded tables; load time excluded): {duck:.2f} s",
        f"- ratio PAVE / DuckDB: {ratio:.1f}× (target ≤ 3×)",
        f"- migrants_assisted = {report.get('migrants_assisted').value}\n",
    ]
    with RESULTS.open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
