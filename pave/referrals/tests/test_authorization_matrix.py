"""Every consent, referral, directory and notification endpoint × every role × the sending
organisation (BMS, which holds the case), the receiving organisation (ARC-ET, which the
referral was sent to) and an unrelated organisation (CLA, which must never see anything).

The case belongs to BMS and is assigned to amal; its consent covers any organisation.
Expected answers are written out per role so that a change of policy shows up here first.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from pave.accounts.roles import Role
from pave.notifications.models import Notification
from pave.referrals import services
from pave.referrals.tests.conftest import offers, record_consent, send, service_ids
from pave.testing import bearer, make_case

pytestmark = pytest.mark.django_db

R = Role
NONE_ROLES = {R.TRAINER, R.ME_OFFICER, R.DONOR_VIEWER, R.PLATFORM_ADMINISTRATOR}
SENDING_VIEWERS = {R.ADMINISTRATOR, R.PROJECT_MANAGER, R.CASE_MANAGER, R.CASE_WORKER}
SENDERS = {R.ADMINISTRATOR, R.CASE_MANAGER, R.CASE_WORKER}
RECORDERS = {R.ADMINISTRATOR, R.CASE_MANAGER, R.CASE_WORKER}  # of those who see the case
RECEIVERS = {R.ADMINISTRATOR, R.CASE_MANAGER, R.PARTNER_FOCAL_POINT}


def _list(sees: bool | None, role: str) -> bool | None:
    """None: the list is refused (403) because the role sees no person-level data."""
    return None if role in NONE_ROLES else sees


def sending(role: str) -> dict[str, Any]:
    sees = role in SENDING_VIEWERS
    hidden = 404
    return {
        "consents": 200 if sees else hidden,
        "consent_create": (201 if role in RECORDERS else 403) if sees else hidden,
        "withdraw": (200 if role in RECORDERS else 403) if sees else hidden,
        "create": (201 if role in SENDERS else 403) if sees else hidden,
        "sent_list": _list(sees, role),
        "received_list": _list(False, role),
        "get": 200 if sees else hidden,
        "accept": 403 if sees else hidden,
        "decline": 403 if sees else hidden,
        "complete": 403 if sees else hidden,
        "revoke": (200 if role in SENDERS else 403) if sees else hidden,
    }


def receiving(role: str) -> dict[str, Any]:
    answers = role in RECEIVERS
    return {
        "consents": 404,
        "consent_create": 404,
        "withdraw": 404,
        "create": 404,
        "sent_list": _list(False, role),
        "received_list": _list(answers, role),
        "get": 200 if answers else 404,
        "accept": 200 if answers else 404,
        "decline": 200 if answers else 404,
        "complete": 200 if answers else 404,
        "revoke": 403 if answers else 404,
    }


def unrelated(role: str) -> dict[str, Any]:
    return {
        "consents": 404,
        "consent_create": 404,
        "withdraw": 404,
        "create": 404,
        "sent_list": _list(False, role),
        "received_list": _list(False, role),
        "get": 404,
        "accept": 404,
        "decline": 404,
        "complete": 404,
        "revoke": 404,
    }


class World:
    def __init__(self, personas, partner):
        self.personas, self.partner = personas, partner
        self.case = make_case(personas.amal)
        self.consent = record_consent(personas.amal, self.case, None)
        self.referral = send(personas.amal, self.case, partner.org)
        self.entry = services.directory_entry_create(
            actor=partner.by_role[R.ADMINISTRATOR],
            service_type_id=service_ids("shelter")[0],
            country="ET",
        )
        self.notification = Notification.objects.filter(user=partner.fatima).first()

    def fresh(self, *, accepted: bool = False):
        case = make_case(self.personas.amal)
        record_consent(self.personas.amal, case, None)
        referral = send(self.personas.amal, case, self.partner.org)
        if accepted:
            services.referral_accept(actor=self.partner.fatima, referral_id=referral.pk)
        return referral


@pytest.fixture
def world(personas, partner):
    return World(personas, partner)


def check_api(client, world: World, user, expected: dict[str, Any]) -> None:
    headers = bearer(user)
    base = "/api/v1/referrals"
    case = world.case

    def post(path, body=None):
        return client.post(path, json.dumps(body or {}), content_type="application/json", **headers)

    def status(response, name):
        assert response.status_code == expected[name], (name, response.content)

    status(client.get(f"{base}/cases/{case.pk}/consents", **headers), "consents")
    consent_body = {
        "purpose": "statistics",
        "given_on": timezone.localdate().isoformat(),
        "how_obtained": "verbal",
    }
    status(post(f"{base}/cases/{case.pk}/consents", consent_body), "consent_create")
    other_consent = record_consent(
        world.personas.amal, case, None, purpose="processing", any_organisation=False
    )
    status(post(f"{base}/consents/{other_consent.pk}/withdraw"), "withdraw")
    offers(world.personas.gov, "legal-aid", country="LB")
    body = {
        "case": case.pk,
        "to_org": world.personas.gov.code,
        "services": ["legal-aid"],
        "reason": "Other",
    }
    status(post(base, body), "create")
    for box in ("sent", "received"):
        listing = client.get(base, {"box": box}, **headers)
        sees = expected[f"{box}_list"]
        if sees is None:
            assert listing.status_code == 403, box
        else:
            assert listing.status_code == 200, (box, listing.content)
            ids = [row["id"] for row in listing.json()["results"]]
            assert (world.referral.pk in ids) is sees, box
    response = client.get(f"{base}/{world.referral.pk}", **headers)
    status(response, "get")
    if response.status_code != 200:
        assert case.person.given_name not in response.content.decode()
    status(post(f"{base}/{world.fresh().pk}/accept"), "accept")
    status(post(f"{base}/{world.fresh().pk}/decline", {"reason": "Full"}), "decline")
    status(post(f"{base}/{world.fresh(accepted=True).pk}/complete"), "complete")
    status(post(f"{base}/{world.fresh().pk}/revoke", {"reason": "Moved"}), "revoke")


def check_web(client, world: World, user, expected: dict[str, Any]) -> None:
    client.force_login(user)
    case = world.case

    def web(code: int) -> int:
        """A page answers 302 (redirect after the write) where the API answers 200/201."""
        return 302 if code in (200, 201) else code

    def status(response, name, *, post=True):
        wanted = web(expected[name]) if post else expected[name]
        assert response.status_code == wanted, (name, response.status_code)

    listing = client.get("/referrals/")
    no_list = expected["sent_list"] is None
    assert listing.status_code == (403 if no_list else 200)
    status(client.get(f"/referrals/{world.referral.pk}/"), "get", post=False)
    consent_page = client.get(f"/referrals/cases/{case.pk}/consents/")
    assert consent_page.status_code == expected["consents"]
    new_page = client.get(f"/referrals/cases/{case.pk}/new/")
    assert new_page.status_code == (200 if expected["create"] == 201 else expected["create"])
    status(
        client.post(
            f"/referrals/cases/{case.pk}/consents/",
            {
                "purpose": "statistics",
                "given_on": timezone.localdate().isoformat(),
                "how_obtained": "verbal",
            },
        ),
        "consent_create",
    )
    other_consent = record_consent(
        world.personas.amal, case, None, purpose="processing", any_organisation=False
    )
    status(
        client.post(
            f"/referrals/consents/{other_consent.pk}/withdraw/",
            {"withdrawn_on": timezone.localdate().isoformat()},
        ),
        "withdraw",
    )
    status(client.post(f"/referrals/{world.fresh().pk}/accept/"), "accept")
    status(client.post(f"/referrals/{world.fresh().pk}/decline/", {"reason": "Full"}), "decline")
    status(client.post(f"/referrals/{world.fresh(accepted=True).pk}/complete/"), "complete")
    status(client.post(f"/referrals/{world.fresh().pk}/revoke/", {"reason": "x"}), "revoke")
    client.logout()


@pytest.mark.parametrize("role", Role.values)
def test_api_sending_organisation(client, world, personas, role):
    check_api(client, world, personas.by_role[role], sending(role))


@pytest.mark.parametrize("role", Role.values)
def test_api_receiving_organisation(client, world, partner, role):
    check_api(client, world, partner.by_role[role], receiving(role))


@pytest.mark.parametrize("role", Role.values)
def test_api_unrelated_organisation_never_sees_anything(client, world, personas, role):
    check_api(client, world, personas.other_by_role[role], unrelated(role))


@pytest.mark.parametrize("role", Role.values)
def test_web_sending_organisation(client, world, personas, role):
    check_web(client, world, personas.by_role[role], sending(role))


@pytest.mark.parametrize("role", Role.values)
def test_web_receiving_organisation(client, world, partner, role):
    check_web(client, world, partner.by_role[role], receiving(role))


@pytest.mark.parametrize("role", Role.values)
def test_web_unrelated_organisation_never_sees_anything(client, world, personas, role):
    check_web(client, world, personas.other_by_role[role], unrelated(role))


# --- directory and notifications: the same for every organisation ----------------------------

ORGANISATIONS = ["sending", "receiving", "unrelated"]


def _user(personas, partner, where, role):
    return {
        "sending": personas.by_role,
        "receiving": partner.by_role,
        "unrelated": personas.other_by_role,
    }[where][role]


@pytest.mark.parametrize("where", ORGANISATIONS)
@pytest.mark.parametrize("role", Role.values)
def test_directory_endpoints(client, world, personas, partner, where, role):
    """Everyone searches; administrators add their organisation's services and edit only
    their own entries (the entry under test is the receiving organisation's)."""
    user = _user(personas, partner, where, role)
    headers = bearer(user)
    admin = role == R.ADMINISTRATOR
    assert client.get("/api/v1/referrals/directory", **headers).status_code == 200
    created = client.post(
        "/api/v1/referrals/directory",
        json.dumps({"service": "medical", "country": "LB"}),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == (201 if admin else 403)
    patch = client.patch(
        f"/api/v1/referrals/directory/{world.entry.pk}",
        json.dumps({"active": False}),
        content_type="application/json",
        **headers,
    )
    owner = where == "receiving"
    assert patch.status_code == ((200 if owner else 404) if admin else 403)

    client.force_login(user)
    assert client.get("/referrals/directory/").status_code == 200
    page_post = client.post(
        "/referrals/directory/",
        {"service_type": service_ids("escort")[0], "country": "LB"},
    )
    assert page_post.status_code == (302 if admin else 403)
    active = client.post(f"/referrals/directory/{world.entry.pk}/active/", {"active": "yes"})
    assert active.status_code == ((302 if owner else 404) if admin else 403)


@pytest.mark.parametrize("where", ORGANISATIONS)
@pytest.mark.parametrize("role", Role.values)
def test_notification_endpoints(client, world, personas, partner, where, role):
    """Everyone reads their own notifications; nobody reads or marks anyone else's."""
    user = _user(personas, partner, where, role)
    owner = user == partner.fatima
    headers = bearer(user)
    listing = client.get("/api/v1/notifications", **headers)
    assert listing.status_code == 200
    ids = [row["id"] for row in listing.json()["results"]]
    assert (world.notification.pk in ids) is owner
    read = client.post(f"/api/v1/notifications/{world.notification.pk}/read", **headers)
    assert read.status_code == (200 if owner else 404)
    assert client.post("/api/v1/notifications/read-all", **headers).status_code == 200

    client.force_login(user)
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert (f"/notifications/{world.notification.pk}/read/" in page.content.decode()) is owner
    web_read = client.post(f"/notifications/{world.notification.pk}/read/")
    assert web_read.status_code == (302 if owner else 404)
    assert client.post("/notifications/read-all/").status_code == 302


def test_unauthenticated_callers_are_refused_everywhere(client, world):
    api = [
        ("get", f"/api/v1/referrals/cases/{world.case.pk}/consents"),
        ("get", "/api/v1/referrals"),
        ("get", f"/api/v1/referrals/{world.referral.pk}"),
        ("post", f"/api/v1/referrals/{world.referral.pk}/accept"),
        ("get", "/api/v1/referrals/directory"),
        ("get", "/api/v1/notifications"),
    ]
    for method, path in api:
        assert getattr(client, method)(path).status_code == 401, path
    for path in (
        "/referrals/",
        f"/referrals/{world.referral.pk}/",
        "/notifications/",
        "/referrals/directory/",
    ):
        assert client.get(path).status_code == 302, path
