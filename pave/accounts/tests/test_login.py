"""Login throttling as an attacker meets it: spraying one password over many usernames from
one address, and forging X-Forwarded-For to lock someone else out (docs/security.md)."""

import pytest

from pave.core.models import AuditEvent
from pave.testing import PASSWORD, make_case

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ATTACKER, VICTIM, BALANCER = "203.0.113.7", "198.51.100.20", "10.0.0.2"


def log_in(client, username, password, **meta):
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def signed_in(response) -> bool:
    return response.status_code == 302


def test_spraying_one_address_over_many_usernames_locks_the_address(client, settings, personas):
    settings.PAVE_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    # One guess per username: no (username, address) pair comes near its limit of 5.
    for n in range(19):
        response = log_in(client, f"user{n}", "Summer2024!", REMOTE_ADDR=ATTACKER)
        assert response.status_code == 200  # the form again, "wrong username or password"
    # The 20th failure locks the address, whatever the username, even with a right password...
    assert log_in(client, "user19", "Summer2024!", REMOTE_ADDR=ATTACKER).status_code == 429
    assert log_in(client, "amal", PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 429
    # ...and only the address: amal still signs in from her own.
    assert signed_in(log_in(client, "amal", PASSWORD, REMOTE_ADDR=VICTIM))


def test_fewer_failures_than_the_address_limit_lock_nobody_else(client, settings, personas):
    settings.PAVE_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    for n in range(19):
        log_in(client, f"user{n}", "Summer2024!", REMOTE_ADDR=ATTACKER)
    assert signed_in(log_in(client, "amal", PASSWORD, REMOTE_ADDR=ATTACKER))


def test_a_username_at_one_address_is_still_locked_after_five_failures(client, personas):
    for _ in range(5):
        log_in(client, "amal", "wrong password", REMOTE_ADDR=ATTACKER)
    assert log_in(client, "amal", PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 429


def _lock_out_amal(client, **meta):
    for _ in range(6):
        log_in(client, "amal", "wrong password", **meta)


def test_without_a_trusted_proxy_a_forged_header_changes_no_address(client, settings, personas):
    settings.PAVE_TRUST_X_FORWARDED_FOR = False
    # The attacker claims to be the victim's address while failing as amal.
    _lock_out_amal(client, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=VICTIM)
    assert signed_in(log_in(client, "amal", PASSWORD, REMOTE_ADDR=VICTIM))
    # The audit log records the socket's address, not the claimed one.
    case = make_case(personas.amal)
    client.get(f"/cases/{case.pk}/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=VICTIM)
    assert AuditEvent.objects.filter(action="case.read").get().client_address == ATTACKER


def test_behind_a_trusted_proxy_a_client_forged_left_entry_is_ignored(client, settings, personas):
    settings.PAVE_TRUST_X_FORWARDED_FOR = True
    settings.PAVE_TRUSTED_PROXY_COUNT = 1
    # The client sends "X-Forwarded-For: VICTIM"; the balancer appends the real address.
    forged = {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": f"{VICTIM}, {ATTACKER}"}
    _lock_out_amal(client, **forged)
    assert log_in(client, "amal", PASSWORD, **forged).status_code == 429
    # amal, whose balancer-appended address is VICTIM, is not locked out by the attacker.
    assert signed_in(
        log_in(client, "amal", PASSWORD, REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=VICTIM)
    )
    case = make_case(personas.amal)
    client.get(f"/cases/{case.pk}/", **forged)
    assert AuditEvent.objects.filter(action="case.read").get().client_address == ATTACKER


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (1, f"{VICTIM}, {ATTACKER}", ATTACKER),
        (2, f"{VICTIM}, {ATTACKER}, 10.0.0.9", ATTACKER),  # CDN, then balancer
        (2, ATTACKER, BALANCER),  # fewer entries than proxies: the header is not trusted
        (1, "not-an-address", BALANCER),
    ],
)
def test_the_client_is_the_entry_the_trusted_proxies_appended(
    client, settings, personas, count, header, expected
):
    settings.PAVE_TRUST_X_FORWARDED_FOR = True
    settings.PAVE_TRUSTED_PROXY_COUNT = count
    case = make_case(personas.amal)
    client.force_login(personas.amal)
    client.get(f"/cases/{case.pk}/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=header)
    assert AuditEvent.objects.filter(action="case.read").get().client_address == expected
