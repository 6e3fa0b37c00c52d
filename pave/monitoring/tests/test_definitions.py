import pytest

from pave.monitoring.definitions import DefinitionError, validate


def errors_of(raw):
    with pytest.raises(DefinitionError) as caught:
        validate(raw)
    return caught.value.errors


def test_a_valid_definition_is_normalised():
    definition = validate(
        {"source": "services", "filters": {"status": "delivered"}, "disaggregations": ["sex_age"]}
    )
    assert definition.count == "distinct_persons"
    assert definition.period_field == "delivered_on"
    assert definition.filters == {"status": ("delivered",)}


def test_unknown_source_is_named_with_the_choices():
    assert "choose one of cases, services" in errors_of({"source": "shelters"})["source"][0]


def test_every_problem_is_reported_at_its_path():
    errors = errors_of(
        {
            "source": "screenings",
            "count": "distinct_persons",
            "filters": {"colour": ["red"], "consent_given": ["maybe"]},
            "disaggregations": ["sex", "stakeholder_group"],
            "period_field": "sent_on",
            "surprise": 1,
        }
    )
    assert set(errors) == {
        "count",
        "filters.colour",
        "filters.consent_given",
        "disaggregations[1]",
        "period_field",
        "surprise",
    }
    assert "cannot be filtered by 'colour'" in errors["filters.colour"][0]


def test_distinct_values_needs_a_field():
    errors = errors_of({"source": "participants", "count": "distinct_values"})
    assert "distinct_field" in errors


def test_empty_filter_values_are_refused():
    assert "filters.status" in errors_of({"source": "services", "filters": {"status": []}})


def test_definition_is_an_object():
    assert errors_of(["services"]) == {"__all__": ["A definition is a JSON object."]}
