"""The screening API: the /assess contract, instruments, screenings, opening a case, visits."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.utils import timezone

from pave.core.models import AuditEvent
from pave.screening.engine import assess_batch, load_instruments
from pave.screening.models import Screening
from pave.screening.services import screening_open_case
from pave.screening.tests.test_docs_examples import examples
from pave.screening.tests.test_services import (
    ICLS_V2,
    TRAFFICKING_ANSWERS,
    informed_consent,
    make_visit,
    submit,
)
from pave.testing import Api

SCREENING_API = "/api/v1/screening"


@pytest.fixture
def dina_api(client, personas):
    return Api(client, personas.dina, base=SCREENING_API)


def screening_body(**overrides):
    body = {
        "instrument": "ilo-2009-adult-labour",
        "answers": TRAFFICKING_ANSWERS,
        "interviewed_on": timezone.localdate().isoformat(),
        "language": "ti",
        "interpreter_used": True,
        "consent": informed_consent(),
        "subject": {
            "detainee_number": "RM-77",
            "sex": "female",
            "age_estimate": 30,
            "citizenship": ["ER"],
        },
    }
    body.update(overrides)
    return body


# --- POST /assess ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "request_text", "lang", "expected"), examples("example"))
def test_assess_gives_the_documented_results(dina_api, name, request_text, lang, expected):
    response = dina_api.post("/assess", request_text, raw=True)
    assert response.status_code == 200, response.content
    assert response.json() == json.loads(expected), name


@pytest.mark.parametrize(("name", "request_text", "lang", "expected"), examples("error-example"))
def test_assess_errors_are_400_with_the_cli_message(dina_api, name, request_text, lang, expected):
    response = dina_api.post("/assess", request_text, raw=True)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == expected.strip()
    assert list(body["errors"].values()) == [[expected.strip()]]


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ({"instrument": "foo", "answers": {}}, "instrument", "unknown instrument 'foo'"),
        (
            {"instrument": "ilo-2009-adult-labour", "version": 3, "answers": {}},
            "version",
            "unknown version 3 of instrument 'ilo-2009-adult-labour' (known: 1)",
        ),
        (
            {"instrument": "ilo-2009-adult-labour", "answers": {"dr.nope": True}},
            "dr.nope",
            "unknown indicator 'dr.nope' for ilo-2009-adult-labour v1",
        ),
        (
            {"instrument": "ilo-2009-adult-labour", "answers": {"dr.wages": 1}},
            "dr.wages",
            "answer for 'dr.wages' must be true, false or null, got 1",
        ),
        ({"instrument": "ilo-2009-adult-labour"}, "answers", "missing key 'answers' in request"),
        (
            "just text",
            "__all__",
            "request must be a JSON object or an array of objects, got string",
        ),
    ],
)
def test_assess_names_the_offending_key(dina_api, body, key, message):
    response = dina_api.post("/assess", body)
    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": {key: [message]}}


def test_assess_refuses_invalid_json_and_oversized_batches(dina_api):
    response = dina_api.post("/assess", "{not json", raw=True)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("request body is not valid JSON")
    batch = [{"instrument": "icls-2018-forced-labour", "answers": {}}] * 1001
    response = dina_api.post("/assess", batch)
    assert response.status_code == 400
    assert response.json()["detail"] == "a batch holds at most 1000 requests, got 1001"
    assert dina_api.post("/assess", batch[:1000]).status_code == 200


def test_assess_refuses_a_body_over_the_upload_limit(dina_api):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        response = dina_api.post("/assess", [{"instrument": "x", "answers": {}}] * 10)
    assert response.status_code == 400
    assert response.json()["detail"] == "request body is too large"


def test_assess_stores_nothing(dina_api):
    events = AuditEvent.objects.count()
    dina_api.post(
        "/assess", {"instrument": "ilo-2009-adult-labour", "answers": TRAFFICKING_ANSWERS}
    )
    assert not Screening.objects.exists()
    assert AuditEvent.objects.count() == events


def test_assess_needs_authentication(client):
    response = client.post("/api/v1/screening/assess", "{}", content_type="application/json")
    assert response.status_code == 401


def test_assess_is_the_same_contract_as_the_engine(dina_api):
    batch = [
        {"instrument": "ilo-2009-child-labour", "answers": {"dr.education": True}},
        {"instrument": "icls-2018-forced-labour", "version": 1, "answers": {}},
    ]
    assert dina_api.post("/assess", batch).json() == assess_batch(load_instruments(), batch)


# --- GET /instruments ------------------------------------------------------------------------


def test_instruments_list_dimensions_and_labelled_indicators(dina_api):
    response = dina_api.get("/instruments")
    assert response.status_code == 200
    by_code = {i["code"]: i for i in response.json()}
    assert set(by_code) == {
        "ilo-2009-adult-labour",
        "ilo-2009-child-labour",
        "icls-2018-forced-labour",
    }
    adult = by_code["ilo-2009-adult-labour"]
    assert adult["version"] == 1 and adult["latest"] is True
    assert [d["code"] for d in adult["dimensions"]] == ["dr", "cr", "ar", "ex", "cd", "ad"]
    assert sum(len(d["indicators"]) for d in adult["dimensions"]) == 67
    first = adult["dimensions"][0]["indicators"][0]
    assert first == {
        "code": "dr.job_nature",
        "strength": "strong",
        "label": "Deceived about the nature of the job, its location or the employer",
    }
    assert by_code["ilo-2009-child-labour"]["derived_from"] == "ilo-2009-adult-labour v1"
    assert [o["code"] for o in adult["outcomes"]][0] == "trafficking"


def test_instruments_include_the_extra_directory(dina_api, tmp_path):
    (tmp_path / "icls.v2.yaml").write_text(ICLS_V2, encoding="utf-8")
    with override_settings(PAVE_INSTRUMENTS_DIR=str(tmp_path)):
        response = dina_api.get("/instruments", code="icls-2018-forced-labour")
        versions = [(i["version"], i["latest"]) for i in response.json()]
        assert versions == [(1, False), (2, True)]
        latest = dina_api.get("/instruments", latest_only="true").json()
        assert len(latest) == 3


# --- screenings ------------------------------------------------------------------------------


def test_create_screening_returns_the_stored_assessment(dina_api):
    response = dina_api.post("/screenings", screening_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["instrument"] == "ilo-2009-adult-labour" and body["version"] == 1
    assert body["outcome"] == "trafficking" and body["flagged_for_follow_up"] is True
    assert body["assessment"]["outcome_label"].startswith("Presumed victim")
    assert body["assessment"]["explanation"]
    assert body["subject"]["anonymous"] is True
    assert body["subject"]["detainee_number"] == "RM-77"
    assert body["consent"]["given"] is True and body["consent"]["method"] == "verbal"
    assert body["interviewer"] == "dina" and body["case"] is None


@pytest.mark.parametrize("answer", [1, "yes", 0, "true"])
def test_create_screening_refuses_non_boolean_answers(dina_api, answer):
    response = dina_api.post("/screenings", screening_body(answers={"dr.wages": answer}))
    assert response.status_code == 422
    assert "answers.dr.wages" in response.json()["errors"]
    assert not Screening.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"instrument": "nope"}, "instrument"),
        ({"answers": {"dr.nope": True}}, "answers.dr.nope"),
        ({"consent": informed_consent(informed_purpose=False)}, "consent.informed_purpose"),
        ({"consent": {"given": True}}, "consent.method"),
        ({"subject": {"citizenship": ["ZZ"]}}, "subject.citizenship"),
        ({"subject": {"age_estimate": 200}}, "subject.age_estimate"),
        ({"language": "Amharic"}, "language"),
    ],
)
def test_create_screening_errors_name_the_field(dina_api, overrides, key):
    response = dina_api.post("/screenings", screening_body(**overrides))
    assert response.status_code == 422, response.content
    assert key in response.json()["errors"], response.json()


def test_refusal_through_the_api_stores_no_answers(dina_api):
    refused = {"given": False, "informed_purpose": True}
    response = dina_api.post("/screenings", screening_body(consent=refused))
    assert response.status_code == 422
    assert {"answers", "subject"} <= set(response.json()["errors"])
    response = dina_api.post("/screenings", screening_body(consent=refused, answers={}, subject={}))
    assert response.status_code == 201
    body = response.json()
    assert body["refused"] is True and body["answers"] == {} and body["assessment"] == {}
    assert body["outcome"] == "" and body["flagged_for_follow_up"] is False


def test_list_filters_and_finds_by_detainee_number(dina_api, personas):
    submit(personas.dina, subject={"detainee_number": "RM-77"})
    submit(personas.dina, answers={}, subject={"detainee_number": "RM-78"})
    response = dina_api.post("/screenings/search", {"detainee_number": "rm 77"})
    assert response.status_code == 200
    assert [r["subject"]["detainee_number"] for r in response.json()["results"]] == ["RM-77"]
    assert dina_api.get("/screenings", flagged="false").json()["count"] == 1
    assert dina_api.get("/screenings", outcome="trafficking").json()["count"] == 1
    assert dina_api.get("/screenings").json()["count"] == 2
    event = AuditEvent.objects.filter(action="screening.list").order_by("id").first()
    assert event is not None
    assert "detainee_number" in event.detail["filters"] and "RM" not in str(event.detail)


def test_list_query_count_does_not_grow_with_rows(dina_api, personas, django_assert_num_queries):
    visit = make_visit(personas.dina)

    def add(numbers):
        for n in numbers:
            screening = submit(
                personas.dina, visit_id=visit.pk, subject={"detainee_number": f"RM-{n}"}
            )
            if n % 3 == 0:
                screening_open_case(
                    actor=personas.dina, screening_id=screening.pk, person={"given_name": f"P{n}"}
                )

    add(range(3))
    dina_api.get("/screenings")  # the token's first use is recorded once
    # Both reads are audited.
    listing, visit_page = 6, 6
    with django_assert_num_queries(listing):
        assert dina_api.get("/screenings").json()["count"] == 3
    with django_assert_num_queries(visit_page):
        assert len(dina_api.get(f"/visits/{visit.pk}").json()["screenings"]) == 3
    add(range(3, 12))
    with django_assert_num_queries(listing):
        assert dina_api.get("/screenings").json()["count"] == 12
    with django_assert_num_queries(visit_page):
        assert len(dina_api.get(f"/visits/{visit.pk}").json()["screenings"]) == 12


def test_places_and_visits_lists_query_count_does_not_grow(
    dina_api, personas, django_assert_num_queries
):
    make_visit(personas.dina, name="Adlieh")
    dina_api.get("/places")  # the token's first use is recorded once
    places, visits = 2, 2
    with django_assert_num_queries(places):
        assert len(dina_api.get("/places").json()) == 1
    with django_assert_num_queries(visits):
        assert len(dina_api.get("/visits").json()) == 1
    for name in ("Roumieh", "Tripoli", "Zahle"):
        submit(personas.dina, visit_id=make_visit(personas.dina, name=name).pk)
    with django_assert_num_queries(places):
        assert len(dina_api.get("/places").json()) == 4
    with django_assert_num_queries(visits):
        assert len(dina_api.get("/visits").json()) == 4


def test_reading_a_screening_is_audited(dina_api, personas):
    screening = submit(personas.dina)
    response = dina_api.get(f"/screenings/{screening.pk}")
    assert response.status_code == 200
    assert response.json()["subject"]["given_name"] == "Hiwot"
    event = AuditEvent.objects.get(action="screening.read")
    assert event.object_id == str(screening.pk) and "given_name" in event.fields


def test_old_screening_still_shows_its_version_after_a_new_one(dina_api, personas, tmp_path):
    answers = {"inv.very_low_wages": True, "coe.retained_documents": True}
    old = submit(personas.dina, instrument_code="icls-2018-forced-labour", answers=answers)
    (tmp_path / "icls.v2.yaml").write_text(ICLS_V2, encoding="utf-8")
    with override_settings(PAVE_INSTRUMENTS_DIR=str(tmp_path)):
        body = dina_api.get(f"/screenings/{old.pk}").json()
        assert (body["version"], body["outcome"]) == (1, "forced_labour")
        assert body["assessment"]["version"] == 1
        new = dina_api.post(
            "/screenings", screening_body(instrument="icls-2018-forced-labour", answers=answers)
        ).json()
        assert (new["version"], new["outcome"]) == (2, "no_indication")


def test_flag_endpoint(dina_api, personas):
    quiet = submit(personas.dina, answers={})
    response = dina_api.post(f"/screenings/{quiet.pk}/flag", {"flagged_for_follow_up": True})
    assert response.status_code == 200 and response.json()["flagged_for_follow_up"] is True
    loud = submit(personas.dina)
    response = dina_api.post(f"/screenings/{loud.pk}/flag", {"flagged_for_follow_up": False})
    assert response.status_code == 422


# --- opening a case --------------------------------------------------------------------------


def test_open_case_carries_over_and_links(dina_api, personas):
    screening = submit(personas.dina)
    response = dina_api.post(f"/screenings/{screening.pk}/open-case", {})
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["case_type"] == "victim_of_trafficking"
    assert case["identification_source"] == "screening"
    assert case["person"]["given_name"] == "Hiwot"
    assert case["person"]["citizenship"] == ["ET"]
    assert case["assigned_to"] == "dina"
    linked = dina_api.get(f"/screenings/{screening.pk}").json()
    assert linked["case"] == case["id"]
    again = dina_api.post(f"/screenings/{screening.pk}/open-case", {})
    assert again.status_code == 422 and "case" in again.json()["errors"]


def test_open_case_for_an_anonymous_screening_needs_a_name(dina_api, personas):
    screening = submit(personas.dina, subject={"detainee_number": "RM-9"})
    response = dina_api.post(f"/screenings/{screening.pk}/open-case", {})
    assert response.status_code == 422
    assert "person.given_name" in response.json()["errors"]
    response = dina_api.post(
        f"/screenings/{screening.pk}/open-case",
        {"person": {"given_name": "Almaz"}, "case_type": "vulnerable_migrant"},
    )
    assert response.status_code == 201
    assert response.json()["case_type"] == "vulnerable_migrant"


# --- places and visits -----------------------------------------------------------------------


def test_places_and_visits(dina_api, personas):
    place = dina_api.post(
        "/places", {"name": "Adlieh", "kind": "detention_centre", "country": "lb", "city": "Beirut"}
    )
    assert place.status_code == 201 and place.json()["country"] == "LB"
    duplicate = dina_api.post("/places", {"name": "Adlieh", "kind": "shelter", "country": "LB"})
    assert duplicate.status_code == 422
    today = timezone.localdate().isoformat()
    visit = dina_api.post(
        "/visits",
        {"place": place.json()["id"], "visited_on": today, "team": "GSD", "notes": "12 women met"},
    )
    assert visit.status_code == 201, visit.content
    visit_id = visit.json()["id"]
    created = dina_api.post("/screenings", screening_body(visit=visit_id))
    assert created.json()["place"] == place.json()["id"]
    detail = dina_api.get(f"/visits/{visit_id}").json()
    assert detail["notes"] == "12 women met"
    assert (detail["screened"], detail["flagged"]) == (1, 1)
    assert [s["id"] for s in detail["screenings"]] == [created.json()["id"]]
    assert [v["id"] for v in dina_api.get("/visits").json()] == [visit_id]
    assert [p["name"] for p in dina_api.get("/places").json()] == ["Adlieh"]
