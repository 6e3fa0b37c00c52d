import json
from typing import Any

import pytest

from pave.accounts.models import User
from pave.accounts.services import token_create, token_revoke
from pave.cases.models import Case, Person
from pave.core.models import AuditEvent
from pave.testing import Api, make_case, person_data

NEW_CASE: dict[str, Any] = {
    "person": {
        "given_name": "Aïcha",
        "family_name": "عبد الله",
        "sex": "female",
        "birth_date": "1991-05-04",
        "citizenship": ["ET"],
        "identity_number": "EP 123-456",
        "phone": "+961 70 123 456",
    },
    "case_type": "victim_of_trafficking",
    "country": "LB",
}


@pytest.fixture
def amal_api(client, personas):
    return Api(client, personas.amal)


def test_case_worker_creates_a_case_and_gets_reference_and_version(amal_api):
    response = amal_api.post("/cases", NEW_CASE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("LB-")
    assert body["version"] == 1
    assert body["person"]["given_name"] == "Aïcha"
    assert body["assigned_to"] == "amal"
    assert body["is_minor"] is False


def test_minor_is_derived_from_age_estimate(amal_api):
    body = dict(NEW_CASE, person=dict(NEW_CASE["person"], birth_date=None, age_estimate=16))
    assert amal_api.post("/cases", body).json()["is_minor"] is True


@pytest.mark.parametrize(
    "query", ["aicha", "AÏCHA", "عبد الله", "عبدالله", "ep123456", "00961 70 123456", "LB-"]
)
def test_search_finds_case_by_name_variants_identity_phone_and_reference(amal_api, query):
    created = amal_api.post("/cases", NEW_CASE).json()
    make_case(amal_api_user(amal_api))  # someone else, must not match the name searches
    results = amal_api.post("/cases/search", {"search": query}).json()["results"]
    assert created["id"] in [r["id"] for r in results]
    if query != "LB-":
        assert len(results) == 1


def amal_api_user(api):
    return User.objects.get(username="amal")


def test_search_for_unknown_name_finds_nothing(amal_api):
    amal_api.post("/cases", NEW_CASE)
    assert amal_api.post("/cases/search", {"search": "Nobody"}).json()["count"] == 0


def test_list_filters_and_paginates(amal_api, personas):
    for sex in ["female", "female", "male"]:
        make_case(personas.amal, person=person_data(sex=sex))
    body = amal_api.get("/cases", sex="male").json()
    assert body["count"] == 1
    page = amal_api.get("/cases", limit=2, offset=2).json()
    assert page["count"] == 3 and len(page["results"]) == 1


def test_patch_with_current_version_updates_and_bumps_version(amal_api, personas):
    case = make_case(personas.amal)
    response = amal_api.patch(
        f"/cases/{case.pk}", {"version": 1, "person": {"phone": "+96171000000"}}
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert Person.objects.get(pk=case.person_id).phone == "+96171000000"
    event = AuditEvent.objects.filter(action="case.update").get()
    assert event.fields == ["person.phone"]


def test_stale_version_gets_409_and_nothing_is_overwritten(amal_api, personas):
    case = make_case(personas.amal, summary="first")
    assert (
        amal_api.patch(f"/cases/{case.pk}", {"version": 1, "summary": "second"}).status_code == 200
    )
    response = amal_api.patch(f"/cases/{case.pk}", {"version": 1, "summary": "stale"})
    assert response.status_code == 409
    assert "version" in response.json()["errors"]
    assert Case.objects.get(pk=case.pk).summary == "second"


def test_bad_input_gets_422_with_field_messages_and_writes_nothing(amal_api):
    before = (Case.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    body = {
        "person": {"given_name": "", "sex": "x", "citizenship": ["XX"], "birth_date": "2999-01-01"},
        "case_type": "nope",
        "country": "ZZ",
    }
    response = amal_api.post("/cases", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    for field in [
        "person.given_name",
        "person.sex",
        "person.citizenship",
        "person.birth_date",
        "case_type",
        "country",
    ]:
        assert field in errors, (field, errors)
    assert response.json()["detail"]
    assert (Case.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before


def test_missing_and_mistyped_fields_get_422(amal_api):
    response = amal_api.post("/cases", {"person": {"sex": "female", "age_estimate": "old"}})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"person.given_name", "person.age_estimate", "case_type", "country"} <= set(errors)


def test_patch_unknown_case_field_is_rejected(amal_api, personas):
    case = make_case(personas.amal)
    response = amal_api.patch(f"/cases/{case.pk}", {"version": 1, "person": {"sex": "robot"}})
    assert response.status_code == 422
    assert "person.sex" in response.json()["errors"]


def test_without_credentials_the_api_answers_401(client, personas):
    case = make_case(personas.amal)
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 401
    bad = client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer pave_not-a-token")
    assert bad.status_code == 401


def test_revoked_token_stops_working(client, personas):
    token, clear = token_create(actor=personas.amal, user=personas.amal)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {clear}").status_code == 200
    token_revoke(actor=personas.amal, token=token)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {clear}").status_code == 401


def test_browser_session_works_for_reads(client, personas):
    client.force_login(personas.amal)
    assert client.get("/api/v1/cases").status_code == 200


def test_reading_a_case_is_audited_with_field_names_only(amal_api, personas):
    case = make_case(personas.amal)
    amal_api.get(f"/cases/{case.pk}")
    event = AuditEvent.objects.filter(action="case.read").get()
    assert event.actor == personas.amal
    assert "identity_number" in event.fields
    assert event.client_address == "127.0.0.1"


def test_listing_is_audited_without_the_search_text(amal_api, personas):
    case = make_case(personas.amal)
    amal_api.post("/cases/search", {"search": case.person.given_name})
    event = AuditEvent.objects.filter(action="case.list").get()
    assert event.detail["filters"] == ["search"]
    assert event.detail["cases"] == [case.pk]
    assert case.person.given_name not in json.dumps(event.detail)


def test_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases" in schema["paths"]
    assert "patch" in schema["paths"]["/api/v1/cases/{case_id}"]


def test_list_query_count_does_not_grow_with_cases(amal_api, personas, django_assert_num_queries):
    for _ in range(3):
        make_case(personas.amal)
    amal_api.get("/cases")  # the token's first use is recorded once
    queries = 6  # the list read is audited
    with django_assert_num_queries(queries):
        assert amal_api.get("/cases").json()["count"] == 3
    for _ in range(12):
        make_case(personas.amal)
    with django_assert_num_queries(queries):
        assert amal_api.get("/cases").json()["count"] == 15


def test_broad_lists_report_a_capped_count(amal_api, personas, monkeypatch, client):
    monkeypatch.setattr("pave.cases.services.persons.COUNT_CAP", 2)
    for _ in range(3):
        make_case(personas.amal)
    body = amal_api.get("/cases").json()
    assert (body["count"], body["count_exact"]) == (2, False)
    assert len(body["results"]) == 3
    narrow = amal_api.post("/cases/search", {"search": body["results"][0]["reference"]}).json()
    assert (narrow["count"], narrow["count_exact"]) == (1, True)
    client.force_login(personas.amal)
    assert "More than 2 cases" in client.get("/cases/").content.decode()
