"""Two app servers, one PostgreSQL: nothing depends on process-local state (issue 13).

Two gunicorn servers are started on different ports with the same environment and a fresh
database; a user signs in on one and carries on on the other, a case written through one is read
through the other (same keys), and failed sign-ins on both count towards one lockout."""

from __future__ import annotations

import base64
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

PASSWORD = "a-long-pass-phrase-for-tests-42"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def environment(tmp_path: Path) -> Iterator[dict[str, str]]:
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share one PostgreSQL (PAVE_DATABASE_URL=postgres://…)")
    import psycopg  # noqa: PLC0415 - installed with the postgres extra only

    params = connection.settings_dict
    base = f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    name = f"pave_stateless_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(f"{base}/postgres", autocommit=True, password=params.get("PASSWORD"))
    admin.execute(f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAVE_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PAVE_DATA_DIR": str(tmp_path / "data"),
        "PAVE_DATABASE_URL": f"{base}/{name}",
        "PAVE_SECRET_KEY": "stateless-test-secret-key-0123456789-abcdefghij",
        "PAVE_DATA_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "PAVE_LOGIN_FAILURE_LIMIT": "3",
        "PAVE_AUDIT_KEY": "stateless-test-audit-key-0123456789-abcdefghijk",
    }
    try:
        yield env
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def pave(env: dict[str, str], *argv: str, stdin: str = "") -> str:
    done = subprocess.run(  # noqa: S603 - the project's own command
        [sys.executable, "-m", "pave", *argv],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def servers(environment: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """Two servers (A, B) on one database, and an API token of an administrator."""
    env = environment
    pave(env, "migrate", "-v0")
    pave(env, "collectstatic", "--noinput", "-v0")
    pave(env, "org", "create", "NGO1", "--name", "NGO one", "--type", "NGO", "--country", "LB")
    for username in ("hana", "omar"):
        pave(
            env, "user", "create", username, "--org", "NGO1", "--role", "administrator",
            "--password-stdin", stdin=PASSWORD + "\n",
        )  # fmt: skip
    token = pave(env, "token", "create", "hana").strip().splitlines()[-1]
    processes, urls = [], []
    for _ in range(2):
        port = _free_port()
        processes.append(
            subprocess.Popen(  # noqa: S603 - the project's own server
                [
                    sys.executable,
                    "-m",
                    "pave",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "2",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            _wait_until_up(url)
        yield urls[0], urls[1], token
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=10) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:  # not listening yet, or still booting (URLError, timeouts)
            time.sleep(0.3)
    raise AssertionError(f"{url} did not start")


class Browser:
    """A cookie-keeping client that can move between servers (the cookies follow it, as a
    load balancer without sticky sessions would let them)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, url: str, data: dict | None = None, headers: dict | None = None) -> tuple:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name and c.value is not None)

    def log_in(self, server: str, username: str, password: str) -> int:
        self.request(f"{server}/accounts/login/")
        status, _headers, _body = self.request(
            f"{server}/accounts/login/",
            {"username": username, "password": password,
             "csrfmiddlewaretoken": self.cookie("csrftoken")},
            headers={"Referer": f"{server}/accounts/login/"},
        )  # fmt: skip
        return status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _api(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - a local test server
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_a_session_started_on_one_server_works_on_the_other(servers):
    server_a, server_b, _token = servers
    browser = Browser()
    assert browser.log_in(server_a, "hana", PASSWORD) == 302
    status, headers, body = browser.request(f"{server_b}/cases/")
    assert status == 200, headers.get("Location")
    assert re.search(r"hana", body)


def test_a_case_written_through_one_server_is_read_through_the_other(servers):
    server_a, server_b, token = servers
    person = {"given_name": "Tigist", "family_name": "Alemu", "sex": "female",
              "citizenship": ["ET"], "identity_number": "EP5550001"}  # fmt: skip
    status, created = _api(
        f"{server_a}/api/v1/cases", token, {"person": person, "case_type": "victim_of_trafficking",
                                            "country": "LB"},
    )  # fmt: skip
    assert status == 201, created
    status, read = _api(f"{server_b}/api/v1/cases/{created['id']}", token)
    assert status == 200 and read["person"]["given_name"] == "Tigist"  # same keys, same data


def test_failed_sign_ins_on_both_servers_count_towards_one_lockout(servers):
    server_a, server_b, _token = servers
    for server in (server_a, server_b, server_a):  # PAVE_LOGIN_FAILURE_LIMIT=3
        assert Browser().log_in(server, "omar", "wrong-password-guess") != 302
    # Locked everywhere, even with the right password, whichever server answers.
    assert Browser().log_in(server_b, "omar", PASSWORD) != 302
    assert Browser().log_in(server_a, "omar", PASSWORD) != 302
