"""The results pages in a real browser (Chromium), in English and Arabic: an M&E officer
opens the dashboard, the factsheet with its four charts, its Arabic PDF, the budget page and
the indicator editor; every page passes axe-core and is kept as a screenshot."""

import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pave.accounts.models import User
from pave.assistance.catalogue import DEFAULT_CATALOGUE
from pave.assistance.models import ServiceType
from pave.monitoring.outputs import TEXT
from pave.testing import PASSWORD, axe_check, log_in, screenshot, use_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART_WIDTH = 640
# The text of every chart element, its box in the chart's coordinates, and the chart's name.
CHART_GEOMETRY = """() => [...document.querySelectorAll('svg[role="img"]')].map(svg => ({
    name: svg.getAttribute('aria-label'),
    title: svg.querySelector('title')?.textContent,
    direction: getComputedStyle(svg).direction,
    texts: [...svg.querySelectorAll('text')].map(t => {
        const box = t.getBBox();
        return {text: t.textContent, left: box.x, right: box.x + box.width};
    }),
    points: [...svg.querySelectorAll('circle')].map(c => Number(c.getAttribute('cx'))),
}))"""


@pytest.fixture
def demo_programme(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The service catalogue comes with a migration; an earlier transactional test may have
    # flushed it.
    for order, (code, family, name) in enumerate(DEFAULT_CATALOGUE):
        ServiceType.objects.get_or_create(
            code=code, defaults={"family": family, "name": name, "sort_order": order}
        )
    call_command("demo", "load", stdout=io.StringIO(), stderr=io.StringIO())
    maya = User.objects.get(username="maya")
    maya.set_password(PASSWORD)
    maya.save()


def check_charts(page, language: str) -> None:
    charts = page.evaluate(CHART_GEOMETRY)
    text = TEXT[language]
    names = [text[key] for key in ("progress", "by_sex_age", "trend", "by_country")]
    assert [chart["name"] for chart in charts] == names
    assert [chart["title"] for chart in charts] == names
    rtl = language == "ar"
    for chart in charts:
        assert chart["direction"] == ("rtl" if rtl else "ltr")
        for item in chart["texts"]:  # nothing spills out of the chart
            assert item["left"] >= -1 and item["right"] <= CHART_WIDTH + 1, (chart["name"], item)
    progress, sex_age, trend, _by_country = charts
    # Labels start at the reading side: the first label touches the right edge in Arabic.
    first = progress["texts"][0]
    assert (CHART_WIDTH - first["right"] < 2) if rtl else (first["left"] < 2)
    assert text["women"] in " ".join(t["text"] for t in sex_age["texts"])
    # Time runs from the reading start: the first month is rightmost in Arabic.
    points = trend["points"]
    assert len(points) > 3
    assert points == sorted(points, reverse=rtl)


def pdf_text(page, url: str, tmp_path) -> str:
    response = page.context.request.get(url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    path = tmp_path / "factsheet.pdf"
    path.write_bytes(response.body())
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    return subprocess.run(  # noqa: S603 - a fixed program on a file we wrote
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_me_officer_reads_results_factsheet_budget_and_indicator_in_english_and_arabic(
    page, demo_programme, tmp_path
):
    # One demo programme for both languages: loading it takes most of the test's time.
    log_in(page, "maya")
    for language in ("en", "ar"):
        use_language(page, language)
        read_the_results(page, language, tmp_path)
    use_language(page, "en")
    record_an_expenditure(page)


def read_the_results(page, language: str, tmp_path) -> None:
    page.goto("/")  # the home page of a role without cases: the menu leads on
    page.locator('.site-nav a[href="/reports/"]').click()
    page.wait_for_url("**/reports/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    row = page.locator('tr[data-indicator="migrants_assisted"]')
    expect(row.locator("td.value")).to_have_text("89")
    expect(row.locator("td.target")).to_have_text("150")
    if language == "ar":
        expect(row.locator("th")).to_contain_text("مهاجرون مستغَلّون")
    axe_check(page, f"dashboard-{language}")
    screenshot(page, f"dashboard-{language}")

    # The factsheet, as a publication in the chosen language.
    href = f"/reports/PAVE/factsheet/?lang={language}"
    page.locator(f'a[href="{href}"]').first.click()
    page.wait_for_load_state()
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("h1")).to_have_text(TEXT[language]["title"])
    expect(page.locator("body")).to_contain_text("89")
    expect(page.locator("body")).to_contain_text("150")
    check_charts(page, language)
    axe_check(page, f"factsheet-{language}")
    screenshot(page, f"factsheet-{language}")

    text = pdf_text(page, f"/reports/PAVE/factsheet.pdf?lang={language}", tmp_path)
    assert "89" in text and "150" in text
    if language == "ar":
        assert "المساعدة" in text or "ةدعاسملا" in text

    # The budget page and the indicator editor.
    page.goto("/reports/PAVE/")
    page.locator('.page-actions a[href="/reports/PAVE/budget/"]').click()
    page.wait_for_url("**/reports/PAVE/budget/")
    expect(page.locator("#burn")).to_contain_text("56 %")
    axe_check(page, f"budget-{language}")
    screenshot(page, f"budget-{language}")
    page.goto("/reports/PAVE/")
    page.locator('a[href="/reports/PAVE/indicators/migrants_assisted/edit/"]').click()
    page.wait_for_url("**/indicators/migrants_assisted/edit/")
    expect(page.locator("#id_definition")).to_have_value(re.compile('"source": "services"'))
    axe_check(page, f"indicator-{language}")
    screenshot(page, f"indicator-{language}")

    # The logframe: objective, outcomes and outputs with their indicators.
    page.goto("/reports/PAVE/")
    page.locator('.page-actions a[href="/reports/PAVE/logframe/"]').click()
    page.wait_for_url("**/reports/PAVE/logframe/")
    expect(page.locator("h2").first).to_be_visible()
    assert page.locator("h4").count() >= 3
    row = page.locator('tr[data-indicator="migrants_assisted"]')
    expect(row.locator("td.value")).to_have_text("89")
    axe_check(page, f"logframe-{language}")
    screenshot(page, f"logframe-{language}")


def record_an_expenditure(page) -> None:
    """A wrong date is refused on its field with what was typed kept; then the burn rate
    moves with the expenditure."""
    page.goto("/reports/PAVE/budget/")
    expect(page.locator("#burn")).to_contain_text("56 %")
    page.locator("#id_expenditure-line").select_option(label="2 Direct assistance to migrants")
    page.locator("#id_expenditure-amount").fill("170000")
    page.locator("#id_expenditure-spent_on").fill("2016-01-01")
    page.locator("#expenditure-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#expenditure-form")).to_contain_text("within the project's period")
    expect(page.locator("#id_expenditure-amount")).to_have_value("170000")
    axe_check(page, "budget-error-en")
    page.locator("#id_expenditure-spent_on").fill("2014-12-01")
    page.locator("#expenditure-form button[type=submit]").click()
    page.wait_for_url("**/reports/PAVE/budget/")
    expect(page.locator("#burn")).to_contain_text("66 %")
    screenshot(page, "budget-expenditure-en")
