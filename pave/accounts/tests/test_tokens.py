"""API tokens expire, and their owners (and operators) list and revoke them."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from pave.accounts.models import ApiToken
from pave.accounts.services import token_create
from pave.core.models import AuditEvent
from pave.testing import run_pave as pave

pytestmark = pytest.mark.django_db


def me(client, clear):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {clear}")


def test_a_token_expires_after_the_configured_days(client, settings, personas):
    settings.PAVE_TOKEN_DAYS = 30
    token, clear = token_create(actor=personas.amal, user=personas.amal)
    lifetime = token.expires_at - timezone.now()
    assert datetime.timedelta(days=29, hours=23) < lifetime <= datetime.timedelta(days=30)
    assert me(client, clear).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = me(client, clear)
    assert response.status_code == 401 and set(response.json()) == {"detail", "errors"}


def test_cli_creates_lists_and_revokes_tokens_without_ever_printing_one(client, personas):
    code, out, err = pave("token", "create", "amal", "--days", "7", "--name", "sync")
    clear = out.strip()
    assert code == 0 and "expires" in err
    token = ApiToken.objects.get()
    assert (token.expires_at - timezone.now()).days == 6  # 7 days less the moments since
    code, listing, _ = pave("token", "list", "amal")
    assert code == 0 and clear not in listing
    line = listing.splitlines()[1].split("\t")
    assert line[:3] == [str(token.pk), f"{token.prefix}…", "amal"]
    assert line[5:] == [line[5], "active", "sync"]
    assert pave("token", "list", "bilal")[1].splitlines()[1:] == []
    code, out, _ = pave("token", "revoke", str(token.pk))
    assert code == 0 and "revoked" in out
    assert me(client, clear).status_code == 401
    assert "\trevoked\t" in pave("token", "list")[1]
    assert AuditEvent.objects.filter(action="token.revoke", actor_label__startswith="cli").exists()


def test_cli_refuses_a_lifetime_out_of_range_and_unknown_ids(personas):
    code, _, err = pave("token", "create", "amal", "--days", "0")
    assert code != 0 and "days" in err and not ApiToken.objects.exists()
    code, _, err = pave("token", "revoke", "999")
    assert code != 0 and "999" in err


def test_api_lists_your_own_tokens_never_the_secret(client, personas):
    mine, clear = token_create(actor=personas.amal, user=personas.amal, name="laptop")
    token_create(actor=personas.bilal, user=personas.bilal)
    response = client.get("/api/v1/tokens", HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["id"] == mine.pk
    assert body["items"][0]["status"] == "active" and body["items"][0]["name"] == "laptop"
    assert clear not in response.content.decode() and mine.digest not in response.content.decode()


def test_api_revokes_your_own_token_and_404s_anyone_elses(client, personas):
    _mine, clear = token_create(actor=personas.amal, user=personas.amal)
    spare, spare_clear = token_create(actor=personas.amal, user=personas.amal)
    theirs, theirs_clear = token_create(actor=personas.bilal, user=personas.bilal)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    assert client.delete(f"/api/v1/tokens/{theirs.pk}", **auth).status_code == 404
    assert me(client, theirs_clear).status_code == 200
    response = client.delete(f"/api/v1/tokens/{spare.pk}", **auth)
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert me(client, spare_clear).status_code == 401
    event = AuditEvent.objects.get(action="token.revoke")
    assert event.actor == personas.amal
    # Revoking again changes nothing and records nothing.
    assert client.delete(f"/api/v1/tokens/{spare.pk}", **auth).status_code == 200
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_web_page_lists_and_revokes_your_own_tokens(client, personas):
    mine, clear = token_create(actor=personas.amal, user=personas.amal, name="sync script")
    theirs, _ = token_create(actor=personas.bilal, user=personas.bilal)
    client.force_login(personas.amal)
    home = client.get("/cases/")
    assert 'href="/accounts/tokens/"' in home.content.decode()
    page = client.get("/accounts/tokens/").content.decode()
    assert mine.prefix in page and "sync script" in page and theirs.prefix not in page
    assert clear not in page
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    response = client.post(f"/accounts/tokens/{mine.pk}/revoke/", follow=True)
    assert response.status_code == 200 and "revoked" in response.content.decode()
    assert me(Client(), clear).status_code == 401  # a program has no session to fall back on
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
