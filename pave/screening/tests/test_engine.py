"""Tests of the pure screening engine (no database, no Django)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pave.screening.engine import (
    SHIPPED_DIRECTORY,
    AnswerError,
    ScreeningRequestError,
    UnknownIndicator,
    assess,
    assess_batch,
    assess_request,
    delphi_positive,
    delphi_reason,
    load_instruments,
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


# --------------------------------------------------------------------------- helpers


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
