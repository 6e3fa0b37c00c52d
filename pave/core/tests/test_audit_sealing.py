"""Issue 13, item 2: requests append audit events without a global lock; a sealer numbers and
chains them within seconds, and the log stays as tamper-evident as before."""

import datetime
import sys
import threading
from unittest import mock

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from pave.core import audit
from pave.core.audit import audit_pending, audit_record, audit_seal, audit_verify
from pave.core.management.commands.worker import Scheduler
from pave.core.models import AuditEvent
from pave.testing import make_case, run_pave

needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the lock and the trigger are PostgreSQL's"
)


def run_cli(*argv: str) -> tuple[int, str, str]:
    code, out, err = run_pave(*argv)
    print(out, end="")
    print(err, end="", file=sys.stderr)
    return code, out, err


def append_old(minutes: int, action: str = "test.old") -> AuditEvent:
    """An event appended `minutes` ago (as if no sealer had run since)."""
    then = timezone.now() - datetime.timedelta(minutes=minutes)
    with mock.patch.object(audit.timezone, "now", return_value=then):
        return audit_record(actor="cli:root", action=action)


def test_an_audited_request_appends_its_event_unsealed_and_the_sealer_chains_it(personas):
    make_case(personas.amal)
    make_case(personas.amal)
    appended = list(AuditEvent.objects.order_by("id"))
    assert appended and all(e.seq is None and e.hash is None for e in appended)
    assert audit_pending().count == len(appended)
    assert list(audit_verify()) == []  # pending is not broken

    assert audit_seal() == len(appended)
    sealed = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in sealed] == list(range(1, len(sealed) + 1))
    assert [e.pk for e in sealed] == [e.pk for e in appended]  # in id order
    assert sealed[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(sealed, sealed[1:], strict=False))
    assert list(audit_verify()) == [] and audit_pending().count == 0
    assert audit_seal() == 0

    # Later events continue the chain, in batches of any size.
    for n in range(5):
        audit_record(actor="cli:root", action=f"test.{n}")
    assert audit_seal(batch=2) == 5
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(sealed) + 6))
    assert list(audit_verify()) == []


def test_a_crash_mid_seal_rolls_the_batch_back(db):
    for n in range(3):
        audit_record(actor="cli:root", action=f"test.{n}")
    real = audit.compute_hash
    calls = iter(range(100))

    def crash_on_the_third(event):
        if next(calls) == 2:
            raise RuntimeError("the sealer died")
        return real(event)

    with mock.patch.object(audit, "compute_hash", crash_on_the_third), pytest.raises(RuntimeError):
        audit_seal()
    assert not AuditEvent.objects.filter(seq__isnull=False).exists()  # nothing half sealed
    assert audit_seal() == 3 and list(audit_verify()) == []


def test_verify_reports_pending_events_and_seals_them(db, capsys):
    audit_record(actor="cli:root", action="test.fresh")
    code, out, _err = run_cli("audit", "verify")
    assert code == 0
    assert "audit log intact: 1 events verified" in out
    assert "1 pending events sealed now" in out


def test_an_event_left_unsealed_for_minutes_is_a_problem(db, capsys):
    """The sealer is not running: until sealed, a row could be deleted without trace."""
    old = append_old(minutes=10)
    problems = list(audit_verify())
    assert len(problems) == 1 and problems[0].event_id == old.pk
    assert "sealer is not running" in str(problems[0]) and "1 event(s) pending" in str(problems[0])
    code, _out, err = run_cli("audit", "verify")
    assert code == 1 and "AT RISK" in err and "sealer is not running" in err
    # verify sealed it on the way: from here the chain covers it.
    assert AuditEvent.objects.get(pk=old.pk).seq == 1
    assert run_cli("audit", "verify")[0] == 0


def test_a_checkpoint_covers_the_events_appended_before_it(db, capsys, _own_audit_checkpoints):
    audit_record(actor="cli:root", action="test.a")
    audit_record(actor="cli:root", action="test.b")
    code, out, _err = run_cli("audit", "checkpoint", "--print")
    assert code == 0 and "seq=2 " in out


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_the_worker_seals(db, capsys):
    """`pave worker --batch` seals once; the long-running worker's scheduler every few seconds."""
    audit_record(actor="cli:root", action="test.batch")
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        code, _out, err = run_pave(
            "worker", "--batch", "--no-startup-delay", "--schedule-every", "0"
        )
    assert code == 0, err
    assert AuditEvent.objects.get(action="test.batch").seq == 1

    audit_record(actor="cli:root", action="test.loop")
    scheduler = Scheduler(schedule_every=0, seal_every=2)
    # One round in this thread (a real worker runs it in its own thread and connection).
    with (
        mock.patch.object(
            scheduler.stopped, "wait", side_effect=lambda _s: scheduler.stopped.set()
        ),
        mock.patch("pave.core.management.commands.worker.close_old_connections"),
        mock.patch("pave.core.management.commands.worker.connections"),
    ):
        scheduler.run()
    assert AuditEvent.objects.get(action="test.loop").seq == 2


# --- PostgreSQL: no wait between requests; the trigger lets the sealer write once -------------


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_open_audited_transaction_does_not_block_another_audited_write():
    """Before: every append took one advisory lock until commit, so the second write waited
    for the first transaction (and timed out here). Now neither waits; the event committed
    late, with the lower id, is sealed in a later batch, after the one committed first."""
    written, release = threading.Event(), threading.Event()
    slow: list[AuditEvent] = []

    def slow_request() -> None:
        try:
            with transaction.atomic():
                slow.append(audit_record(actor="cli:slow", action="test.slow"))
                written.set()
                release.wait(10)  # a request still working after writing its event
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_request)
    thread.start()
    try:
        assert written.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
            fast = audit_record(actor="cli:fast", action="test.fast")  # timed out before
        assert audit_seal() == 1  # only the committed one
    finally:
        release.set()
        thread.join()
    assert slow[0].pk < fast.pk
    assert audit_seal() == 1
    seqs = dict(AuditEvent.objects.values_list("action", "seq"))
    assert seqs == {"test.fast": 1, "test.slow": 2}  # sealing order, not id order
    assert list(audit_verify()) == []


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_and_sealers_give_one_contiguous_chain():
    errors: list[BaseException] = []

    def append_and_seal(n: int) -> None:
        try:
            for k in range(10):
                with transaction.atomic():
                    audit_record(actor=f"cli:{n}", action=f"test.{k}")
                if k % 3 == 0:
                    audit_seal()  # several sealers at once: the sealer lock takes turns
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append_and_seal, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    audit_seal()
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 61))
    assert list(audit_verify()) == []


@needs_postgresql
def test_the_trigger_lets_an_event_be_sealed_once_and_nothing_else(db):
    event = audit_record(actor="cli:root", action="test.trigger")
    refused = pytest.raises(DatabaseError, match="append-only")
    rows = AuditEvent.objects.filter(pk=event.pk)
    with refused, transaction.atomic():
        rows.update(seq=1, prev_hash="0" * 64, hash="f" * 64, action="test.forged")
    with refused, transaction.atomic():
        rows.update(action="test.forged")  # even unsealed, the contents are fixed
    with refused, transaction.atomic():
        rows.update(seq=1)  # half a seal
    with refused, transaction.atomic():
        rows.delete()  # the window before sealing: the trigger still refuses
    assert audit_seal() == 1
    with refused, transaction.atomic():
        rows.update(seq=None, prev_hash=None, hash=None)  # unsealing
    with refused, transaction.atomic():
        rows.update(hash="f" * 64)  # re-sealing
    assert list(audit_verify()) == []
