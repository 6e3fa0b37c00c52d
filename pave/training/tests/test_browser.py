"""A trainer records an event, imports a sign-in sheet (check, then confirm) and opens a
certificate, in a real browser (Chromium)."""

import pytest
from playwright.sync_api import expect

from pave.testing import log_in, screenshot
from pave.training.models import Certificate, Participant
from pave.training.tests.conftest import sheet_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHEET = [
    [
        "Nour Haddad",
        "F",
        "General Security",
        "Government front-line officer",
        "Lebanon",
        "+961 3 123 456",
        "8",
        "15",
    ],
    ["علي حسن", "ذكر", "الأمن العام", "government_officer", "لبنان", "", "9", "17"],
    ["Karim Saad", "M", "General Security", "gov", "LB", "", "", ""],
]


def test_trainer_imports_a_sign_in_sheet_and_opens_a_certificate(page, personas, tmp_path):
    log_in(page, "ngo_trainer")
    page.get_by_role("link", name="Training", exact=True).click()

    # The event and its session.
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title").fill("Victim identification for front-line officers")
    page.get_by_label("Type").select_option("training_workshop")
    page.get_by_label("Country").select_option("LB")
    page.get_by_label("City").fill("Beirut")
    page.get_by_label("General Security (GSD-LB)").check()
    page.get_by_role("button", name="Record the event").click()
    expect(page.get_by_role("status")).to_contain_text("Event recorded.")
    page.get_by_label("Date (first day)").fill("2013-10-29")
    page.get_by_label("Last day").fill("2013-10-30")
    page.get_by_label("Venue").fill("General Security, Adlieh")
    page.get_by_role("button", name="Add the session").click()
    expect(page.get_by_role("status")).to_contain_text("Session added.")

    # The sign-in sheet: checked first (nothing written), then imported.
    path = tmp_path / "sign-in.csv"
    path.write_bytes(sheet_csv(SHEET))
    page.get_by_role("link", name="Import a sign-in sheet").click()
    page.get_by_label("Sign-in sheet (CSV or XLSX)").set_input_files(str(path))
    page.get_by_label("Test scores are out of").fill("20")
    page.get_by_role("button", name="Check the sheet").click()
    expect(page.locator("main")).to_contain_text("Checked: ready to import")
    expect(page.locator("main")).to_contain_text("3 rows: 3 new participants")
    assert Participant.objects.count() == 0
    screenshot(page, "training-import-check-en")
    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_role("status")).to_contain_text("Sign-in sheet imported: 3 new participants")
    assert Participant.objects.count() == 3

    # Certificates for everyone present; open one.
    page.get_by_role("button", name="Issue certificates to everyone present").click()
    expect(page.get_by_role("status")).to_contain_text("3 participants now hold a certificate.")
    screenshot(page, "training-event-en")
    row = page.get_by_role("row").filter(has_text="علي حسن")
    href = row.get_by_role("link", name="PDF").get_attribute("href")
    response = page.context.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # Anyone can check the code, and sees initials only.
    certificate = next(c for c in Certificate.objects.all() if c.participant.full_name == "علي حسن")
    page.get_by_role("button", name="Log out").click()
    page.goto(f"/verify/{certificate.code}/")
    expect(page.locator("main")).to_contain_text("This certificate is genuine.")
    expect(page.locator("main")).to_contain_text("ع. ح.")
    # The full name is nowhere in the HTML (attributes too, which expect() cannot see).
    assert "علي حسن" not in page.content()
    screenshot(page, "training-verify-en")
