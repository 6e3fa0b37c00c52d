"""Low bandwidth (issue 7): the case list is small on first load, PAVE needs no JavaScript,
and static files are served compressed with a year-long cache.

The size check loads the case list in a real Chromium with an empty cache, as a case worker on
a slow connection does each morning on a shared computer, and adds up every response. Static
files count gzip-compressed, as WhiteNoise serves them in production (collectstatic writes the
.gz next to each file); HTML counts uncompressed, in case no proxy compresses it.
"""

import gzip

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from playwright.sync_api import expect
from whitenoise.middleware import WhiteNoiseMiddleware

from pave.cases.views import PAGE_SIZE
from pave.testing import PASSWORD, log_in, make_case

BUDGET_BYTES = 200 * 1024


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_case_list_is_under_200_kb_on_first_load(chromium, live_server, personas):
    for _ in range(PAGE_SIZE + 5):  # a full page, and a second one
        make_case(personas.amal)
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    log_in(page, "amal", password=PASSWORD)

    # A new browser context has an empty cache; it carries only the session cookie.
    fresh = chromium.new_context(base_url=live_server.url)
    fresh.add_cookies(context.cookies())
    first_load = fresh.new_page()
    responses = []
    first_load.on("response", lambda response: responses.append(response))
    first_load.goto("/cases/")
    first_load.wait_for_load_state("load")
    expect(first_load.locator("table tbody tr")).to_have_count(PAGE_SIZE)

    total = 0
    for response in responses:
        body = response.body()
        is_static = "/static/" in response.url
        size = len(gzip.compress(body, compresslevel=9)) if is_static else len(body)
        total += size + len(str(response.headers))
    context.close()
    fresh.close()
    assert total < BUDGET_BYTES, f"case list first load: {total} bytes"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_case_worker_can_work_without_javascript(chromium, live_server, personas):
    case = make_case(personas.amal)
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "amal")
    page.goto("/cases/")
    page.locator("#id_q").fill(case.reference)
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("link", name=case.reference).click()
    page.get_by_label("New note").fill("Called the embassy; no JavaScript needed.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("main")).to_contain_text("Called the embassy; no JavaScript needed.")
    context.close()


@pytest.mark.django_db
def test_static_files_are_served_compressed_and_cached_for_a_year(tmp_path):
    production_storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        STORAGES=production_storage, STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=False
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        url = static("pave/pave.css")
        assert url != "/static/pave/pave.css", "hashed name expected"
        middleware = WhiteNoiseMiddleware(lambda request: None)
        request = RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
        response = middleware(request)
        original = (tmp_path / "pave" / "pave.css").read_bytes()
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert gzip.decompress(body) == original
    assert len(body) < len(original) / 2
