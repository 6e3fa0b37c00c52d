"""Screening pages: the two-step form, the outcome and why, the list, open a case, visits."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from pave.accounts.roles import Role
from pave.cases.models import Case
from pave.core.models import AuditEvent
from pave.screening import services
from pave.screening.models import Place, Screening
from pave.screening.tests.test_services import EXPLOITATION_ANSWERS, make_visit, submit

STEP_ONE = {
    "step": "interview",
    "instrument": "ilo-2009-adult-labour",
    "language": "am",
    "interpreter_used": "on",
    "consent_given": "yes",
    "consent_method": "verbal",
    "consent_informed_purpose": "on",
    "consent_informed_data_use": "on",
    "consent_informed_withdrawal": "on",
    "consent_to_referral": "on",
}
YES_ANSWERS = [
    "dr.job_nature",
    "dr.wages",
    "ex.excessive_hours",
    "ex.low_or_no_salary",
    "cd.confiscation_documents",
    "cd.debt_bondage",
]


class Inputs(HTMLParser):
    """Form controls, labels and anything a strict CSP would block."""

    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.hidden = [], set(), {}
        self.inline = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea"):
            kind = attrs.get("type", "")
            if kind == "hidden":
                self.hidden.setdefault(attrs["name"], attrs.get("value", ""))
            elif kind not in ("submit", "button"):
                self.controls.append(attrs)
        if tag == "script" or tag == "style" or "style" in attrs:
            self.inline.append(tag)
        if any(name.startswith("on") for name in attrs):
            self.inline.append(f"{tag} handler")


def parse(response) -> Inputs:
    parser = Inputs()
    parser.feed(response.content.decode())
    return parser


def assert_accessible(response):
    page = parse(response)
    unlabelled = [c.get("name") for c in page.controls if c.get("id") not in page.labels]
    assert not unlabelled, f"inputs without a label: {unlabelled}"
    assert not page.inline, f"inline script or style: {page.inline}"


def step_one(**overrides):
    data = dict(STEP_ONE, interviewed_on=timezone.localdate().isoformat())
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def step_two(response, answers=YES_ANSWERS, **subject):
    """The hidden step-1 fields of a step-2 page, plus answers and the person's data."""
    data = {k: v for k, v in parse(response).hidden.items() if k not in ("next",)}
    data.update({f"answer:{code}": "yes" for code in answers})
    data.update(subject)
    return data


@pytest.fixture
def dina(client, personas):
    client.force_login(personas.dina)
    return client


# --- the form --------------------------------------------------------------------------------


def test_step_one_asks_for_consent_first_and_every_input_is_labelled(dina):
    response = dina.get("/screening/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Consent to the interview" in html
    assert "id_given_name" not in html  # nothing about the person before consent
    assert_accessible(response)


def test_without_consent_the_form_stops_and_only_the_refusal_is_stored(dina):
    response = dina.post(
        "/screening/new/",
        step_one(
            consent_given="no",
            consent_method="",
            consent_informed_data_use=None,
        ),
    )
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.refused and screening.answers == {} and screening.assessment == {}
    page = dina.get(response["Location"])
    assert "did not consent" in page.content.decode()


def test_consent_must_be_informed_before_the_questions(dina):
    response = dina.post("/screening/new/", step_one(consent_informed_withdrawal=None))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Step 1 of 2" in html and "Consent is informed only" in html
    assert not Screening.objects.exists()


def test_step_two_groups_the_questions_by_dimension(dina):
    response = dina.post("/screening/new/", step_one())
    assert response.status_code == 200
    html = response.content.decode()
    legends = re.findall(r'<fieldset class="group">\s*<legend>([^<]+)</legend>', html)
    assert legends == [
        "The person",
        "Deceptive recruitment (incl. transfer and transport)",
        "Coercive recruitment (incl. transfer and transport)",
        "Recruitment by abuse of vulnerability",
        "Exploitative conditions of work",
        "Coercion at destination",
        "Abuse of vulnerability at destination",
    ]
    assert html.count('type="radio"') == 67 * 3
    assert "Deceived about the nature of the job" in html
    assert_accessible(response)


def test_submitting_shows_the_outcome_and_why(dina, personas):
    first = dina.post("/screening/new/", step_one())
    response = dina.post(
        "/screening/new/",
        step_two(
            first,
            detainee_number="RM-5",
            given_name="Hiwot",
            sex="female",
            age_estimate="24",
            citizenship="ET",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    screening = Screening.objects.get()
    assert screening.outcome == "trafficking" and screening.language == "am"
    assert screening.interpreter_used and screening.consent_to_referral
    assert screening.answers["dr.job_nature"] is True
    assert screening.answers["cr.isolation"] is None  # left at "not asked"
    assert (screening.given_name, screening.citizenship) == ("Hiwot", ["ET"])
    page = dina.get(response["Location"])
    html = page.content.decode()
    assert "Presumed victim of trafficking for labour exploitation" in html
    assert "Coercion at destination</strong> is positive: 2 or more strong indicators" in html
    assert "Confiscation of documents" in html
    assert "<dd>Ethiopia</dd>" in html  # the country's name, not its code
    assert "Open a case" in html
    assert_accessible(page)


def test_an_anonymous_screening_from_the_web(dina):
    first = dina.post("/screening/new/", step_one(instrument="icls-2018-forced-labour"))
    response = dina.post(
        "/screening/new/",
        step_two(first, answers=["inv.very_low_wages"], detainee_number="RM-6", sex="unknown"),
    )
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.anonymous and screening.detainee_number == "RM-6"
    assert screening.outcome == "at_risk"


def test_wrong_person_data_shows_step_two_again_with_the_answers_kept(dina):
    first = dina.post("/screening/new/", step_one())
    response = dina.post("/screening/new/", step_two(first, age_estimate="300"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Step 2 of 2" in html
    assert re.search(r'name="answer:dr.job_nature" value="yes"[^>]*checked', html)
    assert not Screening.objects.exists()


def test_the_form_preselects_a_visit(dina, personas):
    visit = make_visit(personas.dina)
    html = dina.get(f"/screening/new/?visit={visit.pk}").content.decode()
    assert re.search(rf'<option value="{visit.pk}" selected>', html)


def test_roles_that_do_not_screen_get_403_on_the_form(client, personas):
    client.force_login(personas.by_role[Role.PROJECT_MANAGER])
    assert client.get("/screening/new/").status_code == 403


# --- the list --------------------------------------------------------------------------------


def test_my_screenings_list_outcomes_and_flags(dina, personas, django_assert_num_queries):
    submit(personas.dina, subject={"given_name": "Hiwot", "detainee_number": "RM-1"})
    submit(personas.dina, answers={}, subject={"detainee_number": "RM-2"})
    submit(personas.dina, answers={}, subject={}, consent={"given": False})
    dina.get("/screening/")  # session and caches warmed
    queries = 11  # the list read is audited
    with django_assert_num_queries(queries):
        assert "3 screenings" in dina.get("/screening/").content.decode()
    for n in range(10):
        submit(
            personas.dina, answers=EXPLOITATION_ANSWERS, subject={"detainee_number": f"RM-{10 + n}"}
        )
    with django_assert_num_queries(queries):
        response = dina.get("/screening/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "13 screenings" in html
    assert "Hiwot" in html and "Refused the interview" in html
    assert "Presumed victim of trafficking" in html and "No indication" in html
    assert_accessible(response)
    found = dina.post("/screening/", {"detainee_number": "rm-2"}).content.decode()
    assert "1 screening" in found and "RM-2" in found and "RM-1<" not in found


def test_list_filters_by_outcome_and_flag(dina, personas):
    submit(personas.dina)
    submit(personas.dina, answers={})
    html = dina.get("/screening/", {"flagged": "no"}).content.decode()
    assert "1 screening" in html and "No indication" in html
    html = dina.get("/screening/", {"outcome": "refused"}).content.decode()
    assert "0 screenings" in html


# --- opening a case --------------------------------------------------------------------------


def test_open_a_case_redirects_to_the_new_case(dina, personas):
    screening = submit(personas.dina)
    response = dina.post(
        f"/screening/{screening.pk}/open-case/",
        {
            "given_name": "Hiwot",
            "family_name": "Bekele",
            "sex": "female",
            "age_estimate": "24",
            "citizenship": ["ET"],
            "case_type": "victim_of_trafficking",
            "country": "LB",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert Screening.objects.get().case == case
    assert case.identification_source == "screening"
    html = dina.get(f"/screening/{screening.pk}/").content.decode()
    assert case.reference in html and "Open a case" not in html


def test_open_a_case_from_an_anonymous_screening_asks_for_a_name(dina, personas):
    screening = submit(personas.dina, subject={"detainee_number": "RM-3"})
    response = dina.post(
        f"/screening/{screening.pk}/open-case/",
        {
            "sex": "unknown",
            "case_type": "vulnerable_migrant",
            "country": "LB",
        },
    )
    assert response.status_code == 200
    assert "A given name (or the name used) is required." in response.content.decode()
    assert not Case.objects.exists()


def test_detail_page_read_is_audited(dina, personas):
    screening = submit(personas.dina)
    dina.get(f"/screening/{screening.pk}/")
    assert AuditEvent.objects.filter(action="screening.read", object_id=str(screening.pk)).exists()


def test_flagging_a_screening_without_indications(dina, personas):
    quiet = submit(personas.dina, answers={})
    response = dina.post(f"/screening/{quiet.pk}/flag/", {"flagged": "yes"})
    assert response.status_code == 302
    assert Screening.objects.get(pk=quiet.pk).flagged_for_follow_up


# --- places and visits -----------------------------------------------------------------------


def test_places_page_adds_a_place(dina, personas):
    response = dina.post(
        "/screening/places/",
        {"name": "Adlieh", "kind": "detention_centre", "country": "LB", "city": "Beirut"},
    )
    assert response.status_code == 302
    assert Place.objects.get().organisation == personas.gov
    page = dina.get("/screening/places/")
    assert "Adlieh" in page.content.decode()
    assert_accessible(page)


def test_places_and_visits_pages_query_count_does_not_grow(
    dina, personas, django_assert_num_queries
):
    make_visit(personas.dina, name="Adlieh")
    dina.get("/screening/places/")  # session and caches warmed
    places, visits = 7, 7
    with django_assert_num_queries(places):
        assert "Adlieh" in dina.get("/screening/places/").content.decode()
    with django_assert_num_queries(visits):
        assert "Adlieh" in dina.get("/screening/visits/").content.decode()
    for name in ("Roumieh", "Tripoli", "Zahle"):
        submit(personas.dina, visit_id=make_visit(personas.dina, name=name).pk)
    with django_assert_num_queries(places):
        assert "Zahle" in dina.get("/screening/places/").content.decode()
    with django_assert_num_queries(visits):
        assert "Zahle" in dina.get("/screening/visits/").content.decode()


def test_recording_a_visit(dina, personas):
    place = make_visit(personas.dina).place
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = dina.post(
        "/screening/visits/new/", {"place": place.pk, "visited_on": day, "team": "GSD"}
    )
    assert response.status_code == 302
    assert_accessible(dina.get("/screening/visits/new/"))


def test_visit_page_lists_who_was_flagged_and_whether_a_case_was_opened(
    dina, personas, django_assert_num_queries
):
    visit = make_visit(personas.dina)
    with_case = submit(
        personas.dina, visit_id=visit.pk, subject={"given_name": "Hiwot", "detainee_number": "RM-1"}
    )
    case = services.screening_open_case(actor=personas.dina, screening_id=with_case.pk)
    submit(
        personas.dina,
        visit_id=visit.pk,
        answers=EXPLOITATION_ANSWERS,
        subject={"detainee_number": "RM-2"},
    )
    dina.get(f"/screening/visits/{visit.pk}/")  # session and caches warmed
    queries = 11  # the visit's screenings read is audited
    with django_assert_num_queries(queries):
        assert "RM-2" in dina.get(f"/screening/visits/{visit.pk}/").content.decode()
    submit(personas.dina, visit_id=visit.pk, answers={}, subject={"given_name": "Quiet"})
    for _ in range(5):
        submit(personas.dina, visit_id=visit.pk, answers=EXPLOITATION_ANSWERS, subject={})
    with django_assert_num_queries(queries):
        response = dina.get(f"/screening/visits/{visit.pk}/")
    html = response.content.decode()
    flagged = html[html.index('id="flagged-heading"') : html.index('id="others-heading"')]
    assert "Hiwot" in flagged and case.reference in flagged and f"/cases/{case.pk}/" in flagged
    assert "RM-2" in flagged and "Quiet" not in flagged
    assert "Quiet" in html[html.index('id="others-heading"') :]
    assert_accessible(response)
    listing = dina.get("/screening/visits/").content.decode()
    assert f"/screening/visits/{visit.pk}/" in listing


def test_visit_pages_of_another_organisation_are_404(client, personas):
    visit = make_visit(personas.dina)
    client.force_login(personas.other_by_role[Role.SCREENING_OFFICER])
    assert client.get(f"/screening/visits/{visit.pk}/").status_code == 404


def test_pages_render_right_to_left_in_arabic(dina, personas):
    dina.cookies["django_language"] = "ar"
    response = dina.get("/screening/new/")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
