"""Pseudonymous references for persons (LB-2014-000123).

Numbers come from a counter per country and year (`pave.core.counters`): on PostgreSQL a
sequence, so creating a case never waits for another one to commit; a case whose creation
rolls back leaves a gap in the numbering, which is harmless (references are identifiers, not
counts). Counting people is done by the reports, never by reading reference numbers.
"""

from __future__ import annotations

from pave.core.counters import counter_next_values


def next_references(*, country: str, year: int, count: int) -> list[str]:
    """A block of the next pseudonymous references for a country and year."""
    values = counter_next_values(f"person:{country}:{year}", count)
    return [f"{country}-{year}-{n:06d}" for n in values]


def next_reference(*, country: str, year: int) -> str:
    return next_references(country=country, year=year, count=1)[0]
