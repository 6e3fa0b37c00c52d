"""/api/v1/training: events, sessions, participants, sheets, certificates, aggregates."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pave.accounts.roles import Role
from pave.testing import bearer
from pave.training.models import Participant
from pave.training.tests.conftest import OFFICERS, make_event, run_import, sheet_csv

pytestmark = pytest.mark.django_db
BASE = "/api/v1/training"


def post(client, user, path, body=None):
    return client.post(
        path, json.dumps(body or {}), content_type="application/json", **bearer(user)
    )


def upload(client, user, event, content, **fields):
    data = {"file": SimpleUploadedFile("sheet.csv", content, "text/csv"), **fields}
    return client.post(f"{BASE}/events/{event.pk}/import", data, **bearer(user))


def test_create_read_and_update_an_event(client, trainer, personas):
    body = {
        "title": "Regional policy dialogue",
        "event_type": "policy_dialogue",
        "country": "jo",
        "city": "Amman",
        "topics": ["protection framework"],
        "partners": ["GSD-LB"],
    }
    created = post(client, trainer, f"{BASE}/events", body)
    assert created.status_code == 201, created.content
    event = created.json()
    assert event["country"] == "JO" and event["partners"][0]["code"] == "GSD-LB"
    session = post(
        client,
        trainer,
        f"{BASE}/events/{event['id']}/sessions",
        {"date": "2014-06-10", "end_date": "2014-06-12", "venue": "Dead Sea"},
    )
    assert session.status_code == 201 and session.json()["end_date"] == "2014-06-12"
    patched = client.patch(
        f"{BASE}/events/{event['id']}",
        json.dumps({"title": "First regional policy dialogue", "partners": []}),
        content_type="application/json",
        **bearer(trainer),
    )
    assert patched.status_code == 200
    assert patched.json()["partners"] == [] and len(patched.json()["sessions"]) == 1


def test_event_errors_name_the_fields(client, trainer):
    response = post(
        client,
        trainer,
        f"{BASE}/events",
        {"title": "x", "event_type": "party", "country": "LB", "partners": ["NOPE"]},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"partners"}
    response = post(
        client, trainer, f"{BASE}/events", {"title": "x", "event_type": "party", "country": "LB"}
    )
    assert "event_type" in response.json()["errors"]


def test_event_list_counts_people_not_rows(client, trainer, two_session_event):
    first, second = two_session_event.sessions.order_by("date")
    run_import(trainer, two_session_event, sheet_csv(OFFICERS), session_id=first.pk)
    run_import(trainer, two_session_event, sheet_csv(OFFICERS), session_id=second.pk)
    listing = client.get(f"{BASE}/events", **bearer(trainer))
    assert listing.status_code == 200
    (row,) = listing.json()["results"]
    assert (row["participants"], row["sessions"]) == (3, 2)
    assert (row["first_day"], row["last_day"]) == ("2013-10-29", "2014-01-22")


def test_import_dry_run_then_for_real(client, trainer, event):
    dry = upload(client, trainer, event, sheet_csv(OFFICERS), max_score="20")
    assert dry.status_code == 200, dry.content
    body = dry.json()
    assert body["dry_run"] and not body["imported"] and body["new_participants"] == 3
    assert Participant.objects.count() == 0
    real = upload(client, trainer, event, sheet_csv(OFFICERS), dry_run="false", max_score="20")
    assert real.status_code == 200 and real.json()["created"] == 3
    assert Participant.objects.count() == 3


def test_a_sheet_with_problems_imports_nothing_and_names_rows(client, trainer, event):
    rows = [*OFFICERS, ["Rima", "Q", "GS", "public", "LB", "", "", ""]]
    dry = upload(client, trainer, event, sheet_csv(rows))
    assert dry.status_code == 200 and dry.json()["problems"][0]["row"] == 5
    real = upload(client, trainer, event, sheet_csv(rows), dry_run="false")
    assert real.status_code == 422
    assert list(real.json()["errors"]) == ["row 5: Sex"]
    assert Participant.objects.count() == 0


def test_roster_attendance_scores_and_adding_someone(client, trainer, attended):
    session = attended.sessions.get()
    roster = client.get(f"{BASE}/events/{attended.pk}/participants", **bearer(trainer)).json()
    assert len(roster["participants"]) == 3 and roster["knowledge"]["tested"] == 2
    person = {
        "full_name": "Rima Azar",
        "sex": "female",
        "stakeholder_group": "journalist",
        "sessions": [session.pk],
        "pre_score": 4,
        "post_score": 9,
        "max_score": 10,
    }
    added = post(client, trainer, f"{BASE}/events/{attended.pk}/participants", person)
    assert added.status_code == 201 and added.json()["created"] is True
    again = post(client, trainer, f"{BASE}/events/{attended.pk}/participants", person)
    assert again.status_code == 200 and again.json()["created"] is False
    pid = added.json()["participant"]["id"]
    mark = post(
        client,
        trainer,
        f"{BASE}/events/{attended.pk}/attendance",
        {"participant": pid, "session": session.pk, "present": False},
    )
    assert mark.status_code == 200 and mark.json()["present"] is False
    test = post(
        client,
        trainer,
        f"{BASE}/events/{attended.pk}/tests",
        {"participant": pid, "pre_score": 2, "post_score": 8, "max_score": 10},
    )
    assert test.status_code == 200 and test.json()["gain_percent"] == "60.0"
    bad = post(
        client,
        trainer,
        f"{BASE}/events/{attended.pk}/tests",
        {"participant": pid, "post_score": 11, "max_score": 10},
    )
    assert bad.status_code == 422 and "post_score" in bad.json()["errors"]


def test_participants_search_detail_update_and_merge(client, trainer, attended):
    listing = post(client, trainer, f"{BASE}/participants/search", {"name": "nour haddad"})
    (nour,) = listing.json()["results"]
    detail = client.get(f"{BASE}/participants/{nour['id']}", **bearer(trainer)).json()
    assert detail["sessions"][0]["event"] == attended.pk
    created = post(
        client,
        trainer,
        f"{BASE}/participants",
        {
            "full_name": "Nour Hadad",
            "stakeholder_group": "government_officer",
            "affiliation": "General Security",
            "country": "LB",
            "email": "nour@gs.lb",
        },
    )
    assert created.status_code == 201
    duplicate = post(
        client,
        trainer,
        f"{BASE}/participants",
        {
            "full_name": "nour haddad",
            "stakeholder_group": "government_officer",
            "affiliation": "General Security",
            "country": "LB",
        },
    )
    assert duplicate.status_code == 422 and str(nour["id"]) in duplicate.content.decode()
    patched = client.patch(
        f"{BASE}/participants/{created.json()['id']}",
        json.dumps({"title": "Captain"}),
        content_type="application/json",
        **bearer(trainer),
    )
    assert patched.json()["title"] == "Captain"
    merged = post(
        client,
        trainer,
        f"{BASE}/participants/{nour['id']}/merge",
        {"merge_id": created.json()["id"]},
    )
    assert merged.status_code == 200 and merged.json()["participant"]["email"] == "nour@gs.lb"
    assert Participant.objects.count() == 3


def test_certificates_pdf_and_revocation(client, trainer, attended):
    issued = post(client, trainer, f"{BASE}/events/{attended.pk}/certificates")
    assert issued.status_code == 200 and len(issued.json()) == 3
    first = issued.json()[0]
    assert first["valid"] and first["verify"].startswith("/verify/")
    pdf = client.get(first["pdf"], **bearer(trainer))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    revoked = post(client, trainer, f"{BASE}/certificates/{first['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["valid"] is False
    assert post(client, trainer, f"{BASE}/certificates/{first['id']}/revoke").status_code == 422


def test_export_as_csv_and_xlsx(client, trainer, attended):
    csv = client.get(f"{BASE}/events/{attended.pk}/export", **bearer(trainer))
    assert csv.status_code == 200 and "Nour Haddad" in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"{BASE}/events/{attended.pk}/export", {"format": "xlsx"}, **bearer(trainer))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        client.get(
            f"{BASE}/events/{attended.pk}/export", {"format": "pdf"}, **bearer(trainer)
        ).status_code
        == 422
    )


def test_aggregates_for_managers_and_donors(client, trainer, personas, attended):
    own = client.get(
        f"{BASE}/aggregates", {"from": "2014-01-01", "to": "2014-12-31"}, **bearer(trainer)
    ).json()
    assert own["participants"] == 3 and own["suppressed"] is False
    assert own["by_stakeholder_group"]["government_officer"] == 3
    preview = client.get(f"{BASE}/aggregates", {"suppressed": "true"}, **bearer(trainer)).json()
    assert preview["participants"] is None and preview["threshold"] == 5
    donor = client.get(f"{BASE}/aggregates", **bearer(personas.by_role[Role.DONOR_VIEWER])).json()
    assert donor["suppressed"] is True and donor["by_sex"]["female"] is None
    outside = client.get(
        f"{BASE}/aggregates",
        {"organisation": "BMS"},
        **bearer(personas.other_by_role[Role.DONOR_VIEWER]),
    )
    assert outside.status_code == 404
    empty = client.get(f"{BASE}/aggregates", {"from": "2015-01-01"}, **bearer(trainer)).json()
    assert empty["participants"] == 0
    wrong = client.get(
        f"{BASE}/aggregates", {"from": "2015-01-01", "to": "2014-01-01"}, **bearer(trainer)
    )
    assert wrong.status_code == 422


def _queries(client, user, path, **params):
    headers = bearer(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params, **headers)
    assert response.status_code == 200, response.content
    return len(captured)


def test_lists_cost_the_same_number_of_queries_however_long(client, trainer):
    event = make_event(trainer)
    run_import(trainer, event, sheet_csv(OFFICERS[:1]))
    # Queries per list, measured (a new token each time: its first use is recorded).
    expected = {
        f"{BASE}/events": 5,
        f"{BASE}/participants": 7,  # the reads of people are audited
        f"{BASE}/events/{event.pk}/participants": 12,
        f"{BASE}/aggregates": 4,
    }
    for path, queries in expected.items():
        assert _queries(client, trainer, path) == queries, path
    for n in range(4):
        other = make_event(trainer, title=f"Event {n}")
        rows = [[f"Person {n} {k}", "F", f"Org {n}", "public", "LB", "", "", ""] for k in range(5)]
        run_import(trainer, other, sheet_csv(rows))
        run_import(trainer, event, sheet_csv(rows))
    for path, queries in expected.items():
        assert _queries(client, trainer, path) == queries, path


def test_filtering_by_year_keeps_the_whole_event(client, trainer, two_session_event):
    listing = client.get(f"{BASE}/events", {"year": 2014}, **bearer(trainer)).json()
    (row,) = listing["results"]
    assert (row["sessions"], row["first_day"]) == (2, "2013-10-29")
    assert client.get(f"{BASE}/events", {"year": 2012}, **bearer(trainer)).json()["count"] == 0


def test_the_operation_ids_survive_the_split_of_the_api_into_routers(client):
    """Clients generated from the OpenAPI name operations by these ids."""
    schema = client.get("/api/v1/openapi.json").json()
    ids = {
        operation["operationId"]
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/training/")
        for operation in operations.values()
    }
    assert len(ids) == 21  # 20, and search_participants (issue 12: searches by POST)
    assert all(i.startswith("pave_training_api_") and i.count("api_") == 1 for i in ids)
    assert {"pave_training_api_list_events", "pave_training_api_participants_aggregates"} <= ids
