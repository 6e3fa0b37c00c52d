"""The referrals API: consent, referral life cycle, what each side reads, the directory."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from pave.accounts.models import Organisation
from pave.accounts.roles import Role
from pave.referrals import services
from pave.referrals.models import Referral
from pave.referrals.tests.conftest import offers, record_consent, send, service_ids
from pave.testing import bearer, make_case, person_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/referrals"


def post(client, user, path, body=None):
    return client.post(
        path, json.dumps(body or {}), content_type="application/json", **bearer(user)
    )


def referral_body(case, to_org="ARC-ET", **overrides):
    body = {
        "case": case.pk,
        "to_org": to_org,
        "services": ["shelter", "reception-on-arrival"],
        "reason": "MigrationOrChangeOfLocation",
        "details_for_receiver": "Flight ET-409 on Monday",
        "shared_fields": ["given_name", "languages"],
    }
    body.update(overrides)
    organisation = Organisation.objects.filter(code=body["to_org"]).first()
    if organisation is not None:
        offers(organisation, *body["services"])
    return body


# --- consent ---------------------------------------------------------------------------------


def test_consent_is_recorded_listed_and_withdrawn(client, personas, partner, the_case):
    response = post(
        client,
        personas.amal,
        f"{BASE}/cases/{the_case.pk}/consents",
        {
            "purpose": "referral",
            "organisation": "ARC-ET",
            "given_on": timezone.localdate().isoformat(),
            "how_obtained": "verbal",
            "notes": "Interpreter present",
        },
    )
    assert response.status_code == 201, response.content
    consent = response.json()
    assert consent["organisation"]["code"] == "ARC-ET" and consent["active"]
    assert consent["obtained_by"] == "amal"

    listing = client.get(f"{BASE}/cases/{the_case.pk}/consents", **bearer(personas.amal))
    assert [c["id"] for c in listing.json()] == [consent["id"]]
    assert listing.json()[0]["notes"] == "Interpreter present"

    withdrawn = post(client, personas.amal, f"{BASE}/consents/{consent['id']}/withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_on"] == timezone.localdate().isoformat()
    assert withdrawn.json()["active"] is False


def test_consent_errors_use_the_project_shape(client, personas, the_case):
    response = post(
        client,
        personas.amal,
        f"{BASE}/cases/{the_case.pk}/consents",
        {
            "purpose": "referral",
            "organisation": "NOPE",
            "given_on": "2014-01-01",
            "how_obtained": "verbal",
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "The data is not valid."
    assert "organisation" in response.json()["errors"]


# --- sending ---------------------------------------------------------------------------------


def test_referral_without_consent_is_refused_with_a_clear_message(
    client, personas, partner, the_case
):
    response = post(client, personas.amal, BASE, referral_body(the_case))
    assert response.status_code == 422
    message = response.json()["errors"]["consent"][0]
    assert "has not given valid consent to be referred to Addis Reintegration Centre" in message
    assert not Referral.objects.exists()


def test_case_worker_override_is_403_and_manager_override_is_201(
    client, personas, partner, the_case
):
    body = referral_body(
        the_case, override_ground="danger_to_life", override_reason="Detained; cannot be reached"
    )
    refused = post(client, personas.amal, BASE, body)
    assert refused.status_code == 403
    assert "Only a case manager or an administrator" in refused.json()["detail"]
    sent = post(client, personas.bilal, BASE, body)
    assert sent.status_code == 201, sent.content
    assert sent.json()["consent_overridden"] is True
    assert sent.json()["override_reason"] == "Detained; cannot be reached"
    assert sent.json()["override_ground"] == "danger_to_life"


def test_unknown_codes_are_field_errors(client, personas, partner, the_case, consent):
    response = post(client, personas.amal, BASE, referral_body(the_case, services=["spa"]))
    assert response.status_code == 422 and "services" in response.json()["errors"]
    response = post(client, personas.amal, BASE, referral_body(the_case, to_org="ZZZ"))
    assert response.status_code == 422 and "to_org" in response.json()["errors"]


def test_cross_border_referral_shows_the_countries(client, personas, partner, the_case, consent):
    response = post(client, personas.amal, BASE, referral_body(the_case))
    assert response.status_code == 201
    data = response.json()
    assert data["from_org"]["country"] == "LB" and data["to_org"]["country"] == "ET"
    assert data["side"] == "sent" and data["case"] == the_case.pk
    assert data["case_reference"] == the_case.reference
    assert {s["code"] for s in data["services"]} == {"shelter", "reception-on-arrival"}


# --- the receiving side ----------------------------------------------------------------------


def test_receiver_json_holds_only_the_shared_fields(client, personas, partner, the_case, consent):
    referral_id = post(client, personas.amal, BASE, referral_body(the_case)).json()["id"]
    response = client.get(f"{BASE}/{referral_id}", **bearer(partner.fatima))
    assert response.status_code == 200
    data = response.json()
    assert data["side"] == "received"
    assert data["shared"] == {"given_name": "Selamawit", "languages": ["am"]}
    assert data["case"] is None and data["case_reference"] is None
    assert data["override_reason"] is None
    body = response.content.decode()
    person = the_case.person
    for secret in (person.family_name, person.phone, person.identity_number, the_case.reference):
        assert secret not in body
    assert "family_name" not in body and "birth_date" not in body


def test_receiver_no_longer_sees_the_person_once_closed(
    client, personas, partner, the_case, consent
):
    referral_id = post(client, personas.amal, BASE, referral_body(the_case)).json()["id"]
    declined = post(
        client, partner.fatima, f"{BASE}/{referral_id}/decline", {"reason": "No places left"}
    )
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined" and declined.json()["shared"] is None
    assert "Selamawit" not in declined.content.decode()
    assert declined.json()["decline_reason"] == "No places left"


def test_other_organisations_get_404(client, personas, partner, referral):
    for user in (personas.ravi, personas.other_by_role[Role.ADMINISTRATOR]):
        response = client.get(f"{BASE}/{referral.pk}", **bearer(user))
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "errors": {}}


# --- transitions -----------------------------------------------------------------------------


def test_life_cycle_through_the_api(client, personas, partner, referral):
    accepted = post(client, partner.fatima, f"{BASE}/{referral.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["responded_at"]
    again = post(client, partner.fatima, f"{BASE}/{referral.pk}/accept")
    assert again.status_code == 422
    assert "can no longer be accepted" in again.json()["errors"]["status"][0]
    completed = post(client, partner.fatima, f"{BASE}/{referral.pk}/complete")
    assert completed.status_code == 200 and completed.json()["completed_at"]
    revoke = post(client, personas.amal, f"{BASE}/{referral.pk}/revoke", {"reason": "x"})
    assert revoke.status_code == 422


def test_decline_without_reason_is_422(client, personas, partner, referral):
    missing = post(client, partner.fatima, f"{BASE}/{referral.pk}/decline")
    assert missing.status_code == 422 and "reason" in missing.json()["errors"]
    empty = post(client, partner.fatima, f"{BASE}/{referral.pk}/decline", {"reason": " "})
    assert empty.status_code == 422 and "reason" in empty.json()["errors"]


def test_sender_cannot_accept_and_receiver_cannot_revoke(client, personas, partner, referral):
    assert post(client, personas.bilal, f"{BASE}/{referral.pk}/accept").status_code == 403
    revoke = post(client, partner.fatima, f"{BASE}/{referral.pk}/revoke", {"reason": "x"})
    assert revoke.status_code == 403


def test_transfer_moves_access_through_the_api(client, personas, partner, the_case, consent):
    body = referral_body(the_case, transfer_ownership=True)
    referral_id = post(client, personas.bilal, BASE, body).json()["id"]
    assert post(client, partner.fatima, f"{BASE}/{referral_id}/accept").status_code == 200
    assert client.get(f"/api/v1/cases/{the_case.pk}", **bearer(personas.amal)).status_code == 404
    mine = client.get(f"/api/v1/cases/{the_case.pk}", **bearer(partner.fatima))
    assert mine.status_code == 200 and mine.json()["organisation"] == "ARC-ET"


# --- lists -----------------------------------------------------------------------------------


def test_lists_flag_overdue_referrals(client, personas, partner, referral):
    Referral.objects.filter(pk=referral.pk).update(
        due_by=timezone.now() - datetime.timedelta(hours=1)
    )
    received = client.get(BASE, {"box": "received"}, **bearer(partner.fatima)).json()
    assert received["results"][0]["overdue"] is True
    sent = client.get(BASE, {"box": "sent"}, **bearer(personas.amal)).json()
    assert sent["results"][0]["overdue"] is True
    assert sent["results"][0]["case_reference"] == referral.case.reference
    assert received["results"][0]["case_reference"] is None
    only_late = client.get(BASE, {"box": "received", "overdue": "false"}, **bearer(partner.fatima))
    assert only_late.json()["count"] == 0


def test_bad_box_is_a_field_error(client, personas):
    response = client.get(BASE, {"box": "spam"}, **bearer(personas.amal))
    assert response.status_code == 422 and "box" in response.json()["errors"]


def test_list_queries_do_not_grow_with_the_number_of_referrals(
    client, personas, partner, django_assert_num_queries
):
    headers = bearer(partner.fatima)

    def make(n):
        for _ in range(n):
            case = make_case(personas.bilal, person=person_data())
            record_consent(personas.bilal, case, partner.org)
            send(personas.bilal, case, partner.org)

    make(3)
    client.get(BASE, **headers)  # the token's first use is recorded once
    queries = 4
    with django_assert_num_queries(queries):
        assert client.get(BASE, **headers).json()["count"] == 3
    make(12)
    with django_assert_num_queries(queries):
        assert client.get(BASE, **headers).json()["count"] == 15
    sent_headers = bearer(personas.bilal)
    client.get(BASE, {"box": "sent"}, **sent_headers)
    with django_assert_num_queries(queries):
        assert client.get(BASE, {"box": "sent"}, **sent_headers).json()["count"] == 15


# --- directory -------------------------------------------------------------------------------


def test_directory_create_search_and_deactivate(client, personas, partner):
    admin = partner.by_role[Role.ADMINISTRATOR]
    created = post(
        client,
        admin,
        f"{BASE}/directory",
        {
            "service": "reception-on-arrival",
            "country": "ET",
            "city": "Addis Ababa",
            "contact_notes": "Call the duty officer",
        },
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["organisation"]["code"] == "ARC-ET" and entry["country"] == "ET"

    found = client.get(
        f"{BASE}/directory",
        {"service": ["reception-on-arrival", "shelter"], "country": "ET", "city": "addis ababa"},
        **bearer(personas.amal),
    )
    assert [e["id"] for e in found.json()] == [entry["id"]]
    none = client.get(f"{BASE}/directory", {"country": "LB"}, **bearer(personas.amal))
    assert none.json() == []

    patch = client.patch(
        f"{BASE}/directory/{entry['id']}",
        json.dumps({"active": False}),
        content_type="application/json",
        **bearer(admin),
    )
    assert patch.status_code == 200 and patch.json()["active"] is False
    assert client.get(f"{BASE}/directory", **bearer(personas.amal)).json() == []


def test_directory_queries_do_not_grow(client, personas, partner, django_assert_num_queries):
    admin = partner.by_role[Role.ADMINISTRATOR]

    def add(*cities):
        for city in cities:
            services.directory_entry_create(
                actor=admin, service_type_id=service_ids("shelter")[0], country="ET", city=city
            )

    headers = bearer(personas.amal)
    add("Gondar")
    client.get(f"{BASE}/directory", **headers)  # the token's first use is recorded once
    queries = 2
    with django_assert_num_queries(queries):
        assert len(client.get(f"{BASE}/directory", {"country": "ET"}, **headers).json()) == 1
    add("Adama", "Bahir Dar", "Hawassa")
    with django_assert_num_queries(queries):
        assert len(client.get(f"{BASE}/directory", {"country": "ET"}, **headers).json()) == 4


def test_directory_edits_are_for_administrators(client, personas, partner):
    body = {"service": "shelter", "country": "ET"}
    assert post(client, partner.fatima, f"{BASE}/directory", body).status_code == 403
    unknown = post(
        client, partner.by_role[Role.ADMINISTRATOR], f"{BASE}/directory", {**body, "service": "x"}
    )
    assert unknown.status_code == 422 and "service" in unknown.json()["errors"]
