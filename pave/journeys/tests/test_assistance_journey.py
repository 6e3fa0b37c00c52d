"""Journeys (d) and (e): the case worker records the person's assisted voluntary return and
a follow-up visit; she asks for the case to be closed and the case manager approves it (four
eyes: the one who asks does not approve)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pave.assistance.models import FollowUpVisit, ServiceDelivery
from pave.cases.models import Case
from pave.journeys.tests.conftest import check_page, field, start, tr
from pave.testing import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stage_form(page, to_stage: str):
    """The case page's small form that moves the case to TO_STAGE."""
    return page.locator(f"form.stage-step:has(input[name=to_stage][value={to_stage}])")


def test_case_worker_records_a_return_and_a_follow_up_visit(
    page, personas, survivor_case, language
):
    case = survivor_case
    today = timezone.localdate()
    start(page, language, "amal")
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    page.get_by_role("link", name=tr(language, "Services delivered")).click()
    page.wait_for_url(f"**/assistance/cases/{case.pk}/#services")
    check_page(page, language, "return", "1-assistance")

    # Assisted voluntary return: the ticket home, the return family of the catalogue.
    page.get_by_role("link", name=tr(language, "Record a service")).click()
    page.locator("select[name=service_type]").select_option(
        label=f"{tr(language, 'Return')} — {tr(language, 'Travel ticket')}"
    )
    page.locator("input[name=delivered_on]").fill(today.isoformat())
    page.locator("input[name=cost]").fill("420.00")
    page.locator("select[name=currency]").select_option("USD")
    page.locator("textarea[name=notes]").fill("One-way ticket Beirut – Addis Ababa")
    check_page(page, language, "return", "2-service-form", key=True)
    page.get_by_role("button", name=tr(language, "Save")).click()
    page.wait_for_url(f"**/assistance/cases/{case.pk}/#services")
    services = page.locator("#services")
    expect(services).to_contain_text(tr(language, "Travel ticket"))
    expect(services).to_contain_text("One-way ticket Beirut – Addis Ababa")
    delivery = ServiceDelivery.objects.get()
    assert (delivery.service_type.code, delivery.service_type.family) == ("ticket", "return")
    assert (delivery.status, delivery.delivered_on) == ("delivered", today)

    # The follow-up visit a month after the return, made on the phone.
    page.get_by_role("link", name=tr(language, "Add a follow-up visit")).click()
    page.locator("input[name=due_on]").fill((today - datetime.timedelta(days=1)).isoformat())
    page.locator("input[name=done_on]").fill(today.isoformat())
    page.locator("select[name=outcome]").select_option("stable")
    page.locator("textarea[name=notes]").fill("Back with her family; looking for work")
    check_page(page, language, "return", "3-follow-up-form")
    page.get_by_role("button", name=tr(language, "Save")).click()
    page.wait_for_url(f"**/assistance/cases/{case.pk}/#follow-ups")
    follow_ups = page.locator("#follow-ups")
    expect(follow_ups).to_contain_text(tr(language, "Doing well"))
    expect(follow_ups).to_contain_text("Back with her family; looking for work")
    visit = FollowUpVisit.objects.get()
    assert (visit.done_on, visit.outcome, visit.visited_by) == (today, "stable", personas.amal)
    check_page(page, language, "return", "4-assistance-recorded", key=True)


def test_case_worker_requests_closure_and_the_case_manager_approves(
    page, personas, survivor_case, language
):
    case = survivor_case
    start(page, language, "amal")
    page.goto(f"/cases/{case.pk}/")
    check_page(page, language, "closure", "1-case")
    request = stage_form(page, "closure_requested")
    field(request, language, "Reason").fill("Returned home; reintegration stable")
    request.get_by_role("button", name=tr(language, "Request closure")).click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text(
        tr(language, "Waiting for a case manager's decision.")
    )
    # The one who asks does not approve.
    assert stage_form(page, "closed").count() == 0
    check_page(page, language, "closure", "2-requested", key=True)
    log_out(page)

    log_in(page, "bilal")
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("#stage")).to_contain_text("Returned home; reintegration stable")
    check_page(page, language, "closure", "3-manager")
    approve = stage_form(page, "closed")
    field(approve, language, "Reason").fill("Agreed: all services delivered")
    approve.get_by_role("button").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.stage == "closed"
    expect(page.locator("#stage")).to_contain_text(tr(language, "Closed"))
    check_page(page, language, "closure", "4-closed", key=True)

    page.get_by_role("link", name=tr(language, "Timeline")).click()
    page.wait_for_url(f"**/assistance/cases/{case.pk}/timeline/")
    requested, approved = tr(language, "Closure requested"), tr(language, "Closure approved")
    in_order = re.compile(f"{re.escape(requested)}.*{re.escape(approved)}", re.DOTALL)
    expect(page.locator("main")).to_contain_text(in_order)
    check_page(page, language, "closure", "5-timeline", key=True)
    assert Case.objects.get(pk=case.pk).stage == "closed"
