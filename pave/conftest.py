import os
import shutil

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import sync_playwright

from pave.core import crypto
from pave.testing import Personas


@pytest.fixture(autouse=True)
def _fresh_keyring():
    """Tests that change PAVE_DATA_KEYS must not leak a cached keyring into the next test."""
    crypto.reset_keyring()
    yield
    crypto.reset_keyring()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request in Arabic leaves Arabic active in
    the thread (LocaleMiddleware activates, nothing deactivates), which would otherwise leak
    into whichever test the same worker runs next."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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
