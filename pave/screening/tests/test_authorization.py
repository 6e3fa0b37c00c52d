"""Every screening endpoint × every role × own / other organisation.

The screening under test belongs to the NGO "BMS" and was made by its screening officer, during
a visit of the NGO. Expected answers are written out per role so that a change of policy shows
up here first.
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from pave.accounts.roles import Role
from pave.cases.services import case_update
from pave.screening.models import Screening
from pave.screening.services import screening_open_case
from pave.screening.tests.test_services import (
    TRAFFICKING_ANSWERS,
    informed_consent,
    make_visit,
    submit,
)
from pave.testing import bearer, make_user

# role -> (sees it in lists: True / False / None = list refused with 403,
#          GET detail, POST a new screening, POST open-case, visit list, visit detail)
OWN_ORGANISATION = {
    Role.ADMINISTRATOR: (True, 200, 201, 201, 200, 200),
    Role.PROJECT_MANAGER: (True, 200, 403, 403, 200, 200),
    Role.CASE_MANAGER: (True, 200, 201, 201, 200, 200),
    Role.CASE_WORKER: (False, 404, 201, 404, 200, 200),
    Role.SCREENING_OFFICER: (True, 200, 201, 201, 200, 200),
    Role.PARTNER_FOCAL_POINT: (None, 404, 403, 404, 403, 404),
    Role.TRAINER: (None, 404, 403, 404, 403, 404),
    Role.ME_OFFICER: (None, 404, 403, 404, 403, 404),
    Role.DONOR_VIEWER: (None, 404, 403, 404, 403, 404),
    Role.PLATFORM_ADMINISTRATOR: (None, 404, 403, 404, 403, 404),
}


def other_organisation(role):
    """Outsiders never see the screening or the visit; they may still screen for their own."""
    in_list, _, create, _, visits, _ = OWN_ORGANISATION[role]
    return (None if in_list is None else False, 404, create, 404, visits, 404)


def new_screening_body():
    return {
        "instrument": "ilo-2009-adult-labour",
        "answers": TRAFFICKING_ANSWERS,
        "interviewed_on": timezone.localdate().isoformat(),
        "language": "ar",
        "consent": informed_consent(),
        "subject": {"detainee_number": "X-1"},
    }


@pytest.fixture
def the_screening(personas):
    officer = personas.by_role[Role.SCREENING_OFFICER]
    visit = make_visit(officer)
    return submit(
        officer,
        visit_id=visit.pk,
        subject={"given_name": "Tsehay", "detainee_number": "SECRET-991"},
    )


def post(client, path, body, headers):
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def check_api(client, user, screening, expected, *, outsider):
    in_list, get_status, create_status, open_status, visits_status, visit_status = expected
    headers = bearer(user)
    base = "/api/v1/screening"
    listing = client.get(f"{base}/screenings", **headers)
    if in_list is None:
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200
        ids = [row["id"] for row in listing.json()["results"]]
        assert (screening.pk in ids) is in_list
    found = post(client, f"{base}/screenings/search", {"detainee_number": "SECRET-991"}, headers)
    if found.status_code == 200:
        assert (found.json()["count"] == 1) is bool(in_list)
    assert client.get(f"{base}/screenings/{screening.pk}", **headers).status_code == get_status
    created = post(client, f"{base}/screenings", new_screening_body(), headers)
    assert created.status_code == create_status, created.content
    if create_status == 201:
        new = Screening.objects.get(pk=created.json()["id"])
        assert new.organisation_id == user.organisation_id and new.interviewer == user
    opened = post(client, f"{base}/screenings/{screening.pk}/open-case", {}, headers)
    assert opened.status_code == open_status, opened.content
    visits = client.get(f"{base}/visits", **headers)
    assert visits.status_code == visits_status
    if visits_status == 200:
        assert (screening.visit_id in [v["id"] for v in visits.json()]) is not outsider
    visit = client.get(f"{base}/visits/{screening.visit_id}", **headers)
    assert visit.status_code == visit_status
    if visit_status == 200:
        ids = [row["id"] for row in visit.json()["screenings"]]
        assert (screening.pk in ids) is bool(in_list)
    # Pure scoring and the instrument catalogue hold no personal data: every user may use them.
    assess = post(
        client, f"{base}/assess", {"instrument": "icls-2018-forced-labour", "answers": {}}, headers
    )
    assert assess.status_code == 200
    assert client.get(f"{base}/instruments", **headers).status_code == 200
    if outsider:
        for response in (listing, found, visits):
            text = response.content.decode()
            assert "SECRET-991" not in text and "Tsehay" not in text


def check_web(client, user, screening, expected):
    in_list, get_status, create_status, open_status, visits_status, visit_status = expected
    client.force_login(user)
    listing = client.get("/screening/")
    assert listing.status_code == (403 if in_list is None else 200)
    if in_list is not None:
        assert ("SECRET-991" in listing.content.decode()) is in_list
    assert client.get(f"/screening/{screening.pk}/").status_code == get_status
    assert client.get("/screening/new/").status_code == (200 if create_status == 201 else 403)
    assert client.get("/screening/visits/").status_code == visits_status
    assert client.get(f"/screening/visits/{screening.visit_id}/").status_code == visit_status
    assert client.get("/screening/places/").status_code == visits_status
    opened = client.post(
        f"/screening/{screening.pk}/open-case/",
        {
            "given_name": "Tsehay",
            "sex": "female",
            "case_type": "victim_of_trafficking",
            "country": "LB",
        },
    )
    assert opened.status_code == (302 if open_status == 201 else open_status)
    client.logout()


@pytest.mark.parametrize("role", Role.values)
def test_api_own_organisation(client, personas, the_screening, role):
    check_api(client, personas.by_role[role], the_screening, OWN_ORGANISATION[role], outsider=False)


@pytest.mark.parametrize("role", Role.values)
def test_api_other_organisation_never_sees_the_screening(client, personas, the_screening, role):
    check_api(
        client, personas.other_by_role[role], the_screening, other_organisation(role), outsider=True
    )


@pytest.mark.parametrize("role", Role.values)
def test_web_own_organisation(client, personas, the_screening, role):
    check_web(client, personas.by_role[role], the_screening, OWN_ORGANISATION[role])


@pytest.mark.parametrize("role", Role.values)
def test_web_other_organisation_never_sees_the_screening(client, personas, the_screening, role):
    check_web(client, personas.other_by_role[role], the_screening, other_organisation(role))


def test_officer_of_a_government_unit_never_sees_the_ngos_screenings(
    client, personas, the_screening
):
    """dina (General Security) screens too, but only ever sees her own."""
    own = submit(personas.dina)
    listing = client.get("/api/v1/screening/screenings", **bearer(personas.dina)).json()
    assert [row["id"] for row in listing["results"]] == [own.pk]


def test_another_screening_officer_of_the_same_organisation_gets_404(
    client, personas, the_screening
):
    colleague = make_user("rana", personas.ngo, Role.SCREENING_OFFICER)
    url = f"/api/v1/screening/screenings/{the_screening.pk}"
    assert client.get(url, **bearer(colleague)).status_code == 404


def test_case_worker_sees_the_screening_of_a_case_assigned_to_her(client, personas, the_screening):
    case = screening_open_case(actor=personas.bilal, screening_id=the_screening.pk)
    url = f"/api/v1/screening/screenings/{the_screening.pk}"
    assert client.get(url, **bearer(personas.amal)).status_code == 404
    case_update(
        actor=personas.bilal,
        case_id=case.pk,
        version=case.version,
        case={"assigned_to": personas.amal.pk},
    )
    assert client.get(url, **bearer(personas.amal)).status_code == 200


def test_places_of_another_organisation_are_invisible(client, personas, the_screening):
    outsider = personas.other_by_role[Role.SCREENING_OFFICER]
    places = client.get("/api/v1/screening/places", **bearer(outsider)).json()
    assert places == []
    body = {"place": the_screening.place_id, "visited_on": timezone.localdate().isoformat()}
    response = post(client, "/api/v1/screening/visits", body, bearer(outsider))
    assert response.status_code == 422 and "place" in response.json()["errors"]


def test_unauthenticated_requests_get_401_and_pages_redirect_to_login(client, the_screening):
    for path in ("/screenings", f"/screenings/{the_screening.pk}", "/instruments", "/visits"):
        assert client.get(f"/api/v1/screening{path}").status_code == 401
    response = client.get(f"/screening/{the_screening.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
