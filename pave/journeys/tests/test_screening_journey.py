"""Journey (a): a screening officer of General Security screens a detainee with the ILO 2009
indicators and opens a case from the screening."""

import pytest
from playwright.sync_api import expect

from pave.cases.models import Case
from pave.journeys.tests.conftest import check_page, field, start, tr
from pave.screening.models import Screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Indicators the detainee describes: deceived about the job and the wages, long hours for
# little or no pay, passport taken, a debt to work off.
OBSERVED = [
    "dr.job_nature",
    "dr.wages",
    "ex.excessive_hours",
    "ex.low_or_no_salary",
    "cd.confiscation_documents",
    "cd.debt_bondage",
]


def test_screening_officer_screens_a_detainee_and_opens_a_case(page, personas, language):
    start(page, language, "dina", check_login=True)
    page.get_by_role("navigation").get_by_role("link", name=tr(language, "Screenings")).click()
    check_page(page, language, "screening", "1-list")

    # Step 1: the interview and the person's informed consent.
    page.get_by_role("link", name=tr(language, "New screening")).click()
    field(page, language, "Instrument").select_option("ilo-2009-adult-labour")
    field(page, language, "Language of the interview").fill("am")
    field(page, language, "An interpreter was used").check()
    consent = page.get_by_role(
        "group",
        name=tr(language, "Does the person consent (or, for a child, assent) to the interview?"),
    )
    field(consent, language, "Yes").check()
    for told in (
        "The person was told the purpose of the interview.",
        "The person was told the actual and potential use of the data gathered.",
        "The person was told they may refuse, and how to withdraw consent later.",
    ):
        field(page, language, told).check()
    field(page, language, "The person agrees to be referred for assistance.").check()
    check_page(page, language, "screening", "2-consent", key=True)
    # Consent counts only when the officer says how it was obtained.
    page.get_by_role("button", name=tr(language, "Continue")).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(tr(language, "Say how consent was obtained."))
    check_page(page, language, "screening", "3-consent-error")
    field(page, language, "How was consent obtained?").select_option("verbal")
    page.get_by_role("button", name=tr(language, "Continue")).click()

    # Step 2: the person (a detainee number and a name) and the indicators, by dimension.
    page.wait_for_load_state()
    step_two = tr(language, "Step 2 of 2: the person and the questions.")
    expect(page.locator("main")).to_contain_text(step_two)
    field(page, language, "Detainee number").fill("RM-2026-114")
    field(page, language, "Given name").fill("Hiwot")
    field(page, language, "Sex").select_option("female")
    field(page, language, "Estimated age").fill("24")
    field(page, language, "Citizenship").select_option("ET")
    for code in OBSERVED:  # the questions' labels come from the instrument file
        page.locator(f'input[name="answer:{code}"][value="yes"]').check()
    check_page(page, language, "screening", "4-indicators", key=True)
    page.get_by_role("button", name=tr(language, "Record the screening")).click()

    # The outcome, with its reasons; the case is opened from it.
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text(tr(language, "The screening was recorded."))
    screening = Screening.objects.get()
    assert screening.outcome == "trafficking" and screening.detainee_number == "RM-2026-114"
    outcome = page.locator("#outcome-heading + p.outcome").inner_text()
    if language == "ar":
        assert "trafficking" in outcome and any("\u0600" <= c <= "\u06ff" for c in outcome)
    check_page(page, language, "screening", "5-outcome", key=True)
    open_case = page.locator("form[action$='/open-case/']")
    expect(field(open_case, language, "Given name")).to_have_value("Hiwot")
    field(open_case, language, "Case type").select_option("victim_of_trafficking")
    open_case.get_by_role("button", name=tr(language, "Open a case")).click()

    page.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert case.organisation == personas.gov and case.identification_source == "screening"
    assert case.person.given_name == "Hiwot"
    screening.refresh_from_db()
    assert screening.case == case
    expect(page.locator("main")).to_contain_text(case.reference)
    check_page(page, language, "screening", "6-case", key=True)
