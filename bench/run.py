"""PAVE benchmarks (`make bench`): API latency on generated data, SQLite and PostgreSQL.

For each database it builds a fresh installation (SQLite in a temporary PAVE_DATA_DIR;
PostgreSQL in a database it drops and re-creates), loads the demo programme, grows the data with
`pave demo generate` to each size in turn, and measures in a separate process, through the API
(Django's test client, a bearer token, in-process), the latency of a trivial authenticated
request (the baseline) and of case listing and search as IOM-LB's case manager. Results go to
bench/RESULTS.md with the command line, the machine and the date.

    .venv/bin/python bench/run.py                      # SQLite and PostgreSQL, 100k and 1M
    .venv/bin/python bench/run.py --quick              # 10k, 50 requests: a smoke run
    .venv/bin/python bench/run.py --databases postgresql --sizes 100000 --explain
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import common  # bench/common.py: this folder is on the path when a script runs
import django

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_BENCH_DATABASE = "pave_bench"
TARGET_P95_MS = 100.0
SLOW_QUERY_MS = 1.0
BASELINE = "me"
# name -> (label for the table, what it requests)
REQUESTS = {
    "me": "GET /api/v1/me (baseline)",
    "list": "GET /api/v1/cases?limit=50",
    "name": "search: given + family name",
    "identity": "search: identity number",
    "reference": "search: reference prefix",
    "given": "search: given name only (extra)",
}
SEARCHES = ("name", "identity", "reference")


# --- orchestration (parent process) ----------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument(
        "--sizes",
        default="100000,1000000",
        help="comma-separated numbers of generated persons (one case each)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 10,000 persons, 50 requests per kind"
    )
    parser.add_argument("--requests", type=int, default=200, help="measured requests per kind")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per kind")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60,
        help="stop measuring a kind after this long (at least 20 requests)",
    )
    parser.add_argument("--batch", type=int, default=5000, help="persons per generate batch")
    parser.add_argument(
        "--pg-server",
        default=PG_SERVER,
        help="PostgreSQL server URL without database (user needs CREATEDB)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also record the query plans of one request of each kind",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the data directories and the bench database afterwards",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--measure-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.requests, args.warmup = "10000", 50, 5
    args.database_list = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(args.database_list) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    args.size_list = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    return args


def pave(env: dict[str, str], *argv: str, quiet: bool = False) -> str:
    """Run `pave ARGV` in a child process with `env`; return its standard output."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "pave", *argv],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else None,
        check=False,
    )
    if done.returncode:
        sys.exit(f"`pave {' '.join(argv)}` failed (exit {done.returncode}):\n{done.stdout}")
    return done.stdout


def recreate_pg_database(server: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def environment(database: str, data_dir: str, args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAVE_")}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PAVE_DATA_DIR"] = data_dir
    if database == "postgresql":
        env["PAVE_DATABASE_URL"] = f"{args.pg_server}/{PG_BENCH_DATABASE}"
    return env


def run_database(database: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    data_dir = tempfile.mkdtemp(prefix=f"pave-bench-{database}-")
    env = environment(database, data_dir, args)
    if database == "postgresql":
        recreate_pg_database(args.pg_server, PG_BENCH_DATABASE)
    rows = []
    try:
        print(f"[{database}] migrate and load the demo programme in {data_dir}", flush=True)
        pave(env, "migrate", "--noinput", "-v0", quiet=True)
        pave(env, "demo", "load", quiet=True)  # prints passwords: keep them off the console
        have = 0
        for size in args.size_list:
            add = size - have
            print(f"[{database}] generate {add:,} persons (total {size:,})", flush=True)
            started = time.monotonic()
            pave(
                env,
                "demo",
                "generate",
                "--persons",
                str(add),
                "--seed",
                str(size),
                "--batch",
                str(args.batch),
            )
            seconds = time.monotonic() - started
            have = size
            print(
                f"[{database}] measure at {size:,} persons ({seconds:.0f} s to generate)",
                flush=True,
            )
            measured = measure_in_child(env, args)
            rows.append(
                {
                    "database": database,
                    "size": size,
                    "added": add,
                    "generate_seconds": seconds,
                    **measured,
                }
            )
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
            if database == "postgresql":
                recreate_pg_database(args.pg_server, PG_BENCH_DATABASE, drop_only=True)
    return rows


def measure_in_child(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    spec = json.dumps(
        {
            "requests": args.requests,
            "warmup": args.warmup,
            "explain": args.explain,
            "max_seconds": args.max_seconds,
        }
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--measure-child", spec],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        check=False,
    )
    if done.returncode:
        sys.exit(f"measurement failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.measure_child:
        print(json.dumps(measure(**json.loads(args.measure_child))))
        return
    started = datetime.datetime.now(datetime.UTC)
    rows = []
    for database in args.database_list:
        rows += run_database(database, args)
    command = " ".join([".venv/bin/python", "bench/run.py", *map(shlex.quote, argv)])
    args.output.write_text(report(rows, command=command, started=started, args=args))
    print(f"wrote {args.output}")


# --- measurement (child process, Django configured from the environment) ---------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(*, requests: int, warmup: int, explain: bool, max_seconds: float) -> dict[str, Any]:
    # WhiteNoise warns that collectstatic never ran in this data directory: irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.db import connection
    from django.test import Client

    from pave.accounts.models import User
    from pave.accounts.services import token_create

    analyze_tables(connection)
    manager = User.objects.get(username="bilal")
    _token, clear = token_create(actor="cli:bench", user=manager, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    queries = query_strings(manager.organisation_id, requests + warmup)
    load_before = round(os.getloadavg()[0], 1)
    results = {}
    for kind in REQUESTS:
        results[kind] = time_requests(
            client, kind, queries.get(kind), requests, warmup, max_seconds
        )
    load_after = round(os.getloadavg()[0], 1)
    plans = explain_plans(client, connection, queries) if explain else {}
    from pave.cases.models import Case

    return {
        "results": results,
        "plans": plans,
        "cases": Case.objects.count(),
        "db_version": database_version(connection),
        "load": [load_before, load_after],
    }


def analyze_tables(connection: Any) -> None:
    common.settle(connection)


def database_version(connection: Any) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    return f"SQLite {sqlite3.sqlite_version}"


def query_strings(organisation_id: int, count: int) -> dict[str, list[str]]:
    """Search texts taken from random existing persons of the organisation (decrypted)."""
    from django.db.models import Max, Min

    from pave.cases.models import Person

    rng = random.Random(20140630)
    persons = Person.objects.filter(organisation_id=organisation_id)
    bounds = persons.aggregate(low=Min("pk"), high=Max("pk"))
    ids = rng.sample(
        range(bounds["low"], bounds["high"] + 1), min(count * 3, bounds["high"] - bounds["low"] + 1)
    )
    sample = list(persons.filter(pk__in=ids))
    rng.shuffle(sample)
    with_id = [p for p in sample if p.identity_number]
    return {
        "name": [f"{p.given_name} {p.family_name}" for p in sample[:count]],
        "identity": [p.identity_number for p in with_id[:count]],
        "reference": [p.reference[:-2] for p in sample[:count]],
        "given": [p.given_name for p in sample[:count]],
    }


def request_path(kind: str, text: str | None) -> str:
    if kind == "me":
        return "/api/v1/me"
    if kind == "list":
        return "/api/v1/cases?limit=50"
    return "/api/v1/cases?" + urlencode({"search": text, "limit": 50})


def time_requests(
    client: Any,
    kind: str,
    texts: list[str] | None,
    requests: int,
    warmup: int,
    max_seconds: float,
) -> dict[str, Any]:
    """Time `requests` requests after `warmup`, or fewer (at least 20) if they are slow."""
    texts = texts or [""]
    timings: list[float] = []
    counts = []
    deadline = time.monotonic() + max_seconds
    for index in range(warmup + requests):
        if len(timings) >= min(20, requests) and time.monotonic() > deadline:
            break
        path = request_path(kind, texts[index % len(texts)])
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {response.content[:300]}")
        if kind != "me":
            count = response.json()["count"]
            if kind in SEARCHES and count < 1:
                raise SystemExit(f"{path} found nothing, but the text came from a stored person")
            counts.append(count)
        if index >= warmup:
            timings.append(elapsed)
    return {
        "n": len(timings),
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "matches": statistics.median(counts) if counts else None,
    }


def explain_plans(client: Any, connection: Any, queries: dict[str, list[str]]) -> dict[str, Any]:
    """The plan of each SELECT that one request of each kind runs, slowest first."""
    from django.test.utils import CaptureQueriesContext

    plans = {}
    for kind in ("list", *SEARCHES, "given"):
        with CaptureQueriesContext(connection) as captured:
            client.get(request_path(kind, (queries.get(kind) or [""])[0]))
        selects = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT")
            and re.search(r"cases_(case|person)", q["sql"])
        ]
        plans[kind] = [explain(connection, sql) for sql in selects]
    return plans


def explain(connection: Any, sql: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            match = re.search(r"Execution Time: ([\d.]+) ms", plan)
            ms = float(match.group(1)) if match else None
        else:
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            ms = (time.perf_counter() - started) * 1000
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    short = sql if len(sql) < 1200 else sql[:1200] + " …"
    return {"sql": short, "plan": plan, "ms": ms}


# --- the report ------------------------------------------------------------------------------


def machine() -> str:
    return f"{common.machine()}; Python {platform.python_version()}; Django {django.get_version()}"


def report(
    rows: list[dict[str, Any]],
    *,
    command: str,
    started: datetime.datetime,
    args: argparse.Namespace,
) -> str:
    versions = sorted({row["db_version"] for row in rows})
    lines = [
        "# PAVE benchmarks",
        "",
        f"Produced by `{command}` (`make bench`), started {started:%Y-%m-%d %H:%M} UTC.",
        "",
        f"- Machine: {machine()}",
        f"- Databases: {', '.join(versions)} (both on the same machine as the client)",
        f"- Requests: {args.requests} measured after {args.warmup} warm-up requests per kind, "
        "one at a time, through Django's test client (full middleware, bearer-token "
        "authentication, JSON rendering, the audit event every case list writes), as IOM-LB's "
        "case manager, who sees all of the organisation's cases. Search texts come from random "
        "stored persons (decrypted), a different one per request.",
        "- Data: `pave demo load` (89 cases) then `pave demo generate` up to each size, all "
        "cases held by IOM-LB; planner statistics refreshed (ANALYZE) before measuring.",
        "",
        "## Generating the data",
        "",
        "| database | persons added | seconds | persons / s |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['db_version']} | {row['added']:,} | {row['generate_seconds']:.0f} "
            f"| {row['added'] / row['generate_seconds']:,.0f} |"
        )
    lines += [
        "",
        "## API latency",
        "",
        "Ratios are against the baseline (`GET /api/v1/me`) measured in the same run. "
        "`n` is the number of measured requests (fewer than asked when a kind ran past "
        "`--max-seconds`); `matches` is the median `count` the request returned.",
        "",
        "| database | cases | request | n | p50 ms | p95 ms | p50 × baseline "
        "| p95 × baseline | matches |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        base = row["results"][BASELINE]
        for kind, label in REQUESTS.items():
            r = row["results"][kind]
            matches = "" if r["matches"] is None else f"{r['matches']:,.0f}"
            lines.append(
                f"| {row['db_version']} | {row['cases']:,} | {label} | {r['n']} | {r['p50']:.1f} "
                f"| {r['p95']:.1f} | {r['p50'] / base['p50']:.1f} | {r['p95'] / base['p95']:.1f} "
                f"| {matches} |"
            )
    loads = "; ".join(
        f"{row['db_version']} at {row['cases']:,}: {row['load'][0]} → {row['load'][1]}"
        for row in rows
    )
    lines += [
        "",
        f"Load average (1 min) before → after measuring, on {os.cpu_count()} CPUs "
        f"(other work on the machine shows here): {loads}.",
    ]
    lines += ["", *target_lines(rows)]
    if any(row["plans"] for row in rows):
        lines += ["", *plan_lines(rows)]
    return "\n".join(lines) + "\n"


def target_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"## Target: p95 of search < {TARGET_P95_MS:.0f} ms at 1,000,000 cases on PostgreSQL",
        "",
    ]
    at_scale = [r for r in rows if r["database"] == "postgresql" and r["size"] >= 1_000_000]
    if not at_scale:
        return [
            *lines,
            "Not measured in this run (needs `--databases postgresql` and a size of 1000000).",
        ]
    for row in at_scale:
        for kind in SEARCHES:
            p95 = row["results"][kind]["p95"]
            verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
            lines.append(
                f"- {REQUESTS[kind]}: p95 {p95:.1f} ms at {row['cases']:,} cases: **{verdict}**"
            )
    return lines


def plan_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Query plans (`--explain`)",
        "",
        f"Queries of one request of each kind that took at least {SLOW_QUERY_MS} ms "
        "(PostgreSQL: EXPLAIN ANALYZE execution time; SQLite: one timed run).",
        "",
    ]
    for row in rows:
        for kind, plans in row["plans"].items():
            slow = [p for p in plans if p["ms"] is not None and p["ms"] >= SLOW_QUERY_MS]
            if not slow:
                continue
            lines += [
                f"<details><summary>{row['db_version']}, {row['cases']:,} cases, "
                f"{REQUESTS[kind]}: {len(slow)} of {len(plans)} queries</summary>",
                "",
            ]
            for plan in slow:
                lines += [
                    "```sql",
                    plan["sql"],
                    "```",
                    f"Plan ({plan['ms']:.1f} ms):",
                    "```",
                    plan["plan"],
                    "```",
                ]
            lines += ["</details>", ""]
    return lines


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main(sys.argv[1:])
