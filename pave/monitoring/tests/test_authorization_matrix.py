"""Every report endpoint × every role × own / other organisation / donor organisation."""

import pytest

from pave.accounts.roles import Role
from pave.accounts.services import token_create
from pave.demo.results import monitoring_demo_load  # noqa: F401
from pave.monitoring.services import indicator_save
from pave.monitoring.tests.conftest import donor_project
from pave.testing import make_case, person_data

# role -> status of (report, drill-down, budget, dashboard page, factsheet page, budget page,
# indicator editor, and the editors' POSTs with empty forms: indicator, manual value, budget
# line, expenditure, co-funding — 422, nothing written, when allowed; then the logframe page and
# the target POST)
READER = (200, 200, 200, 200, 200, 200)
EDITOR_POSTS = (422, 422, 422, 422, 422)
NONE = (403,) * 14
OWN = {
    Role.ADMINISTRATOR: (*READER, 200, *EDITOR_POSTS, 200, 422),
    Role.PROJECT_MANAGER: (*READER, 403, *(403,) * 5, 200, 403),
    Role.ME_OFFICER: (*READER, 200, *EDITOR_POSTS, 200, 422),
    Role.DONOR_VIEWER: (200, 403, 403, 200, 200, 403, 403, *(403,) * 5, 200, 403),
    Role.CASE_MANAGER: NONE,
    Role.CASE_WORKER: NONE,
    Role.SCREENING_OFFICER: NONE,
    Role.TRAINER: NONE,
    Role.PARTNER_FOCAL_POINT: NONE,
    Role.PLATFORM_ADMINISTRATOR: NONE,
}


@pytest.fixture
def project(personas):
    project = donor_project(personas)
    indicator_save(actor="test", project=project, code="meetings", label="Meetings", kind="manual")
    return project


def statuses(client, user):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(actor=user, user=user)[1]}"}
    got = [
        client.get("/api/v1/reports/assistance-in-numbers?project=P1", **headers).status_code,
        client.get(
            "/api/v1/reports/assistance-in-numbers/assisted/records?project=P1", **headers
        ).status_code,
        client.get("/api/v1/reports/budget?project=P1", **headers).status_code,
    ]
    client.force_login(user)
    got += [
        client.get("/reports/P1/").status_code,
        client.get("/reports/P1/factsheet/").status_code,
        client.get("/reports/P1/budget/").status_code,
        client.get("/reports/P1/indicators/assisted/edit/").status_code,
        client.post("/reports/P1/indicators/assisted/edit/").status_code,
        client.post("/reports/P1/indicators/meetings/values/").status_code,
        client.post("/reports/P1/budget/lines/").status_code,
        client.post("/reports/P1/budget/expenditures/").status_code,
        client.post("/reports/P1/budget/co-funding/").status_code,
        client.get("/reports/P1/logframe/").status_code,
        client.post("/reports/P1/indicators/assisted/targets/").status_code,
    ]
    client.logout()
    return tuple(got)


@pytest.mark.parametrize("role", Role.values)
def test_own_organisation(client, personas, project, role):
    assert statuses(client, personas.by_role[role]) == OWN[role]


@pytest.mark.parametrize("role", Role.values)
def test_other_organisation_gets_404_or_403(client, personas, project, role):
    expected = tuple(
        404 if s in (200, 422) or (s == 403 and OWN[role][0] == 200) else s for s in OWN[role]
    )
    assert statuses(client, personas.other_by_role[role]) == expected


def test_donor_organisation_sees_suppressed_aggregates_only(client, personas, project):
    for _ in range(6):
        make_case(personas.amal, identification_date="2014-03-01")
    make_case(
        personas.amal,
        identification_date="2014-03-01",
        person={**person_data(), "sex": "male"},
    )
    assert statuses(client, personas.donor) == OWN[Role.DONOR_VIEWER]
    headers = {
        "HTTP_AUTHORIZATION": f"Bearer {token_create(actor=personas.donor, user=personas.donor)[1]}"
    }
    data = client.get(
        "/api/v1/reports/assistance-in-numbers?project=P1&audience=internal", **headers
    ).json()
    assert data["indicators"][0]["value"] == 7
    assert data["indicators"][0]["disaggregation"] == {"men": None, "women": None}
    manager = personas.by_role[Role.PROJECT_MANAGER]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(actor=manager, user=manager)[1]}"}
    data = client.get("/api/v1/reports/assistance-in-numbers?project=P1", **headers).json()
    assert data["indicators"][0]["disaggregation"] == {"men": 1, "women": 6}
    records = client.get(
        "/api/v1/reports/assistance-in-numbers/assisted/records?project=P1", **headers
    ).json()
    assert records["count"] == 7 and all(r.startswith("LB-") for r in records["references"])
