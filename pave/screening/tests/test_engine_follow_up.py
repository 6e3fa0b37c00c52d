"""The ``any_observed`` predicate and the ``follow_up`` outcome of the ILO lists (pure engine).

The reference spec: no assessment in which an indicator was observed may read "no indication";
observed indicators that make no dimension positive give ``follow_up``, naming them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pave.screening.engine import (
    PREDICATES,
    InstrumentError,
    Name,
    assess,
    assess_batch,
    load_instruments,
    parse_expression,
)

ADULT = "ilo-2009-adult-labour"
CHILD = "ilo-2009-child-labour"
ICLS = "icls-2018-forced-labour"
REGISTRY = load_instruments()

# (instrument, answers, expected outcome): answers map indicator codes to True / False / None.
OUTCOMES: list[tuple[str, dict[str, bool | None], str]] = [
    # one indicator that makes no dimension positive: follow up, whatever its strength but strong
    (ADULT, {"dr.wages": True}, "follow_up"),  # one medium alone
    (ADULT, {"ar.general_context": True}, "follow_up"),  # one weak alone
    (ADULT, {"ex.no_access_education": True}, "follow_up"),  # one weak alone
    (ADULT, {"dr.wages": True, "ex.hazardous_work": True}, "follow_up"),  # two medium apart
    (ADULT, {"ar.cultural_beliefs": True, "ad.difficulties_in_past": True}, "follow_up"),
    (ADULT, {"dr.wages": True, "dr.housing": False, "cr.isolation": None}, "follow_up"),
    (CHILD, {"dr.wages": True}, "follow_up"),
    (CHILD, {"ar.general_context": True}, "follow_up"),  # weak for adults, medium for children
    # nothing observed: no indication (false and null count as not observed)
    (ADULT, {}, "no_indication"),
    (ADULT, {"dr.wages": False, "cd.isolation": False}, "no_indication"),
    (ADULT, {"dr.wages": None, "ar.general_context": None}, "no_indication"),
    (CHILD, {}, "no_indication"),
    (CHILD, {"dr.education": False, "ex.hazardous_work": None}, "no_indication"),
    (ICLS, {}, "no_indication"),
    (ICLS, {"inv.very_low_wages": False, "coe.withheld_wages": None}, "no_indication"),
    # a lone strong indicator stays at_risk (any_strong comes before any_observed)
    (ADULT, {"cd.isolation": True}, "at_risk"),
    (CHILD, {"dr.education": True}, "at_risk"),
    # positive dimensions: outcomes unchanged
    (ADULT, {"dr.job_nature": True, "dr.wages": True}, "at_risk"),
    (ADULT, dict.fromkeys(("ex.excessive_hours", "ex.hazardous_work"), True), "exploitation"),
    (
        ADULT,
        dict.fromkeys(
            ("dr.job_nature", "dr.wages", "ex.excessive_hours", "ex.low_or_no_salary")
            + ("cd.confiscation_documents", "cd.debt_bondage"),
            True,
        ),
        "trafficking",
    ),
    (CHILD, dict.fromkeys(("ex.excessive_hours", "ex.hazardous_work"), True), "exploitation"),
    (
        CHILD,
        dict.fromkeys(
            ("dr.job_nature", "dr.education", "ex.excessive_hours", "ex.no_access_education"),
            True,
        ),
        "trafficking",
    ),
    # ICLS uses the `any` rule: every observed indicator makes its dimension positive
    (ICLS, {"inv.abusive_overtime": True}, "at_risk"),
    (ICLS, {"coe.restricted_movement": True}, "at_risk"),
    (ICLS, {"inv.very_low_wages": True, "coe.retained_documents": True}, "forced_labour"),
]


@pytest.mark.parametrize(
    ("code", "answers", "expected"),
    OUTCOMES,
    ids=[f"{code}-{'+'.join(answers) or 'nothing'}" for code, answers, _ in OUTCOMES],
)
def test_outcome_of_an_answer_set(code: str, answers: dict[str, bool | None], expected: str):
    assert assess(REGISTRY.get(code), answers).outcome.code == expected


@pytest.mark.parametrize("code", [ADULT, CHILD])
def test_the_ilo_lists_order_follow_up_between_at_risk_and_no_indication(code: str) -> None:
    outcomes = REGISTRY.get(code).outcomes
    assert [o.code for o in outcomes] == [
        "trafficking",
        "exploitation",
        "at_risk",
        "follow_up",
        "no_indication",
    ]
    assert [str(o.when) for o in outcomes[-2:]] == ["any_observed", "not any_observed"]


def test_icls_has_no_follow_up_outcome() -> None:
    assert REGISTRY.get(ICLS).outcome("follow_up") is None


@pytest.mark.parametrize("code", [ADULT, CHILD, ICLS])
def test_no_answer_set_with_an_observed_indicator_reads_no_indication(code: str) -> None:
    instrument = REGISTRY.get(code)
    for indicator in instrument.indicators:
        assert assess(instrument, {indicator: True}).outcome.code != "no_indication", indicator


@pytest.mark.parametrize(
    ("code", "lang", "label"),
    [
        (ADULT, None, "Some indicators observed: follow up with a fuller interview"),
        (ADULT, "ar", "لوحظت بعض المؤشرات: تابِع بمقابلة أشمل"),
        (
            CHILD,
            "fr-CA",
            "Certains indicateurs observés : approfondir par un entretien plus complet",
        ),
    ],
)
def test_follow_up_label_is_translated(code: str, lang: str | None, label: str) -> None:
    outcome = REGISTRY.get(code).outcome("follow_up")
    assert outcome is not None
    assert outcome.label_in(lang) == label
    result = assess_batch(REGISTRY, {"instrument": code, "answers": {"dr.wages": True}}, lang)
    assert isinstance(result, dict)  # one request, one result
    assert result == {**result, "outcome": "follow_up", "outcome_label": label}


def test_follow_up_is_translated_wherever_the_other_outcomes_are() -> None:
    for code in (ADULT, CHILD):
        assert not [m for m in REGISTRY.get(code).untranslated("ar") if m.startswith("outcome")]
        assert not [m for m in REGISTRY.get(code).untranslated("fr") if m.startswith("outcome")]


def test_follow_up_explanation_names_the_observed_indicators() -> None:
    answers = {"ex.hazardous_work": True, "ar.general_context": True, "dr.wages": None}
    lines = assess(REGISTRY.get(ADULT), answers).explanation()
    assert lines[0].startswith("Outcome 'follow_up' (Some indicators observed")
    assert "'any_observed'" in lines[0]
    assert (
        "No dimension is positive, but indicators were observed: "
        "ar.general_context, ex.hazardous_work."
    ) in lines
    assert any(line.startswith("ex ") and "not positive" in line for line in lines)
    assert lines[-1] == "Not asked or unknown (counted as not observed): dr.wages."


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"cd.isolation": True},  # at_risk by a lone strong indicator: also named
        {"dr.job_nature": True, "dr.wages": True},  # a positive dimension: no such line
    ],
)
def test_the_observed_line_appears_only_when_no_dimension_is_positive(answers) -> None:
    assessment = assess(REGISTRY.get(ADULT), answers)
    named = [line for line in assessment.explanation() if line.startswith("No dimension is")]
    expected = bool(answers) and not assessment.positive_dimensions
    assert named == (
        [f"No dimension is positive, but indicators were observed: {', '.join(answers)}."]
        if expected
        else []
    )


# --------------------------------------------------------------------------- the predicate


def test_any_observed_is_a_predicate_of_the_expression_language() -> None:
    assert "any_observed" in PREDICATES
    assert parse_expression("any_observed and not a", ["a"]).tree.operands[0] == Name(  # type: ignore[union-attr]
        "any_observed"
    )


def custom(when: str, rest: str = "not any_observed", strength: str = "medium") -> str:
    return f"""
code: custom
version: 1
title: Custom
dimension_rule: delphi
dimensions:
  - code: a
    title: A
    indicators:
      - {{code: a.one, strength: {strength}, label: One}}
      - {{code: a.two, strength: weak, label: Two}}
outcomes:
  - {{code: seen, when: "{when}", label: Seen}}
  - {{code: clear, when: "{rest}", label: Clear}}
"""


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, "clear"),
        ({"a.one": True}, "seen"),
        ({"a.two": True}, "seen"),
        ({"a.one": True, "a.two": True}, "seen"),
        ({"a.one": False, "a.two": None}, "clear"),
    ],
)
def test_any_observed_in_an_organisation_instrument(
    tmp_path: Path, answers: dict[str, bool | None], expected: str
) -> None:
    (tmp_path / "custom.yaml").write_text(custom("any_observed"), encoding="utf-8")
    instrument = load_instruments(tmp_path).get("custom")
    assert assess(instrument, answers).outcome.code == expected


def test_a_gap_left_by_medium_or_weak_indicators_is_described(tmp_path: Path) -> None:
    (tmp_path / "custom.yaml").write_text(custom("a", "not any_observed"), encoding="utf-8")
    with pytest.raises(InstrumentError) as error:
        load_instruments(tmp_path)
    assert (
        "no outcome holds when none is positive and no strong indicator is observed,"
        " but a medium or weak one is"
    ) in str(error.value)


def test_a_dimension_cannot_be_called_any_observed(tmp_path: Path) -> None:
    text = custom("any_observed").replace("- code: a\n", "- code: any_observed\n")
    (tmp_path / "custom.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentError, match="any_observed"):
        load_instruments(tmp_path)
