"""Journeys (b) and (c): the case worker records the person's consent and refers the case
across the border; the partner's focal point accepts the referral."""

import pytest
from playwright.sync_api import expect

from pave.journeys.tests.conftest import check_page, field, start, tr
from pave.referrals.models import Consent, Referral
from pave.referrals.tests.conftest import record_consent, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def service_label(language: str, family: str, name: str) -> str:
    """A service as the referral form lists it: "Recovery: Shelter"."""
    return f"{tr(language, family)}: {tr(language, name)}"


def test_case_worker_records_consent_and_refers_the_case(
    page, personas, partner, survivor_case, language
):
    case = survivor_case
    start(page, language, "amal")
    check_page(page, language, "referral", "1-cases")
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text("Selamawit")
    check_page(page, language, "referral", "2-case", key=True)

    # Consent to be referred to the centre in Addis Ababa, written.
    page.get_by_role("link", name=tr(language, "Record or withdraw consent")).click()
    purpose = page.get_by_role("group", name=tr(language, "Purpose"))
    field(purpose, language, "Referral to an organisation").check()
    field(page, language, "Organisation the person agrees to be referred to").select_option(
        str(partner.org.pk)
    )
    field(page, language, "How obtained").select_option("written")
    check_page(page, language, "referral", "3-consent-form", key=True)
    page.get_by_role("button", name=tr(language, "Record consent")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text(tr(language, "The consent was recorded."))
    consent = Consent.objects.get()
    check_page(page, language, "referral", "3b-consent-recorded")
    assert (consent.purpose, consent.organisation) == ("referral", partner.org)

    # The referral: to whom, for what, and what the centre may see of the person.
    page.get_by_role("link", name=tr(language, "Back to the case")).click()
    page.get_by_role("link", name=tr(language, "Refer this case")).click()
    field(page, language, "Refer to").select_option(str(partner.org.pk))
    requested = page.get_by_role("group", name=tr(language, "Services requested"))
    requested.get_by_label(service_label(language, "Recovery", "Shelter"), exact=True).check()
    field(page, language, "Reason for the referral").select_option("MigrationOrChangeOfLocation")
    shared = page.get_by_role(
        "group", name=tr(language, "What the receiving organisation may see about the person")
    )
    field(shared, language, "Given name").check()
    field(page, language, "Details for the receiving organisation").fill(
        "Arrives on Monday by the morning flight"
    )
    check_page(page, language, "referral", "4-referral-form", key=True)
    page.get_by_role("button", name=tr(language, "Send the referral")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text(tr(language, "The referral was sent."))
    referral = Referral.objects.get()
    assert (referral.status, referral.to_org, referral.consent) == ("sent", partner.org, consent)
    assert referral.shared_fields == ["given_name"]
    check_page(page, language, "referral", "5-sent", key=True)

    page.get_by_role("link", name=tr(language, "The case"), exact=True).click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    check_page(page, language, "referral", "6-case-with-referral", key=True)
    section = page.locator("#referrals")
    expect(section).to_contain_text(f"#{referral.pk}")
    expect(section).to_contain_text(partner.org.name)


def test_partner_focal_point_accepts_the_referral(page, personas, partner, survivor_case, language):
    partner.fatima.preferred_language = language  # notifications are written in it
    partner.fatima.save()
    record_consent(personas.amal, survivor_case, partner.org)
    referral = send(
        personas.amal, survivor_case, partner.org, details_for_receiver="Arrives Tuesday"
    )
    start(page, language, "fatima")
    notifications = page.locator(".account-notifications")
    expect(notifications).to_contain_text(tr(language, "Notifications"))
    notifications.click()
    check_page(page, language, "partner", "1-notifications", key=True)
    notice = page.locator("main ol li").first
    expect(notice).to_contain_text(tr(language, "Referral received"))
    expect(notice).to_contain_text(str(referral.pk))
    expect(notice).to_contain_text(personas.ngo.name)  # references only, never the person
    expect(notice).not_to_contain_text("Selamawit")
    expect(notice).not_to_contain_text(survivor_case.reference)
    page.get_by_role("button", name=tr(language, "Open"), exact=True).first.click()

    page.wait_for_url(f"**/referrals/{referral.pk}/")
    # What was shared (the given name, sex and age group) and nothing else.
    main = page.locator("main")
    expect(main).to_contain_text("Selamawit")
    expect(main).to_contain_text("Arrives Tuesday")
    for secret in ("Haile", survivor_case.reference, "555 123"):
        expect(page.locator("body")).not_to_contain_text(secret)
    check_page(page, language, "partner", "2-referral-received", key=True)
    page.get_by_role("button", name=tr(language, "Accept the referral")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text(tr(language, "Referral accepted."))
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.responded_by == partner.fatima
    check_page(page, language, "partner", "3-accepted", key=True)

    page.get_by_role("navigation").get_by_role("link", name=tr(language, "Referrals")).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(f"#{referral.pk}")
    check_page(page, language, "partner", "4-referrals-received")
