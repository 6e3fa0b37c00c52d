"""Arabic lays out right to left (issue 7): the page direction, table columns and form fields
mirror, measured in a real Chromium rather than read from the CSS."""

import pytest

from pave.testing import log_in, make_case, screenshot, use_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def box(locator):
    found = locator.bounding_box()
    assert found is not None
    return found


@pytest.mark.parametrize("language", ["en", "ar"])
def test_tables_and_forms_follow_the_reading_direction(page, personas, language):
    make_case(personas.amal)
    use_language(page, language)
    log_in(page, "amal")
    page.goto("/cases/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")

    headers = page.locator("table thead th")
    first, second = box(headers.nth(0)), box(headers.nth(1))
    if language == "ar":
        assert first["x"] > second["x"], "the first column is on the right in Arabic"
    else:
        assert first["x"] < second["x"]

    page.goto("/cases/new/")
    label = box(page.locator("label[for=id_given_name]"))
    field = box(page.locator("#id_given_name"))
    viewport = page.viewport_size
    assert viewport is not None
    if language == "ar":
        # Labels and fields start at the right edge of the form, not the left.
        assert label["x"] + label["width"] > viewport["width"] / 2
        assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 4
    else:
        assert abs(label["x"] - field["x"]) < 4
    screenshot(page, f"case-form-{language}")
