"""Screening models: properties about one row and the constraints the database holds."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from pave.screening.models import Place, Screening, Visit


def bare_screening(org, **fields):
    values = {
        "organisation": org,
        "interviewed_on": timezone.localdate(),
        "language": "ar",
        "instrument_code": "ilo-2009-adult-labour",
        "instrument_version": 1,
        "consent_given": True,
        "consent_method": "verbal",
    }
    values.update(fields)
    return Screening(**values)


def test_anonymous_when_no_name_is_recorded(personas):
    screening = bare_screening(personas.gov, detainee_number="RM-1")
    assert screening.anonymous
    screening.family_name = "Bekele"
    assert not screening.anonymous


def test_refused_and_instrument_label(personas):
    screening = bare_screening(personas.gov, consent_given=False, instrument_version=3)
    assert screening.refused
    assert screening.instrument_label == "ilo-2009-adult-labour v3"


@pytest.mark.parametrize(
    "fields",
    [
        {"outcome": "trafficking"},
        {"detainee_number": "RM-1"},
        {"given_name": "Hiwot"},
        {"flagged_for_follow_up": True},
        {"age_estimate": 30},
    ],
)
def test_database_keeps_nothing_but_the_refusal_without_consent(personas, fields):
    screening = bare_screening(personas.gov, consent_given=False, consent_method="", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        screening.save()


def test_a_refusal_row_is_accepted(personas):
    bare_screening(personas.gov, consent_given=False, consent_method="").save()
    assert Screening.objects.count() == 1


def test_implausible_age_is_refused_by_the_database(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        bare_screening(personas.gov, age_estimate=150).save()


def test_place_names_are_unique_within_an_organisation(personas):
    Place.objects.create(
        organisation=personas.gov, name="Adlieh", kind="detention_centre", country="LB"
    )
    Place.objects.create(
        organisation=personas.ngo, name="Adlieh", kind="detention_centre", country="LB"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.create(organisation=personas.gov, name="Adlieh", kind="shelter", country="LB")


def test_visit_notes_are_encrypted(personas):
    place = Place.objects.create(
        organisation=personas.gov, name="Adlieh", kind="detention_centre", country="LB"
    )
    visit = Visit.objects.create(
        organisation=personas.gov,
        place=place,
        visited_on=timezone.localdate(),
        notes="Met 12 women",
    )
    assert str(visit) == f"Adlieh {visit.visited_on.isoformat()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM screening_visit")
        (stored,) = cursor.fetchone()
    assert stored.startswith("pave1:") and "women" not in stored
    assert Visit.objects.get().notes == "Met 12 women"
