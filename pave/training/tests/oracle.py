"""A test oracle: the training aggregates counted row by row in plain Python.

The aggregates are counted by the counting engine (pave.core.counting) in SQL; this is the
obvious loop over sign-in rows they must agree with, and the input of the suppression tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fact:
    """One participant present at one session."""

    participant: int
    sex: str
    group: str
    country: str
    event_type: str
    event: int
    session: int


def _zeros(codes: Iterable[str]) -> dict[str, int]:
    return dict.fromkeys(codes, 0)


def count_participants(
    facts: Iterable[Fact],
    *,
    sexes: Sequence[str] = (),
    groups: Sequence[str] = (),
    event_types: Sequence[str] = (),
) -> dict[str, Any]:
    """Distinct participants, overall and disaggregated; the listed codes always appear (0).

    `attendances` is the number of facts (person-sessions): what a sum of sign-in sheets
    would report, shown beside the number of people so the difference is visible.
    """
    people: dict[int, Fact] = {}
    types_of: dict[int, set[str]] = {}
    events: set[int] = set()
    sessions: set[int] = set()
    attendances = 0
    for fact in facts:
        attendances += 1
        people.setdefault(fact.participant, fact)
        types_of.setdefault(fact.participant, set()).add(fact.event_type)
        events.add(fact.event)
        sessions.add(fact.session)
    by_sex, by_group = _zeros(sexes), _zeros(groups)
    by_type, by_country = _zeros(event_types), dict[str, int]()
    cross: dict[str, dict[str, int]] = {group: _zeros(sexes) for group in groups}
    for participant, fact in people.items():
        by_sex[fact.sex] = by_sex.get(fact.sex, 0) + 1
        by_group[fact.group] = by_group.get(fact.group, 0) + 1
        country = fact.country or "unknown"
        by_country[country] = by_country.get(country, 0) + 1
        row = cross.setdefault(fact.group, _zeros(sexes))
        row[fact.sex] = row.get(fact.sex, 0) + 1
        for event_type in types_of[participant]:
            by_type[event_type] = by_type.get(event_type, 0) + 1
    return {
        "participants": len(people),
        "attendances": attendances,
        "events": len(events),
        "sessions": len(sessions),
        "by_sex": by_sex,
        "by_stakeholder_group": by_group,
        "by_country": dict(sorted(by_country.items())),
        "by_event_type": by_type,
        "by_stakeholder_group_and_sex": cross,
    }
