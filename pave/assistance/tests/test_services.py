"""The assistance services directly: roles, locking rules, unchanged saves, the catalogue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from pave.accounts.roles import Role
from pave.assistance import services
from pave.assistance.models import FollowUpVisit, ServiceDelivery, ServiceType
from pave.core.models import AuditEvent
from pave.testing import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return make_case(personas.amal)


def test_provider_defaults_to_the_actors_organisation_and_notes_are_trimmed(personas, case):
    delivery = services.service_delivery_record(
        actor=personas.amal,
        case_id=case.pk,
        data={
            "service_type": ServiceType.objects.get(code="ticket"),
            "delivered_on": datetime.date(2014, 3, 1),
            "notes": "  Flight to Addis  ",
        },
    )
    assert delivery.provider == personas.ngo
    assert ServiceDelivery.objects.get().notes == "Flight to Addis"


def test_unknown_fields_are_refused(personas, case):
    with pytest.raises(ValidationError) as refused:
        services.follow_up_schedule(
            actor=personas.amal, case_id=case.pk, data={"due_on": "2014-06-01", "mood": "ok"}
        )
    assert "mood" in refused.value.message_dict


def test_saving_an_unchanged_record_keeps_its_version_and_writes_no_event(personas, case):
    visit = services.follow_up_schedule(
        actor=personas.amal, case_id=case.pk, data={"due_on": datetime.date(2014, 6, 1)}
    )
    events = AuditEvent.objects.count()
    same = services.record_update(
        actor=personas.amal,
        case_id=case.pk,
        kind=services.FOLLOW_UP,
        record_id=visit.pk,
        version=1,
        data={"due_on": datetime.date(2014, 6, 1)},
    )
    assert same.version == 1 and AuditEvent.objects.count() == events


def test_a_required_field_cannot_be_emptied(personas, case):
    visit = services.follow_up_schedule(
        actor=personas.amal, case_id=case.pk, data={"due_on": datetime.date(2014, 6, 1)}
    )
    with pytest.raises(ValidationError) as refused:
        services.record_update(
            actor=personas.amal,
            case_id=case.pk,
            kind=services.FOLLOW_UP,
            record_id=visit.pk,
            version=1,
            data={"due_on": None},
        )
    assert refused.value.message_dict["due_on"] == ["This field is required."]
    assert FollowUpVisit.objects.get().due_on == datetime.date(2014, 6, 1)


@pytest.mark.parametrize(
    ("role", "error"),
    [
        (Role.PROJECT_MANAGER, PermissionDenied),
        (Role.DONOR_VIEWER, Http404),
        (Role.TRAINER, Http404),
        (Role.ME_OFFICER, Http404),
    ],
)
def test_roles_that_do_not_record_assistance_are_refused(personas, case, role, error):
    with pytest.raises(error):
        services.follow_up_schedule(
            actor=personas.by_role[role], case_id=case.pk, data={"due_on": "2014-06-01"}
        )
    assert not FollowUpVisit.objects.exists()


def test_inactive_service_stays_on_records_that_have_it(personas, case):
    shelter = ServiceType.objects.get(code="shelter")
    delivery = services.service_delivery_record(
        actor=personas.amal,
        case_id=case.pk,
        data={"service_type": shelter, "delivered_on": datetime.date(2014, 3, 1)},
    )
    services.service_type_update(
        actor=personas.by_role[Role.PLATFORM_ADMINISTRATOR],
        service_type_id=shelter.pk,
        data={"active": False},
    )
    # Correcting the record is still possible: its service type did not change.
    updated = services.record_update(
        actor=personas.amal,
        case_id=case.pk,
        kind=services.SERVICE,
        record_id=delivery.pk,
        version=1,
        data={"cost": "20", "currency": "EUR"},
    )
    assert isinstance(updated, ServiceDelivery)
    assert (updated.service_type_id, updated.version) == (shelter.pk, 2)


def test_catalogue_changes_are_platform_administrators_only_and_audited(personas):
    shelter = ServiceType.objects.get(code="shelter")
    with pytest.raises(PermissionDenied):
        services.service_type_update(
            actor=personas.bilal, service_type_id=shelter.pk, data={"name": "Safe house"}
        )
    services.service_type_update(
        actor=personas.by_role[Role.PLATFORM_ADMINISTRATOR],
        service_type_id=shelter.pk,
        data={"name": "Safe house"},
    )
    event = AuditEvent.objects.get(action="service_type.update")
    assert event.fields == ["name"] and event.object_id == str(shelter.pk)


def test_a_negative_cost_given_as_text_is_refused_on_its_field(personas, case):
    with pytest.raises(ValidationError) as refused:
        services.service_delivery_record(
            actor=personas.amal,
            case_id=case.pk,
            data={
                "service_type": ServiceType.objects.get(code="ticket"),
                "delivered_on": datetime.date(2014, 3, 1),
                "cost": "-3",
                "currency": "EUR",
            },
        )
    assert "cost" in refused.value.message_dict
