"""Counters hand out increasing, unique numbers; on PostgreSQL without a lock held until the
end of the drawing transaction (issue 13: case creation queued on one counter row)."""

import threading

import pytest
from django.db import connection, connections, transaction

from pave.cases.references import next_references
from pave.core.counters import counter_next_values, sequence_name
from pave.core.models import Counter


def test_values_increase_and_blocks_do_not_overlap(db):
    first = counter_next_values("test:a", 3)
    second = counter_next_values("test:a", 2)
    assert first == sorted(first) and second == sorted(second)
    assert len(set(first + second)) == 5 and min(second) > max(first)
    assert counter_next_values("test:b") == [1]  # each name counts on its own


def test_references_are_readable_and_unique(db):
    refs = next_references(country="LB", year=2026, count=3)
    assert refs == sorted(refs) and all(r.startswith("LB-2026-") for r in refs)
    assert len(set(refs)) == 3 and all(len(r) == len("LB-2026-000001") for r in refs)


def test_sequence_names_are_safe_identifiers():
    assert sequence_name("person:LB:2026") == "pave_seq_person_lb_2026"
    assert sequence_name('x"; DROP TABLE y; --') == "pave_seq_x_drop_table_y"


needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="sequences are PostgreSQL's"
)


@needs_postgresql
def test_a_sequence_continues_from_the_counter_row_an_older_pave_kept(db):
    Counter.objects.create(name="person:JO:2026", value=41)
    assert next_references(country="JO", year=2026, count=1) == ["JO-2026-000042"]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_holding_a_number_does_not_block_the_next_caller():
    counter_next_values("test:open")  # the sequence exists
    drawn, release = threading.Event(), threading.Event()
    held: list[int] = []

    def slow_creator() -> None:
        try:
            with transaction.atomic():
                held.extend(counter_next_values("test:open"))
                drawn.set()
                release.wait(10)  # like a case creation still writing its audit events
        finally:
            connections.close_all()

    worker = threading.Thread(target=slow_creator)
    worker.start()
    try:
        assert drawn.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
            mine = counter_next_values("test:open")  # would time out behind a row lock
        assert mine[0] > held[0]
    finally:
        release.set()
        worker.join()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_never_share_a_number():
    results: list[list[int]] = []
    lock = threading.Lock()

    def draw() -> None:
        try:
            for _ in range(10):
                with transaction.atomic():
                    values = counter_next_values("test:race", 2)
                with lock:
                    results.append(values)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draw) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = [n for values in results for n in values]
    assert len(numbers) == len(set(numbers)) == 120
