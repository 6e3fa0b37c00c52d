"""Shared test data: factories and the named personas every app's tests use.

Personas (STYLE.md): in the NGO "Beirut Migrant Support" case worker **amal** and supervisor
**bilal**; screening officer **dina** at General Security; **ravi**, a case worker in another
NGO who must never see their cases. Every other role has a user in the NGO too.
"""

from __future__ import annotations

import datetime
import io
import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any
from unittest import mock

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import ManagementUtility
from playwright.sync_api import expect

from pave.accounts.models import Organisation, User
from pave.accounts.roles import Role
from pave.accounts.services import token_create
from pave.assistance.catalogue import DEFAULT_CATALOGUE
from pave.assistance.models import ServiceType
from pave.cases.models import Case
from pave.cases.services import case_open

PASSWORD = "correct-horse-battery-9"  # noqa: S105 - fixture users only
# A cheap hash for fixtures; real users always get Argon2 (see settings.PASSWORD_HASHERS).
_FIXTURE_HASH = make_password(PASSWORD, hasher="md5")
_serial = itertools.count(1)


def make_org(code: str, *, name: str = "", type: str = "NGO", country: str = "LB") -> Organisation:
    return Organisation.objects.create(code=code, name=name or code, type=type, country=country)


def make_user(username: str, org: Organisation, role: str) -> User:
    return User.objects.create(
        username=username, organisation=org, role=role, password=_FIXTURE_HASH
    )


def person_data(**overrides: Any) -> dict[str, Any]:
    n = next(_serial)
    data: dict[str, Any] = {
        "given_name": f"Meron{n}",
        "family_name": "Tesfaye",
        "sex": "female",
        "birth_date": datetime.date(1992, 3, 14),
        "citizenship": ["ET"],
        "identity_number": f"EP{n:07d}",
        "phone": f"+961 70 {n:06d}",
    }
    data.update(overrides)
    return data


def make_case(actor: User, *, person: dict | None = None, **case: Any) -> Case:
    case.setdefault("case_type", "victim_of_trafficking")
    case.setdefault("country", "LB")
    return case_open(actor=actor, person=person or person_data(), case=case)


class Personas:
    """Two NGOs and a government unit, one user per role in the first NGO."""

    def __init__(self) -> None:
        self.ngo = make_org("BMS", name="Beirut Migrant Support")
        self.gov = make_org("GSD-LB", name="General Security", type="ImmigrationService")
        self.other = make_org("CLA", name="Cedar Legal Aid")
        self.amal = make_user("amal", self.ngo, Role.CASE_WORKER)
        self.bilal = make_user("bilal", self.ngo, Role.CASE_MANAGER)
        self.dina = make_user("dina", self.gov, Role.SCREENING_OFFICER)
        self.ravi = make_user("ravi", self.other, Role.CASE_WORKER)
        self.by_role: dict[str, User] = {
            Role.CASE_WORKER: self.amal,
            Role.CASE_MANAGER: self.bilal,
        }
        for role in Role.values:
            if role not in self.by_role:
                self.by_role[role] = make_user(f"ngo_{role}", self.ngo, role)
        # The same roles in the other organisation, for "other organisation" matrix cells.
        self.other_by_role: dict[str, User] = {Role.CASE_WORKER: self.ravi}
        for role in Role.values:
            if role not in self.other_by_role:
                self.other_by_role[role] = make_user(f"other_{role}", self.other, role)


# --- API helpers (Django test client) ---------------------------------------------------------


def bearer(user: User) -> dict[str, Any]:
    """Test-client keyword arguments carrying a new API token of USER: `client.get(url,
    **bearer(user))`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(actor=user, user=user)[1]}"}


class Api:
    """A test client speaking JSON with a bearer token, as a program would. PATHs are under
    BASE (`Api(client, dina, base="/api/v1/screening")` for the screening API)."""

    def __init__(self, client: Any, user: User, *, base: str = "/api/v1") -> None:
        self.client = client
        self.base = base
        self.headers = bearer(user)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"{self.base}{path}", params, **self.headers)

    def post(self, path: str, body: Any, *, raw: bool = False) -> Any:
        """POST BODY as JSON; RAW: BODY is already the request text (sent as it is)."""
        data = body if raw else json.dumps(body, default=str)
        return self.client.post(
            f"{self.base}{path}", data, content_type="application/json", **self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"{self.base}{path}",
            json.dumps(body, default=str),
            content_type="application/json",
            **self.headers,
        )


def search(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    """re.search for what the test knows is there: fails the test, naming the pattern, if not."""
    found = re.search(pattern, text, flags)
    assert found is not None, f"not found: {pattern!r}"
    return found


def run_pave(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Run `pave ARGV...` in-process against the test database; return (exit code, out, err).

    Django closes every connection after a command, which would end the test's transaction:
    that one call is neutralised for the duration.
    """
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch("django.db.connections.close_all"),
        mock.patch.object(sys, "stdin", io.StringIO(stdin)),
        mock.patch.object(sys, "stdout", out),
        mock.patch.object(sys, "stderr", err),
    ):
        try:
            ManagementUtility(["pave", *argv]).execute()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, out.getvalue(), err.getvalue()


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def screenshot(page: Any, name: str) -> None:
    """Keep a picture of a key page as a test artefact (test-artifacts/NAME.png)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --- Browser helpers (Playwright, sync API) -------------------------------------------------


def use_language(page: Any, language: str) -> None:
    """Choose the interface language as the language switcher does (Django's language cookie).
    The `page` fixture records the live server's address on its context."""
    page.context.add_cookies(
        [
            {
                "name": settings.LANGUAGE_COOKIE_NAME,
                "value": language,
                "url": page.context.pave_base_url,
            }
        ]
    )


def log_in(page: Any, username: str, *, password: str = PASSWORD) -> None:
    """Log in through the login form, whatever the interface language (fields by id), and
    wait until the browser has left the login page (fails there if the login was refused)."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.wait_for_load_state()


def log_out(page: Any) -> None:
    page.locator(".account form button[type=submit]").click()
    page.wait_for_load_state()


AXE_IMPACTS_FAILING = ("serious", "critical")


def axe_check(page: Any, name: str = "") -> list[dict]:
    """Run axe-core (bundled by axe-playwright-python) on the page as it is now and fail on
    any serious or critical violation; minor and moderate ones are returned for the caller."""
    results = Axe().run(page)
    violations = results.response["violations"]
    failing = [v for v in violations if v.get("impact") in AXE_IMPACTS_FAILING]
    if failing:
        lines = [f"axe-core: {len(failing)} serious/critical violation(s) on {name or page.url}"]
        for v in failing:
            targets = [", ".join(node["target"]) for node in v["nodes"][:5]]
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} — {targets}")
        raise AssertionError("\n".join(lines))
    return violations


def catalogue_ensure() -> None:
    """Put back the shipped service catalogue if it is gone. It is migration data, and a
    transactional test empties every table when it ends, for whichever test runs next on
    that worker."""
    if ServiceType.objects.exists():
        return
    for order, (code, family, name) in enumerate(DEFAULT_CATALOGUE):
        ServiceType.objects.get_or_create(
            code=code, defaults={"family": family, "name": name, "sort_order": order}
        )
