"""The case pages through the HTTP client: access rules, forms, conflicts, languages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from pave.accounts.roles import Role
from pave.cases import services
from pave.cases.forms import case_initial
from pave.cases.models import Case, CaseNote, Person
from pave.core.models import AuditEvent
from pave.testing import PASSWORD, make_case, person_data, search

pytestmark = pytest.mark.django_db

LIST = reverse("cases:list")
CREATE = reverse("cases:create")
LOGIN = reverse("accounts:login")
AUDIT = reverse("audit:audit-log")


def detail(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def edit(case: Case) -> str:
    return reverse("cases:edit", args=[case.pk])


def new_case_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": "Hiwot",
        "family_name": "Girma",
        "sex": "female",
        "birth_date": "1995-06-01",
        "citizenship": ["ET"],
        "languages": "am, ar",
        "phone": "+961 70 123 456",
        "case_type": "victim_of_trafficking",
        "country": "LB",
        "identification_date": "2014-03-01",
        "identification_source": "hotline",
        "types_of_exploitation": ["ForcedLabour", "Servitude"],
        "methods_of_control": ["WithholdsDocuments"],
        "industry": "T_ActivitiesOfHouseholdsAsEmployers",
    }
    data.update(overrides)
    return data


def edit_form(case: Case, **overrides: Any) -> dict[str, Any]:
    """What the edit page would post back unchanged, plus the overrides."""
    data: dict[str, Any] = {}
    for name, value in case_initial(case).items():
        if value is None:
            value = ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = value
    data.update(overrides)
    return data


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), Person.objects.count(), AuditEvent.objects.count()


# --- login -----------------------------------------------------------------------------------


def test_login_page_renders_and_logs_in(client, personas):
    page = client.get(LOGIN)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_username"' in html and '<label for="id_password"' in html

    response = client.post(LOGIN, {"username": "amal", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    # Home sends people who work with cases on to their case list.
    assert client.get("/")["Location"] == LIST
    assert client.get(LIST).status_code == 200


def test_wrong_password_shows_error_and_does_not_log_in(client, personas):
    response = client.post(LOGIN, {"username": "amal", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert client.get(LIST).status_code == 302


def test_five_wrong_passwords_lock_out_even_the_right_one(client, personas):
    for _attempt in range(5):
        client.post(LOGIN, {"username": "amal", "password": "not-her-password"})

    response = client.post(LOGIN, {"username": "amal", "password": PASSWORD})

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed login attempts" in html
    assert "Try again in 15 minutes" in html
    assert "amal" not in html
    assert client.get(LIST).status_code == 302  # still not logged in


def test_lockout_page_is_the_same_for_an_unknown_username(client, personas):
    for _attempt in range(5):
        client.post(LOGIN, {"username": "nobody-here", "password": "guess"})

    response = client.post(LOGIN, {"username": "nobody-here", "password": "guess"})

    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()


def test_pages_need_a_login(client, personas):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- list and access -------------------------------------------------------------------------


def test_case_worker_lists_only_her_cases(client, personas):
    make_case(personas.amal, person=person_data(given_name="Selamawit"))
    make_case(personas.bilal, person=person_data(given_name="Tigist"))
    client.force_login(personas.amal)

    html = client.get(LIST).content.decode()

    assert "Selamawit" in html
    assert "Tigist" not in html


def test_case_manager_lists_the_organisations_cases(client, personas):
    make_case(personas.amal, person=person_data(given_name="Selamawit"))
    make_case(personas.bilal, person=person_data(given_name="Tigist"))
    make_case(personas.ravi, person=person_data(given_name="Outsider"))
    client.force_login(personas.bilal)

    html = client.get(LIST).content.decode()

    assert "Selamawit" in html and "Tigist" in html
    assert "Outsider" not in html
    assert "2 cases" in html


def test_outsider_gets_404_for_case_detail_and_edit(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.ravi)

    assert client.get(detail(case)).status_code == 404
    assert client.get(edit(case)).status_code == 404
    assert client.post(edit(case), edit_form(case, given_name="Changed")).status_code == 404
    note_url = reverse("cases:note-add", args=[case.pk])
    assert client.post(note_url, {"body": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.person.given_name != "Changed"
    assert not CaseNote.objects.exists()


def test_search_by_name_finds_arabic_spelling_variants(client, personas):
    make_case(personas.bilal, person=person_data(given_name="أحمد", family_name="عبد الله"))
    make_case(personas.bilal, person=person_data(given_name="فاطمة", family_name="علي"))
    client.force_login(personas.bilal)

    html = client.post(LIST, {"q": "احمد عبدالله"}).content.decode()

    assert "أحمد" in html
    assert "فاطمة" not in html
    assert "1 case" in html


def test_filters_narrow_the_list(client, personas):
    make_case(personas.bilal, person=person_data(given_name="Adult", sex="female"))
    make_case(
        personas.bilal,
        person=person_data(given_name="Young", sex="male", birth_date=datetime.date(2005, 1, 1)),
        identification_date=datetime.date(2014, 1, 10),
    )
    client.force_login(personas.bilal)

    html = client.get(LIST, {"sex": "male", "minor": "yes"}).content.decode()

    assert "Young" in html and "Adult" not in html


def test_invalid_filter_shows_an_error_not_a_crash(client, personas):
    client.force_login(personas.bilal)
    response = client.get(LIST, {"stage": "nonsense", "page": "x"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_donor_viewer_gets_403_on_the_list_and_never_sees_a_name(client, personas):
    make_case(personas.bilal, person=person_data(given_name="Selamawit"))
    donor = personas.by_role[Role.DONOR_VIEWER]
    client.force_login(donor)

    response = client.get(LIST)

    assert response.status_code == 403
    html = response.content.decode()
    assert "no access to person-level data" in html
    assert "Selamawit" not in html
    assert f'href="{LIST}"' not in html  # no "Cases" in the navigation
    home = client.get(reverse("cases:home"))
    assert home.status_code == 200
    assert f'href="{LIST}"' not in home.content.decode()


def test_list_page_makes_the_same_number_of_queries_for_3_and_15_cases(
    client, personas, django_assert_num_queries
):
    for _ in range(3):
        make_case(personas.bilal)
    client.force_login(personas.bilal)
    client.get(LIST)  # session and caches warmed

    queries = 12  # the list read is audited
    with django_assert_num_queries(queries):
        client.get(LIST)
    for _ in range(12):
        make_case(personas.bilal)
    with django_assert_num_queries(queries):
        response = client.get(LIST)

    assert "15 cases" in response.content.decode()


def test_list_pages_through_results(client, personas):
    for _ in range(51):
        make_case(personas.bilal)
    client.force_login(personas.bilal)

    first = client.get(LIST, {"sex": "female"}).content.decode()
    second = client.get(LIST, {"sex": "female", "page": "2"}).content.decode()

    assert "51 cases" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert "sex=female" in search(r'href="([^"]*)" rel="next"', first).group(1)
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert second.count('<th scope="row">') == 1


# --- detail and notes ------------------------------------------------------------------------


def test_detail_shows_labelled_fields_banner_and_records_the_read(client, personas):
    case = make_case(
        personas.amal,
        person=person_data(given_name="Selamawit", citizenship=["ET", "ER"]),
        types_of_exploitation=["ForcedLabour"],
    )
    client.force_login(personas.amal)

    response = client.get(detail(case))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Selamawit" in html
    assert "Ethiopia, Eritrea" in html
    assert "Forced labour" in html
    assert "Victim of trafficking" in html
    assert "<dt>Given name</dt>" in html
    assert "personal-data-banner" in html
    assert f'href="{edit(case)}"' in html
    assert "Audit log of this case" not in html  # only administrators
    assert AuditEvent.objects.filter(
        action="case.read", actor=personas.amal, object_id=str(case.pk)
    ).exists()


def test_project_manager_reads_but_cannot_edit(client, personas):
    case = make_case(personas.bilal)
    manager = personas.by_role[Role.PROJECT_MANAGER]
    client.force_login(manager)

    assert client.get(detail(case)).status_code == 200
    assert f'href="{edit(case)}"' not in client.get(detail(case)).content.decode()
    assert client.get(edit(case)).status_code == 403
    assert client.get(CREATE).status_code == 403


def test_note_is_added_and_an_empty_note_is_refused(client, personas):
    case = make_case(personas.amal)
    client.force_login(personas.amal)
    url = reverse("cases:note-add", args=[case.pk])

    ok = client.post(url, {"body": "Called the embassy about her passport."})
    empty = client.post(url, {"body": "   "})

    assert ok.status_code == 302
    assert "Called the embassy" in client.get(detail(case)).content.decode()
    assert empty.status_code == 422
    assert CaseNote.objects.filter(case=case).count() == 1


# --- create ----------------------------------------------------------------------------------


def test_create_redirects_to_the_new_case(client, personas):
    client.force_login(personas.amal)

    response = client.post(CREATE, new_case_form())

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(case)
    assert case.assigned_to == personas.amal
    assert case.person.given_name == "Hiwot"
    assert case.person.citizenship == ["ET"]
    assert case.person.languages == ["am", "ar"]
    assert case.types_of_exploitation == ["ForcedLabour", "Servitude"]
    page = client.get(response["Location"]).content.decode()
    assert "opened" in page and case.reference in page


def test_create_form_renders_grouped_and_labelled(client, personas):
    client.force_login(personas.amal)
    html = client.get(CREATE).content.decode()
    assert html.count("<fieldset") >= 4
    assert "<legend>Person</legend>" in html
    assert 'type="date"' in html
    assert 'name="citizenship"' in html and "multiple" in html
    assert 'type="checkbox" name="types_of_exploitation"' in html
    assert 'name="assigned_to"' not in html  # case workers do not assign
    assert 'name="version"' not in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"given_name": ""}, "given_name"),
        ({"sex": "robot"}, "sex"),
        ({"citizenship": ["XX"]}, "citizenship"),
        ({"languages": "Amharic!"}, "languages"),
        # Only the services know these rules: their errors land on the same inputs.
        ({"phone": "12"}, "phone"),
        ({"identification_date": "2999-01-01"}, "identification_date"),
    ],
)
def test_create_with_bad_input_shows_errors_and_writes_nothing(client, personas, overrides, field):
    client.force_login(personas.amal)
    before = counts()

    response = client.post(CREATE, new_case_form(**overrides))

    assert response.status_code == 422
    assert counts() == before
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert f'id="id_{field}_error"' in html
    assert response.context["form"].errors[field]
    assert 'value="Girma"' in html or overrides.get("family_name") == ""  # typed values kept


def test_case_manager_assigns_a_new_case(client, personas):
    client.force_login(personas.bilal)
    response = client.post(CREATE, new_case_form(assigned_to=personas.amal.pk))
    assert response.status_code == 302
    assert Case.objects.get().assigned_to == personas.amal


def test_donor_viewer_cannot_open_the_create_form(client, personas):
    client.force_login(personas.by_role[Role.DONOR_VIEWER])
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, new_case_form()).status_code == 403
    assert not Case.objects.exists()


# --- edit ------------------------------------------------------------------------------------


def test_edit_saves_and_moves_to_the_next_version(client, personas):
    case = make_case(personas.amal, person=person_data(given_name="Selamawit"))
    client.force_login(personas.amal)
    page = client.get(edit(case)).content.decode()
    assert 'name="version" value="1"' in page
    assert 'value="Selamawit"' in page

    response = client.post(edit(case), edit_form(case, given_name="Selam", phone=""))

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.version == 2
    assert case.person.given_name == "Selam"
    assert case.person.phone == ""


def test_edit_with_a_stale_version_shows_the_conflict_and_changes_nothing(client, personas):
    case = make_case(personas.amal, person=person_data(given_name="Selamawit"))
    stale = edit_form(case, given_name="Typed by Amal")
    services.case_update(
        actor=personas.bilal, case_id=case.pk, version=1, person={"given_name": "Saved by Bilal"}
    )
    client.force_login(personas.amal)
    events_before = AuditEvent.objects.filter(action="case.update").count()

    response = client.post(edit(case), stale)

    assert response.status_code == 409
    html = response.content.decode()
    assert "changed by someone else" in html
    assert 'value="Typed by Amal"' in html  # the user's input is kept
    assert "Saved by Bilal" in html  # and the saved value is shown
    assert 'name="version" value="1"' in html  # saving again cannot overwrite
    assert f'href="{edit(case)}"' in html  # reload link
    case.refresh_from_db()
    assert case.version == 2
    assert case.person.given_name == "Saved by Bilal"
    assert AuditEvent.objects.filter(action="case.update").count() == events_before


def test_edit_with_bad_input_shows_errors_and_changes_nothing(client, personas):
    case = make_case(personas.amal, person=person_data(given_name="Selamawit"))
    client.force_login(personas.amal)
    before = counts()

    response = client.post(edit(case), edit_form(case, given_name="Selam", phone="12"))

    assert response.status_code == 422
    assert response.context["form"].errors["phone"]
    assert counts() == before
    case.refresh_from_db()
    assert (case.version, case.person.given_name) == (1, "Selamawit")


# --- languages -------------------------------------------------------------------------------


def test_arabic_page_is_right_to_left(client, personas):
    client.cookies["django_language"] = "ar"
    html = client.get(LOGIN).content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_language_switcher_changes_the_language(client, personas):
    client.force_login(personas.amal)
    response = client.post(reverse("accounts:language"), {"language": "ar", "next": LIST})
    assert response.status_code == 302
    html = client.get(LIST).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "الحالات" in html

    client.post(reverse("accounts:language"), {"language": "fr", "next": LIST})
    html = client.get(LIST).content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "Dossiers" in html


def test_english_page_is_left_to_right(client, personas):
    assert '<html lang="en" dir="ltr">' in client.get(LOGIN).content.decode()


def test_country_names_follow_the_language(client, personas):
    case = make_case(personas.amal, person=person_data(citizenship=["ET"]))
    client.force_login(personas.amal)
    client.cookies["django_language"] = "fr"
    assert "Éthiopie" in client.get(detail(case)).content.decode()


# --- layout and error pages -----------------------------------------------------------------


def test_layout_has_skip_link_current_page_and_logout_form(client, personas):
    client.force_login(personas.amal)
    html = client.get(LIST).content.decode()
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
    assert f'<a href="{LIST}" aria-current="page">' in html
    assert f'action="{reverse("accounts:logout")}"' in html
    assert 'name="language"' in html and f'action="{reverse("accounts:language")}"' in html

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert client.get(LIST).status_code == 302


def test_stylesheet_is_served(client):
    assert client.get(static("pave/pave.css")).status_code == 200


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'dir="ltr"' in html


# --- audit log -------------------------------------------------------------------------------


def test_administrator_browses_the_audit_log_of_a_case(client, personas):
    case = make_case(personas.amal)
    other = make_case(personas.bilal)
    admin = personas.by_role[Role.ADMINISTRATOR]
    client.force_login(personas.amal)
    client.get(detail(case))
    client.force_login(admin)
    html = client.get(detail(case)).content.decode()
    assert f'href="{AUDIT}?case={case.reference}"' in html

    response = client.get(AUDIT, {"case": case.reference})

    html = response.content.decode()
    assert response.status_code == 200
    assert "case.read" in html and "case.create" in html
    assert f'href="{detail(case)}"' in html
    assert f'href="{detail(other)}"' not in html
    by_amal = client.get(AUDIT, {"user": "amal"}).content.decode()
    assert "<bdi>amal</bdi>" in by_amal and "<bdi>bilal</bdi>" not in by_amal


def test_audit_log_page_queries_do_not_grow(client, personas, django_assert_num_queries):
    for _ in range(2):
        make_case(personas.amal)
    client.force_login(personas.by_role[Role.ADMINISTRATOR])
    client.get(AUDIT)  # session and caches warmed
    queries = 8
    with django_assert_num_queries(queries):
        assert "case.create" in client.get(AUDIT).content.decode()
    for _ in range(55):
        make_case(personas.bilal)
    assert AuditEvent.objects.count() > 50  # more than a page holds
    with django_assert_num_queries(queries):
        assert "bilal" in client.get(AUDIT).content.decode()


def test_case_worker_gets_403_on_the_audit_log(client, personas):
    client.force_login(personas.amal)
    response = client.get(AUDIT)
    assert response.status_code == 403
    assert f'href="{AUDIT}"' not in response.content.decode()
