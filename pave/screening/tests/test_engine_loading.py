"""The screening engine: its expression parser, instrument loading and the registry, and
properties that hold for every answer set (hypothesis)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pave.screening.engine import (
    SHIPPED_DIRECTORY,
    And,
    ExpressionError,
    InstrumentError,
    Name,
    Not,
    Or,
    UnknownInstrument,
    assess,
    assess_request,
    delphi_positive,
    load_instruments,
    parse_expression,
)
from pave.screening.tests.test_engine import (
    ADULT,
    CHILD,
    REGISTRY,
    instrument_yaml,
)

# --------------------------------------------------------------------------- expression parser

DIMS = ["dr", "cr", "ex"]


def test_parser_precedence_not_over_and_over_or() -> None:
    tree = parse_expression("not dr and ex or cr", DIMS).tree
    assert tree == Or((And((Not(Name("dr")), Name("ex"))), Name("cr")))
    tree = parse_expression("dr or cr and not ex", DIMS).tree
    assert tree == Or((Name("dr"), And((Name("cr"), Not(Name("ex"))))))


def test_parser_parentheses_override_precedence() -> None:
    tree = parse_expression("(dr or cr) and not (ex and any_strong)", DIMS).tree
    assert tree == And((Or((Name("dr"), Name("cr"))), Not(And((Name("ex"), Name("any_strong"))))))


def test_parser_flattens_chains_and_double_negation() -> None:
    assert parse_expression("dr or cr or ex", DIMS).tree == Or(tuple(Name(d) for d in DIMS))
    assert parse_expression("not not dr", DIMS).tree == Not(Not(Name("dr")))
    assert parse_expression("  ((dr))  ", DIMS).tree == Name("dr")


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("__import__('os')", "unexpected character"),
        ("__import__", "unknown name '__import__'"),
        ("os.system", "unexpected character '.'"),
        ("dr and foo", "unknown name 'foo'"),
        ("dr ex", "unexpected 'ex' at position 3"),
        ("dr or cr )", "unexpected ')'"),
        ("(dr or cr", "expected ')'"),
        ("dr and", "got end of expression"),
        ("and dr", "got 'and'"),
        ("not", "got end of expression"),
        ("()", "got ')'"),
        ("", "empty expression"),
        ("   ", "empty expression"),
        ("dr && ex", "unexpected character '&'"),
        ("DR", "unknown name 'DR'"),
        ("(" * 100 + "dr" + ")" * 100, "nested deeper"),
    ],
)
def test_parser_rejects(source: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(source, DIMS)
    assert fragment in str(info.value)


def test_parser_never_evaluates_python(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval called")

    monkeypatch.setattr("builtins.eval", forbidden)
    expression = parse_expression("dr and not cr", DIMS)
    holds = expression.compile({"dr": 1, "cr": 2, "ex": 4})
    assert [holds(state) for state in range(4)] == [False, True, False, False]


@given(st.lists(st.sampled_from(["dr", "cr", "ex", "and", "or", "not", "(", ")"]), max_size=12))
def test_parser_agrees_with_python_boolean_semantics(tokens: list[str]) -> None:
    source = " ".join(tokens)
    try:
        expression = parse_expression(source, DIMS)
    except ExpressionError:
        return
    holds = expression.compile({"dr": 1, "cr": 2, "ex": 4})
    for state in range(8):
        env = {"dr": bool(state & 1), "cr": bool(state & 2), "ex": bool(state & 4)}
        # Python's own grammar has the same precedence; used here only as a test oracle
        assert holds(state) is eval(source, {"__builtins__": {}}, env)  # noqa: S307


# --------------------------------------------------------------------------- loading and registry


def test_an_extra_directory_adds_an_instrument_without_code_changes(tmp_path: Path) -> None:
    (tmp_path / "org-screen.v1.yaml").write_text(instrument_yaml("org-screen"), encoding="utf-8")
    registry = load_instruments(SHIPPED_DIRECTORY, tmp_path)
    instrument = registry.get("org-screen")
    assert len(registry) == 4
    assert assess(instrument, {"a.one": True, "a.two": True}).outcome.code == "flagged"
    result = assess_request(registry, {"instrument": "org-screen", "answers": {"a.one": True}})
    assert result["outcome"] == "clear"


def test_add_directory_extends_an_existing_registry(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(instrument_yaml("org-screen"), encoding="utf-8")
    registry = load_instruments()
    added = registry.add_directory(tmp_path)
    assert [i.label for i in added] == ["org-screen v1"]
    assert "org-screen" in registry and ADULT in registry


def test_new_version_becomes_latest_and_old_version_stays(tmp_path: Path) -> None:
    adult = yaml.safe_load((SHIPPED_DIRECTORY / f"{ADULT}.v1.yaml").read_text(encoding="utf-8"))
    adult["version"] = 2
    adult["dimensions"][0]["indicators"][1]["strength"] = "strong"  # dr.conditions_of_work
    (tmp_path / f"{ADULT}.v2.yaml").write_text(yaml.safe_dump(adult), encoding="utf-8")
    registry = load_instruments(SHIPPED_DIRECTORY, tmp_path)
    assert registry.versions(ADULT) == (1, 2)
    assert registry.latest(ADULT).version == 2
    assert registry.get(ADULT).version == 2
    assert registry.get(ADULT, 1) == REGISTRY.get(ADULT)
    assert registry.get(ADULT, 1).indicator("dr.conditions_of_work").strength == "medium"
    # the shipped child is pinned to adult v1, so a new adult version does not change it
    assert registry.get(CHILD) == REGISTRY.get(CHILD)


def test_organisation_can_derive_from_a_shipped_instrument(tmp_path: Path) -> None:
    (tmp_path / "child2.yaml").write_text(
        f"""
code: {CHILD}
version: 2
title: Children, stricter
derived_from: {ADULT}
child: {{promote_to_strong: [dr.wages], remove: [dr.education]}}
""",
        encoding="utf-8",
    )
    registry = load_instruments(SHIPPED_DIRECTORY, tmp_path)
    child2 = registry.get(CHILD, 2)
    assert child2.derived_from == (ADULT, 1)
    assert child2.indicator("dr.wages").strength == "strong"
    assert "dr.education" not in child2.indicators
    assert child2.indicator("ad.difficulties_in_past").strength == "weak"  # no weak_becomes
    assert child2.outcomes == REGISTRY.get(ADULT).outcomes  # inherited


def test_derived_instrument_may_come_before_its_base_in_the_same_directory(tmp_path: Path) -> None:
    (tmp_path / "a-derived.yaml").write_text(
        "code: z-child\nversion: 1\ntitle: Z child\nderived_from: z-base\n"
        "child: {weak_becomes: medium}\n",
        encoding="utf-8",
    )
    (tmp_path / "b-base.yaml").write_text(
        instrument_yaml("z-base", strength="weak"), encoding="utf-8"
    )
    registry = load_instruments(tmp_path)
    assert registry.get("z-child").indicator("a.one").strength == "medium"


def test_unknown_instrument_lookups() -> None:
    with pytest.raises(UnknownInstrument, match="unknown instrument 'nope'"):
        REGISTRY.get("nope")
    with pytest.raises(UnknownInstrument, match="unknown version 9"):
        REGISTRY.get(ADULT, 9)
    with pytest.raises(InstrumentError):
        REGISTRY.latest("nope")


BAD_INSTRUMENTS = {
    "duplicate indicator": (
        instrument_yaml("bad").replace("a.two", "a.one"),
        "duplicate indicator code 'a.one'",
    ),
    "unknown strength": (instrument_yaml("bad", strength="huge"), "unknown strength 'huge'"),
    "unknown dimension in when": (
        instrument_yaml("bad", when="a and zz"),
        "unknown name 'zz'",
    ),
    "python in when": (instrument_yaml("bad", when="a.__class__"), "unexpected character '.'"),
    "unknown rule": (instrument_yaml("bad", dimension_rule="majority"), "unknown dimension_rule"),
    "unknown base": (
        "code: bad\nversion: 1\ntitle: Bad\nderived_from: nowhere\n",
        "unknown base instrument 'nowhere'",
    ),
    "unknown pinned base": (
        f"code: bad\nversion: 1\ntitle: Bad\nderived_from: {ADULT}\nderived_from_version: 7\n",
        f"unknown base instrument '{ADULT} v7'",
    ),
    "derivation of unknown indicator": (
        f"code: bad\nversion: 1\ntitle: Bad\nderived_from: {ADULT}\nchild: {{remove: [dr.nope]}}\n",
        "indicator 'dr.nope' is not in base",
    ),
    "unknown key": (instrument_yaml("bad") + "colour: red\n", "unknown key 'colour'"),
    "missing title": (instrument_yaml("bad").replace("title: Test instrument", ""), "'title'"),
    "version not integer": (
        instrument_yaml("bad").replace("version: 1", "version: one"),
        "version",
    ),
    "not yaml": ("code: [unclosed", "cannot read instrument file"),
    "not a mapping": ("- just a list\n", "expected an instrument mapping"),
    "outcomes leave a gap": (
        instrument_yaml("bad").replace('"not a"', '"a and not a"'),
        "no outcome holds when none is positive and no strong indicator is observed",
    ),
    "shadows a shipped version": (instrument_yaml(ADULT), f"{ADULT} v1 is defined twice"),
}


@pytest.mark.parametrize("case", sorted(BAD_INSTRUMENTS))
def test_invalid_instrument_file_raises_instrument_error(tmp_path: Path, case: str) -> None:
    text, message = BAD_INSTRUMENTS[case]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    registry = load_instruments()
    with pytest.raises(InstrumentError) as info:
        registry.add_directory(tmp_path)
    assert message in str(info.value)
    assert str(path) in str(info.value) or "defined twice" in message
    assert [i.label for i in registry] == [i.label for i in REGISTRY]  # nothing half-added


def test_derivation_cycle_is_reported(tmp_path: Path) -> None:
    for code, base in (("x", "y"), ("y", "x")):
        (tmp_path / f"{code}.yaml").write_text(
            f"code: {code}\nversion: 1\ntitle: T\nderived_from: {base}\n", encoding="utf-8"
        )
    with pytest.raises(InstrumentError, match="derivation cycle"):
        load_instruments(tmp_path)


def test_missing_directory_is_an_instrument_error(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match="not a directory"):
        load_instruments(tmp_path / "missing")


# --------------------------------------------------------------------------- properties

INSTRUMENTS = list(REGISTRY)


@st.composite
def instrument_and_answers(draw: st.DrawFn) -> tuple[object, dict[str, bool | None]]:
    instrument = draw(st.sampled_from(INSTRUMENTS))
    codes = list(instrument.indicators)
    answers = draw(
        st.dictionaries(st.sampled_from(codes), st.sampled_from([True, False, None]), max_size=30)
    )
    return instrument, answers


@settings(max_examples=200)
@given(instrument_and_answers(), st.data())
def test_observing_one_more_indicator_never_turns_a_dimension_negative(
    case: tuple, data: st.DataObject
) -> None:
    instrument, answers = case
    code = data.draw(st.sampled_from(list(instrument.indicators)))
    before = assess(instrument, answers).positive_dimensions
    after = assess(instrument, {**answers, code: True}).positive_dimensions
    assert set(before) <= set(after)


@given(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5), st.sampled_from([0, 1, 2]))
def test_delphi_rule_is_monotone(strong: int, medium: int, weak: int, which: int) -> None:
    counts = [strong, medium, weak]
    bumped = list(counts)
    bumped[which] += 1
    assert not delphi_positive(*counts) or delphi_positive(*bumped)


@given(instrument_and_answers(), st.randoms(use_true_random=False))
def test_outcome_does_not_depend_on_answer_order(case: tuple, rng: random.Random) -> None:
    instrument, answers = case
    items = list(answers.items())
    rng.shuffle(items)
    assert assess(instrument, dict(items)).to_dict() == assess(instrument, answers).to_dict()


@given(instrument_and_answers())
def test_assessment_is_deterministic(case: tuple) -> None:
    instrument, answers = case
    first = assess(instrument, answers)
    second = assess(instrument, dict(answers))
    assert first.to_dict() == second.to_dict()
    assert first.explanation() == second.explanation()


@given(instrument_and_answers())
def test_false_and_absent_answers_give_the_same_result(case: tuple) -> None:
    instrument, answers = case
    without_false = {code: value for code, value in answers.items() if value is not False}
    assert assess(instrument, answers).to_dict() == assess(instrument, without_false).to_dict()


@given(instrument_and_answers())
def test_null_and_false_give_the_same_outcome_but_differ_in_unanswered(case: tuple) -> None:
    instrument, answers = case
    nulls_as_false = {code: (False if value is None else value) for code, value in answers.items()}
    with_nulls = assess(instrument, answers).to_dict()
    without = assess(instrument, nulls_as_false).to_dict()
    assert with_nulls["outcome"] == without["outcome"]
    assert with_nulls["dimensions"] == without["dimensions"]
    assert without["unanswered"] == []
    nulls = [code for code in instrument.indicators if answers.get(code, False) is None]
    assert with_nulls["unanswered"] == nulls
