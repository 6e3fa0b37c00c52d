"""Screening benchmark: the pure engine's assessments per second on one core, and
POST /api/v1/screening/assess against the trivial GET /api/v1/me measured in the same run.

The engine part needs nothing but the engine. The API part builds a throw-away installation
(SQLite in a temporary PAVE_DATA_DIR; any PAVE_DATABASE_URL is ignored, the endpoint does
not touch the database beyond authentication, like the baseline) and sends requests through
Django's test client with a bearer token: full middleware, authentication, JSON parsing and
rendering, no network. Answer sets are generated with a fixed seed. Prints a Markdown section.

    .venv/bin/python bench/screening.py                 # about 30 s
    .venv/bin/python bench/screening.py --quick         # a smoke run, a few seconds
    .venv/bin/python bench/screening.py --output bench/screening.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
TARGET_PER_SECOND = 50_000
SEED = 20140630
# An interview: every indicator asked; observed with P_TRUE, "not asked" with P_NULL.
P_TRUE, P_NULL = 0.15, 0.10


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per engine measurement")
    parser.add_argument("--repeats", type=int, default=5, help="engine repeats (median kept)")
    parser.add_argument("--requests", type=int, default=2000, help="measured API requests")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured API requests")
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument("--output", type=Path, help="also write the Markdown to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.repeats, args.requests, args.warmup = 0.3, 3, 200, 20
    return args


def pin_to_one_core() -> str:
    """Run on a single CPU so that the engine figure is a one-core figure."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this platform)"


# --- answer sets -----------------------------------------------------------------------------


def interview(rng: random.Random, codes: list[str]) -> dict[str, bool | None]:
    answers: dict[str, bool | None] = {}
    for code in codes:
        draw = rng.random()
        answers[code] = True if draw < P_TRUE else None if draw < P_TRUE + P_NULL else False
    return answers


def workload(registry: Any, count: int) -> list[tuple[Any, dict[str, bool | None]]]:
    """`count` (instrument, answers) pairs, cycling over the shipped instruments."""
    rng = random.Random(SEED)
    instruments = list(registry)
    pairs = []
    for n in range(count):
        instrument = instruments[n % len(instruments)]
        pairs.append((instrument, interview(rng, list(instrument.indicators))))
    return pairs


# --- engine ----------------------------------------------------------------------------------


def rate(func: Callable[[Any, Any], Any], pairs: list[Any], seconds: float) -> float:
    """Calls per second of func(instrument, answers) over the pairs, for about `seconds`."""
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while True:
        for instrument, answers in pairs:
            func(instrument, answers)
        done += len(pairs)
        now = time.perf_counter()
        if now >= deadline:
            return done / (now - started)


def bench_engine(args: argparse.Namespace) -> list[dict[str, Any]]:
    from pave.screening.engine import assess, assess_batch, load_instruments

    registry = load_instruments()
    pairs = workload(registry, 3000)
    requests = [{"instrument": i.code, "answers": a} for i, a in pairs]
    batches = [requests[n : n + 1000] for n in range(0, len(requests), 1000)]

    def batch_rate(seconds: float) -> float:
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for batch in batches:
                assess_batch(registry, batch)
                done += len(batch)
        return done / (time.perf_counter() - started)

    kinds = [
        ("`assess(instrument, answers)`", lambda s: rate(assess, pairs, s), True),
        (
            "`assess(…).to_dict()` (the result document)",
            lambda s: rate(lambda i, a: assess(i, a).to_dict(), pairs, s),
            False,
        ),
        ("`assess_batch` of 1000 requests (contract checks + result)", batch_rate, False),
    ]
    rows = []
    for label, measure, is_target in kinds:
        measure(min(0.2, args.seconds))  # warm up
        runs = [measure(args.seconds) for _ in range(args.repeats)]
        rows.append(
            {
                "label": label,
                "median": statistics.median(runs),
                "min": min(runs),
                "max": max(runs),
                "target": is_target,
            }
        )
    return rows


# --- API -------------------------------------------------------------------------------------


def setup_django(data_dir: str) -> None:
    for name in list(os.environ):
        if name.startswith("PAVE_"):
            del os.environ[name]
    os.environ["PAVE_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["PAVE_LOG_LEVEL"] = "ERROR"
    # WhiteNoise warns that collectstatic never ran in this data directory: irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(ROOT))

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_requests(send: Callable[[], Any], requests: int, warmup: int) -> dict[str, float]:
    timings = []
    started_all = 0.0
    for index in range(warmup + requests):
        if index == warmup:
            started_all = time.perf_counter()
        started = time.perf_counter()
        response = send()
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"request failed: {response.status_code} {response.content[:300]!r}")
        if index >= warmup:
            timings.append(elapsed * 1000)
    total = time.perf_counter() - started_all
    return {
        "n": requests,
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "per_second": requests / total,
    }


def bench_api(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.test import Client

    from pave.accounts.models import Organisation, User
    from pave.accounts.services import token_create
    from pave.screening.engine import load_instruments

    organisation = Organisation.objects.create(code="BENCH", name="Bench", type="NGO", country="LB")
    user = User.objects.create(
        username="bench", organisation=organisation, role="screening_officer"
    )
    _token, clear = token_create(actor="cli:bench", user=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    registry = load_instruments()
    adult = registry.get("ilo-2009-adult-labour")
    pairs = workload(registry, 1000)
    single = json.dumps(
        {
            "instrument": adult.code,
            "answers": interview(random.Random(SEED), list(adult.indicators)),
        }
    )
    batch100 = json.dumps([{"instrument": i.code, "answers": a} for i, a in pairs[:100]])
    batch1000 = json.dumps([{"instrument": i.code, "answers": a} for i, a in pairs])

    def post(body: str) -> Callable[[], Any]:
        return lambda: client.post(
            "/api/v1/screening/assess", body, content_type="application/json"
        )

    kinds = [
        ("GET /api/v1/me (baseline)", lambda: client.get("/api/v1/me"), 0, args.requests),
        (
            "POST /api/v1/screening/assess, one request (adult, 67 answers)",
            post(single),
            1,
            args.requests,
        ),
        (
            "POST /api/v1/screening/assess, batch of 100",
            post(batch100),
            100,
            max(20, args.requests // 10),
        ),
        (
            "POST /api/v1/screening/assess, batch of 1000",
            post(batch1000),
            1000,
            max(10, args.requests // 50),
        ),
    ]
    rows = []
    for label, send, per_request, requests in kinds:
        measured = time_requests(send, requests, max(2, min(args.warmup, requests // 5)))
        rows.append({"label": label, "assessments": per_request, **measured})
    return rows


# --- report ----------------------------------------------------------------------------------


def report(
    engine: list[dict[str, Any]], api: list[dict[str, Any]], *, pinned: str, command: str
) -> str:
    lines = [
        "## Screening",
        "",
        f"Produced by `{command}`; Python {platform.python_version()}, {pinned}. "
        f"Answer sets: every indicator of a shipped instrument asked, observed with "
        f"probability {P_TRUE}, not asked with {P_NULL} (seed {SEED}), cycling over the three "
        "instruments.",
        "",
        "### Engine, one core",
        "",
        "| measurement | assessments / s (median) | min | max | target |",
        "|---|---:|---:|---:|---|",
    ]
    for row in engine:
        target = ""
        if row["target"]:
            met = "met" if row["median"] >= TARGET_PER_SECOND else "**NOT met**"
            target = f"≥ {TARGET_PER_SECOND:,}/s: {met}"
        lines.append(
            f"| {row['label']} | {row['median']:,.0f} | {row['min']:,.0f} | {row['max']:,.0f} "
            f"| {target} |"
        )
    base = api[0]
    lines += [
        "",
        "### API, against the baseline in the same run",
        "",
        "Through Django's test client (full middleware, bearer token, JSON), one request at a "
        "time; SQLite in a temporary directory (neither endpoint queries more than the token).",
        "",
        "| request | n | p50 ms | p95 ms | requests / s | assessments / s | p50 × baseline |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in api:
        assessed = f"{row['per_second'] * row['assessments']:,.0f}" if row["assessments"] else ""
        lines.append(
            f"| {row['label']} | {row['n']} | {row['p50']:.2f} | {row['p95']:.2f} "
            f"| {row['per_second']:,.0f} | {assessed} | {row['p50'] / base['p50']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    pinned = pin_to_one_core()
    sys.path.insert(0, str(ROOT))
    print("screening bench: engine…", file=sys.stderr, flush=True)
    engine = bench_engine(args)
    data_dir = tempfile.mkdtemp(prefix="pave-bench-screening-")
    try:
        print(f"screening bench: API (data in {data_dir})…", file=sys.stderr, flush=True)
        setup_django(data_dir)
        api = bench_api(args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    command = " ".join([".venv/bin/python", "bench/screening.py", *argv])
    markdown = report(engine, api, pinned=pinned, command=command)
    if args.output:
        args.output.write_text(markdown, encoding="utf-8")
    print(markdown, end="")


if __name__ == "__main__":
    main(sys.argv[1:])
