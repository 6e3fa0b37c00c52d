"""Consent, a cross-border referral and its acceptance in a real browser (Chromium)."""

import pytest
from playwright.sync_api import expect

from pave.accounts.roles import Role
from pave.referrals import services
from pave.referrals.models import Referral
from pave.referrals.tests.conftest import Partner, ensure_catalogue, service_ids
from pave.testing import log_in, make_case, person_data, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_worker_refers_with_consent_and_the_partner_accepts(page, personas):
    ensure_catalogue()
    partner = Partner()
    services.directory_entry_create(
        actor=partner.by_role[Role.ADMINISTRATOR],
        service_type_id=service_ids("shelter")[0],
        country="ET",
        city="Addis Ababa",
        contact_notes="Duty officer, +251 11 000 000",
    )
    case = make_case(personas.amal, person=person_data(given_name="Tigist", family_name="Alemu"))

    # The case worker records the person's consent to be referred to the centre ...
    log_in(page, "amal")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Record or withdraw consent").click()
    page.get_by_label("Referral to an organisation").check()
    page.get_by_label("Organisation the person agrees to be referred to").select_option(
        label="Addis Reintegration Centre (Ethiopia)"
    )
    page.get_by_label("How obtained").select_option("written")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_role("status")).to_contain_text("The consent was recorded.")

    # ... finds it in the service directory, and refers the case across the border.
    page.get_by_role("link", name="Back to the case").click()
    page.get_by_role("link", name="Refer this case").click()
    page.get_by_role("group", name="Services needed").get_by_label("Recovery: Shelter").check()
    page.get_by_label("Country").select_option("ET")
    page.get_by_role("button", name="Search the service directory").click()
    expect(page.locator("main")).to_contain_text("Duty officer")
    page.get_by_label("Addis Reintegration Centre (Ethiopia)").check()
    page.get_by_role("group", name="Services requested").get_by_label("Recovery: Shelter").check()
    page.get_by_label("Reason for the referral").select_option("MigrationOrChangeOfLocation")
    page.get_by_label("Given name").check()
    page.get_by_label("Details for the receiving organisation").fill("Arrives on Monday")
    screenshot(page, "referral-form-en")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("status")).to_contain_text("The referral was sent.")
    referral = Referral.objects.get()
    page.goto(f"/cases/{case.pk}/#referrals")
    screenshot(page, "case-referrals-section-en")
    page.get_by_role("button", name="Log out").click()

    # The partner's focal point sees it in her notifications and accepts it.
    log_in(page, "fatima")
    expect(page.get_by_role("link", name="Notifications")).to_contain_text("(1 unread)")
    page.get_by_role("link", name="Referrals", exact=True).click()
    screenshot(page, "referrals-received-en")
    page.get_by_role("link", name=f"#{referral.pk}").click()
    main = page.locator("main")
    expect(main).to_contain_text("Tigist")
    expect(main).to_contain_text("Arrives on Monday")
    # Not anywhere in the HTML (attributes and hidden fields too), which expect() cannot see.
    html = page.content()
    assert "Alemu" not in html and case.reference not in html
    screenshot(page, "referral-received-en")
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.get_by_role("status")).to_contain_text("Referral accepted.")
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.responded_by == partner.fatima
