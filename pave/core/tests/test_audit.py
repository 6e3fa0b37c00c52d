import sys

import pytest
from django.db import DatabaseError, connection, transaction

from pave.core.audit import audit_record, audit_verify, compute_hash
from pave.core.models import AuditEvent
from pave.testing import make_case, run_pave


def run_cli(*argv: str) -> int:
    code, out, err = run_pave(*argv)
    print(out, end="")
    print(err, end="", file=sys.stderr)
    return code


def tamper(sql: str, params: list) -> None:
    """Bypass the PostgreSQL append-only trigger the way an attacker with DB access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER pave_audit_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER pave_audit_append_only")


@pytest.fixture
def chain(personas):
    for _ in range(3):
        make_case(personas.amal)
    return list(AuditEvent.objects.order_by("seq"))


def test_events_chain_each_to_the_previous(chain):
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
    assert list(audit_verify()) == []


def test_events_record_field_names_never_values(personas):
    case = make_case(personas.amal)
    event = AuditEvent.objects.get(action="case.create")
    assert "person.given_name" in event.fields
    assert event.actor == personas.amal and event.object_id == str(case.pk)
    blob = str(event.fields) + str(event.detail)
    assert case.person.given_name not in blob
    assert case.person.identity_number not in blob


def test_verify_cli_passes_on_an_intact_log(chain, capsys):
    assert run_cli("audit", "verify") == 0
    assert "intact" in capsys.readouterr().out


def test_verify_cli_names_the_first_altered_row(chain, capsys):
    victim = chain[2]
    tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["case.nothing", victim.pk])
    assert run_cli("audit", "verify") == 1
    err = capsys.readouterr().err
    assert f"seq={victim.seq}" in err and "altered" in err


def test_verify_cli_names_a_deleted_row(chain, capsys):
    victim = chain[1]
    tamper("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    assert run_cli("audit", "verify") == 1
    assert f"seq={victim.seq}" in capsys.readouterr().err


def test_rewriting_a_row_and_its_hash_still_breaks_the_next_link(chain):
    victim = chain[1]
    victim.action = "case.forged"
    forged_hash = compute_hash(victim)
    tamper(
        "UPDATE core_auditevent SET action = %s, hash = %s WHERE id = %s",
        ["case.forged", forged_hash, victim.pk],
    )
    problems = list(audit_verify())
    assert problems and problems[0].seq == chain[2].seq


def test_database_refuses_updates_on_postgresql(chain):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=chain[0].pk).update(action="x")


def test_system_actor_is_recorded_by_label(db):
    event = audit_record(actor="cli:root", action="test.event")
    assert event.actor is None and event.actor_label == "cli:root"
