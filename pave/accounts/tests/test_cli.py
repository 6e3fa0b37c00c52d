"""The administrative commands, run the way an operator runs them."""

import pytest

from pave.accounts.models import ApiToken, Organisation, User
from pave.core.models import AuditEvent
from pave.testing import run_pave as pave


@pytest.fixture
def org(db):
    code, out, err = pave(
        "org",
        "create",
        "IOM-LB",
        "--name",
        "IOM Lebanon",
        "--type",
        "InternationalOrganisation",
        "--country",
        "lb",
    )
    assert code == 0, err
    return Organisation.objects.get(code="IOM-LB")


def test_org_create_records_type_country_and_audit(org):
    assert org.type == "InternationalOrganisation" and org.country == "LB"
    assert AuditEvent.objects.filter(action="organisation.create").exists()


def test_org_create_refuses_unknown_type_and_duplicates(org):
    code, _, err = pave("org", "create", "X", "--name", "X", "--type", "Club", "--country", "LB")
    assert code != 0 and "invalid choice" in err
    code, _, err = pave(
        "org", "create", "IOM-LB", "--name", "again", "--type", "NGO", "--country", "LB"
    )
    assert code != 0 and "already exists" in err


def test_org_create_refuses_unknown_country(db):
    code, _, err = pave("org", "create", "X", "--name", "X", "--type", "NGO", "--country", "QQ")
    assert code != 0 and "country" in err


def test_user_create_reads_password_from_stdin_and_hashes_with_argon2(org):
    code, out, err = pave(
        "user",
        "create",
        "amal",
        "--org",
        "IOM-LB",
        "--role",
        "case_worker",
        "--password-stdin",
        stdin="a-long enough pass phrase\n",
    )
    assert code == 0, err
    user = User.objects.get(username="amal")
    assert user.password.startswith("argon2$")
    assert user.check_password("a-long enough pass phrase")
    assert user.role == "case_worker" and user.organisation == org


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--org", "IOM-LB", "--role", "wizard", "--password-stdin"], "x" * 12, "invalid choice"),
        (
            ["--org", "NOPE", "--role", "case_worker", "--password-stdin"],
            "x" * 12,
            "no organisation",
        ),
        (["--org", "IOM-LB", "--role", "case_worker"], "", "--password-stdin"),
        (["--org", "IOM-LB", "--role", "case_worker", "--password-stdin"], "short\n", "password"),
    ],
)
def test_user_create_explains_what_is_wrong(org, args, stdin, message):
    code, _, err = pave("user", "create", "amal", *args, stdin=stdin)
    assert code != 0 and message in err
    assert not User.objects.filter(username="amal").exists()


def test_token_create_prints_the_token_once_and_stores_only_its_hash(org, client):
    pave(
        "user",
        "create",
        "amal",
        "--org",
        "IOM-LB",
        "--role",
        "case_worker",
        "--password-stdin",
        stdin="a-long enough pass phrase\n",
    )
    code, out, err = pave("token", "create", "amal")
    token = out.strip()
    assert code == 0 and token.startswith("pave_")
    row = ApiToken.objects.get()
    assert token not in (row.digest, row.prefix) and row.digest == ApiToken.digest_of(token)
    assert (
        client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()["username"] == "amal"
    )


def test_token_create_for_unknown_user_fails(db):
    code, _, err = pave("token", "create", "ghost")
    assert code != 0 and "ghost" in err
