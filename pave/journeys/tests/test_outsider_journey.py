"""Journey (h): a case worker of another organisation (ravi, Cedar Legal Aid) tries to reach
a case of Beirut Migrant Support by its addresses. Every one answers 404 — never 403, which
would tell him the case exists — and shows nothing of it."""

import pytest
from playwright.sync_api import expect

from pave.journeys.tests.conftest import check_page, field, start, tr
from pave.referrals.tests.conftest import record_consent, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outsider_cannot_reach_the_case_by_url(page, personas, partner, survivor_case, language):
    case = survivor_case
    consent = record_consent(personas.amal, case, partner.org)
    referral = send(personas.amal, case, partner.org)
    start(page, language, "ravi")
    page.wait_for_url("**/cases/")
    expect(page.locator("body")).not_to_contain_text(case.reference)
    check_page(page, language, "outsider", "1-own-cases")

    field(page, language, "Search").fill(case.reference)
    page.get_by_role("button", name=tr(language, "Search"), exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(tr(language, "No case matches this search."))
    check_page(page, language, "outsider", "1b-search")

    secrets = [case.reference, "Selamawit", "Haile", "555 123", "Arrives Tuesday"]
    addresses = [
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/edit/",
        f"/assistance/cases/{case.pk}/",
        f"/assistance/cases/{case.pk}/timeline/",
        f"/assistance/cases/{case.pk}/services/new/",
        f"/assistance/cases/{case.pk}/follow-ups/new/",
        f"/referrals/{referral.pk}/",
        f"/referrals/cases/{case.pk}/new/",
        f"/referrals/cases/{case.pk}/consents/",
    ]
    for address in addresses:
        response = page.goto(address)
        assert response.status == 404, address
        shown = page.content()  # the HTML, attributes too: more than expect() can see
        assert not [s for s in secrets if s in shown], address
    check_page(page, language, "outsider", "2-not-found", key=True)

    # Forms posted at the case change nothing and reveal nothing either.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    for address in [f"/cases/{case.pk}/notes/", f"/referrals/consents/{consent.pk}/withdraw/"]:
        response = page.request.post(address, form={"csrfmiddlewaretoken": token, "body": "x"})
        assert response.status == 404, address
    consent.refresh_from_db()
    assert consent.withdrawn_on is None and not case.notes.exists()
