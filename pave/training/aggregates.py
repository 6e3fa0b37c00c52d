"""Counting people, not rows: pure functions behind the training aggregates (no Django).

A sign-in sheet has one row per person per session; a programme reports people. Every count
here is of distinct participants: the officer who came to three sessions is one officer
trained. Disaggregations by sex, stakeholder group and country partition the people (they
add up to the total); by event type they need not (someone at a workshop and at a dialogue
counts once under each type, and once in the total).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pave.privacy.suppression import suppress


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


# --- small-cell suppression ------------------------------------------------------------------


def suppress_counts(result: Mapping[str, Any], *, threshold: int) -> dict[str, Any]:
    """The counts of `count_participants` fit to leave the organisation: small cells and
    the cells that would give them away are None; `suppressed` says whether any was hidden."""
    total = ("participants",)
    cells: dict[Hashable, int] = {total: result["participants"]}
    lines: list[list[Hashable]] = []
    for name in ("by_sex", "by_stakeholder_group", "by_country"):
        keys = [(name, code) for code in result[name]]
        cells.update({(name, code): n for code, n in result[name].items()})
        lines.append([*keys, total])
    cross = result["by_stakeholder_group_and_sex"]
    for group, row in cross.items():
        in_row: list[Hashable] = [("cross", group, sex) for sex in row]
        cells.update({("cross", group, sex): n for sex, n in row.items()})
        lines.append([*in_row, ("by_stakeholder_group", group)])
    for sex in result["by_sex"]:
        column = [("cross", group, sex) for group in cross if sex in cross[group]]
        lines.append([*column, ("by_sex", sex)])
    # Types overlap (no subtraction recovers them): threshold only.
    cells.update({("by_event_type", code): n for code, n in result["by_event_type"].items()})
    hidden = suppress(cells, lines, threshold=threshold)

    def shown(key: Hashable) -> int | None:
        return None if key in hidden else cells[key]

    out = dict(result)
    out["participants"] = shown(total)
    for name in ("by_sex", "by_stakeholder_group", "by_country", "by_event_type"):
        out[name] = {code: shown((name, code)) for code in result[name]}
    out["by_stakeholder_group_and_sex"] = {
        group: {sex: shown(("cross", group, sex)) for sex in row} for group, row in cross.items()
    }
    small = 0 < result["attendances"] < threshold
    out["attendances"] = None if small or total in hidden else result["attendances"]
    out["suppressed"] = bool(hidden) or small
    out["threshold"] = threshold
    return out


# --- knowledge gain --------------------------------------------------------------------------


def _percent(score: Decimal, maximum: Decimal) -> Decimal:
    return score * 100 / maximum


def knowledge_summary(
    scores: Iterable[tuple[Decimal | None, Decimal | None, Decimal]],
) -> dict[str, Any]:
    """Mean pre- and post-test scores and gain (percent of the maximum) over the people who
    took both tests, and how many of them improved. `scores` are (pre, post, max)."""
    pairs = [(pre, post, top) for pre, post, top in scores if pre is not None and post is not None]
    if not pairs:
        return {
            "tested": 0,
            "improved": 0,
            "mean_pre_percent": None,
            "mean_post_percent": None,
            "mean_gain_points": None,
        }
    pre = sum((_percent(p, top) for p, _post, top in pairs), Decimal(0)) / len(pairs)
    post = sum((_percent(q, top) for _pre, q, top in pairs), Decimal(0)) / len(pairs)
    return {
        "tested": len(pairs),
        "improved": sum(1 for p, q, _top in pairs if q > p),
        "mean_pre_percent": round(float(pre), 1),
        "mean_post_percent": round(float(post), 1),
        "mean_gain_points": round(float(post - pre), 1),
    }


def suppress_knowledge(summary: Mapping[str, Any], *, threshold: int) -> dict[str, Any]:
    """Means over fewer than `threshold` people are not published (nor the counts)."""
    if 0 < summary["tested"] < threshold:
        return dict.fromkeys(summary, None)
    return dict(summary)
