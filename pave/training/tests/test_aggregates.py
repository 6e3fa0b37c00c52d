"""Counting people, not rows (the oracle the engine is held to), small-cell suppression and
knowledge gain."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pave.privacy.suppression import suppress
from pave.training.aggregates import knowledge_summary, suppress_counts, suppress_knowledge
from pave.training.tests.oracle import Fact, count_participants

SEXES = ["female", "male", "other", "unknown"]
GROUPS = ["government_officer", "civil_society", "public"]
TYPES = ["training_workshop", "awareness_session"]


def fact(participant, session=1, *, sex="female", group="public", country="LB", kind=None):
    return Fact(participant, sex, group, country, kind or TYPES[0], event=session, session=session)


def count(facts):
    return count_participants(facts, sexes=SEXES, groups=GROUPS, event_types=TYPES)


def test_a_person_at_three_sessions_counts_once():
    result = count([fact(1, 1), fact(1, 2), fact(1, 3), fact(2, 1)])
    assert result["participants"] == 2
    assert result["attendances"] == 4
    assert result["sessions"] == 3
    assert result["by_sex"]["female"] == 2


def test_disaggregations_add_up_but_types_may_overlap():
    facts = [
        fact(1, 1, sex="male", group="government_officer", country="LB"),
        fact(1, 2, sex="male", group="government_officer", country="LB", kind=TYPES[1]),
        fact(2, 1, sex="female", group="civil_society", country="EG"),
        fact(3, 2, sex="female", group="public", country="", kind=TYPES[1]),
    ]
    result = count(facts)
    assert result["participants"] == 3
    assert sum(result["by_sex"].values()) == 3
    assert sum(result["by_stakeholder_group"].values()) == 3
    assert result["by_country"] == {"EG": 1, "LB": 1, "unknown": 1}
    # Participant 1 was at both types: counted under each, once in the total.
    assert result["by_event_type"] == {TYPES[0]: 2, TYPES[1]: 2}
    assert result["by_stakeholder_group_and_sex"]["government_officer"]["male"] == 1


def test_every_listed_code_appears_even_at_zero():
    result = count([])
    assert result["participants"] == 0
    assert set(result["by_sex"]) == set(SEXES)
    assert set(result["by_stakeholder_group"]) == set(GROUPS)


@given(st.lists(st.tuples(st.integers(1, 30), st.integers(1, 5), st.sampled_from(SEXES))))
def test_the_total_is_the_number_of_distinct_people(rows):
    sex_of: dict[int, str] = {}
    facts = []
    for participant, session, sex in rows:
        sex = sex_of.setdefault(participant, sex)  # a person has one sex
        facts.append(fact(participant, session, sex=sex))
    result = count(facts)
    assert result["participants"] == len({row[0] for row in rows})
    assert sum(result["by_sex"].values()) == result["participants"]
    assert result["attendances"] == len(rows)


# --- suppression -----------------------------------------------------------------------------


# A cell of a published table: ("t",) the total, (disaggregation, key), ("x", group, sex).
Cell = tuple[str, ...]
CellT = TypeVar("CellT", bound=Hashable)


def recover(
    cells: Mapping[CellT, int | None], lines: Sequence[Sequence[CellT]]
) -> dict[CellT, int]:
    """What a reader can work out by subtraction along lines whose last cell is the total."""
    known = dict(cells)
    found: dict[CellT, int] = {}

    def shown(cell: CellT) -> int:
        value = known[cell]
        assert value is not None  # only the one unknown cell of a line is None
        return value

    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [c for c in line if known[c] is None]
            if len(unknown) != 1:
                continue
            *parts, total = line
            (cell,) = unknown
            if cell == total:
                value = sum(shown(p) for p in parts)
            else:
                value = shown(total) - sum(shown(p) for p in parts if p != cell)
            known[cell] = found[cell] = value
            progress = True
    return found


def test_primary_and_complementary_suppression():
    cells = {"a": 2, "b": 10, "c": 7, "total": 19}
    hidden = suppress(cells, [["a", "b", "c", "total"]], threshold=5)
    assert hidden == {"a", "c"}  # c hides a: 19 - 10 would otherwise give 9 = a + c only
    shown = {k: (None if k in hidden else v) for k, v in cells.items()}
    assert recover(shown, [["a", "b", "c", "total"]]) == {}


def test_zero_is_not_suppressed():
    assert suppress({"a": 0, "b": 9, "t": 9}, [["a", "b", "t"]], threshold=5) == set()


def test_suppressed_aggregate_hides_small_cells_and_what_would_reveal_them():
    facts = [fact(n, sex="female", group="civil_society", country="EG") for n in range(1, 11)]
    facts += [fact(n, sex="male", group="civil_society", country="EG") for n in range(11, 14)]
    facts += [fact(n, sex="male", group="public", country="LB") for n in range(14, 22)]
    facts += [fact(n, sex="female", group="public", country="LB") for n in range(22, 28)]
    out = suppress_counts(count(facts), threshold=5)
    assert out["participants"] == 27
    assert out["by_sex"]["female"] == 16 and out["by_sex"]["male"] == 11
    cross = out["by_stakeholder_group_and_sex"]
    assert cross["civil_society"]["male"] is None  # 3
    assert cross["civil_society"]["female"] is None  # would give 13 - 10 = 3
    assert cross["public"]["female"] is None  # would give 16 - 6 = 10, then 3
    assert out["by_stakeholder_group"]["civil_society"] == 13
    assert out["suppressed"] is True and out["threshold"] == 5


def test_a_total_below_the_threshold_hides_everything_that_names_people():
    out = suppress_counts(count([fact(1), fact(2)]), threshold=5)
    assert out["participants"] is None
    assert out["by_sex"]["female"] is None
    assert out["attendances"] is None


@given(
    st.lists(
        st.tuples(st.sampled_from(SEXES[:2]), st.sampled_from(GROUPS), st.sampled_from("ABC")),
        max_size=40,
    ),
    st.integers(2, 11),
)
def test_no_suppressed_cell_can_be_recovered_by_subtraction(people, threshold):
    facts = [fact(n, sex=s, group=g, country=c) for n, (s, g, c) in enumerate(people, start=1)]
    result = count(facts)
    out = suppress_counts(result, threshold=threshold)
    cells: dict[Cell, int | None] = {("t",): out["participants"]}
    lines: list[list[Cell]] = []
    for name in ("by_sex", "by_stakeholder_group", "by_country"):
        cells.update({(name, k): v for k, v in out[name].items()})
        lines.append([(name, k) for k in out[name]] + [("t",)])
    for group, row in out["by_stakeholder_group_and_sex"].items():
        cells.update({("x", group, s): v for s, v in row.items()})
        lines.append([("x", group, s) for s in row] + [("by_stakeholder_group", group)])
    for sex in out["by_sex"]:
        lines.append(
            [("x", g, sex) for g in out["by_stakeholder_group_and_sex"]] + [("by_sex", sex)]
        )
    recovered = recover(cells, lines)
    truth: dict[Cell, int] = {("t",): result["participants"]}
    for name in ("by_sex", "by_stakeholder_group", "by_country"):
        truth.update({(name, k): v for k, v in result[name].items()})
    for group, row in result["by_stakeholder_group_and_sex"].items():
        truth.update({("x", group, s): v for s, v in row.items()})
    for cell, value in recovered.items():
        assert value == truth[cell]
        assert not 0 < value < threshold, cell


def test_threshold_must_be_positive():
    with pytest.raises(ValueError):
        suppress({"a": 1}, [], threshold=0)


# --- knowledge gain --------------------------------------------------------------------------


def test_knowledge_summary_in_percent_of_each_tests_maximum():
    scores = [
        (Decimal(8), Decimal(16), Decimal(20)),  # 40 % -> 80 %
        (Decimal(50), Decimal(60), Decimal(100)),  # 50 % -> 60 %
        (Decimal(5), None, Decimal(20)),  # no post-test: left out
    ]
    summary = knowledge_summary(scores)
    assert summary == {
        "tested": 2,
        "improved": 2,
        "mean_pre_percent": 45.0,
        "mean_post_percent": 70.0,
        "mean_gain_points": 25.0,
    }


def test_knowledge_of_too_few_people_is_not_published():
    summary = knowledge_summary([(Decimal(1), Decimal(2), Decimal(10))])
    assert suppress_knowledge(summary, threshold=5)["mean_gain_points"] is None
    assert knowledge_summary([])["tested"] == 0
