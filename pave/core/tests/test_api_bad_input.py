"""Bad input never ends in a 500 (issue 12, item 9): each cause a schemathesis run found,
reproduced through the API, answered 422 in the error shape with nothing written."""

from __future__ import annotations

import json
import logging
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from ninja.openapi.schema import OpenAPISchema

from pave.accounts.roles import Role
from pave.api import api
from pave.core.models import AuditEvent
from pave.testing import Api, bearer, make_user
from pave.training.models import Event, Participant, Session
from pave.training.tests.conftest import OFFICERS, make_event, sheet_csv

NUL = "\x00"


def error_shape(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body


@pytest.fixture
def trainer(personas):
    return personas.by_role[Role.TRAINER]


@pytest.fixture
def admin(personas):
    return personas.by_role[Role.ADMINISTRATOR]


@pytest.mark.parametrize(
    "path",
    [
        "/notifications",
        "/screening/screenings",
        "/screening/visits",
        "/referrals",
        "/training/events",
        "/training/participants",
    ],
)
def test_a_huge_offset_is_refused_not_overflowed(client, admin, path):
    response = Api(client, admin).get(path, offset=2**64, limit=5)
    assert "query.offset" in error_shape(response, 422)["errors"]


@pytest.mark.parametrize(
    "path", ["/cases/search", "/screening/screenings/search", "/training/participants/search"]
)
def test_a_huge_offset_in_a_search_by_post_is_refused_not_overflowed(client, admin, path):
    response = Api(client, admin).post(path, {"offset": 2**64, "limit": 5})
    assert "offset" in error_shape(response, 422)["errors"]


def test_a_huge_id_in_a_path_or_body_is_refused(client, admin, personas):
    api = Api(client, admin)
    error_shape(api.get(f"/cases/{2**64}"), 422)
    body = {"case": 2**64, "to_org": "CLA", "services": [], "reason": "x"}
    assert "case" in error_shape(api.post("/referrals", body), 422)["errors"]


def test_a_path_no_operation_matches_answers_json_404(client, admin):
    api = Api(client, admin)
    error_shape(api.get("/cases/-1"), 404)
    error_shape(api.post("/cases/-1/reopen", {}), 404)


def test_a_negative_year_is_refused(client, trainer):
    response = Api(client, trainer).get("/training/events", year=-79508)
    assert "query.year" in error_shape(response, 422)["errors"]


def test_null_for_a_text_field_means_empty(client, trainer):
    event = make_event(trainer, description="Two days")
    response = Api(client, trainer).patch(f"/training/events/{event.pk}", {"description": None})
    assert response.status_code == 200, response.content
    assert response.json()["description"] == ""
    # Where the text is required, null is refused like an empty string.
    response = Api(client, trainer).patch(f"/training/events/{event.pk}", {"title": None})
    assert "title" in error_shape(response, 422)["errors"]


def test_null_for_a_catalogue_description_means_empty(client, personas):
    # The shared catalogue is the platform administrator's to change (issue 12, item 7).
    api = Api(client, make_user("host", personas.ngo, Role.PLATFORM_ADMINISTRATOR))
    created = api.post(
        "/assistance/service-types", {"code": "x", "family": "recovery", "name": "X"}
    )
    assert created.status_code == 201, created.content
    response = api.patch(f"/assistance/service-types/{created.json()['id']}", {"description": None})
    assert response.status_code == 200 and response.json()["description"] == ""


def test_assigning_a_case_to_a_user_that_does_not_exist_is_refused(client, personas):
    body = {
        "person": {"given_name": "Meron", "sex": "female"},
        "case_type": "victim_of_trafficking",
        "country": "LB",
        "assigned_to": 2**62,
    }
    response = Api(client, personas.bilal).post("/cases", body)
    assert "assigned_to" in error_shape(response, 422)["errors"]


COUNTRY_WRITES = [
    ("/training/events", {"title": "T", "event_type": "training_workshop", "country": "³"}),
    (
        "/training/participants",
        {"full_name": "Rima", "stakeholder_group": "public", "country": "³"},
    ),
    ("/screening/places", {"name": "Centre", "kind": "detention_centre", "country": "³"}),
    ("/referrals/directory", {"service": "shelter", "country": "³"}),
]


@pytest.mark.parametrize(("path", "body"), COUNTRY_WRITES)
def test_a_country_that_is_not_an_iso_code_is_refused(client, admin, path, body):
    api = Api(client, admin)
    events = AuditEvent.objects.count()
    response = api.post(path, body)
    assert response.status_code in (403, 422), response.content
    error_shape(response, response.status_code)
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "path", ["/training/events", "/training/participants", "/referrals/directory", "/cases"]
)
def test_a_country_filter_that_is_not_an_iso_code_finds_nothing_or_is_refused(client, admin, path):
    response = Api(client, admin).get(path, country="³")
    assert response.status_code in (200, 422), response.content


def test_a_session_time_with_a_time_zone_is_refused_and_nothing_written(client, trainer):
    event, api = make_event(trainer), Api(client, trainer)
    sessions, events = Session.objects.count(), AuditEvent.objects.count()
    body = {"date": "2014-06-11", "starts_at": "09:00:00+02:00", "ends_at": "17:00:00"}
    response = api.post(f"/training/events/{event.pk}/sessions", body)
    assert "starts_at" in error_shape(response, 422)["errors"]
    assert Session.objects.count() == sessions
    assert AuditEvent.objects.count() == events


def test_a_local_session_time_is_still_accepted(client, trainer):
    event = make_event(trainer)
    body = {"date": "2014-06-11", "starts_at": "09:00:00", "ends_at": "17:00"}
    response = Api(client, trainer).post(f"/training/events/{event.pk}/sessions", body)
    assert response.status_code == 201, response.content


# --- NUL characters: PostgreSQL cannot store them; refused everywhere, before any write -------


def test_nul_in_json_text_is_refused_naming_the_field(client, trainer):
    api = Api(client, trainer)
    events = AuditEvent.objects.count()
    body = {"title": f"Bad{NUL}title", "event_type": "training_workshop", "country": "LB"}
    response = api.post("/training/events", body)
    assert error_shape(response, 422)["errors"] == {"title": ["Null characters are not allowed."]}
    assert Event.objects.count() == 0 and AuditEvent.objects.count() == events


def test_nul_in_nested_json_and_keys_is_refused(client, admin, personas):
    body = {"person": {"given_name": f"M{NUL}", "sex": "female"}, "case_type": "x", "country": "LB"}
    response = Api(client, personas.bilal).post("/cases", body)
    assert "person.given_name" in error_shape(response, 422)["errors"]
    response = Api(client, admin).post("/screening/places", {f"na{NUL}me": "x"})
    error_shape(response, 422)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/training/participants",
            {"full_name": "Rima", "stakeholder_group": "public", "affiliation": f"G{NUL}S"},
        ),
        (
            "/screening/places",
            {"name": f"Centre{NUL}", "kind": "detention_centre", "country": "LB"},
        ),
    ],
)
def test_nul_in_affiliations_and_place_names_is_refused(client, admin, path, body):
    api = Api(client, admin)
    events = AuditEvent.objects.count()
    error_shape(api.post(path, body), 422)
    assert AuditEvent.objects.count() == events


def test_nul_in_a_query_parameter_is_refused(client, trainer):
    response = Api(client, trainer).get("/training/participants", country=f"L{NUL}B")
    assert error_shape(response, 422)["errors"] == {"country": ["Null characters are not allowed."]}


def test_nul_in_a_path_is_refused(client, admin):
    response = client.get("/api/v1/reports/assistance-in-numbers/a%00b/records", **bearer(admin))
    error_shape(response, 422)


def upload(client, user, event, content, **form):
    data = {"file": SimpleUploadedFile("sheet.csv", content, "text/csv"), **form}
    return client.post(f"/api/v1/training/events/{event.pk}/import", data, **bearer(user))


def test_nul_in_a_sign_in_sheet_cell_is_a_problem_of_its_row(client, trainer):
    event = make_event(trainer)
    rows = [*OFFICERS[:1], [f"Karim{NUL}Saad", "M", f"General{NUL}Security", "public", "LB"]]
    dry = upload(client, trainer, event, sheet_csv(rows), max_score="20")
    assert dry.status_code == 200, dry.content
    problems = [(p["row"], p["column"]) for p in dry.json()["problems"]]
    assert (3, "Name") in problems and (3, "Organisation") in problems
    real = upload(client, trainer, event, sheet_csv(rows), max_score="20", dry_run="false")
    error_shape(real, 422)
    assert Participant.objects.count() == 0


def test_nul_in_an_upload_form_field_is_refused(client, trainer):
    event = make_event(trainer)
    response = upload(client, trainer, event, sheet_csv(OFFICERS), affiliation=f"G{NUL}S")
    assert "affiliation" in error_shape(response, 422)["errors"]


def test_nul_in_a_web_query_or_form_is_refused_with_400(client, trainer):
    client.force_login(trainer)
    assert client.get("/training/events/", {"country": f"L{NUL}B"}).status_code == 400
    assert client.post("/training/events/new/", {"title": f"x{NUL}"}).status_code == 400
    assert Event.objects.count() == 0


# --- the error shape for what is not the caller's fault --------------------------------------


def test_an_unexpected_failure_answers_500_in_the_error_shape_and_logs_no_data(
    client, admin, caplog
):
    with (
        mock.patch(
            "pave.notifications.selectors.notifications_for_user",
            side_effect=RuntimeError("Meron Tesfaye EP0000001"),
        ),
        caplog.at_level(logging.ERROR, logger="pave.api"),
    ):
        response = Api(client, admin).get("/notifications", unread="true")
    body = error_shape(response, 500)
    assert "Meron" not in json.dumps(body)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "pave.api")
    assert "RuntimeError" in logged and "list_notifications" in logged
    assert "Meron" not in logged


def test_a_body_too_large_answers_413_in_the_error_shape(client, trainer):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        body = {"title": "x" * 200, "event_type": "training_workshop", "country": "LB"}
        response = Api(client, trainer).post("/training/events", body)
    error_shape(response, 413)


def test_a_body_that_is_not_json_answers_400_in_the_error_shape(client, trainer):
    response = Api(client, trainer).post("/training/events", "{not json", raw=True)
    error_shape(response, 400)


# --- the OpenAPI -------------------------------------------------------------------------------


def test_no_two_different_schemas_share_a_name_in_the_openapi():
    seen: dict[str, set[str]] = {}
    original = OpenAPISchema.add_schema_definitions

    def record(self, definitions):
        for name, definition in definitions.items():
            seen.setdefault(name, set()).add(json.dumps(definition, sort_keys=True))
        original(self, definitions)

    with mock.patch.object(OpenAPISchema, "add_schema_definitions", record):
        schema = api.get_openapi_schema()
    clashes = {name for name, shapes in seen.items() if len(shapes) > 1}
    assert not clashes
    assert "ScreeningConsentIn" in schema["components"]["schemas"]
    assert "ConsentIn" in schema["components"]["schemas"]


def test_a_case_in_a_country_that_is_not_an_iso_code_is_refused(client, personas):
    body = {
        "person": {"given_name": "Meron", "sex": "female"},
        "case_type": "victim_of_trafficking",
        "country": "³",
        "country_of_exploitation": "³",
    }
    errors = error_shape(Api(client, personas.bilal).post("/cases", body), 422)["errors"]
    assert "country" in errors
