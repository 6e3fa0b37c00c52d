"""Pseudonymous references for persons (LB-2014-000123)."""

from __future__ import annotations

from django.db.models import F

from pave.core.models import Counter


def next_references(*, country: str, year: int, count: int) -> list[str]:
    """A block of the next pseudonymous references for a country and year (LB-2014-000123).

    Call inside a transaction: the UPDATE locks the counter row until commit, so concurrent
    callers (several app servers) get disjoint blocks.
    """
    name = f"person:{country}:{year}"
    Counter.objects.get_or_create(name=name)
    Counter.objects.filter(name=name).update(value=F("value") + count)
    last = Counter.objects.get(name=name).value
    return [f"{country}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def next_reference(*, country: str, year: int) -> str:
    return next_references(country=country, year=year, count=1)[0]
