"""Every assistance endpoint and page × every role × own / other organisation.

The case belongs to the NGO "BMS" and is assigned to (and was opened by) amal; it already has
one record of each kind. Expected answers are written out per role, so that a change of
policy shows up here first.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from pave.accounts.roles import Role
from pave.assistance import services
from pave.assistance.models import ServiceType
from pave.testing import Api, make_case, make_user

pytestmark = pytest.mark.django_db

R = Role
_codes = itertools.count(1)

KINDS: dict[str, Callable[[], dict[str, Any]]] = {
    "services": lambda: {
        "service_type": ServiceType.objects.get(code="medical").pk,
        "delivered_on": "2014-03-01",
    },
    "plans": lambda: {
        "plan_type": "Health",
        "objectives": "See a doctor",
        "started_on": "2014-03-01",
    },
    "follow-ups": lambda: {"due_on": "2014-06-01"},
    "reintegration": lambda: {
        "assessed_on": "2014-06-01",
        "economic_score": 1,
        "social_score": 1,
        "psychosocial_score": 1,
    },
}
SERVICE_KIND = {
    "services": services.SERVICE,
    "plans": services.PLAN,
    "follow-ups": services.FOLLOW_UP,
    "reintegration": services.REINTEGRATION,
}


def endpoints():
    names = ["service-types:list", "service-types:create", "service-types:update"]
    for kind in KINDS:
        names += [f"{kind}:list", f"{kind}:create", f"{kind}:update"]
        names += [f"web:{kind}:new", f"web:{kind}:edit"]
    return [*names, "web:overview", "web:create-service", "web:catalogue", "web:catalogue-add"]


ENDPOINTS = endpoints()
CATALOGUE = {"service-types:list", "service-types:create", "service-types:update"}
CATALOGUE_WEB = {"web:catalogue", "web:catalogue-add"}
READS = {f"{kind}:list" for kind in KINDS} | {"web:overview"}
WRITES = set(ENDPOINTS) - CATALOGUE - CATALOGUE_WEB - READS
# Calls that create something: 201 when they succeed (a web form's redirect counts as 201).
CREATES = {n for n in ENDPOINTS if n.endswith(":create")} | {
    "service-types:create",
    "web:create-service",
    "web:catalogue-add",
}


def expected(role, *, own):
    """role -> endpoint -> status for amal's case (201/200 when the call succeeds)."""
    sees_case = own and role in {R.ADMINISTRATOR, R.PROJECT_MANAGER, R.CASE_MANAGER, R.CASE_WORKER}
    records = role in {R.ADMINISTRATOR, R.CASE_MANAGER, R.CASE_WORKER}
    table = {}
    for name in ENDPOINTS:
        if name in READS:
            table[name] = 200 if sees_case else 404
        elif name in WRITES:
            table[name] = (201 if name in CREATES else 200) if records else 403
            if not sees_case:
                table[name] = 404
        elif name == "service-types:list":
            table[name] = 200  # the catalogue holds no personal data
        else:
            # One catalogue for the installation, shared reference data: only a platform
            # administrator edits it, never an organisation's administrator (issue 12).
            ok = 201 if name in CREATES else 200
            table[name] = ok if role == R.PLATFORM_ADMINISTRATOR else 403
    return table


def call(client, user, name, case, records):
    api = Api(client, user)
    parts = name.split(":")
    if parts[0] == "service-types":
        if parts[1] == "list":
            return api.get("/assistance/service-types").status_code
        if parts[1] == "create":
            body = {"code": f"new-{next(_codes)}", "family": "return", "name": "New"}
            return api.post("/assistance/service-types", body).status_code
        escort = ServiceType.objects.get(code="escort")
        return api.patch(f"/assistance/service-types/{escort.pk}", {"sort_order": 7}).status_code
    if parts[0] == "web":
        return web(client, user, parts[1:], case, records)
    kind, action = parts
    base = f"/assistance/cases/{case.pk}/{kind}"
    if action == "list":
        return api.get(base).status_code
    if action == "create":
        return api.post(base, KINDS[kind]()).status_code
    record = records[kind]
    record.refresh_from_db()
    return api.patch(f"{base}/{record.pk}", {"version": record.version}).status_code


def web(client, user, parts, case, records):
    client.force_login(user)
    base = f"/assistance/cases/{case.pk}"
    if parts == ["overview"]:
        status = client.get(f"{base}/").status_code
    elif parts == ["create-service"]:
        body = {
            "service_type": ServiceType.objects.get(code="ticket").pk,
            "provider": case.organisation_id,
            "delivered_on": "2014-03-02",
            "status": "delivered",
        }
        response = client.post(f"{base}/services/new/", body)
        status = 201 if response.status_code == 302 else response.status_code
    elif parts == ["catalogue"]:
        status = client.get("/assistance/service-types/").status_code
    elif parts == ["catalogue-add"]:
        body = {
            "new-code": f"web-{next(_codes)}",
            "new-name": "Web",
            "new-family": "return",
            "new-sort_order": "1",
            "new-active": "on",
        }
        response = client.post("/assistance/service-types/", body)
        status = 201 if response.status_code == 302 else response.status_code
    elif parts[1] == "new":
        status = client.get(f"{base}/{parts[0]}/new/").status_code
    else:
        status = client.get(f"{base}/{parts[0]}/{records[parts[0]].pk}/").status_code
    client.logout()
    return status


@pytest.fixture
def the_case(personas):
    case = make_case(personas.amal)
    records = {
        kind: services.record_create(
            actor=personas.amal, case_id=case.pk, kind=SERVICE_KIND[kind], data=KINDS[kind]()
        )
        for kind in KINDS
    }
    return case, records


@pytest.mark.parametrize("role", Role.values)
def test_own_organisation(client, personas, the_case, role):
    case, records = the_case
    user = personas.by_role[role]
    got = {name: call(client, user, name, case, records) for name in ENDPOINTS}
    assert got == expected(role, own=True)


@pytest.mark.parametrize("role", Role.values)
def test_other_organisation(client, personas, the_case, role):
    case, records = the_case
    user = personas.other_by_role[role]
    got = {name: call(client, user, name, case, records) for name in ENDPOINTS}
    assert got == expected(role, own=False)


def test_screening_officer_reads_the_assistance_of_a_case_she_opened_but_records_nothing(
    client, personas
):
    case = make_case(personas.dina)
    dina = Api(client, personas.dina)
    assert dina.get(f"/assistance/cases/{case.pk}/services").status_code == 200
    refused = dina.post(f"/assistance/cases/{case.pk}/follow-ups", {"due_on": "2014-06-01"})
    assert refused.status_code == 403
    client.force_login(personas.dina)
    assert client.get(f"/assistance/cases/{case.pk}/").status_code == 200
    assert client.get(f"/assistance/cases/{case.pk}/follow-ups/new/").status_code == 403


def test_unassigned_case_worker_of_the_same_organisation_gets_404(client, personas, the_case):
    case, _records = the_case
    colleague = make_user("selam", personas.ngo, Role.CASE_WORKER)
    assert Api(client, colleague).get(f"/assistance/cases/{case.pk}/plans").status_code == 404
