"""Sign-ins, refused sign-ins and sign-outs are audit events; marking a notification read
too (issue 12, item 3). The attempted password never enters the log."""

from __future__ import annotations

import pytest

from pave.core.audit import audit_verify
from pave.core.models import AuditEvent
from pave.notifications.services import notify
from pave.testing import PASSWORD

pytestmark = pytest.mark.django_db

ATTEMPTED_PASSWORD = "Hunter2-not-the-password"


def test_sign_in_refused_sign_in_and_sign_out_are_audited(client, personas):
    amal = personas.amal
    refused = client.post(
        "/accounts/login/",
        {"username": amal.username, "password": ATTEMPTED_PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    assert refused.status_code == 200
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.actor_id is None and failed.actor_label == amal.username
    assert failed.client_address == "203.0.113.5"

    client.post(
        "/accounts/login/",
        {"username": "nobody-such", "password": ATTEMPTED_PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_label="nobody-such").exists()

    signed_in = client.post(
        "/accounts/login/",
        {"username": amal.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    assert signed_in.status_code == 302
    login = AuditEvent.objects.get(action="auth.login")
    assert login.actor == amal and login.client_address == "203.0.113.5"

    client.post("/accounts/logout/")
    assert AuditEvent.objects.get(action="auth.logout").actor == amal

    blob = "".join(
        f"{e.actor_label}{e.object_id}{e.fields}{e.detail}" for e in AuditEvent.objects.all()
    )
    assert ATTEMPTED_PASSWORD not in blob and PASSWORD not in blob
    assert list(audit_verify()) == []


def test_marking_a_notification_read_is_audited(client, personas):
    row = notify(recipients=[personas.amal], kind="follow_up_due", message="x", url="/cases/")[0]
    client.force_login(personas.amal)
    client.post(f"/notifications/{row.pk}/read/")
    event = AuditEvent.objects.get(action="notification.read")
    assert event.actor == personas.amal and event.object_id == str(row.pk)
