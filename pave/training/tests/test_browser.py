"""A trainer records an event, imports a sign-in sheet (check, then confirm) and opens a
certificate, in a real browser (Chromium)."""

import re

import pytest

from pave.testing import PASSWORD, screenshot
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
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("ngo_trainer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Training", exact=True).click()

    # The event and its session.
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title").fill("Victim identification for front-line officers")
    page.get_by_label("Type").select_option("training_workshop")
    page.get_by_label("Country").select_option("LB")
    page.get_by_label("City").fill("Beirut")
    page.get_by_label("General Security (GSD-LB)").check()
    page.get_by_role("button", name="Record the event").click()
    assert "Event recorded." in page.content()
    page.get_by_label("Date (first day)").fill("2013-10-29")
    page.get_by_label("Last day").fill("2013-10-30")
    page.get_by_label("Venue").fill("General Security, Adlieh")
    page.get_by_role("button", name="Add the session").click()
    assert "Session added." in page.content()

    # The sign-in sheet: checked first (nothing written), then imported.
    path = tmp_path / "sign-in.csv"
    path.write_bytes(sheet_csv(SHEET))
    page.get_by_role("link", name="Import a sign-in sheet").click()
    page.get_by_label("Sign-in sheet (CSV or XLSX)").set_input_files(str(path))
    page.get_by_label("Test scores are out of").fill("20")
    page.get_by_role("button", name="Check the sheet").click()
    assert "Checked: ready to import" in page.content()
    assert "3 rows: 3 new participants" in page.content()
    assert Participant.objects.count() == 0
    screenshot(page, "training-import-check-en")
    page.get_by_role("button", name="Import 3 rows").click()
    assert "Sign-in sheet imported: 3 new participants" in page.content()
    assert Participant.objects.count() == 3

    # Certificates for everyone present; open one.
    page.get_by_role("button", name="Issue certificates to everyone present").click()
    assert "3 participants now hold a certificate." in page.content()
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
    assert "This certificate is genuine." in page.content()
    assert "علي حسن" not in page.content() and re.search("ع\\. ح\\.", page.content())
    screenshot(page, "training-verify-en")
