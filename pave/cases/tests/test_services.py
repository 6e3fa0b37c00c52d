"""The case services enforce their own rules, whoever calls them (web, API, CLI, import)."""

import pytest
from django.core.exceptions import ValidationError

from pave.cases.rules import TEXT_LIMITS
from pave.cases.services import case_note_add, case_open, case_update
from pave.testing import make_case, person_data


@pytest.mark.parametrize("name", ["given_name", "family_name", "identity_number", "address"])
def test_case_open_refuses_a_person_field_longer_than_its_limit(personas, name):
    too_long = "x" * (TEXT_LIMITS[name] + 1)
    with pytest.raises(ValidationError) as refused:
        case_open(
            actor=personas.amal,
            person=person_data(**{name: too_long}),
            case={"case_type": "victim_of_trafficking", "country": "LB"},
        )
    assert name in refused.value.message_dict


def test_case_update_refuses_a_summary_longer_than_its_limit(personas):
    case = make_case(personas.amal)
    with pytest.raises(ValidationError) as refused:
        case_update(
            actor=personas.amal,
            case_id=case.pk,
            version=case.version,
            case={"summary": "x" * (TEXT_LIMITS["summary"] + 1)},
        )
    assert "summary" in refused.value.message_dict


def test_a_note_at_the_limit_is_kept_and_one_past_it_refused(personas):
    case = make_case(personas.amal)
    case_note_add(actor=personas.amal, case_id=case.pk, body="n" * TEXT_LIMITS["note"])
    with pytest.raises(ValidationError):
        case_note_add(actor=personas.amal, case_id=case.pk, body="n" * (TEXT_LIMITS["note"] + 1))


def test_unknown_fields_are_refused_by_name_not_dropped(personas):
    with pytest.raises(ValidationError) as refused:
        case_open(
            actor=personas.amal,
            person={**person_data(), "type_of_exploitation": "x"},
            case={"case_type": "victim_of_trafficking", "country": "LB"},
        )
    assert refused.value.message_dict == {"type_of_exploitation": ["Unknown field."]}
