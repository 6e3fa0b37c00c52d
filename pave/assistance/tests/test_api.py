"""Assistance API: recording and correcting services, plans, visits and assessments; the
catalogue; validation errors answer 422 with field messages and write nothing."""

from __future__ import annotations

import datetime

import pytest

from pave.accounts.roles import Role
from pave.assistance.models import (
    CasePlan,
    FollowUpVisit,
    ReintegrationAssessment,
    ServiceDelivery,
    ServiceType,
)
from pave.assistance.services import service_type_create
from pave.cases.tests.workflow_helpers import drive_to
from pave.core.models import AuditEvent
from pave.testing import Api, make_case

pytestmark = pytest.mark.django_db

MODELS = (ServiceDelivery, CasePlan, FollowUpVisit, ReintegrationAssessment)


def counts():
    return [model.objects.count() for model in MODELS] + [AuditEvent.objects.count()]


@pytest.fixture
def case(personas):
    return make_case(personas.amal)


@pytest.fixture
def amal(client, personas):
    return Api(client, personas.amal)


@pytest.fixture
def shelter(db):
    return ServiceType.objects.get(code="shelter")


def service_body(shelter, **overrides):
    body = {
        "service_type": shelter.pk,
        "delivered_on": "2014-03-01",
        "status": "delivered",
        "cost": "120.50",
        "currency": "USD",
        "notes": "Two weeks at the shelter in Dekwaneh",
    }
    body.update(overrides)
    return body


# --- services delivered ----------------------------------------------------------------------


def test_case_worker_records_a_service_and_lists_it(amal, case, shelter, personas):
    created = amal.post(f"/assistance/cases/{case.pk}/services", service_body(shelter))

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["service_type"] == "shelter" and body["family"] == "recovery"
    assert body["provider"] == personas.ngo.pk and body["provider_name"] == personas.ngo.name
    assert (body["cost"], body["currency"], body["version"]) == ("120.50", "USD", 1)
    assert body["recorded_by"] == "amal"
    listed = amal.get(f"/assistance/cases/{case.pk}/services").json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert listed[0]["notes"] == "Two weeks at the shelter in Dekwaneh"


def test_a_service_can_name_another_provider_and_be_planned_ahead(amal, case, shelter, personas):
    next_month = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    body = service_body(
        shelter, provider=personas.other.pk, status="planned", delivered_on=next_month
    )
    response = amal.post(f"/assistance/cases/{case.pk}/services", body)
    assert response.status_code == 201, response.content
    assert response.json()["provider_name"] == "Cedar Legal Aid"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"cost": "-5.00"}, "cost"),
        ({"cost": "12.345"}, "cost"),
        ({"cost": "10", "currency": ""}, "currency"),
        ({"status": "lost"}, "status"),
        ({"service_type": 99999}, "service_type"),
        ({"provider": 99999}, "provider"),
        ({"delivered_on": "2999-01-01"}, "delivered_on"),
        ({"delivered_on": "not a date"}, "delivered_on"),
    ],
)
def test_bad_service_gets_422_with_field_messages_and_writes_nothing(
    amal, case, shelter, overrides, field
):
    before = counts()
    response = amal.post(
        f"/assistance/cases/{case.pk}/services", service_body(shelter, **overrides)
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field]
    assert counts() == before


def test_a_service_no_longer_offered_cannot_be_recorded(amal, case, shelter):
    ServiceType.objects.filter(pk=shelter.pk).update(active=False)
    response = amal.post(f"/assistance/cases/{case.pk}/services", service_body(shelter))
    assert response.status_code == 422
    assert "service_type" in response.json()["errors"]


def test_correcting_a_service_needs_the_current_version(amal, case, shelter, client, personas):
    created = amal.post(f"/assistance/cases/{case.pk}/services", service_body(shelter)).json()
    url = f"/assistance/cases/{case.pk}/services/{created['id']}"

    bilal = Api(client, personas.bilal)
    first = bilal.patch(url, {"version": 1, "cost": "100.00"})
    stale = amal.patch(url, {"version": 1, "notes": "my older edit"})

    assert first.status_code == 200 and first.json()["version"] == 2
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["detail"]
    saved = ServiceDelivery.objects.get(pk=created["id"])
    assert (saved.cost, saved.notes, saved.version) == (100, created["notes"], 2)
    event = AuditEvent.objects.filter(action="assistance.service.update").get()
    assert event.fields == ["service.cost"]


def test_a_misspelt_field_is_refused_not_ignored(amal, case, shelter):
    created = amal.post(f"/assistance/cases/{case.pk}/services", service_body(shelter)).json()
    response = amal.patch(
        f"/assistance/cases/{case.pk}/services/{created['id']}", {"version": 1, "costs": "1"}
    )
    assert response.status_code == 422 and "costs" in response.json()["errors"]


def test_a_record_of_another_case_is_not_found(amal, case, shelter, personas):
    created = amal.post(f"/assistance/cases/{case.pk}/services", service_body(shelter)).json()
    other_case = make_case(personas.amal)
    response = amal.patch(
        f"/assistance/cases/{other_case.pk}/services/{created['id']}", {"version": 1}
    )
    assert response.status_code == 404


def test_nothing_is_recorded_on_a_closed_case(amal, case, shelter, personas):
    closed = drive_to(case, "closed", worker=personas.amal, manager=personas.bilal)
    response = amal.post(f"/assistance/cases/{closed.pk}/services", service_body(shelter))
    assert response.status_code == 422
    assert "reopen" in response.json()["errors"]["__all__"][0]
    assert not ServiceDelivery.objects.exists()


# --- plans -----------------------------------------------------------------------------------


def plan_body(**overrides):
    body = {
        "plan_type": "Livelihood",
        "objectives": "Open a tailoring shop in Addis Ababa",
        "action_plan": "Training, then a start-up grant",
        "started_on": "2014-03-01",
        "planned_end": "2014-09-01",
    }
    body.update(overrides)
    return body


def test_plan_is_created_then_completed(amal, case):
    created = amal.post(f"/assistance/cases/{case.pk}/plans", plan_body())
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "active"

    done = amal.patch(
        f"/assistance/cases/{case.pk}/plans/{created.json()['id']}",
        {"version": 1, "status": "completed", "actual_end": "2014-08-15"},
    )

    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["actual_end"]) == ("completed", "2014-08-15")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"planned_end": "2014-02-01"}, "planned_end"),
        ({"actual_end": "2014-02-01", "status": "completed"}, "actual_end"),
        ({"plan_type": "Gardening"}, "plan_type"),
        ({"objectives": "   "}, "objectives"),
        ({"status": "completed"}, "actual_end"),
        ({"actual_end": "2014-05-01"}, "status"),
    ],
)
def test_bad_plan_gets_422_and_writes_nothing(amal, case, overrides, field):
    before = counts()
    response = amal.post(f"/assistance/cases/{case.pk}/plans", plan_body(**overrides))
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field]
    assert counts() == before


# --- follow-up visits ------------------------------------------------------------------------


def test_follow_up_is_scheduled_then_done_by_the_actor(amal, case):
    due = amal.post(f"/assistance/cases/{case.pk}/follow-ups", {"due_on": "2014-06-01"})
    assert due.status_code == 201, due.content
    assert (due.json()["done_on"], due.json()["visited_by"]) == (None, None)

    done = amal.patch(
        f"/assistance/cases/{case.pk}/follow-ups/{due.json()['id']}",
        {"version": 1, "done_on": "2014-06-03", "outcome": "stable", "visited_by": None},
    )

    assert done.status_code == 200, done.content
    assert (done.json()["outcome"], done.json()["visited_by"]) == ("stable", "amal")


def test_follow_up_made_today_defaults_to_the_actor(amal, case):
    today = datetime.date.today().isoformat()
    response = amal.post(
        f"/assistance/cases/{case.pk}/follow-ups",
        {"due_on": today, "done_on": today, "outcome": "needs_support", "notes": "Rent due"},
    )
    assert response.status_code == 201
    assert response.json()["visited_by"] == "amal"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"due_on": "2014-06-01", "done_on": "2014-06-02"}, "outcome"),
        ({"due_on": "2014-06-01", "outcome": "stable"}, "done_on"),
        ({"due_on": "2014-06-01", "done_on": "2999-01-01", "outcome": "stable"}, "done_on"),
        ({"due_on": "2014-06-01", "done_on": "2014-06-02", "outcome": "fine"}, "outcome"),
        ({}, "due_on"),
    ],
)
def test_bad_follow_up_gets_422_and_writes_nothing(amal, case, body, field):
    before = counts()
    response = amal.post(f"/assistance/cases/{case.pk}/follow-ups", body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field]
    assert counts() == before


def test_follow_up_visitor_must_be_a_case_worker_of_the_organisation(amal, case, personas):
    response = amal.post(
        f"/assistance/cases/{case.pk}/follow-ups",
        {
            "due_on": "2014-06-01",
            "done_on": "2014-06-01",
            "outcome": "stable",
            "visited_by": personas.ravi.pk,
        },
    )
    assert response.status_code == 422
    assert "visited_by" in response.json()["errors"]


# --- reintegration ---------------------------------------------------------------------------


def test_reintegration_scores_over_time(amal, case):
    for day, scores in [("2014-04-01", (1, 2, 1)), ("2014-07-01", (3, 3, 2))]:
        body = dict(
            zip(["economic_score", "social_score", "psychosocial_score"], scores, strict=True)
        )
        created = amal.post(
            f"/assistance/cases/{case.pk}/reintegration", {"assessed_on": day, **body}
        )
        assert created.status_code == 201, created.content

    listed = amal.get(f"/assistance/cases/{case.pk}/reintegration").json()

    assert [(row["assessed_on"], row["total"]) for row in listed] == [
        ("2014-07-01", 8),
        ("2014-04-01", 4),
    ]


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"economic_score": 5}, "economic_score"),
        ({"social_score": -1}, "social_score"),
        ({"psychosocial_score": 12}, "psychosocial_score"),
        ({"economic_score": "high"}, "economic_score"),
    ],
)
def test_score_out_of_range_gets_422_and_writes_nothing(amal, case, scores, field):
    body = {
        "assessed_on": "2014-04-01",
        "economic_score": 2,
        "social_score": 2,
        "psychosocial_score": 2,
        **scores,
    }
    before = counts()
    response = amal.post(f"/assistance/cases/{case.pk}/reintegration", body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field]
    assert counts() == before


# --- reads -----------------------------------------------------------------------------------


def test_reading_records_is_audited_with_field_names_only(amal, case, shelter):
    amal.post(f"/assistance/cases/{case.pk}/services", service_body(shelter))
    amal.get(f"/assistance/cases/{case.pk}/services")
    event = AuditEvent.objects.filter(action="assistance.read").get()
    assert event.fields == ["service.notes"]
    assert "Dekwaneh" not in str(list(AuditEvent.objects.values()))


def test_creating_is_audited_on_the_case_with_field_names_only(amal, case, shelter):
    amal.post(f"/assistance/cases/{case.pk}/services", service_body(shelter))
    event = AuditEvent.objects.get(action="assistance.service.create")
    assert (event.object_type, event.object_id) == ("case", str(case.pk))
    assert "service.notes" in event.fields and "service.cost" in event.fields
    assert "120.50" not in str(event.detail)


def test_list_query_count_does_not_grow_with_records(
    amal, case, shelter, django_assert_num_queries
):
    for _ in range(2):
        amal.post(f"/assistance/cases/{case.pk}/services", service_body(shelter))
    amal.get(f"/assistance/cases/{case.pk}/services")
    queries = 6  # the read is audited
    with django_assert_num_queries(queries):
        assert len(amal.get(f"/assistance/cases/{case.pk}/services").json()) == 2
    for _ in range(8):
        amal.post(f"/assistance/cases/{case.pk}/services", service_body(shelter))
    with django_assert_num_queries(queries):
        assert len(amal.get(f"/assistance/cases/{case.pk}/services").json()) == 10


# --- the catalogue ---------------------------------------------------------------------------


def test_catalogue_has_three_families(amal):
    rows = amal.get("/assistance/service-types").json()
    families: dict[str, list[str]] = {}
    for row in rows:
        families.setdefault(row["family"], []).append(row["code"])
    assert set(families) == {"return", "recovery", "reintegration"}
    assert {"travel-documents", "ticket", "escort", "reception-on-arrival"} == set(
        families["return"]
    )
    assert len(families["recovery"]) == 4 and len(families["reintegration"]) == 3


def test_catalogue_query_count_does_not_grow(amal, personas, django_assert_num_queries):
    shipped = len(amal.get("/assistance/service-types").json())
    queries = 2
    with django_assert_num_queries(queries):
        assert len(amal.get("/assistance/service-types").json()) == shipped
    for n in range(5):
        service_type_create(
            actor=personas.by_role[Role.PLATFORM_ADMINISTRATOR],
            data={"code": f"grant-{n}", "name": f"Grant {n}", "family": "reintegration"},
        )
    with django_assert_num_queries(queries):
        assert len(amal.get("/assistance/service-types").json()) == shipped + 5


def test_platform_administrator_adds_renames_and_deactivates_a_service(client, personas):
    admin = Api(client, personas.by_role[Role.PLATFORM_ADMINISTRATOR])
    created = admin.post(
        "/assistance/service-types",
        {"code": "family-tracing", "family": "return", "name": "Family tracing"},
    )
    assert created.status_code == 201, created.content
    url = f"/assistance/service-types/{created.json()['id']}"

    renamed = admin.patch(url, {"name": "Family tracing and reunification", "active": False})

    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["active"]) == (
        "Family tracing and reunification",
        False,
    )
    offered = [row["code"] for row in admin.get("/assistance/service-types", active=True).json()]
    assert "family-tracing" not in offered
    assert admin.patch(url, {"code": "other"}).status_code == 422  # the code never changes
    assert AuditEvent.objects.filter(action__startswith="service_type.").count() == 2


def test_catalogue_refuses_a_duplicate_code_and_an_unknown_family(client, personas):
    admin = Api(client, personas.by_role[Role.PLATFORM_ADMINISTRATOR])
    duplicate = admin.post(
        "/assistance/service-types", {"code": "shelter", "family": "recovery", "name": "Again"}
    )
    unknown = admin.post(
        "/assistance/service-types", {"code": "spa", "family": "leisure", "name": "Spa"}
    )
    assert duplicate.status_code == 422 and "code" in duplicate.json()["errors"]
    assert unknown.status_code == 422 and "family" in unknown.json()["errors"]


def test_case_worker_cannot_edit_the_catalogue(amal, shelter):
    response = amal.patch(f"/assistance/service-types/{shelter.pk}", {"name": "Hotel"})
    assert response.status_code == 403
    assert ServiceType.objects.get(pk=shelter.pk).name == "Shelter"
