"""Named counters for readable numbers (LB-2026-000123) without a lock held until commit.

On PostgreSQL each counter is a sequence: `nextval` hands out numbers without waiting for any
other transaction, so several app servers creating records at once never queue on a counter
row. The price is gaps: a number taken by a transaction that rolls back is not reused. On
SQLite one writer at a time holds the whole database anyway, so a counter row updated inside
the writer's transaction costs nothing more and leaves no gap.
"""

from __future__ import annotations

import re

from django.db import DatabaseError, connection, transaction
from django.db.models import F

from pave.core.models import Counter

_IDENTIFIER = re.compile(r"[^a-z0-9]+")


def sequence_name(name: str) -> str:
    """The PostgreSQL sequence behind counter `name` (a safe identifier)."""
    return ("pave_seq_" + _IDENTIFIER.sub("_", name.lower()).strip("_"))[:63]


def counter_next_values(name: str, count: int = 1) -> list[int]:
    """The next `count` values of counter `name`, increasing (not always contiguous on
    PostgreSQL when other callers draw at the same time)."""
    if count < 1:
        return []
    if connection.vendor == "postgresql":
        return _sequence_values(name, count)
    with transaction.atomic():
        Counter.objects.get_or_create(name=name)
        Counter.objects.filter(name=name).update(value=F("value") + count)
        last = Counter.objects.get(name=name).value
    return list(range(last - count + 1, last + 1))


def _sequence_values(name: str, count: int) -> list[int]:
    sequence = sequence_name(name)
    for _attempt in range(3):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
                )
                return sorted(row[0] for row in cursor.fetchall())
        except DatabaseError:  # the sequence does not exist yet
            _sequence_create(name, sequence)
    raise DatabaseError(f"counter {name!r}: sequence {sequence} could not be created")


def _sequence_create(name: str, sequence: str) -> None:
    """Create the counter's sequence, continuing from the counter row an older PAVE kept.
    Two callers creating it at once: one wins, the other's attempt is rolled back to its
    savepoint and it draws from the winner's sequence."""
    start = (Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0) + 1
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{sequence}" START WITH {int(start)}')
    except DatabaseError:
        pass
