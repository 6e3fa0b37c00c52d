"""Every new case endpoint (workflow, closure, reopening, timeline) × every role × own / other
organisation. The case belongs to the NGO "BMS" and is assigned to (and opened by) amal.

Expected answers are written out per role, so that a change of policy shows up here first.
"""

from __future__ import annotations

import pytest

from pave.accounts.roles import Role
from pave.cases import workflow
from pave.cases.tests.workflow_helpers import drive_to
from pave.testing import Api, make_case

pytestmark = pytest.mark.django_db

R = Role
# endpoint -> (stage the case is brought to first, method, path, body)
ENDPOINTS = {
    "workflow": (workflow.IDENTIFIED, "get", "workflow", None),
    "timeline": (workflow.IDENTIFIED, "get", "timeline", None),
    "transitions": (workflow.IDENTIFIED, "post", "transitions", {"to_stage": "assessed"}),
    "closure-request": (workflow.ASSISTANCE, "post", "closure-request", {}),
    "closure-approve": (workflow.CLOSURE_REQUESTED, "post", "closure-approve", {}),
    "closure-send-back": (workflow.CLOSURE_REQUESTED, "post", "closure-send-back", {}),
    "reopen": (workflow.CLOSED, "post", "reopen", {}),
    "web:timeline": (workflow.IDENTIFIED, "web-get", "/assistance/cases/{id}/timeline/", None),
    "web:stage": (
        workflow.IDENTIFIED,
        "web-post",
        "/assistance/cases/{id}/stage/",
        {"to_stage": "assessed"},
    ),
}
# What each role of the case's own organisation gets. Roles that do not see amal's case get
# 404 everywhere (existence is not revealed); project managers read but take no step; case
# workers move and request but never decide a closure (amal asked for it, too).
OWN = {
    R.ADMINISTRATOR: dict.fromkeys(ENDPOINTS, 200),
    R.CASE_MANAGER: dict.fromkeys(ENDPOINTS, 200),
    R.CASE_WORKER: {
        **dict.fromkeys(ENDPOINTS, 200),
        "closure-approve": 403,
        "closure-send-back": 403,
        "reopen": 403,
    },
    R.PROJECT_MANAGER: {
        **dict.fromkeys(ENDPOINTS, 403),
        "workflow": 200,
        "timeline": 200,
        "web:timeline": 200,
    },
    R.SCREENING_OFFICER: dict.fromkeys(ENDPOINTS, 404),
    R.PARTNER_FOCAL_POINT: dict.fromkeys(ENDPOINTS, 404),
    R.TRAINER: dict.fromkeys(ENDPOINTS, 404),
    R.ME_OFFICER: dict.fromkeys(ENDPOINTS, 404),
    R.DONOR_VIEWER: dict.fromkeys(ENDPOINTS, 404),
    R.PLATFORM_ADMINISTRATOR: dict.fromkeys(ENDPOINTS, 404),
}


def call(client, personas, user, name):
    stage, method, path, body = ENDPOINTS[name]
    case = drive_to(make_case(personas.amal), stage, worker=personas.amal, manager=personas.bilal)
    if method.startswith("web"):
        client.force_login(user)
        url = path.format(id=case.pk)
        if method == "web-get":
            response = client.get(url)
        else:
            assert body is not None  # every POST endpoint has a body
            response = client.post(url, {**body, "reason": "why", "version": case.version})
        client.logout()
        # A successful step redirects back to the case page.
        return 200 if response.status_code == 302 else response.status_code
    api = Api(client, user)
    if method == "get":
        return api.get(f"/cases/{case.pk}/{path}").status_code
    assert body is not None  # every POST endpoint has a body
    return api.post(
        f"/cases/{case.pk}/{path}", {**body, "reason": "why", "version": case.version}
    ).status_code


def test_the_table_covers_every_role():
    assert set(OWN) == set(Role.values)


@pytest.mark.parametrize("role", Role.values)
def test_own_organisation(client, personas, role):
    user = personas.by_role[role]
    got = {name: call(client, personas, user, name) for name in ENDPOINTS}
    assert got == OWN[role]


@pytest.mark.parametrize("role", Role.values)
def test_other_organisation_gets_404_everywhere(client, personas, role):
    user = personas.other_by_role[role]
    got = {name: call(client, personas, user, name) for name in ENDPOINTS}
    assert got == dict.fromkeys(ENDPOINTS, 404)


def test_screening_officer_reads_the_workflow_of_a_case_she_opened_but_takes_no_step(
    client, personas
):
    case = make_case(personas.dina)
    dina = Api(client, personas.dina)
    assert dina.get(f"/cases/{case.pk}/workflow").status_code == 200
    assert dina.get(f"/cases/{case.pk}/timeline").status_code == 200
    refused = dina.post(
        f"/cases/{case.pk}/closure-request", {"reason": "x", "version": case.version}
    )
    assert refused.status_code == 403


def test_unauthenticated_calls_get_401(client, personas):
    case = make_case(personas.amal)
    assert client.get(f"/api/v1/cases/{case.pk}/timeline").status_code == 401
    assert client.post(f"/api/v1/cases/{case.pk}/transitions", {}).status_code == 401
