import hashlib
import shutil
import stat
import sys

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from pave.core import crypto
from pave.core.audit import (
    _canonical,
    audit_record,
    audit_seal,
    audit_verify,
    checkpoints_verify,
    compute_hash,
)
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
    audit_seal()  # as the worker does within seconds
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


# --- Issue 12, item 3: the log cannot be wiped or rewritten unnoticed -------------------------


def test_database_refuses_truncate_on_postgresql(chain):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers are PostgreSQL's")
    with connection.cursor() as cursor:
        # The test database has it off for Django's own flushes (pave/conftest.py); a real
        # installation has it on from the migration. On again, inside this test's transaction.
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER pave_audit_no_truncate")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE core_auditevent")


def rehash_without_the_key(*, drop_key_id: bool, delete_seq: int | None = None) -> None:
    """The attack the unkeyed chain allowed: delete a row, renumber and re-hash every row
    after it with plain SHA-256 (the algorithm is public; the audit key is not)."""
    if delete_seq is not None:
        tamper("DELETE FROM core_auditevent WHERE seq = %s", [delete_seq])
    prev_hash, seq = "0" * 64, 1
    for event in AuditEvent.objects.order_by("seq"):
        event.seq, event.prev_hash = seq, prev_hash
        if drop_key_id:
            event.key_id = ""
        event.hash = hashlib.sha256(_canonical(event)).hexdigest()
        tamper(
            "UPDATE core_auditevent SET seq = %s, prev_hash = %s, hash = %s, key_id = %s "
            "WHERE id = %s",
            [event.seq, event.prev_hash, event.hash, event.key_id, event.pk],
        )
        prev_hash, seq = event.hash, seq + 1


@pytest.mark.parametrize("drop_key_id", [False, True], ids=["keep-key-id", "as-unkeyed-rows"])
def test_deleting_a_middle_row_and_rehashing_the_rest_is_detected(chain, drop_key_id, capsys):
    rehash_without_the_key(drop_key_id=drop_key_id, delete_seq=chain[1].seq)
    assert run_cli("audit", "verify") == 1
    assert "BROKEN" in capsys.readouterr().err


def test_rewriting_the_whole_log_as_unkeyed_rows_is_caught_by_a_checkpoint(chain, capsys):
    assert run_cli("audit", "checkpoint") == 0
    rehash_without_the_key(drop_key_id=True, delete_seq=chain[1].seq)
    assert run_cli("audit", "verify") == 1
    assert "checkpoint" in capsys.readouterr().err


def test_deleting_the_newest_rows_after_a_checkpoint_is_detected(chain, capsys):
    assert run_cli("audit", "checkpoint") == 0
    head = chain[-1].seq
    tamper("DELETE FROM core_auditevent WHERE seq >= %s", [head - 1])
    assert list(audit_verify()) == []  # the chain alone cannot tell...
    assert run_cli("audit", "verify") == 1  # ...the checkpoint can
    err = capsys.readouterr().err
    assert f"seq={head}" in err and "missing" in err and f"ends at seq={head - 2}" in err


def test_an_emptied_table_after_a_checkpoint_is_detected(chain, capsys):
    assert run_cli("audit", "verify") == 0  # verifying writes a checkpoint too
    tamper("DELETE FROM core_auditevent", [])
    assert run_cli("audit", "verify") == 1
    err = capsys.readouterr().err
    assert f"seq={chain[-1].seq}" in err and "ends at seq=0" in err


def test_a_rewritten_row_covered_by_a_checkpoint_is_detected(chain, capsys):
    assert run_cli("audit", "checkpoint") == 0
    tamper("UPDATE core_auditevent SET hash = %s WHERE seq = %s", ["f" * 64, chain[-1].seq])
    assert run_cli("audit", "verify") == 1
    assert [f"row seq={chain[-1].seq} differs" in line for line in checkpoints_verify()] == [True]


def test_checkpoints_are_private_lines_an_operator_can_keep(chain, capsys, _own_audit_checkpoints):
    assert run_cli("audit", "checkpoint", "--print") == 0
    line = capsys.readouterr().out.strip()
    head = chain[-1]
    assert line.startswith("pave-audit-checkpoint ")
    assert f"seq={head.seq} hash={head.hash} key={head.key_id}" in line
    assert _own_audit_checkpoints.read_text().strip() == line
    assert stat.S_IMODE(_own_audit_checkpoints.stat().st_mode) == 0o600
    assert run_cli("audit", "verify") == 0
    assert len(_own_audit_checkpoints.read_text().splitlines()) == 2


def test_rows_are_signed_with_the_audit_key_not_stored_in_the_database(chain):
    key = crypto.audit_key()
    assert {event.key_id for event in chain} == {key.key_id}
    assert all(compute_hash(event) == event.hash for event in chain)
    assert all(hashlib.sha256(_canonical(event)).hexdigest() != event.hash for event in chain)
    with override_settings(PAVE_AUDIT_KEY="another key of at least thirty-two chars"):
        crypto.reset_keyring()
        problems = list(audit_verify())
    assert problems and "not the configured audit key" in problems[0].reason


def test_rows_from_before_keyed_chains_still_verify(db, monkeypatch):
    """Upgrade path: rows written with plain SHA-256 (empty key_id) verify as before once the
    upgrade's `pave migrate` checkpointed them, and the first keyed row anchors them too."""
    unkeyed = crypto.AuditKey(key_id="", secret=b"", source="old release")
    monkeypatch.setattr(crypto, "audit_key", lambda: unkeyed)
    old = [audit_record(actor="cli:root", action=f"old.{n}") for n in range(2)]
    audit_seal()
    monkeypatch.undo()
    assert [problem.reason for problem in audit_verify()] == [
        "unsigned row no checkpoint vouches for"
    ] * 2
    assert run_cli("migrate", "-v", "0") == 0  # the upgrade
    audit_record(actor="cli:root", action="new")
    audit_seal()
    assert [e.key_id == "" for e in AuditEvent.objects.order_by("seq")] == [True, True, False]
    assert list(audit_verify()) == []
    tamper("UPDATE core_auditevent SET action = %s WHERE id = %s", ["old.x", old[0].pk])
    assert list(audit_verify())


def test_a_lost_audit_key_is_named_and_never_replaced(chain, tmp_path, settings, capsys):
    path = tmp_path / "audit_key"
    shutil.copy(settings.PAVE_AUDIT_KEY_FILE, path)
    key_id = chain[-1].key_id
    with override_settings(PAVE_AUDIT_KEY_FILE=path):
        path.unlink()
        crypto.reset_keyring()
        assert run_cli("check") == 1
        assert f"audit key {key_id} missing" in capsys.readouterr().err
        with pytest.raises(crypto.MissingKeyError, match=key_id):
            audit_record(actor="cli:root", action="after the loss")
        assert not path.exists()


def test_the_chain_is_never_continued_under_another_key(chain, capsys):
    with override_settings(PAVE_AUDIT_KEY="another key of at least thirty-two chars"):
        crypto.reset_keyring()
        # Start-up refuses this key (keycheck); a process that wrote an event anyway...
        event = audit_record(actor="cli:root", action="under a new key")
        # ...never gets it chained: the sealer names the key the log is signed with.
        with pytest.raises(crypto.MissingKeyError, match=chain[-1].key_id):
            audit_seal()
        assert run_cli("audit", "verify") == 1
        assert f"audit key {chain[-1].key_id} missing" in capsys.readouterr().err
    crypto.reset_keyring()
    # With the right key back, the stray event (signed for the other key) is still refused.
    with pytest.raises(crypto.MissingKeyError, match=f"id={event.pk}"):
        audit_seal()
    assert AuditEvent.objects.get(pk=event.pk).seq is None


def test_a_short_audit_key_is_refused_before_any_write(db, capsys):
    with override_settings(PAVE_AUDIT_KEY="too short"):
        crypto.reset_keyring()
        assert run_cli("check") == 1
        assert "at least 32 characters" in capsys.readouterr().err
