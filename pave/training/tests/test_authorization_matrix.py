"""Every training endpoint (API and web) × every role × the organiser (BMS) and another
organisation (CLA), which must never see BMS's events or participants.

Managers of training (administrator, project manager, trainer, M&E officer) do everything
for their organisation; donor viewers read the aggregates (suppressed); everyone else gets
403 on lists and creation and 404 on objects, so existence is never revealed. The public
verification page answers anyone, logged in or not.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pave.accounts.roles import Role
from pave.testing import bearer
from pave.training import services
from pave.training.models import Certificate, Participant
from pave.training.roles import TRAINING_MANAGERS
from pave.training.tests.conftest import OFFICERS, make_event, run_import, sheet_csv

pytestmark = pytest.mark.django_db
API = "/api/v1/training"


def expected(role: str, *, own: bool) -> dict[str, Any]:
    manages = role in TRAINING_MANAGERS
    donor = role == Role.DONOR_VIEWER
    sees = manages and own
    listing = 200 if manages else 403
    creating = 201 if manages else 403
    return {
        "list": listing,
        "lists_the_event": sees,
        "create": creating,
        "object": 200 if sees else 404,
        "write": 200 if sees else 404,
        "created_on_object": 201 if sees else 404,
        "aggregates": 200 if (manages or donor) else 403,
        "counts_the_event": (manages or donor) and own,
    }


class World:
    def __init__(self, personas):
        self.trainer = personas.by_role[Role.TRAINER]
        self.event = make_event(self.trainer, partners=[])
        self.session = self.event.sessions.get()
        run_import(self.trainer, self.event, sheet_csv(OFFICERS))
        participant = Participant.objects.order_by("pk").first()
        assert participant is not None
        self.participant = participant
        self.certificate = services.certificates_issue(actor=self.trainer, event_id=self.event.pk)[
            0
        ]

    def duplicate(self) -> Participant:
        n = Participant.objects.count()
        return services.participant_create(
            actor=self.trainer,
            data={"full_name": f"Copy {n}", "stakeholder_group": "public", "country": "LB"},
        )

    def fresh_certificate(self) -> Certificate:
        Certificate.objects.filter(event=self.event, participant=self.participant).update(
            revoked_at="2014-01-01T00:00:00Z"
        )
        return services.certificates_issue(
            actor=self.trainer, event_id=self.event.pk, participant_ids=[self.participant.pk]
        )[0]


@pytest.fixture
def world(personas):
    return World(personas)


def check_api(client, world: World, user, want: dict[str, Any]) -> None:
    headers = bearer(user)
    event, participant = world.event, world.participant

    def get(path, **params):
        return client.get(f"{API}{path}", params, **headers)

    def send(method, path, body=None):
        return getattr(client, method)(
            f"{API}{path}", json.dumps(body or {}), content_type="application/json", **headers
        )

    def status(response, name, code=None):
        wanted = want[name] if code is None else code
        assert response.status_code == wanted, (name, response.status_code, response.content[:300])
        if response.status_code in (403, 404):
            assert "Nour" not in response.content.decode()

    listing = get("/events")
    status(listing, "list")
    if listing.status_code == 200:
        ids = [row["id"] for row in listing.json()["results"]]
        assert (event.pk in ids) is want["lists_the_event"]
    body = {"title": "New", "event_type": "awareness_session", "country": "LB"}
    status(send("post", "/events", body), "create")
    status(get(f"/events/{event.pk}"), "object")
    status(send("patch", f"/events/{event.pk}", {"city": "Tripoli"}), "write")
    status(
        send("post", f"/events/{event.pk}/sessions", {"date": "2014-06-11"}), "created_on_object"
    )
    status(get(f"/events/{event.pk}/participants"), "object")
    person = {
        "full_name": "Rima Azar",
        "stakeholder_group": "journalist",
        "sessions": [world.session.pk],
    }
    added = send("post", f"/events/{event.pk}/participants", person)
    assert added.status_code in ((200, 201) if want["object"] == 200 else (404,)), added.content
    mark = {"participant": participant.pk, "session": world.session.pk, "present": True}
    status(send("post", f"/events/{event.pk}/attendance", mark), "write")
    score = {"participant": participant.pk, "pre_score": 5, "post_score": 9, "max_score": 20}
    status(send("post", f"/events/{event.pk}/tests", score), "write")
    sheet = SimpleUploadedFile("s.csv", sheet_csv(OFFICERS[:1]))
    status(client.post(f"{API}/events/{event.pk}/import", {"file": sheet}, **headers), "write")
    status(get(f"/events/{event.pk}/export"), "object")
    status(send("post", f"/events/{event.pk}/certificates"), "write")
    status(get(f"/certificates/{world.certificate.pk}/pdf"), "object")
    status(send("post", f"/certificates/{world.fresh_certificate().pk}/revoke"), "write")
    people = get("/participants")
    status(people, "list")
    if people.status_code == 200:
        ids = [row["id"] for row in people.json()["results"]]
        assert (participant.pk in ids) is want["lists_the_event"]
    new_person = {"full_name": f"Someone {user.pk}", "stakeholder_group": "public"}
    status(send("post", "/participants", new_person), "create")
    status(get(f"/participants/{participant.pk}"), "object")
    status(send("patch", f"/participants/{participant.pk}", {"title": "Major"}), "write")
    merge = {"merge_id": world.duplicate().pk}
    status(send("post", f"/participants/{participant.pk}/merge", merge), "write")
    aggregates = get("/aggregates")
    status(aggregates, "aggregates")
    if aggregates.status_code == 200:
        total = aggregates.json()["attendances"]
        assert bool(total) is want["counts_the_event"] or total is None


def check_web(client, world: World, user, want: dict[str, Any]) -> None:
    client.force_login(user)
    event, participant = world.event, world.participant

    def page(code: int) -> int:
        return {201: 200}.get(code, code)

    def redirect(code: int) -> int:
        return 302 if code in (200, 201) else code

    def status(response, code):
        assert response.status_code == code, (response.request["PATH_INFO"], response.status_code)
        if code in (403, 404):
            assert "Nour" not in response.content.decode()

    home = client.get("/training/")
    if user.role == Role.DONOR_VIEWER:
        status(home, 302)
    else:
        status(home, page(want["list"]))
    status(client.get("/training/events/"), want["list"])
    status(client.get("/training/events/new/"), page(want["create"]))
    status(client.get(f"/training/events/{event.pk}/"), want["object"])
    status(client.get(f"/training/events/{event.pk}/edit/"), want["object"])
    status(
        client.post(f"/training/events/{event.pk}/sessions/", {"date": "2014-06-12"}),
        redirect(want["write"]),
    )
    status(client.get(f"/training/events/{event.pk}/participants/new/"), want["object"])
    status(client.get(f"/training/events/{event.pk}/attendance/"), want["object"])
    status(client.get(f"/training/events/{event.pk}/import/"), want["object"])
    status(client.get(f"/training/events/{event.pk}/export.csv"), want["object"])
    status(client.post(f"/training/events/{event.pk}/certificates/"), redirect(want["write"]))
    status(
        client.get(f"/training/certificates/{world.certificate.pk}/certificate.pdf"), want["object"]
    )
    fresh = world.fresh_certificate()
    status(client.post(f"/training/certificates/{fresh.pk}/revoke/"), redirect(want["write"]))
    status(client.get("/training/participants/"), want["list"])
    status(client.get(f"/training/participants/{participant.pk}/"), want["object"])
    merge = {"merge_id": world.duplicate().pk}
    status(
        client.post(f"/training/participants/{participant.pk}/merge/", merge),
        redirect(want["write"]),
    )
    status(client.get("/training/aggregates/"), want["aggregates"])
    status(client.get(f"/verify/{world.certificate.code}/"), 200)
    client.logout()


@pytest.mark.parametrize("role", Role.values)
def test_api_organising_organisation(client, world, personas, role):
    check_api(client, world, personas.by_role[role], expected(role, own=True))


@pytest.mark.parametrize("role", Role.values)
def test_api_other_organisation_never_sees_the_event(client, world, personas, role):
    check_api(client, world, personas.other_by_role[role], expected(role, own=False))


@pytest.mark.parametrize("role", Role.values)
def test_web_organising_organisation(client, world, personas, role):
    check_web(client, world, personas.by_role[role], expected(role, own=True))


@pytest.mark.parametrize("role", Role.values)
def test_web_other_organisation_never_sees_the_event(client, world, personas, role):
    check_web(client, world, personas.other_by_role[role], expected(role, own=False))


def test_unauthenticated_callers_are_refused_but_may_verify(client, world):
    for path in (
        "/events",
        f"/events/{world.event.pk}",
        "/participants",
        f"/certificates/{world.certificate.pk}/pdf",
        "/aggregates",
    ):
        assert client.get(f"{API}{path}").status_code == 401, path
    for path in (
        "/training/",
        f"/training/events/{world.event.pk}/",
        "/training/participants/",
        "/training/aggregates/",
    ):
        assert client.get(path).status_code == 302, path
    verify = client.get(f"/verify/{world.certificate.code}/")
    assert verify.status_code == 200 and "Nour Haddad" not in verify.content.decode()
