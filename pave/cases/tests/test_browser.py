"""The case register in a real browser (Chromium), in English and Arabic."""

import pytest
from playwright.sync_api import expect

from pave.testing import log_in, make_case, person_data, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_worker_logs_in_searches_and_opens_her_case(page, personas):
    case = make_case(personas.amal, person=person_data(given_name="Tigist", family_name="Alemu"))
    make_case(personas.bilal, person=person_data(given_name="Other"))
    log_in(page, "amal")
    page.wait_for_url("**/cases/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    page.get_by_label("Search").fill("tigist")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".result-count")).to_contain_text("1 case")
    assert "tigist" not in page.url.lower()  # the search was posted, not put in the URL
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text("Tigist")
    screenshot(page, "case-detail-en")


def test_arabic_pages_render_right_to_left(page, personas):
    make_case(personas.amal, person=person_data(given_name="Tigist", other_names="تيجيست"))
    log_in(page, "amal")
    page.wait_for_url("**/cases/")
    page.select_option("select[name=language]", "ar")
    page.locator("form[action$='/accounts/language/'] button").click()
    page.wait_for_load_state()
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    # Right-to-left for real: the table's first column starts on the right-hand side.
    table = page.locator("table").first.bounding_box()
    first_cell = page.locator("table th").first.bounding_box()
    assert first_cell["x"] + first_cell["width"] > table["x"] + table["width"] * 0.7
    screenshot(page, "case-list-ar")


def test_outsider_cannot_reach_the_case_by_url(page, personas):
    case = make_case(personas.amal)
    log_in(page, "ravi")
    page.wait_for_url("**/cases/")
    response = page.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    # Not anywhere in the HTML (attributes and hidden fields too), which expect() cannot see.
    assert case.person.given_name not in page.content()


def test_a_right_to_left_override_in_a_name_stays_inside_it(page, personas):
    make_case(personas.amal, person=person_data(given_name="Ali\u202egpj.exe", family_name="Z"))
    log_in(page, "amal")
    page.wait_for_url("**/cases/")
    name = page.locator("tbody td bdi").first
    expect(name).to_contain_text("Ali")
    assert name.evaluate("element => getComputedStyle(element).unicodeBidi") == "isolate"
    # The override ends with the name: the next cell's text is laid out left to right as usual.
    sex = page.locator("tbody td").nth(1)
    assert sex.evaluate("element => getComputedStyle(element).direction") == "ltr"
