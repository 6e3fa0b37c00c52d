"""Assistance and closure approval in a real browser (Chromium): a case worker records a
service and requests closure; a case manager approves it."""

import re

import pytest
from playwright.sync_api import expect

from pave.assistance.models import ServiceDelivery
from pave.cases.models import Case
from pave.testing import log_in, make_case, person_data, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_records_a_service_and_requests_closure_and_manager_approves(
    page, personas, catalogue
):
    case = make_case(personas.amal, person=person_data(given_name="Tigist"))

    log_in(page, "amal")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Services delivered").click()
    page.get_by_role("link", name="Record a service").click()
    page.select_option("select[name=service_type]", label="Recovery — Shelter")
    page.fill("input[name=delivered_on]", "2014-03-01")
    page.fill("input[name=cost]", "150.00")
    page.select_option("select[name=currency]", "USD")
    page.fill("textarea[name=notes]", "Three weeks at the shelter")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/assistance/cases/{case.pk}/#services")
    expect(page.locator("main")).to_contain_text("Three weeks at the shelter")
    saved = ServiceDelivery.objects.get()
    assert (saved.cost, saved.status) == (150, "delivered")

    page.goto(f"/cases/{case.pk}/")
    screenshot(page, "case-stage-steps")
    request = page.locator("form.stage-step", has_text="Request closure")
    request.get_by_label("Reason").fill("Returned home, reintegration stable")
    request.get_by_role("button", name="Request closure").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text("Waiting for a case manager")
    screenshot(page, "case-closure-requested")
    page.get_by_role("button", name="Log out").click()

    log_in(page, "bilal")
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text("Returned home, reintegration stable")
    approve = page.locator("form.stage-step", has_text="Approve closure")
    approve.get_by_label("Reason").fill("Agreed: all services delivered")
    approve.get_by_role("button", name="Approve closure").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.locator("#stage")).to_contain_text("Current stage: Closed")
    assert Case.objects.get(pk=case.pk).stage == "closed"
    page.get_by_role("link", name="Timeline").click()
    # Newest first: the request comes before the approval in the page only if ordered so.
    expect(page.locator("main")).to_contain_text(
        re.compile("Closure requested.*Closure approved", re.DOTALL)
    )
    screenshot(page, "case-timeline")
