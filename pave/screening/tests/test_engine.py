"""Tests of the pure screening engine (no database, no Django)."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pave.screening.engine import (
    SHIPPED_DIRECTORY,
    And,
    AnswerError,
    ExpressionError,
    InstrumentError,
    Name,
    Not,
    Or,
    ScreeningRequestError,
    UnknownIndicator,
    UnknownInstrument,
    assess,
    assess_batch,
    assess_request,
    delphi_positive,
    delphi_reason,
    load_instruments,
    parse_expression,
)

ADULT = "ilo-2009-adult-labour"
CHILD = "ilo-2009-child-labour"
ICLS = "icls-2018-forced-labour"
SPEC = Path("/work/shared/reference/screening-instruments.yaml")
REGISTRY = load_instruments()


def outcome_of(code: str, *observed: str, **extra: bool | None) -> str:
    answers: dict[str, bool | None] = dict.fromkeys(observed, True)
    answers.update({key.replace("__", "."): value for key, value in extra.items()})
    return assess(REGISTRY.get(code), answers).outcome.code


# --------------------------------------------------------------------------- shipped instruments


def test_shipped_directory_holds_the_three_instruments() -> None:
    assert [i.label for i in REGISTRY] == [f"{ICLS} v1", f"{ADULT} v1", f"{CHILD} v1"]
    assert {p.name for p in SHIPPED_DIRECTORY.glob("*.yaml")} == {
        f"{ADULT}.v1.yaml",
        f"{CHILD}.v1.yaml",
        f"{ICLS}.v1.yaml",
    }


def test_adult_list_has_the_documented_totals() -> None:
    adult = REGISTRY.get(ADULT)
    assert [len(d.indicators) for d in adult.dimensions] == [10, 10, 16, 9, 15, 7]
    assert len(adult.indicators) == 67
    assert adult.indicator("ar.difficulties_in_past").strength == "weak"
    assert adult.indicator("ar.difficulty_organising_travel").strength == "weak"


@pytest.mark.skipif(not SPEC.exists(), reason="reference spec not available")
def test_shipped_copy_equals_the_reference_spec(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    assert list(load_instruments(tmp_path)) == list(REGISTRY)


def test_child_file_is_derived_not_expanded() -> None:
    raw = yaml.safe_load((SHIPPED_DIRECTORY / f"{CHILD}.v1.yaml").read_text(encoding="utf-8"))
    assert raw["derived_from"] == ADULT
    assert "dimensions" not in raw
    assert REGISTRY.get(CHILD).derived_from == (ADULT, 1)


# --------------------------------------------------------------------------- child derivation


def test_child_list_has_65_items_and_no_weak_tier() -> None:
    child = REGISTRY.get(CHILD)
    strengths = Counter(i.strength for i in child.indicators.values())
    assert len(child.indicators) == 65
    assert strengths == {"strong": 15, "medium": 50}
    assert [len(d.indicators) for d in child.dimensions] == [10, 10, 15, 8, 15, 7]


def test_child_list_drops_the_two_removed_items() -> None:
    child = REGISTRY.get(CHILD)
    for code in ("ar.false_info_law", "ex.no_social_protection"):
        assert code not in child.indicators
        with pytest.raises(UnknownIndicator, match=code):
            child.indicator(code)


@pytest.mark.parametrize(
    "code",
    [
        "dr.education",
        "cr.abduction_sale",
        "cr.debt_bondage",
        "cr.threat_violence",
        "cd.threat_violence",
        "cd.illicit_activities",
        "cd.forced_tasks",
        "cd.strong_influence",
    ],
)
def test_child_list_promotes_items_to_strong(code: str) -> None:
    assert REGISTRY.get(CHILD).indicator(code).strength == "strong"
    assert REGISTRY.get(ADULT).indicator(code).strength != "strong"


def test_child_list_turns_every_other_weak_item_medium() -> None:
    adult, child = REGISTRY.get(ADULT), REGISTRY.get(CHILD)
    weak = [c for c, i in adult.indicators.items() if i.strength == "weak" and c != "dr.education"]
    assert len(weak) == 8
    assert {child.indicator(code).strength for code in weak} == {"medium"}


def test_child_list_keeps_adult_order_and_labels() -> None:
    adult, child = REGISTRY.get(ADULT), REGISTRY.get(CHILD)
    assert list(child.indicators) == [c for c in adult.indicators if c in child.indicators]
    assert all(child.indicator(c).label == adult.indicator(c).label for c in child.indicators)


# --------------------------------------------------------------------------- outcomes


TRAFFICKED_ADULT = (
    "dr.job_nature",
    "dr.wages",
    "ex.excessive_hours",
    "ex.low_or_no_salary",
    "cd.confiscation_documents",
    "cd.debt_bondage",
)


@pytest.mark.parametrize(
    ("observed", "expected"),
    [
        (TRAFFICKED_ADULT, "trafficking"),
        # means via abuse of vulnerability at destination instead of coercion
        (
            ("ar.illegal_status", "ar.economic_reasons", "ar.lack_of_information")
            + ("ex.hazardous_work", "ex.low_or_no_salary", "ex.very_bad_working_conditions")
            + ("ad.dependency_on_exploiters", "ad.unknown_area", "ad.difficulties_in_past"),
            "trafficking",
        ),
        # recruitment and exploitation but no means: not trafficking
        (TRAFFICKED_ADULT[:4], "exploitation"),
        (("ex.excessive_hours", "ex.hazardous_work"), "exploitation"),
        # exploitation and coercion without recruitment
        (TRAFFICKED_ADULT[2:], "exploitation"),
        (("dr.job_nature", "dr.wages"), "at_risk"),
        (("cd.isolation",), "at_risk"),  # one strong indicator: no dimension positive
        ((), "no_indication"),
        (("dr.wages", "cr.isolation", "ex.hazardous_work", "ad.family_situation"), "follow_up"),
    ],
)
def test_adult_outcomes(observed: tuple[str, ...], expected: str) -> None:
    assert outcome_of(ADULT, *observed) == expected


@pytest.mark.parametrize(
    ("observed", "expected"),
    [
        # recruitment plus exploitation suffice for a child: no means needed
        (
            ("dr.job_nature", "dr.education", "ex.excessive_hours", "ex.no_access_education"),
            "trafficking",
        ),
        (
            ("cr.debt_bondage", "cr.abduction_sale", "ex.excessive_hours", "ex.hazardous_work"),
            "trafficking",
        ),
        (("ex.excessive_hours", "ex.hazardous_work"), "exploitation"),
        (("cd.forced_tasks", "cd.illicit_activities"), "at_risk"),
        (("dr.education",), "at_risk"),  # promoted to strong, alone
        ((), "no_indication"),
        (("ar.general_context", "ad.economic_reasons"), "follow_up"),
    ],
)
def test_child_outcomes(observed: tuple[str, ...], expected: str) -> None:
    assert outcome_of(CHILD, *observed) == expected


def test_child_and_adult_differ_on_the_same_answers() -> None:
    answers = ("dr.education", "dr.job_nature", "ex.excessive_hours", "ex.no_access_education")
    assert outcome_of(CHILD, *answers) == "trafficking"
    # for an adult dr.education and ex.no_access_education are weak: dr and ex still positive,
    # but without a means dimension it is exploitation only
    assert outcome_of(ADULT, *answers) == "exploitation"


@pytest.mark.parametrize(
    ("observed", "expected"),
    [
        (("inv.very_low_wages", "coe.retained_documents"), "forced_labour"),
        (
            ("inv.cannot_terminate", "coe.threats_violence", "coe.debt_manipulation"),
            "forced_labour",
        ),
        (("inv.abusive_overtime",), "at_risk"),
        (("coe.restricted_movement",), "at_risk"),
        ((), "no_indication"),
    ],
)
def test_icls_outcomes(observed: tuple[str, ...], expected: str) -> None:
    assert outcome_of(ICLS, *observed) == expected


def test_every_shipped_outcome_is_reachable() -> None:
    for instrument in REGISTRY:
        reached = set(instrument._outcome_by_state.values())
        assert reached == set(instrument.outcomes), instrument.label


# --------------------------------------------------------------------------- dimension rules


@pytest.mark.parametrize(
    ("strong", "medium", "weak", "positive"),
    [
        (0, 0, 0, False),
        (1, 0, 0, False),  # strong alone
        (2, 0, 0, True),  # strong >= 2
        (1, 1, 0, True),  # strong + medium
        (1, 0, 1, True),  # strong + weak
        (0, 2, 0, False),  # medium = 2 alone
        (0, 3, 0, True),  # medium >= 3
        (0, 2, 1, True),  # medium = 2 + weak
        (0, 1, 1, False),
        (0, 1, 5, False),  # weak never compensates for a missing second medium
        (0, 0, 9, False),  # weak alone never suffices
        (0, 2, 0, False),
    ],
)
def test_delphi_rule_branches(strong: int, medium: int, weak: int, positive: bool) -> None:
    assert delphi_positive(strong, medium, weak) is positive
    assert (delphi_reason(strong, medium, weak) is not None) is positive


@pytest.mark.parametrize(
    ("observed", "positive"),
    [
        (("cd.isolation",), False),
        (("cd.isolation", "cd.violence_on_victim"), True),
        (("cd.isolation", "cd.threat_inform_family"), True),
        (("cd.forced_tasks", "cd.forced_to_lie"), False),
        (("cd.forced_tasks", "cd.forced_to_lie", "cd.threat_violence"), True),
        (("cd.forced_tasks", "cd.forced_to_lie", "cd.threat_inform_family"), True),
        (("cd.forced_tasks", "cd.threat_inform_family"), False),
    ],
)
def test_delphi_rule_through_a_dimension(observed: tuple[str, ...], positive: bool) -> None:
    result = assess(REGISTRY.get(ADULT), dict.fromkeys(observed, True)).to_dict()
    assert result["dimensions"]["cd"]["positive"] is positive


@given(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6))
def test_delphi_rule_matches_the_spec_formula(strong: int, medium: int, weak: int) -> None:
    spec = (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )
    assert delphi_positive(strong, medium, weak) is spec
    assert (delphi_reason(strong, medium, weak) is not None) is spec


@pytest.mark.parametrize(
    "observed", [("inv.very_low_wages",), ("inv.different_job", "inv.very_low_wages")]
)
def test_any_rule_makes_one_indicator_enough(observed: tuple[str, ...]) -> None:
    result = assess(REGISTRY.get(ICLS), dict.fromkeys(observed, True)).to_dict()
    assert result["dimensions"]["inv"] == {
        "positive": True,
        "strong": len(observed),
        "medium": 0,
        "weak": 0,
        "observed": list(observed),
    }
    assert result["dimensions"]["coe"]["positive"] is False


def test_any_rule_counts_medium_and_weak_indicators(tmp_path: Path) -> None:
    text = instrument_yaml("org-any", dimension_rule="any", strength="weak")
    (tmp_path / "org.yaml").write_text(text, encoding="utf-8")
    instrument = load_instruments(tmp_path).get("org-any")
    assert assess(instrument, {"a.one": True}).outcome.code == "flagged"
    assert assess(instrument, {"a.one": False}).outcome.code == "clear"


# --------------------------------------------------------------------------- results


def test_to_dict_has_exactly_the_contract_shape() -> None:
    answers = {"ex.excessive_hours": True, "dr.wages": True, "ad.family_situation": None}
    result = assess(REGISTRY.get(ADULT), answers).to_dict()
    assert list(result) == [
        "instrument",
        "version",
        "outcome",
        "outcome_label",
        "dimensions",
        "unanswered",
    ]
    assert list(result["dimensions"]) == ["dr", "cr", "ar", "ex", "cd", "ad"]
    assert result["dimensions"]["ex"] == {
        "positive": False,
        "strong": 1,
        "medium": 0,
        "weak": 0,
        "observed": ["ex.excessive_hours"],
    }
    assert result["outcome"] == "at_risk"
    assert result["outcome_label"] == "Vulnerable: indications present, refer for assessment"
    assert result["unanswered"] == ["ad.family_situation"]
    assert json.loads(json.dumps(result)) == result


def test_observed_and_unanswered_are_in_instrument_order() -> None:
    answers = {"dr.wages": True, "dr.job_nature": True, "cd.isolation": None, "dr.housing": None}
    assessment = assess(REGISTRY.get(ADULT), answers)
    assert assessment.observed == ("dr.job_nature", "dr.wages")
    assert assessment.unanswered == ("dr.housing", "cd.isolation")
    assert assessment.to_dict()["dimensions"]["dr"]["observed"] == ["dr.job_nature", "dr.wages"]


def test_absent_answers_are_not_listed_as_unanswered() -> None:
    result = assess(REGISTRY.get(ICLS), {"inv.very_low_wages": False}).to_dict()
    assert result["unanswered"] == []
    assert result["outcome"] == "no_indication"


def test_explanation_names_the_indicators_that_made_each_dimension_positive() -> None:
    assessment = assess(REGISTRY.get(ADULT), dict.fromkeys(TRAFFICKED_ADULT, True))
    lines = assessment.explanation()
    assert "trafficking" in lines[0]
    assert "(dr or cr or ar) and ex and (cd or ad)" in lines[0]
    dr_line = next(line for line in lines if line.startswith("dr "))
    assert "is positive" in dr_line
    assert "dr.job_nature" in dr_line and "dr.wages" in dr_line
    cd_line = next(line for line in lines if line.startswith("cd "))
    assert "2 or more strong" in cd_line
    assert assessment.positive_dimensions == ("dr", "ex", "cd")
    assert "explanation" not in assessment.to_dict()


def test_explanation_of_a_lone_strong_indicator_and_unknowns() -> None:
    lines = assess(REGISTRY.get(ADULT), {"cd.isolation": True, "dr.wages": None}).explanation()
    assert any("cd.isolation [strong]" in line and "not positive" in line for line in lines)
    assert "dr.wages" in lines[-1]
    assert assess(REGISTRY.get(ICLS), {}).explanation()[-1] == "No indicator was observed."


def test_dimension_results_carry_the_rule_branch() -> None:
    answers = dict.fromkeys(
        ["ar.illegal_status", "ar.economic_reasons", "ar.general_context"], True
    )
    results = {r.code: r for r in assess(REGISTRY.get(ADULT), answers).dimension_results()}
    assert results["ar"].positive and results["ar"].reason == "2 medium indicators with a weak one"
    assert results["ar"].observed == (
        "ar.illegal_status",
        "ar.economic_reasons",
        "ar.general_context",
    )
    assert not results["dr"].positive and results["dr"].reason is None


# --------------------------------------------------------------------------- answer validation


def test_unknown_indicator_is_named() -> None:
    with pytest.raises(UnknownIndicator, match=r"unknown indicator 'dr\.nope' for .* v1") as info:
        assess(REGISTRY.get(ADULT), {"dr.wages": True, "dr.nope": True})
    assert info.value.code == "dr.nope"


def test_indicator_of_another_instrument_is_unknown() -> None:
    with pytest.raises(UnknownIndicator, match="ar.false_info_law"):
        assess(REGISTRY.get(CHILD), {"ar.false_info_law": True})


@pytest.mark.parametrize(
    ("value", "shown"), [(1, "1"), (0, "0"), ("yes", '"yes"'), ("true", '"true"'), (1.0, "1.0")]
)
def test_non_boolean_answer_is_refused(value: object, shown: str) -> None:
    with pytest.raises(AnswerError) as info:
        assess(REGISTRY.get(ADULT), {"dr.wages": value})  # type: ignore[dict-item]
    assert str(info.value) == f"answer for 'dr.wages' must be true, false or null, got {shown}"
    assert info.value.code == "dr.wages"


# --------------------------------------------------------------------------- request contract


def request(answers: object = None, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {"instrument": ADULT, "answers": {} if answers is None else answers}
    body.update(extra)
    return body


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (request(instrument="foo"), "unknown instrument 'foo'"),
        (
            request({"dr.nope": True}),
            "unknown indicator 'dr.nope' for ilo-2009-adult-labour v1",
        ),
        (request({"dr.wages": 1}), "answer for 'dr.wages' must be true, false or null, got 1"),
        (
            request({"dr.wages": "no"}),
            "answer for 'dr.wages' must be true, false or null, got \"no\"",
        ),
        ({"instrument": ADULT}, "missing key 'answers' in request"),
        ({"answers": {}}, "missing key 'instrument' in request"),
        (request([]), "'answers' must be an object of indicator codes, got array"),
        (request("x"), "'answers' must be an object of indicator codes, got string"),
        (
            request(note="hi"),
            "unknown key 'note' in request (expected instrument, version, answers)",
        ),
        (request(instrument=3), "'instrument' must be a string, got 3"),
        (request(version="1"), "'version' must be a positive integer, got \"1\""),
        (request(version=True), "'version' must be a positive integer, got true"),
        (request(version=0), "'version' must be a positive integer, got 0"),
        (
            request(version=2),
            "unknown version 2 of instrument 'ilo-2009-adult-labour' (known: 1)",
        ),
        ("text", "request must be a JSON object or an array of objects, got string"),
        (None, "request must be a JSON object or an array of objects, got null"),
        ([request(), 5], "at index 1: request must be a JSON object, got number"),
        ([request(), request(instrument="foo")], "at index 1: unknown instrument 'foo'"),
    ],
)
def test_request_errors_are_one_line_and_name_the_key(payload: object, message: str) -> None:
    with pytest.raises(ScreeningRequestError) as info:
        assess_batch(REGISTRY, payload)
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_request_error_carries_the_key() -> None:
    with pytest.raises(ScreeningRequestError) as info:
        assess_request(REGISTRY, request({"dr.wages": True, "cd.bogus": False}))
    assert info.value.key == "cd.bogus"


def test_request_without_version_uses_the_latest_and_reports_it() -> None:
    result = assess_request(REGISTRY, request({"ex.excessive_hours": True}))
    assert result["version"] == 1
    assert assess_request(REGISTRY, request(version=1)) == assess_request(REGISTRY, request())
    assert assess_request(REGISTRY, request(version=None)) == assess_request(REGISTRY, request())


def test_batch_keeps_request_order() -> None:
    payload = [
        {"instrument": ICLS, "answers": {"inv.very_low_wages": True}},
        request(dict.fromkeys(TRAFFICKED_ADULT, True)),
        {"instrument": CHILD, "answers": {}},
        {"instrument": ICLS, "answers": {"inv.very_low_wages": True, "coe.withheld_wages": True}},
    ]
    results = assess_batch(REGISTRY, payload)
    assert isinstance(results, list)
    assert [(r["instrument"], r["outcome"]) for r in results] == [
        (ICLS, "at_risk"),
        (ADULT, "trafficking"),
        (CHILD, "no_indication"),
        (ICLS, "forced_labour"),
    ]
    assert results == [assess_request(REGISTRY, item) for item in payload]


def test_batch_of_one_object_returns_an_object_and_empty_batch_a_list() -> None:
    assert isinstance(assess_batch(REGISTRY, request()), dict)
    assert assess_batch(REGISTRY, []) == []


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


def instrument_yaml(
    code: str,
    version: int = 1,
    dimension_rule: str = "delphi",
    strength: str = "strong",
    when: str = "a",
) -> str:
    return f"""
code: {code}
version: {version}
title: Test instrument
dimension_rule: {dimension_rule}
dimensions:
  - code: a
    title: Dimension A
    indicators:
      - {{code: a.one, strength: {strength}, label: One}}
      - {{code: a.two, strength: medium, label: Two}}
outcomes:
  - {{code: flagged, when: "{when}", label: Flagged}}
  - {{code: clear, when: "not a", label: Clear}}
"""


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
