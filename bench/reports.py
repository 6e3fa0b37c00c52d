"""Factsheet benchmark: `report_build` on generated data vs DuckDB on an export of the same data.

For each database (SQLite, then PostgreSQL) a child process gets an installation with the demo
programme and the PAVE project, grown with bench/generate.py to the requested size (1M persons
with one case each, 3M services, 200k training participants with their attendance). The data is
kept between runs — SQLite in var/bench/reports/pave.sqlite3, PostgreSQL in the database
`pave_bench_reports` — and reused when it already has the requested size (`--fresh`
regenerates). The child times `report_build` for every indicator of the project (internal, then
public with suppression), exports the rows the factsheet reads as CSV, loads them into DuckDB
(load time excluded) and times the same aggregates there: per indicator, one COUNT DISTINCT
for the value and one GROUP BY per disaggregation, over the same joins and filters. Every
number PAVE reports must equal DuckDB's, or the run fails. A section with the exact command is
appended to bench/RESULTS-reports.md.

    .venv/bin/python bench/reports.py                       # 1M persons, 3M services, 200k
    .venv/bin/python bench/reports.py --persons 20000 --services 60000 --participants 5000
    .venv/bin/python bench/reports.py --databases sqlite --fresh
    PAVE_BENCH_DATABASE_URL=postgres://postgres@db:5432/pave_bench_reports \\
        .venv/bin/python bench/reports.py                   # another PostgreSQL server

Needs duckdb (a bench extra, not a runtime dependency): pip install -e ".[bench]"
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS-reports.md"
DATA_DIR = ROOT / "var" / "bench" / "reports"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/pave_bench_reports"
TARGET = 3.0
STALE = 3  # child exit status: the database holds generated data of another size
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import common  # noqa: E402 - bench/common.py, on the path just above

# --- parent: one child process per database -------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--services", type=int, default=3_000_000)
    parser.add_argument("--participants", type=int, default=200_000)
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--fresh", action="store_true", help="regenerate even if reusable")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is kept)")
    parser.add_argument("--no-results", action="store_true", help="do not append to RESULTS")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def pg_url() -> str:
    return os.environ.get("PAVE_BENCH_DATABASE_URL") or PG_DEFAULT


def pg_split(url: str) -> tuple[str, str]:
    server, _, name = url.rpartition("/")
    return server, name


def pg_prepare(url: str, *, fresh: bool) -> str:
    """Create (or, fresh, re-create) the bench database; '' if ready, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    server, name = pg_split(url)
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
            if fresh:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not found:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        where = re.sub(r"//[^@/]*@", "//", server)  # no credentials in the output
        return f"PostgreSQL at {where} is not reachable: {str(error).strip().splitlines()[0]}"
    return ""


def sqlite_prepare(*, fresh: bool) -> str:
    if fresh:
        for suffix in ("", "-wal", "-shm", "-journal"):
            (DATA_DIR / f"pave.sqlite3{suffix}").unlink(missing_ok=True)
    return ""


def run_child(database: str, args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    env = dict(os.environ, PAVE_DATA_DIR=str(DATA_DIR), DJANGO_SETTINGS_MODULE="config.settings")
    env.pop("PAVE_DATABASE_URL", None)
    if database == "postgresql":
        env["PAVE_DATABASE_URL"] = pg_url()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    fresh = args.fresh
    for _attempt in range(2):
        reason = (
            pg_prepare(pg_url(), fresh=fresh)
            if database == "postgresql"
            else sqlite_prepare(fresh=fresh)
        )
        if reason:
            return {"database": database, "skipped": reason}
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_file = handle.name
        command = [sys.executable, __file__, *argv, "--child", database]
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [*command, "--result-file", result_file], env=env, check=False
        )
        if done.returncode == STALE and not fresh:
            print(f"{database}: generated data of another size; regenerating", flush=True)
            fresh = True
            continue
        if done.returncode:
            raise SystemExit(f"{database}: the benchmark failed (exit {done.returncode})")
        result = json.loads(Path(result_file).read_text())
        Path(result_file).unlink()
        return result
    raise SystemExit(f"{database}: could not regenerate the data")


def per_indicator(result: dict[str, Any]) -> str:
    """The report counted one query per indicator, and how much slower than in one pass."""
    took = result["per_indicator_s"]
    return f"{took:.2f} s ({took / result['internal_s']:.1f}× one pass)"


def section(args: argparse.Namespace, argv: list[str], results: list[dict[str, Any]]) -> str:
    today = datetime.datetime.now(datetime.UTC).date()
    lines = [
        f"\n## {today} — {args.persons:,} persons, {args.services:,} services, "
        f"{args.participants:,} participants\n",
        f"Command: `{shlex.join(['.venv/bin/python', 'bench/reports.py', *argv])}`  ",
        f"Machine: {common.machine()} (shared with other work while it ran)\n",
    ]
    measured = [r for r in results if "skipped" not in r]
    if measured:
        lines += [
            "| | " + " | ".join(r["version"] for r in measured) + " |",
            "|---|" + "---|" * len(measured),
        ]
        rows = [
            ("data", lambda r: r["data"]),
            ("rows", lambda r: r["rows"]),
            ("report_build, internal (best of n)", lambda r: f"{r['internal_s']:.2f} s"),
            ("report_build, public, suppressed", lambda r: f"{r['public_s']:.2f} s"),
            ("internal, one query per indicator (before one pass)", per_indicator),
            ("report_build: queries, slowest", lambda r: r["slowest"]),
            ("CSV export (not in the ratio)", lambda r: f"{r['export_s']:.1f} s"),
            ("DuckDB load (not in the ratio)", lambda r: f"{r['duck_load_s']:.1f} s"),
            (
                f"DuckDB {measured[0]['duckdb']}, same queries (best of n)",
                lambda r: f"{r['duck_s']:.2f} s",
            ),
            (
                f"ratio PAVE internal / DuckDB (target ≤ {TARGET:g}×)",
                lambda r: f"**{r['ratio']:.1f}×** {'✓' if r['ratio'] <= TARGET else '✗'}",
            ),
            ("ratio PAVE public / DuckDB", lambda r: f"{r['public_ratio']:.1f}×"),
            ("numbers equal to DuckDB's", lambda r: r["agreement"]),
            ("migrants_assisted (women / men / minors / other)", lambda r: r["assisted"]),
        ]
        for label, cell in rows:
            lines.append(f"| {label} | " + " | ".join(str(cell(r)) for r in measured) + " |")
    for r in results:
        if "skipped" in r:
            lines.append(f"\n{r['database']}: not run — {r['skipped']}")
    if len({r["assisted"] for r in measured}) > 1:
        lines.append("\n**The databases disagree on migrants_assisted.**")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.child:
        child(args)
        return
    results = []
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        print(f"== {database}", flush=True)
        result = run_child(database, args, argv)
        if "skipped" in result:
            print(f"{database}: skipped — {result['skipped']}", flush=True)
        results.append(result)
    text = section(args, argv, results)
    print(text)
    if not args.no_results:
        with RESULTS.open("a") as handle:
            handle.write(text)
    if any("skipped" not in r and r["ratio"] > TARGET for r in results):
        print(f"PAVE is slower than {TARGET:g}× DuckDB on at least one database.")


# --- child: one database --------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def child(args: argparse.Namespace) -> None:
    django.setup()
    import generate
    from django.core.management import call_command
    from django.db import connection

    from pave.accounts.models import Organisation
    from pave.monitoring.models import Project

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if not Organisation.objects.filter(code=generate.ORGANISATION).exists():
        log("loading the demo programme")
        call_command("demo", "load", verbosity=0)
    setup = time.monotonic() - started
    project = Project.objects.get(code="PAVE")
    wanted = generate.Sizes(args.persons, args.services, args.participants)
    have = generate.existing()
    if have == wanted:
        data = "reused (generated by an earlier run)"
        log(f"reusing the generated data: {have}; ANALYZE")
        generate.analyze()
    elif have != generate.Sizes(0, 0, 0):
        log(f"the database holds {have}, not {wanted}")
        raise SystemExit(STALE)
    else:
        log(f"generating {wanted}")
        started = time.monotonic()
        gen = generate.generate(wanted)
        took = time.monotonic() - started
        data = (
            f"generated in {took:.0f} s (persons+cases {gen['persons_cases_s']:.0f} s, "
            f"services {gen['services_s']:.0f} s, training {gen['training_s']:.0f} s, "
            f"statistics {gen['settle_s']:.0f} s; migrate + demo {setup:.0f} s)"
        )
        log(data)
    result = {"database": args.child, "version": database_version(connection), "data": data}
    result.update(measure(project, args.repeat))
    Path(args.result_file).write_text(json.dumps(result))


def database_version(connection: Any) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"

    return f"SQLite {sqlite3.sqlite_version}"


def row_counts() -> str:
    from django.db import connection

    tables = {
        "persons": "cases_person",
        "cases": "cases_case",
        "services": "assistance_servicedelivery",
        "participants": "training_participant",
        "attendances": "training_attendance",
    }
    counts = []
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts.append(f"{cursor.fetchone()[0]:,} {label}")
    return ", ".join(counts)


def measure(project: Any, repeat: int) -> dict[str, Any]:
    import duckdb
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pave.monitoring.selectors import INTERNAL, PUBLIC, report_build

    rows = row_counts()
    log(rows)
    with tempfile.TemporaryDirectory(prefix="pave-bench-export-") as tmp:
        started = time.monotonic()
        paths = export(Path(tmp))
        export_s = time.monotonic() - started
        log(f"CSV export: {export_s:.1f} s")
        db = duckdb.connect()
        started = time.monotonic()
        for name, path in paths.items():
            db.execute(
                f"CREATE TABLE {name} AS SELECT * FROM "  # noqa: S608
                f"read_csv('{path}', header = true, nullstr = '\\N')"
            )
        load_s = time.monotonic() - started
    queries = duck_queries(project)
    # PAVE (internal, public) and DuckDB take turns, so that both see the same load on a
    # shared machine; the best of `repeat` runs of each is kept.
    # The internal report as it was counted before one pass per source (one query per
    # indicator) takes its turn too, to measure the gain on the same data and load.
    best = {INTERNAL: float("inf"), PUBLIC: float("inf"), "duckdb": float("inf")}
    best["per_indicator"] = float("inf")
    report = None
    answers: dict[str, Any] = {}
    one_by_one: list[Any] = []
    for _ in range(repeat):
        for audience in (INTERNAL, PUBLIC):
            started = time.monotonic()
            built = report_build(project=project, audience=audience)
            best[audience] = min(best[audience], time.monotonic() - started)
            report = built if audience == INTERNAL else report
        started = time.monotonic()
        one_by_one = report_per_indicator(project)
        best["per_indicator"] = min(best["per_indicator"], time.monotonic() - started)
        started = time.monotonic()
        answers = {key: db.execute(sql).fetchall() for key, sql in queries.items()}
        best["duckdb"] = min(best["duckdb"], time.monotonic() - started)
        log(", ".join(f"{k} {v:.2f} s" for k, v in best.items()) + " (best so far)")
    assert report is not None
    timings, duck = best, best["duckdb"]
    with CaptureQueriesContext(connection) as captured:
        report_build(project=project, audience=INTERNAL)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    slow = f"{len(captured.captured_queries)} queries; slowest {float(slowest['time']):.2f} s"
    agreement = compare(report, answers)
    same = [(r.code, r.value, r.breakdowns) for r in one_by_one]
    if same != [(r.code, r.value, r.breakdowns) for r in report.indicators]:
        raise SystemExit("One pass per source and one query per indicator disagree.")
    log(f"agreement: {agreement}")
    assisted = report.get("migrants_assisted")
    split = assisted.breakdowns.get("sex_age", {})
    return {
        "rows": rows,
        "internal_s": timings[INTERNAL],
        "per_indicator_s": timings["per_indicator"],
        "public_s": timings[PUBLIC],
        "slowest": slow,
        "export_s": export_s,
        "duck_load_s": load_s,
        "duck_s": duck,
        "duckdb": duckdb.__version__,
        "ratio": timings[INTERNAL] / duck,
        "public_ratio": timings[PUBLIC] / duck,
        "agreement": agreement,
        "assisted": f"{assisted.value:,} ("
        + " / ".join(f"{split.get(k, 0):,}" for k in ("women", "men", "minors", "other"))
        + ")",
    }


def report_per_indicator(project: Any) -> list[Any]:
    """The internal report counted as before one pass per source (bench/RESULTS-reports.md,
    2026-12-02): each computed indicator by its own query."""
    from pave.monitoring.selectors import INTERNAL, indicator_result, report_period
    from pave.privacy.selectors import suppression_threshold

    period = report_period(project, None, None)
    threshold = suppression_threshold()
    indicators = project.indicators.prefetch_related("targets", "values")
    return [
        indicator_result(
            indicator, project=project, period=period, audience=INTERNAL, threshold=threshold
        )
        for indicator in indicators
    ]


# --- the export and DuckDB's queries --------------------------------------------------------

EXPORT = {  # booleans as 1/0 (SQLite's and PostgreSQL's CSV agree)
    "persons": "SELECT id, sex FROM cases_person",
    "cases": "SELECT id, person_id, organisation_id, country, case_type, "
    "CASE WHEN is_minor THEN 1 WHEN NOT is_minor THEN 0 END AS is_minor FROM cases_case",
    "services": "SELECT id, case_id, service_type_id, status, delivered_on "
    "FROM assistance_servicedelivery",
    "service_types": "SELECT id, code, family FROM assistance_servicetype",
    "participants": "SELECT id, sex, stakeholder_group, country FROM training_participant",
    "attendances": "SELECT id, session_id, participant_id, "
    "CASE WHEN present THEN 1 ELSE 0 END AS present FROM training_attendance",
    "sessions": "SELECT id, event_id, date FROM training_session",
    "events": "SELECT id, organisation_id, event_type FROM training_event",
}


def export(directory: Path) -> dict[str, Path]:
    """The columns the factsheet reads, table by table, as CSV (NULL written as \\N)."""

    from django.db import connection

    paths = {}
    connection.ensure_connection()
    for name, sql in EXPORT.items():
        path = directory / f"{name}.csv"
        if connection.vendor == "postgresql":
            copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER, NULL '\\N')"
            with (
                connection.connection.cursor() as cursor,
                path.open("wb") as handle,
                cursor.copy(copy_sql) as copy,
            ):
                for block in copy:
                    handle.write(block)
        else:
            cursor = connection.connection.cursor()
            cursor.execute(sql)
            with path.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([col[0] for col in cursor.description])
                while batch := cursor.fetchmany(100_000):
                    writer.writerows(tuple("\\N" if v is None else v for v in row) for row in batch)
        paths[name] = path
    return paths


# Each source of the definition language in DuckDB's SQL: the same joins as the ORM's.
SOURCES: dict[str, dict[str, Any]] = {
    "services": {
        "tables": "services s JOIN cases c ON c.id = s.case_id "
        "JOIN persons p ON p.id = c.person_id JOIN service_types t ON t.id = s.service_type_id",
        "organisation": "c.organisation_id",
        "where": "TRUE",
        "person": "c.person_id",
        "period": {"delivered_on": "s.delivered_on"},
        "filters": {
            "status": "s.status",
            "service_family": "t.family",
            "service_type": "t.code",
            "case_type": "c.case_type",
        },
        "sex": "p.sex",
        "minor": "c.is_minor",
        "country": "c.country",
        "extra": {"service_family": "t.family", "case_type": "c.case_type"},
    },
    "participants": {
        "tables": "attendances a JOIN sessions se ON se.id = a.session_id "
        "JOIN events e ON e.id = se.event_id JOIN participants x ON x.id = a.participant_id",
        "organisation": "e.organisation_id",
        "where": "a.present = 1",
        "person": "a.participant_id",
        "period": {"event_date": "se.date"},
        "filters": {
            "event_type": "e.event_type",
            "stakeholder_group": "x.stakeholder_group",
            "country": "x.country",
            "event": "se.event_id",
        },
        "sex": "x.sex",
        "country": "x.country",
        "extra": {
            "stakeholder_group": "x.stakeholder_group",
            "event_type": "e.event_type",
            "country": "x.country",
        },
    },
}


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _dimension(source: dict[str, Any], period: str, name: str) -> str:
    if name == "sex":
        return source["sex"]
    if name == "age_group":
        minor = source["minor"]
        return f"CASE WHEN {minor} = 1 THEN 'minor' WHEN {minor} = 0 THEN 'adult' END"
    if name == "sex_age":
        return (
            f"CASE WHEN {source['minor']} = 1 THEN 'minors' WHEN {source['sex']} = 'female' "
            f"THEN 'women' WHEN {source['sex']} = 'male' THEN 'men' ELSE 'other' END"
        )
    if name == "country":
        return source["country"]
    if name == "month":
        return f"strftime({period}, '%Y-%m')"
    return source["extra"][name]


def duck_queries(project: Any) -> dict[str, str]:
    """Per computed indicator: the value, then one query per disaggregation."""
    from pave.monitoring import definitions
    from pave.monitoring.models import IndicatorKind

    queries = {}
    for indicator in project.indicators.filter(kind=IndicatorKind.COMPUTED).order_by("pk"):
        definition = definitions.validate(indicator.definition)
        source = SOURCES[definition.source]
        period = source["period"][definition.period_field]
        where = [
            source["where"],
            f"{source['organisation']} = {project.organisation_id}",
            f"{period} BETWEEN DATE '{project.start}' AND DATE '{project.end}'",
        ]
        for name, values in definition.filters.items():
            where.append(f"{source['filters'][name]} IN ({', '.join(_literal(v) for v in values)})")
        if definition.count == "distinct_persons":
            counter = f"COUNT(DISTINCT {source['person']})"
        elif definition.count == "distinct_values":
            column = source["extra"].get(definition.distinct_field, source["country"])
            counter = f"COUNT(DISTINCT {column})"
        else:
            counter = "COUNT(*)"
        body = f"FROM {source['tables']} WHERE {' AND '.join(where)}"
        queries[indicator.code] = f"SELECT {counter} {body}"
        for name in definition.disaggregations:
            expression = _dimension(source, period, name)
            queries[f"{indicator.code}:{name}"] = (
                f"SELECT {expression} AS category, {counter} {body} GROUP BY ALL"
            )
    return queries


def compare(report: Any, answers: dict[str, Any]) -> str:
    """Every value and breakdown of the internal report against DuckDB's; raises if any
    number differs."""
    checked = 0
    problems = []
    for key, rows in answers.items():
        code, _, name = key.partition(":")
        result = report.get(code)
        if not name:
            expected, got = rows[0][0], result.value
        else:
            expected = {}
            for category, n in rows:
                label = "unknown" if category in (None, "") else str(category)
                expected[label] = expected.get(label, 0) + n
            expected = dict(sorted(expected.items()))
            got = result.breakdowns[name]
        checked += 1 if not name else len(expected)
        if expected != got:
            problems.append(f"{key}: PAVE {got} ≠ DuckDB {expected}")
    if problems:
        raise SystemExit("PAVE and DuckDB disagree:\n" + "\n".join(problems))
    return f"yes, all {checked} numbers of {len(answers)} queries"


if __name__ == "__main__":
    main(sys.argv[1:])
