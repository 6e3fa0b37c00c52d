import itertools
import os
import shutil

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import sync_playwright

from pave.core import crypto
from pave.testing import Personas, catalogue_ensure

_checkpoint_files = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_keyring():
    """Tests that change PAVE_DATA_KEYS must not leak a cached keyring into the next test."""
    crypto.reset_keyring()
    yield
    crypto.reset_keyring()


@pytest.fixture(autouse=True)
def _shipped_catalogue(request, django_db_blocker):
    """Every test that uses the database starts with the shipped service catalogue, even right
    after a transactional test emptied the tables (the catalogue is migration data)."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            catalogue_ensure()
    yield


@pytest.fixture(autouse=True)
def _own_audit_checkpoints():
    """Each test its own audit checkpoint file: a checkpoint of one test's (rolled back) log
    would fail the next test's `pave audit verify`. Yields the file's path."""
    path = settings.DATA_DIR / "audit-checkpoints.d" / f"{next(_checkpoint_files)}"
    with override_settings(PAVE_AUDIT_CHECKPOINT_FILE=path):
        yield path


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request in Arabic leaves Arabic active in
    the thread (LocaleMiddleware activates, nothing deactivates), which would otherwise leak
    into whichever test the same worker runs next."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def file_keys(db, tmp_path):
    """Data keys in a file of the test's own, starting as a copy of the session's: the test
    database's key canary was written under that key, and keys fail closed (a fresh file would
    be refused). For tests that rotate or retire keys. Yields the file's path."""
    crypto.keyring()  # the session's key file exists from here on
    path = tmp_path / "data_keys"
    shutil.copy(settings.PAVE_KEYS_FILE, path)
    with override_settings(PAVE_DATA_KEYS="", PAVE_KEYS_FILE=path):
        crypto.reset_keyring()
        yield path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The session's data and audit keys, made once. And between transactional tests Django
    empties every table with TRUNCATE, which the audit log's trigger refuses on PostgreSQL:
    the test database alone has that trigger disabled (pave/core/tests/test_audit.py enables
    it again, inside its own transaction)."""
    with django_db_blocker.unblock():
        # The session's keys exist from here: no test counts the queries that look for them.
        crypto.keyring()
        crypto.audit_key()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER pave_audit_no_truncate")
    yield


@pytest.fixture
def personas(db):
    return Personas()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; skipped, with the reason, where there is none."""
    executable = os.environ.get("PAVE_CHROMIUM", CHROMIUM)
    if not (os.path.exists(executable) or shutil.which(executable)):
        pytest.skip(
            f"no Chromium at {executable}: browser tests skipped (apt-get install chromium)"
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.pave_base_url = live_server.url  # for pave.testing.use_language
    page = context.new_page()
    yield page
    context.close()
