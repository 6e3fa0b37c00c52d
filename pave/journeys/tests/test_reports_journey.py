"""Journeys (f) and (g): the M&E officer watches the factsheet's first number grow when a
migrant is assisted; a donor viewer sees suppressed aggregates and nothing about anyone."""

import re

import pytest
from playwright.sync_api import expect

from pave.journeys.tests.conftest import PROJECT, check_page, start, tr
from pave.testing import make_case, person_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORDS = "a[href$='/indicators/migrants_assisted/records/']"


def dashboard_value(page) -> int:
    """migrants_assisted as the internal dashboard shows it (its drill-down link)."""
    return int(page.locator(RECORDS).inner_text())


def factsheet_value(page, label: str) -> int:
    row = page.get_by_role("row").filter(has_text=label)
    return int(row.locator("td.n").first.inner_text())


def open_factsheet(page, language: str) -> None:
    """The dashboard's link to the factsheet in the reader's language (a factsheet is a
    publication in one language, chosen per output)."""
    page.locator(f"main a[href$='/factsheet/?lang={language}']").click()
    page.wait_for_url(f"**/reports/{PROJECT}/factsheet/**")


def test_me_officer_sees_migrants_assisted_go_up_by_one(page, personas, programme, language):
    start(page, language, programme.me_officer.username)
    page.goto(f"/reports/{PROJECT}/")
    check_page(page, language, "results", "1-dashboard", key=True)
    before = dashboard_value(page)
    assert before == 6

    label = programme.project.indicators.get(code="migrants_assisted").label
    label = programme.project.indicators.get().label_ar if language == "ar" else label
    open_factsheet(page, language)
    check_page(page, language, "results", "2-factsheet")
    assert factsheet_value(page, label) == before

    # A case worker records a return for someone not assisted before ...
    newcomer = make_case(personas.amal, person=person_data(given_name="Newcomer"))
    programme.assist(personas.amal, newcomer, code="ticket")
    # ... and a second service for someone already counted changes nothing.
    programme.assist(personas.amal, programme.cases[1], code="medical")

    page.reload()
    assert factsheet_value(page, label) == before + 1
    check_page(page, language, "results", "3-factsheet-after", key=True)
    page.goto(f"/reports/{PROJECT}/")
    assert dashboard_value(page) == before + 1
    page.locator(RECORDS).click()
    page.wait_for_url(f"**/reports/{PROJECT}/indicators/migrants_assisted/records/")
    expect(page.locator("main")).to_contain_text(newcomer.reference)
    expect(page.locator("body")).not_to_contain_text("Newcomer")
    check_page(page, language, "results", "4-records", key=True)


def test_donor_viewer_sees_only_suppressed_aggregates(page, personas, programme, language):
    start(page, language, "eva")
    check_page(page, language, "donor", "1-home")
    # The training results: counts, and no participant.
    page.get_by_role("navigation").get_by_role("link", name=tr(language, "Training")).click()
    page.wait_for_url("**/training/**")
    assert page.locator("main a[href*='/participants/']").count() == 0
    check_page(page, language, "donor", "1b-training")
    page.goto("/reports/")
    check_page(page, language, "donor", "2-dashboard", key=True)
    # Public numbers: the total, but not the one man nor the women who would reveal him.
    expect(page.locator("tbody")).to_contain_text(tr(language, "suppressed"))
    expect(page.locator("tbody")).to_contain_text(re.compile(r"\b6\b"))
    assert page.locator("a[href*='/records/']").count() == 0
    assert page.locator("a[href*='/cases/'], a[href*='/referrals/']").count() == 0
    assert page.locator("a[href*='audience=internal']").count() == 0
    # The downloads behind the dashboard's links hold numbers only.
    for download in ("csv", "xlsx"):
        response = page.request.get(f"/reports/{PROJECT}/factsheet.{download}?audience=internal")
        assert response.ok, download
        assert b"Assisted" not in response.body() and b"LB-" not in response.body(), download

    open_factsheet(page, language)
    # Asking for the internal version changes nothing for a donor.
    page.goto(page.url + ("&" if "?" in page.url else "?") + "audience=internal")
    check_page(page, language, "donor", "3-factsheet", key=True)
    expect(page.locator("body")).not_to_contain_text("Assisted1")

    # Nothing person-level answers, whatever the address.
    case = programme.cases[0]
    for url, status in [
        ("/cases/", 403),
        (f"/cases/{case.pk}/", 404),
        (f"/assistance/cases/{case.pk}/", 404),
        ("/referrals/", 403),
        (f"/referrals/cases/{case.pk}/consents/", 404),
        ("/screening/", 403),
        ("/training/participants/", 403),
        (f"/reports/{PROJECT}/indicators/migrants_assisted/records/", 403),
    ]:
        response = page.goto(url)
        assert response.status == status, url
        expect(page.locator("body")).not_to_contain_text(case.reference)
        expect(page.locator("body")).not_to_contain_text("Assisted")
        if url == "/cases/":
            check_page(page, language, "donor", "4-refused", key=True)
        elif url == f"/cases/{case.pk}/":
            check_page(page, language, "donor", "5-not-found")
