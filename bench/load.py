"""Load benchmark (issue 13): gunicorn on PostgreSQL under a bounded async client.

It builds a fresh installation on a PostgreSQL database of its own (dropped and re-created),
creates an organisation with a case worker and a screening officer (`pave org create`,
`pave user create`), generates persons and cases for it (`pave demo generate`), creates one API
token per user up front (token creation is audited and throttled), then for 1, 2 and 4 gunicorn
workers (`pave serve --workers N --threads 4`, the shipped server command) and for concurrency
8 and 32 drives the API with aiohttp for a fixed time per operation:

- `GET /api/v1/me`, the baseline, measured first and last in each group (the mean is the
  baseline: the machine is shared, so both ends of the group are sampled);
- case creation (`POST /api/v1/cases`), a screening submission with the shipped ILO adult
  labour instrument (`POST /api/v1/screening/screenings`), a case search by name
  (`POST /api/v1/cases/search`), a case detail (`GET /api/v1/cases/{id}`) and a mixed
  workload (40 % detail, 30 % search, 20 % creation, 10 % screening).

Each cell reports requests/s, p50, p95 and errors (any answer but the expected status, or no
answer). While a cell runs, PostgreSQL's `pg_stat_activity` is sampled every 0.1 s for what the
benchmark's connections wait on. Results go to bench/RESULTS-load.md with the command line,
the machine and the date. The client runs on the same machine as the servers and PostgreSQL.

    .venv/bin/python bench/load.py                  # about 10 minutes
    .venv/bin/python bench/load.py --quick          # 1 and 2 workers, 3 s cells: a smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import datetime
import json
import os
import platform
import random
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp  # the bench extra (pyproject.toml)
import common  # bench/common.py: this folder is on the path when a script runs
import psycopg  # the dev and postgres extras

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS-load.md"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "pave_load_bench"
ORG = "LOADNGO"
WORKER, SCREENER = "load-worker", "load-screener"
PASSWORD = "load-benchmark-pass-phrase-0042"  # noqa: S105 - a throw-away installation
INSTRUMENT = "ilo-2009-adult-labour"
SEED = 20140630
# Targets of issue 13, as ratios measured in one run.
TARGET_SCALING = 0.9  # creation's 4-worker/1-worker rate at c32 ÷ that of /me
TARGET_SHARE = 0.3  # creation and search rate ÷ /me rate with 4 workers
TARGET_P95_MS = 300.0  # at concurrency 32
ODK_CENTRAL_PER_SECOND = 41  # ODK Central's public figure, a 2 GB server
MIX = (("detail", 40), ("search", 30), ("create", 20), ("screening", 10))
OPERATIONS = {
    "me": "GET /api/v1/me (baseline)",
    "create": "case creation: POST /api/v1/cases",
    "screening": "screening: POST /api/v1/screening/screenings",
    "search": "case search: POST /api/v1/cases/search",
    "detail": "case detail: GET /api/v1/cases/{id}",
    "mixed": "mixed: 40 % detail, 30 % search, 20 % create, 10 % screening",
}
MEASURED = ("create", "screening", "search", "detail", "mixed")
GIVEN = ("Amina", "Tigist", "Rahel", "Selam", "Hana", "Nour", "Maria", "Sita", "Rina", "Joy")
FAMILY = ("Alemu", "Bekele", "Tadesse", "Haddad", "Perera", "Santos", "Thapa", "Begum", "Reyes")
CITIZENSHIP = ("ET", "BD", "LK", "PH", "NP", "SL", "KE")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2,4", help="comma-separated gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--concurrency", default="8,32", help="comma-separated client limits")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per cell")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured time per cell")
    parser.add_argument("--persons", type=int, default=1000, help="generated persons and cases")
    parser.add_argument("--pg-server", default=PG_SERVER, help="PostgreSQL URL, no database")
    parser.add_argument("--database", default=PG_DATABASE, help="dropped and re-created")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 and 2 workers, 3 s")
    parser.add_argument("--keep", action="store_true", help="keep the database and data dir")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.workers, args.seconds, args.warmup, args.persons = "1,2", 3.0, 1.0, 200
    args.worker_list = [int(w) for w in args.workers.split(",") if w.strip()]
    args.concurrency_list = [int(c) for c in args.concurrency.split(",") if c.strip()]
    return args


# --- the installation ------------------------------------------------------------------------


def pave(env: dict[str, str], *argv: str, stdin: str = "") -> str:
    """Run `pave ARGV` in a child process; its standard output (stderr only on failure)."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "pave", *argv],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"`pave {argv[0]} {argv[1] if len(argv) > 1 else ''}` failed:\n{done.stderr}")
    return done.stdout


def pg_admin(server: str, *statements: str, database: str = "postgres") -> list[Any]:
    with psycopg.connect(f"{server}/{database}", autocommit=True) as conn:
        rows = []
        for statement in statements:
            cursor = conn.execute(statement)
            rows.append(cursor.fetchall() if cursor.description else None)
        return rows


def environment(args: argparse.Namespace, data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAVE_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        "PAVE_DATA_DIR": data_dir,
        "PAVE_DATABASE_URL": f"{args.pg_server}/{args.database}",
        "PAVE_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "PAVE_DATA_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "PAVE_AUDIT_KEY": base64.b64encode(os.urandom(48)).decode(),
    }
    return env


def install(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Migrate, create the organisation, users and tokens, generate the cases."""
    started = time.monotonic()
    pave(env, "migrate", "--noinput", "-v0")
    pave(env, "org", "create", ORG, "--name", "Load NGO", "--type", "NGO", "--country", "LB")
    for username, role in ((WORKER, "case_worker"), (SCREENER, "screening_officer")):
        pave(
            env, "user", "create", username, "--org", ORG, "--role", role, "--password-stdin",
            stdin=PASSWORD + "\n",
        )  # fmt: skip
    migrated = time.monotonic() - started
    pave(env, "demo", "generate", "--persons", str(args.persons), "--org", ORG, "--seed", "1")
    generated = time.monotonic() - started - migrated
    tokens = {
        user: pave(env, "token", "create", user, "--name", "load benchmark")
        .strip()
        .splitlines()[-1]
        for user in (WORKER, SCREENER)
    }
    # Settle after the bulk load, as common.settle does through Django.
    pg_admin(args.pg_server, "VACUUM ANALYZE", "CHECKPOINT", database=args.database)
    return {"tokens": tokens, "migrate_seconds": migrated, "generate_seconds": generated}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(env: dict[str, str], workers: int, threads: int, log: Path) -> tuple[Any, str]:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - the project's own server command
            [
                sys.executable, "-m", "pave", "serve", "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), "--threads", str(threads),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,  # the access log: one line per request
            stderr=out,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=10) as answer:  # noqa: S310
                if answer.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    sys.exit(f"the server did not start: see {log}")


def stop(process: Any) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- what the client sends -------------------------------------------------------------------


def fixtures(url: str, tokens: dict[str, str]) -> dict[str, Any]:
    """Case ids and names to read and search (the case worker's), the instrument's indicators."""

    def get(path: str, token: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 - the local server
            url + path,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            return json.loads(answer.read())

    page = get("/api/v1/cases/search", tokens[WORKER], {"search": "", "limit": 500})
    cases = page["results"]
    if not cases:
        sys.exit("the case worker sees no case: nothing to read or search")
    names = [f"{c['person']['given_name']} {c['person']['family_name']}" for c in cases]
    found = get("/api/v1/cases/search", tokens[WORKER], {"search": names[0]})
    if found["count"] < 1:
        sys.exit("a search for a stored name found nothing")
    instrument = get(
        f"/api/v1/screening/instruments?code={INSTRUMENT}&latest_only=true", tokens[SCREENER]
    )[0]
    codes = [i["code"] for d in instrument["dimensions"] for i in d["indicators"]]
    return {"ids": [c["id"] for c in cases], "names": names, "codes": codes}


class Requests:
    """Builds the requests of each operation: (method, path, body, token, expected status)."""

    def __init__(self, data: dict[str, Any], tokens: dict[str, str]) -> None:
        self.data = data
        self.worker = {"Authorization": f"Bearer {tokens[WORKER]}"}
        self.screener = {"Authorization": f"Bearer {tokens[SCREENER]}"}
        self.today = datetime.date.today().isoformat()  # noqa: DTZ011 - the server's date

    def make(self, operation: str, rng: random.Random) -> tuple[str, str, Any, dict, int]:
        if operation == "mixed":
            operation = rng.choices([m[0] for m in MIX], weights=[m[1] for m in MIX])[0]
        if operation == "me":
            return "GET", "/api/v1/me", None, self.worker, 200
        if operation == "detail":
            return "GET", f"/api/v1/cases/{rng.choice(self.data['ids'])}", None, self.worker, 200
        if operation == "search":
            body = {"search": rng.choice(self.data["names"])}
            return "POST", "/api/v1/cases/search", body, self.worker, 200
        if operation == "create":
            body = {
                "person": {
                    "given_name": rng.choice(GIVEN),
                    "family_name": rng.choice(FAMILY),
                    "sex": rng.choice(("female", "male")),
                    "age_estimate": rng.randint(18, 60),
                    "citizenship": [rng.choice(CITIZENSHIP)],
                },
                "case_type": "victim_of_trafficking",
                "country": "LB",
                "summary": "Load benchmark case.",
            }
            return "POST", "/api/v1/cases", body, self.worker, 201
        # A consented interview: every indicator asked, a few observed, some not asked.
        answers = {}
        for code in self.data["codes"]:
            draw = rng.random()
            answers[code] = True if draw < 0.15 else None if draw < 0.25 else False
        body = {
            "instrument": INSTRUMENT,
            "answers": answers,
            "interviewed_on": self.today,
            "language": "ar",
            "consent": {
                "given": True,
                "method": "verbal",
                "informed_purpose": True,
                "informed_data_use": True,
                "informed_withdrawal": True,
            },
            "subject": {"sex": rng.choice(("female", "male")), "age_estimate": rng.randint(18, 60)},
        }
        return "POST", "/api/v1/screening/screenings", body, self.screener, 201


# --- one cell: an operation at a concurrency, against running servers -------------------------


async def drive(
    url: str, requests: Requests, operation: str, concurrency: int, warmup: float, seconds: float
) -> dict[str, Any]:
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    latencies: list[float] = []
    errors: collections.Counter[str] = collections.Counter()
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)

    async def loop(session: aiohttp.ClientSession, rng: random.Random) -> None:
        while True:
            began = time.monotonic()
            if began >= stop_at:
                return
            method, path, body, headers, expected = requests.make(operation, rng)
            status = "no answer"
            try:
                async with session.request(method, url + path, json=body, headers=headers) as r:
                    await r.read()
                    status = str(r.status)
            except (aiohttp.ClientError, TimeoutError) as exc:
                status = type(exc).__name__
            ended = time.monotonic()
            if began >= measure_from and ended <= stop_at:
                latencies.append((ended - began) * 1000)
                if status != str(expected):
                    errors[f"{method} {path.split('/')[3]} → {status}"] += 1

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(loop(session, random.Random(SEED + n)) for n in range(concurrency)))
    latencies.sort()
    return {
        "n": len(latencies),
        "rate": len(latencies) / seconds,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
        if latencies
        else float("nan"),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
    }


class WaitSampler:
    """Samples what the benchmark database's client connections are doing, every 0.1 s."""

    def __init__(self, server: str, database: str) -> None:
        self.server, self.database = server, database
        self.counts: collections.Counter[str] = collections.Counter()
        self.samples = 0
        self.advisory_held = self.advisory_waiting = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            while not self._stop.wait(0.1):
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = %s AND backend_type = 'client backend' "
                    "AND pid <> pg_backend_pid()",
                    [self.database],
                ).fetchall()
                self.samples += 1
                # Advisory locks (the audit chain's append lock): held by one, waited on by n.
                held, waiting = conn.execute(
                    "SELECT count(*) FILTER (WHERE l.granted), count(*) FILTER (WHERE NOT "
                    "l.granted) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE l.locktype = 'advisory' AND d.datname = %s",
                    [self.database],
                ).fetchone()
                self.advisory_held += 1 if held else 0
                self.advisory_waiting += waiting
                for state, kind, event in rows:
                    if state == "active":
                        key = f"{kind}:{event}" if kind else "running (CPU)"
                    elif state == "idle in transaction":
                        key = "idle in transaction" + (f" ({kind}:{event})" if kind else "")
                    else:
                        continue
                    self.counts[key] += 1


def cpu_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def cell(
    url: str, requests: Requests, operation: str, concurrency: int, args: argparse.Namespace
) -> dict[str, Any]:
    busy0, total0 = cpu_busy()
    client0 = time.process_time()
    with WaitSampler(args.pg_server, args.database) as sampler:
        result = asyncio.run(
            drive(url, requests, operation, concurrency, args.warmup, args.seconds)
        )
    busy1, total1 = cpu_busy()
    result["machine_busy"] = (busy1 - busy0) / max(1, total1 - total0)
    wall = args.warmup + args.seconds
    result["client_cores"] = (time.process_time() - client0) / wall
    result["waits"] = dict(sampler.counts)
    result["wait_samples"] = sampler.samples
    result["advisory_held"] = sampler.advisory_held / max(1, sampler.samples)
    result["advisory_waiting"] = sampler.advisory_waiting / max(1, sampler.samples)
    result["load"] = round(os.getloadavg()[0], 1)
    return result


# --- orchestration ---------------------------------------------------------------------------


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    started = datetime.datetime.now(datetime.UTC)
    data_dir = tempfile.mkdtemp(prefix="pave-load-")
    log = Path(data_dir) / "server.log"
    env = environment(args, data_dir)
    pg_admin(
        args.pg_server,
        f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)',
        f'CREATE DATABASE "{args.database}"',
    )
    results: dict[tuple[int, int, str], dict[str, Any]] = {}
    try:
        print(f"install on {args.database}: migrate, users, {args.persons} persons", flush=True)
        setup = install(env, args)
        version = pg_admin(args.pg_server, "SHOW server_version")[0][0][0].split()[0]
        data: dict[str, Any] = {}
        for workers in args.worker_list:
            process, url = serve(env, workers, args.threads, log)
            try:
                data = data or fixtures(url, setup["tokens"])
                requests = Requests(data, setup["tokens"])
                for concurrency in args.concurrency_list:
                    plan = [("me", "me"), *((op, op) for op in MEASURED), ("me-after", "me")]
                    for key, operation in plan:
                        result = cell(url, requests, operation, concurrency, args)
                        results[(workers, concurrency, key)] = result
                        print(
                            f"{workers} worker(s) c{concurrency} {key:<10} "
                            f"{result['rate']:7.1f}/s p50 {result['p50']:6.1f} ms "
                            f"p95 {result['p95']:6.1f} ms errors {result['errors']} "
                            f"machine {result['machine_busy']:.0%}",
                            flush=True,
                        )
                    me = results[(workers, concurrency, "me")]
                    after = results[(workers, concurrency, "me-after")]
                    results[(workers, concurrency, "baseline")] = {
                        "rate": (me["rate"] + after["rate"]) / 2
                    }
            finally:
                stop(process)
        cases = pg_admin(
            args.pg_server,
            "SELECT count(*) FROM cases_case",
            "SELECT count(*) FROM screening_screening",
            database=args.database,
        )
    except BaseException:
        if log.exists():
            print(log.read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
            pg_admin(args.pg_server, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    command = " ".join([".venv/bin/python", "bench/load.py", *map(shlex.quote, argv)])
    text = report(
        results,
        args=args,
        command=command,
        started=started,
        setup=setup,
        version=version,
        counts=(cases[0][0][0], cases[1][0][0]),
    )
    args.output.write_text(text)
    print(f"wrote {args.output}")


# --- the report ------------------------------------------------------------------------------


def fmt_waits(result: dict[str, Any], top: int = 3) -> str:
    samples = result.get("wait_samples") or 1
    ranked = sorted(result.get("waits", {}).items(), key=lambda kv: -kv[1])[:top]
    return "; ".join(f"{k} {v / samples:.1f}" for k, v in ranked) or "—"


def report(
    results: dict[tuple[int, int, str], dict[str, Any]],
    *,
    args: argparse.Namespace,
    command: str,
    started: datetime.datetime,
    setup: dict[str, Any],
    version: str,
    counts: tuple[int, int],
) -> str:
    workers, concurrencies = args.worker_list, args.concurrency_list
    lines = [
        "# Load benchmark (bench/load.py)",
        "",
        f"Produced by `{command}` (`make bench`), started {started:%Y-%m-%d %H:%M} UTC.",
        "",
        f"- Machine: {common.machine()}; Python {platform.python_version()}; "
        f"PostgreSQL {version}. **The load generator (one Python process, aiohttp) shares "
        "this machine with the servers and PostgreSQL**, and the machine is shared with other "
        "work (the load average is in the tables).",
        f"- Code: commit {commit()} (the application code measured).",
        f"- Servers: `pave serve --workers N --threads {args.threads}` (gunicorn, gthread, the "
        "shipped command with its access log), restarted for each worker count, on a fresh "
        f"database (migrate {setup['migrate_seconds']:.0f} s; `pave demo generate --persons "
        f"{args.persons}` {setup['generate_seconds']:.0f} s; {counts[0]:,} cases and "
        f"{counts[1]:,} screenings at the end).",
        f"- Client: concurrency = the number of connections and of requests in flight; each "
        f"cell {args.warmup:g} s warm-up then {args.seconds:g} s measured; requests/s counts "
        "answers completed in the measured window. Case creation, search and detail as a case "
        "worker (who sees the generated cases, all assigned to them), screenings as a screening "
        "officer, both with bearer tokens. Searches are full names of stored persons.",
        "- Baseline: `GET /api/v1/me`, measured first and last in each group of the same "
        "workers and concurrency; the ratio divides by the mean of the two.",
        "- Waits: mean number of the benchmark database's client connections in each state "
        "per 0.1 s sample of `pg_stat_activity` (`running (CPU)`: active, waiting on nothing; "
        "`idle in transaction`: a transaction open while the app server works in Python). "
        "`audit lock held`: share of samples in which a connection held an advisory lock in "
        "`pg_locks` (the audit chain's append lock, `pg_advisory_xact_lock`, held until the "
        "transaction commits); `waiting on it`: mean connections waiting for it.",
        "",
    ]
    lines += target_lines(results, workers, concurrencies)
    lines += [
        "",
        "## All cells",
        "",
        "| workers | concurrency | operation | requests/s | × /me | p50 ms | p95 ms | errors "
        "| machine CPU | client cores | load | audit lock held | waiting on it "
        "| PostgreSQL connections (mean per sample) |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for w in workers:
        for c in concurrencies:
            base = results[(w, c, "baseline")]["rate"]
            for key in ("me", *MEASURED, "me-after"):
                r = results[(w, c, key)]
                label = OPERATIONS["me"] + (" — after" if key == "me-after" else "")
                label = label if key.startswith("me") else OPERATIONS[key]
                lines.append(
                    f"| {w} | {c} | {label} | {r['rate']:.1f} | {r['rate'] / base:.2f} "
                    f"| {r['p50']:.0f} | {r['p95']:.0f} | {r['errors']} "
                    f"| {r['machine_busy']:.0%} | {r['client_cores']:.2f} | {r['load']} "
                    f"| {r['advisory_held']:.0%} | {r['advisory_waiting']:.1f} | {fmt_waits(r)} |"
                )
    kinds: collections.Counter[str] = collections.Counter()
    for r in results.values():
        kinds.update(r.get("error_kinds", {}))
    if kinds:
        lines += ["", "Errors by kind: " + "; ".join(f"{k}: {v}" for k, v in kinds.items())]
    return "\n".join(lines) + "\n"


def commit() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],  # noqa: S607 - git from the PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def verdict(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def target_lines(
    results: dict[tuple[int, int, str], dict[str, Any]], workers: list[int], cs: list[int]
) -> list[str]:
    lines = ["## Targets (issue 13, item 5)", ""]
    lo, hi, top = min(workers), max(workers), max(cs)
    rate = {k: v["rate"] for k, v in results.items()}
    if (lo, top, "create") in results and hi > lo:
        create = rate[(hi, top, "create")] / rate[(lo, top, "create")]
        me = rate[(hi, top, "baseline")] / rate[(lo, top, "baseline")]
        lines.append(
            f"- Creation scales like /me ({hi} ÷ {lo} worker(s), concurrency {top}): creation "
            f"{create:.2f}×, /me {me:.2f}×, ratio {create / me:.2f} (target ≥ {TARGET_SCALING}): "
            f"{verdict(create / me >= TARGET_SCALING)}"
        )
    for op in ("create", "search"):
        for c in cs:
            share = rate[(hi, c, op)] / rate[(hi, c, "baseline")]
            lines.append(
                f"- {OPERATIONS[op]} with {hi} workers, concurrency {c}: {share:.2f}× /me "
                f"(target ≥ {TARGET_SHARE}): {verdict(share >= TARGET_SHARE)}"
            )
    slow = [
        f"{OPERATIONS[k[2]].split(':')[0]} ({k[0]} w) {r['p95']:.0f} ms"
        for k, r in results.items()
        if k[1] == top and k[2] in MEASURED and r["p95"] >= TARGET_P95_MS
    ]
    lines.append(
        f"- p95 under {TARGET_P95_MS:.0f} ms at concurrency {top}: "
        + (verdict(True) if not slow else f"{verdict(False)} — " + "; ".join(slow))
    )
    errors = sum(r.get("errors", 0) for r in results.values())
    lines.append(f"- 0 errors: {verdict(errors == 0)} ({errors} in the run)")
    best = max((k for k in results if k[2] == "screening"), key=lambda k: results[k]["rate"])
    lines.append(
        f"- Screening submissions: {results[best]['rate']:.0f}/s at best ({best[0]} worker(s), "
        f"concurrency {best[1]}; p95 {results[best]['p95']:.0f} ms) on this 2-core machine, "
        "the load generator sharing it — beside ODK Central's public figure of "
        f"~{ODK_CENTRAL_PER_SECOND} submissions/s on a 2 GB server."
    )
    return lines


if __name__ == "__main__":
    main(sys.argv[1:])
