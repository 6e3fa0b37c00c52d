"""Every case endpoint × every role × own / other organisation.

The case under test belongs to the NGO "BMS" and is assigned to (and was opened by) amal.
Expected answers are written out per role so that a change of policy shows up here first.
"""

import json

import pytest

from pave.accounts.roles import Role
from pave.cases.models import Case
from pave.testing import bearer, make_case, make_user, person_data

# role -> (sees the case in lists, GET detail, PATCH, POST create)
OWN_ORGANISATION = {
    Role.ADMINISTRATOR: (True, 200, 200, 201),
    Role.PROJECT_MANAGER: (True, 200, 403, 403),
    Role.CASE_MANAGER: (True, 200, 200, 201),
    Role.CASE_WORKER: (True, 200, 200, 201),
    Role.SCREENING_OFFICER: (False, 404, 404, 201),
    Role.PARTNER_FOCAL_POINT: (False, 404, 404, 403),
    Role.TRAINER: (None, 404, 404, 403),
    Role.ME_OFFICER: (None, 404, 404, 403),
    Role.DONOR_VIEWER: (None, 404, 404, 403),
    Role.PLATFORM_ADMINISTRATOR: (None, 404, 404, 403),
}
# None: the list itself is refused (403) because the role sees no person-level data.


def new_case_body():
    data = person_data()
    data["birth_date"] = data["birth_date"].isoformat()
    return {"person": data, "case_type": "vulnerable_migrant", "country": "LB"}


def check_api(client, user, case, expected, *, other_org):
    in_list, get_status, patch_status, create_status = expected
    headers = bearer(user)
    listing = client.get("/api/v1/cases", **headers)
    if in_list is None:
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200
        ids = [row["id"] for row in listing.json()["results"]]
        assert (case.pk in ids) is in_list
    assert client.get(f"/api/v1/cases/{case.pk}", **headers).status_code == get_status
    patch = client.patch(
        f"/api/v1/cases/{case.pk}",
        json.dumps({"version": case.version, "summary": "edited"}),
        content_type="application/json",
        **headers,
    )
    assert patch.status_code == patch_status, patch.content
    if patch_status == 200:
        case.refresh_from_db()
    created = client.post(
        "/api/v1/cases", json.dumps(new_case_body()), content_type="application/json", **headers
    )
    assert created.status_code == create_status, created.content
    if create_status == 201:
        new_case = Case.objects.get(pk=created.json()["id"])
        assert new_case.organisation_id == user.organisation_id
    if other_org:
        body = json.dumps(listing.json()) if listing.status_code == 200 else ""
        assert case.reference not in body and case.person.given_name not in body


def check_web(client, user, case, expected):
    in_list, get_status, patch_status, create_status = expected
    client.force_login(user)
    listing = client.get("/cases/")
    assert listing.status_code == (403 if in_list is None else 200)
    if in_list is not None:
        assert (case.reference in listing.content.decode()) is in_list
    assert client.get(f"/cases/{case.pk}/").status_code == get_status
    edit_status = 200 if patch_status == 200 else (404 if get_status == 404 else 403)
    assert client.get(f"/cases/{case.pk}/edit/").status_code == edit_status
    assert client.get("/cases/new/").status_code == (200 if create_status == 201 else 403)
    client.logout()


@pytest.fixture
def the_case(personas):
    return make_case(personas.amal)


@pytest.mark.parametrize("role", Role.values)
def test_api_own_organisation(client, personas, the_case, role):
    check_api(client, personas.by_role[role], the_case, OWN_ORGANISATION[role], other_org=False)


@pytest.mark.parametrize("role", Role.values)
def test_api_other_organisation_never_sees_the_case(client, personas, the_case, role):
    own = OWN_ORGANISATION[role]
    expected = (None if own[0] is None else False, 404, 404, own[3])
    check_api(client, personas.other_by_role[role], the_case, expected, other_org=True)


@pytest.mark.parametrize("role", Role.values)
def test_web_own_organisation(client, personas, the_case, role):
    check_web(client, personas.by_role[role], the_case, OWN_ORGANISATION[role])


@pytest.mark.parametrize("role", Role.values)
def test_web_other_organisation_never_sees_the_case(client, personas, the_case, role):
    own = OWN_ORGANISATION[role]
    expected = (None if own[0] is None else False, 404, 404, own[3])
    check_web(client, personas.other_by_role[role], the_case, expected)


def test_unassigned_case_worker_of_the_same_organisation_gets_404(client, personas, the_case):
    colleague = make_user("selam", personas.ngo, Role.CASE_WORKER)
    assert client.get(f"/api/v1/cases/{the_case.pk}", **bearer(colleague)).status_code == 404


def test_screening_officer_sees_the_cases_she_opened(client, personas):
    case = make_case(personas.dina)
    assert client.get(f"/api/v1/cases/{case.pk}", **bearer(personas.dina)).status_code == 200


def test_case_worker_cannot_reassign_but_manager_can(client, personas, the_case):
    body = {"version": 1, "assigned_to": personas.by_role[Role.SCREENING_OFFICER].pk}
    response = client.patch(
        f"/api/v1/cases/{the_case.pk}",
        json.dumps(body),
        content_type="application/json",
        **bearer(personas.amal),
    )
    assert response.status_code == 422 and "assigned_to" in response.json()["errors"]
    response = client.patch(
        f"/api/v1/cases/{the_case.pk}",
        json.dumps(body),
        content_type="application/json",
        **bearer(personas.bilal),
    )
    assert response.status_code == 200


def test_cases_cannot_be_assigned_to_another_organisations_user(client, personas, the_case):
    body = {"version": 1, "assigned_to": personas.ravi.pk}
    response = client.patch(
        f"/api/v1/cases/{the_case.pk}",
        json.dumps(body),
        content_type="application/json",
        **bearer(personas.bilal),
    )
    assert response.status_code == 422
    assert Case.objects.get(pk=the_case.pk).assigned_to == personas.amal
