"""Screening services: submitting, consent, anonymity, detainee search, opening a case."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from pave.accounts.roles import Role
from pave.cases.models import Case
from pave.core import crypto
from pave.core.models import AuditEvent
from pave.core.services import keys_rotate
from pave.screening import selectors, services
from pave.screening.checks import check_instruments
from pave.screening.models import Screening

ADULT = "ilo-2009-adult-labour"
TRAFFICKING_ANSWERS = {
    "dr.job_nature": True,
    "dr.wages": True,
    "ex.excessive_hours": True,
    "ex.low_or_no_salary": True,
    "cd.confiscation_documents": True,
    "cd.debt_bondage": True,
    "ad.economic_reasons": None,
    "cr.violence_on_victim": False,
}
EXPLOITATION_ANSWERS = {
    "ex.hazardous_work": True,
    "ex.low_or_no_salary": True,
    "ex.very_bad_working_conditions": True,
}


def informed_consent(**overrides):
    consent = {
        "given": True,
        "method": "verbal",
        "informed_purpose": True,
        "informed_data_use": True,
        "informed_research_use": True,
        "informed_access_right": True,
        "informed_retention": True,
        "informed_withdrawal": True,
        "to_referral": True,
    }
    consent.update(overrides)
    return consent


def submit(actor, **overrides):
    """Submit a screening with sensible defaults; keyword arguments replace them."""
    data = {
        "instrument_code": ADULT,
        "answers": dict(TRAFFICKING_ANSWERS),
        "interviewed_on": timezone.localdate(),
        "language": "am",
        "interpreter_used": True,
        "consent": informed_consent(),
        "subject": {
            "given_name": "Hiwot",
            "family_name": "Bekele",
            "sex": "female",
            "age_estimate": 24,
            "citizenship": ["et"],
            "detainee_number": "BD-2014/0042",
        },
    }
    data.update(overrides)
    return services.screening_submit(actor=actor, **data)


def make_visit(actor, *, name="Adlieh detention centre", day=None):
    place = services.place_create(
        actor=actor, name=name, kind="detention_centre", country="LB", city="Beirut"
    )
    return services.visit_create(
        actor=actor, place_id=place.pk, visited_on=day or timezone.localdate(), team="GSD + BMS"
    )


# --- submitting ------------------------------------------------------------------------------


def test_screening_stores_answers_assessment_outcome_and_explanation(personas):
    screening = submit(personas.dina)
    screening.refresh_from_db()
    assert screening.instrument_code == ADULT and screening.instrument_version == 1
    assert screening.outcome == "trafficking"
    assert screening.flagged_for_follow_up is True
    assert screening.answers == TRAFFICKING_ANSWERS
    assessment = screening.assessment
    assert assessment["outcome"] == "trafficking"
    assert assessment["dimensions"]["cd"]["observed"] == [
        "cd.confiscation_documents",
        "cd.debt_bondage",
    ]
    assert assessment["unanswered"] == ["ad.economic_reasons"]
    assert assessment["explanation"][0].startswith("Outcome 'trafficking'")
    why = {item["dimension"]: item for item in assessment["why"]}
    assert why["cd"]["positive"] and why["cd"]["reason"] == "2 or more strong indicators"
    assert why["cd"]["observed"][0]["label"] == "Confiscation of documents"
    assert screening.citizenship == ["ET"]
    assert screening.organisation == personas.gov and screening.interviewer == personas.dina


def test_no_indication_is_not_flagged_unless_the_officer_flags_it(personas):
    quiet = submit(personas.dina, answers={"dr.wages": False})
    assert quiet.outcome == "no_indication" and quiet.flagged_for_follow_up is False
    flagged = submit(personas.dina, answers={}, flag_for_follow_up=True)
    assert flagged.outcome == "no_indication" and flagged.flagged_for_follow_up is True


def test_officer_cannot_unflag_a_screening_with_indications(personas):
    screening = submit(personas.dina)
    with pytest.raises(ValidationError):
        services.screening_flag(actor=personas.dina, screening_id=screening.pk, flagged=False)
    quiet = submit(personas.dina, answers={})
    services.screening_flag(actor=personas.dina, screening_id=quiet.pk, flagged=True)
    assert Screening.objects.get(pk=quiet.pk).flagged_for_follow_up is True


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"instrument_code": "nope"}, "instrument"),
        ({"version": 7}, "version"),
        ({"answers": {"dr.nope": True}}, "answers.dr.nope"),
        ({"answers": {"dr.wages": 1}}, "answers.dr.wages"),
        ({"answers": {"dr.wages": "yes"}}, "answers.dr.wages"),
        ({"language": "amharic"}, "language"),
        ({"interviewed_on": timezone.localdate() + datetime.timedelta(days=1)}, "interviewed_on"),
        ({"subject": {"citizenship": ["XX"]}}, "subject.citizenship"),
        ({"subject": {"sex": "robot"}}, "subject.sex"),
        ({"subject": {"age_estimate": 300}}, "subject.age_estimate"),
        ({"subject": {"nickname": "x"}}, "subject.nickname"),
        ({"consent": informed_consent(method="")}, "consent.method"),
        ({"consent": informed_consent(informed_withdrawal=False)}, "consent.informed_withdrawal"),
        ({"consent": {"method": "verbal"}}, "consent.given"),
    ],
)
def test_invalid_screenings_are_refused_with_the_key_named(personas, overrides, key):
    with pytest.raises(ValidationError) as info:
        submit(personas.dina, **overrides)
    assert key in info.value.message_dict, info.value.message_dict
    assert not Screening.objects.exists()


def test_roles_that_do_not_screen_cannot_submit(personas):
    for role in (
        Role.PROJECT_MANAGER,
        Role.TRAINER,
        Role.ME_OFFICER,
        Role.DONOR_VIEWER,
        Role.PARTNER_FOCAL_POINT,
    ):
        with pytest.raises(PermissionDenied):
            submit(personas.by_role[role])


def test_submission_is_audited_with_field_names_only(personas):
    screening = submit(personas.dina)
    event = AuditEvent.objects.get(action="screening.create")
    assert event.object_id == str(screening.pk)
    assert "given_name" in event.fields and "detainee_number" in event.fields
    text = str(event.fields) + str(event.detail)
    assert "Hiwot" not in text and "0042" not in text and "trafficking" not in text


# --- consent ---------------------------------------------------------------------------------


def test_a_refusal_stores_only_the_refusal(personas):
    refusal = submit(
        personas.dina, answers={}, subject={}, consent={"given": False, "informed_purpose": True}
    )
    refusal.refresh_from_db()
    assert refusal.refused and refusal.consent_given is False
    assert refusal.answers == {} and refusal.assessment == {} and refusal.outcome == ""
    assert refusal.flagged_for_follow_up is False
    assert refusal.detainee_number == "" and refusal.given_name == ""
    assert refusal.consent_informed_purpose is True
    assert AuditEvent.objects.filter(action="screening.refusal", fields=["consent"]).exists()


def test_answers_without_consent_are_refused_not_stored(personas):
    with pytest.raises(ValidationError) as info:
        submit(personas.dina, subject={}, consent={"given": False})
    assert "answers" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        submit(personas.dina, answers={}, consent={"given": False})
    assert "subject" in info.value.message_dict
    assert not Screening.objects.exists()


def test_the_database_refuses_personal_data_without_consent(personas):
    refusal = submit(personas.dina, answers={}, subject={}, consent={"given": False})
    with pytest.raises(IntegrityError), transaction.atomic():
        Screening.objects.filter(pk=refusal.pk).update(outcome="trafficking")


# --- anonymity and the detainee number -------------------------------------------------------


def test_anonymous_screening_with_a_detainee_number_only(personas):
    screening = submit(personas.dina, subject={"detainee_number": "RM-77"})
    assert screening.anonymous and screening.sex == "unknown"
    assert screening.detainee_number_bidx
    assert screening.outcome == "trafficking"


def test_detainee_number_finds_earlier_screenings_whatever_the_spelling(personas):
    first = submit(personas.dina, subject={"detainee_number": "bd 2014-0042"})
    second = submit(personas.dina, answers={}, subject={"detainee_number": "BD20140042"})
    submit(personas.dina, subject={"detainee_number": "BD20140043"})
    found = selectors.screening_list(
        user=personas.dina, filters=selectors.ScreeningFilters(detainee_number="BD-2014/0042")
    )
    assert {s.pk for s in found} == {first.pk, second.pk}


def test_detainee_numbers_are_encrypted_at_rest(personas):
    submit(personas.dina, subject={"detainee_number": "RM-77", "given_name": "Selam"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT detainee_number, given_name FROM screening_screening")
        number, name = cursor.fetchone()
    assert number.startswith("pave1:") and "RM-77" not in number
    assert name.startswith("pave1:") and "Selam" not in name


def test_key_rotation_keeps_detainee_search_working(personas, file_keys):
    screening = submit(personas.dina, subject={"detainee_number": "RM-77"})
    old_index = screening.detainee_number_bidx
    keys_rotate(actor="test")
    crypto.reset_keyring()
    rotated = Screening.objects.get(pk=screening.pk)
    assert rotated.detainee_number_bidx != old_index
    assert rotated.detainee_number == "RM-77"
    found = selectors.screening_list(
        user=personas.dina, filters=selectors.ScreeningFilters(detainee_number="rm 77")
    )
    assert list(found) == [rotated]


# --- places and visits -----------------------------------------------------------------------


def test_a_screening_during_a_visit_takes_the_visits_place(personas):
    visit = make_visit(personas.dina)
    screening = submit(personas.dina, visit_id=visit.pk)
    assert screening.place == visit.place and screening.visit == visit


def test_a_screening_during_a_visit_is_on_the_visits_day(personas):
    visit = make_visit(personas.dina, day=timezone.localdate() - datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as info:
        submit(personas.dina, visit_id=visit.pk)
    assert "interviewed_on" in info.value.message_dict


def test_places_and_visits_of_other_organisations_cannot_be_used(personas):
    visit = make_visit(personas.dina)
    with pytest.raises(ValidationError) as info:
        submit(personas.amal, visit_id=visit.pk)
    assert "visit" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        submit(personas.amal, place_id=visit.place_id)
    assert "place" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.visit_create(
            actor=personas.amal, place_id=visit.place_id, visited_on=timezone.localdate()
        )


def test_one_visit_per_place_and_day(personas):
    visit = make_visit(personas.dina)
    with pytest.raises(ValidationError):
        services.visit_create(
            actor=personas.dina, place_id=visit.place_id, visited_on=visit.visited_on
        )


def test_visit_counts_screened_flagged_refused_and_cases(personas):
    visit = make_visit(personas.dina)
    submit(personas.dina, visit_id=visit.pk)
    submit(personas.dina, visit_id=visit.pk, answers={})
    submit(personas.dina, visit_id=visit.pk, answers={}, subject={}, consent={"given": False})
    flagged = submit(personas.dina, visit_id=visit.pk, answers=EXPLOITATION_ANSWERS)
    services.screening_open_case(actor=personas.dina, screening_id=flagged.pk)
    counted = selectors.visit_get_for_user(user=personas.dina, visit_id=visit.pk)
    assert (counted.screened, counted.flagged, counted.refused, counted.cases_opened) == (
        3,
        2,
        1,
        1,
    )


# --- opening a case --------------------------------------------------------------------------


def test_open_case_carries_over_what_is_known_and_links_the_two(personas):
    visit = make_visit(personas.dina)
    screening = submit(personas.dina, visit_id=visit.pk)
    case = services.screening_open_case(actor=personas.dina, screening_id=screening.pk)
    case = Case.objects.select_related("person").get(pk=case.pk)
    assert case.case_type == "victim_of_trafficking"
    assert case.identification_source == "screening"
    assert case.identification_date == screening.interviewed_on
    assert case.trafficking_status == "PossibleVictimOfTrafficking"
    assert str(case.country) == "LB" and case.organisation == personas.gov
    person = case.person
    assert (person.given_name, person.family_name, person.sex) == ("Hiwot", "Bekele", "female")
    assert person.age_estimate == 24 and person.citizenship == ["ET"]
    assert person.languages == ["am"]
    assert Screening.objects.get(pk=screening.pk).case == case
    assert AuditEvent.objects.filter(
        action="screening.open_case", object_id=str(screening.pk)
    ).exists()


@pytest.mark.parametrize(
    ("instrument", "answers", "case_type"),
    [
        (ADULT, EXPLOITATION_ANSWERS, "exploited_migrant_worker"),
        (ADULT, {"cd.isolation": True}, "vulnerable_migrant"),
        (ADULT, {}, "vulnerable_migrant"),
        (
            "icls-2018-forced-labour",
            {"inv.very_low_wages": True, "coe.retained_documents": True},
            "exploited_migrant_worker",
        ),
        (
            "ilo-2009-child-labour",
            {
                "dr.job_nature": True,
                "dr.education": True,
                "ex.excessive_hours": True,
                "ex.no_access_education": True,
            },
            "victim_of_trafficking",
        ),
    ],
)
def test_case_type_follows_the_outcome(personas, instrument, answers, case_type):
    screening = submit(personas.dina, instrument_code=instrument, answers=answers)
    case = services.screening_open_case(actor=personas.dina, screening_id=screening.pk)
    assert case.case_type == case_type


def test_an_anonymous_screening_needs_a_name_to_open_a_case(personas):
    screening = submit(personas.dina, subject={"detainee_number": "RM-77", "sex": "male"})
    with pytest.raises(ValidationError) as info:
        services.screening_open_case(actor=personas.dina, screening_id=screening.pk)
    assert "given_name" in info.value.message_dict
    case = services.screening_open_case(
        actor=personas.dina,
        screening_id=screening.pk,
        person={"given_name": "Dawit"},
        case={"case_type": "vulnerable_migrant"},
    )
    assert case.person.given_name == "Dawit" and case.person.sex == "male"
    assert case.case_type == "vulnerable_migrant"


def test_only_one_case_per_screening_and_none_for_a_refusal(personas):
    screening = submit(personas.dina)
    services.screening_open_case(actor=personas.dina, screening_id=screening.pk)
    with pytest.raises(ValidationError):
        services.screening_open_case(actor=personas.dina, screening_id=screening.pk)
    refusal = submit(personas.dina, answers={}, subject={}, consent={"given": False})
    with pytest.raises(ValidationError):
        services.screening_open_case(actor=personas.dina, screening_id=refusal.pk)
    assert Case.objects.count() == 1


def test_project_manager_sees_but_cannot_open_a_case(personas):
    screening = submit(personas.amal)
    manager = personas.by_role[Role.PROJECT_MANAGER]
    assert selectors.screening_get_for_user(user=manager, screening_id=screening.pk)
    with pytest.raises(PermissionDenied):
        services.screening_open_case(actor=manager, screening_id=screening.pk)


# --- instrument versions ---------------------------------------------------------------------


ICLS_V2 = """
code: icls-2018-forced-labour
version: 2
title: "Forced labour, stricter (test version)"
dimension_rule: delphi
dimensions:
  - code: inv
    title: Involuntary work
    indicators:
      - {code: inv.very_low_wages, strength: medium, label: "Very low or no wages"}
      - {code: inv.cannot_terminate, strength: strong, label: "Cannot terminate"}
  - code: coe
    title: Coercion
    indicators:
      - {code: coe.retained_documents, strength: medium, label: "Retained documents"}
      - {code: coe.threats_violence, strength: strong, label: "Threats or violence"}
outcomes:
  - {code: forced_labour, when: "inv and coe", label: "In forced labour"}
  - {code: at_risk, when: "any_positive or any_strong", label: "At risk"}
  - {code: no_indication, when: "not any_positive", label: "No indication"}
"""


@pytest.fixture
def icls_v2(tmp_path: Path):
    (tmp_path / "icls-2018-forced-labour.v2.yaml").write_text(ICLS_V2, encoding="utf-8")
    with override_settings(PAVE_INSTRUMENTS_DIR=str(tmp_path)):
        yield tmp_path


def test_stored_assessment_never_changes_when_a_new_version_appears(personas, tmp_path):
    answers = {"inv.very_low_wages": True, "coe.retained_documents": True}
    old = submit(personas.dina, instrument_code="icls-2018-forced-labour", answers=answers)
    assert (old.instrument_version, old.outcome) == (1, "forced_labour")
    stored = Screening.objects.get(pk=old.pk).assessment

    (tmp_path / "icls-2018-forced-labour.v2.yaml").write_text(ICLS_V2, encoding="utf-8")
    with override_settings(PAVE_INSTRUMENTS_DIR=str(tmp_path)):
        assert selectors.instrument_registry().versions("icls-2018-forced-labour") == (1, 2)
        new = submit(personas.dina, instrument_code="icls-2018-forced-labour", answers=answers)
        assert (new.instrument_version, new.outcome) == (2, "no_indication")
        again = services.screening_read(actor=personas.dina, screening_id=old.pk)
        assert (again.instrument_version, again.outcome) == (1, "forced_labour")
        assert again.assessment == stored
        pinned = submit(
            personas.dina, instrument_code="icls-2018-forced-labour", version=1, answers=answers
        )
        assert (pinned.instrument_version, pinned.outcome) == (1, "forced_labour")


def test_extra_instruments_directory_is_loaded_with_the_shipped_ones(icls_v2):
    registry = selectors.instrument_registry()
    assert registry.get("icls-2018-forced-labour").version == 2
    assert "ilo-2009-adult-labour" in registry


def test_a_bad_instruments_directory_is_reported_by_the_system_check(tmp_path):
    (tmp_path / "broken.v1.yaml").write_text("code: broken\nversion: 1\n", encoding="utf-8")
    with override_settings(PAVE_INSTRUMENTS_DIR=str(tmp_path)):
        problems = check_instruments()
    assert [p.id for p in problems] == ["screening.E001"]
    assert "broken" in problems[0].msg
    assert check_instruments() == []
