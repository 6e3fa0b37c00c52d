"""Staff edits in /staff/ go through the audited services, or are not possible at all."""

import pytest
from django.contrib import admin
from django.contrib.admin.options import ModelAdmin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from pave.accounts.models import ApiToken, Organisation
from pave.accounts.roles import Role
from pave.accounts.services import token_create
from pave.assistance.models import ServiceType
from pave.core.models import AuditEvent
from pave.referrals.models import ServiceDirectoryEntry
from pave.testing import make_org


@pytest.fixture
def staff(personas):
    return get_user_model().objects.create_superuser(
        "root", password="x", organisation=personas.ngo, role=Role.ADMINISTRATOR
    )


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, f"no {action} audit event"
    return event


def test_every_admin_saves_through_a_service_or_is_read_only(staff):
    request = RequestFactory().get("/staff/")
    request.user = staff
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("pave."):
            continue  # Django's groups, django-axes' lockouts: not PAVE's records
        name = model.__name__
        saves_through_service = type(model_admin).save_model is not ModelAdmin.save_model
        if model_admin.has_change_permission(request) or model_admin.has_add_permission(request):
            assert saves_through_service, f"{name}: staff can save it without a service"
        assert not model_admin.has_delete_permission(request), f"{name}: deletable unaudited"
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_change_permission(request), f"{name}: editable inline"


def test_a_directory_entry_changed_in_the_admin_is_audited(staff_client, staff, personas):
    other = make_org("ARC-ET", name="Addis Reintegration Centre", country="ET")
    shelter = ServiceType.objects.get(code="shelter")
    entry = ServiceDirectoryEntry.objects.create(
        organisation=other, service_type=shelter, country="ET", city="Addis"
    )
    response = staff_client.post(
        f"/staff/referrals/servicedirectoryentry/{entry.pk}/change/",
        {
            "organisation": other.pk,
            "service_type": shelter.pk,
            "country": "ET",
            "city": "Adama",
            "contact_notes": "",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content
    entry.refresh_from_db()
    assert entry.city == "Adama"
    event = last_event("directory.update")
    assert (event.actor_id, event.object_id, event.fields) == (staff.pk, str(entry.pk), ["city"])


def test_a_directory_entry_added_in_the_admin_is_audited(staff_client, staff, personas):
    shelter = ServiceType.objects.get(code="shelter")
    response = staff_client.post(
        "/staff/referrals/servicedirectoryentry/add/",
        {
            "organisation": personas.other.pk,
            "service_type": shelter.pk,
            "country": "LB",
            "city": "Tripoli",
            "contact_notes": "",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content
    entry = ServiceDirectoryEntry.objects.get(organisation=personas.other, city="Tripoli")
    event = last_event("directory.create")
    assert (event.actor_id, event.object_id) == (staff.pk, str(entry.pk))


def test_a_service_type_changed_in_the_admin_is_audited(client, personas):
    # The catalogue is shared reference data: a platform administrator's (issue 12).
    staff = get_user_model().objects.create_superuser(
        "host", password="x", organisation=personas.ngo, role=Role.PLATFORM_ADMINISTRATOR
    )
    client.force_login(staff)
    shelter = ServiceType.objects.get(code="shelter")
    response = client.post(
        f"/staff/assistance/servicetype/{shelter.pk}/change/",
        {
            "family": shelter.family,
            "name": "Safe shelter",
            "description": shelter.description,
            "active": "on",
            "sort_order": shelter.sort_order,
        },
    )
    assert response.status_code == 302, response.content
    shelter.refresh_from_db()
    assert shelter.name == "Safe shelter"
    event = last_event("service_type.update")
    assert (event.actor_id, event.object_id, event.fields) == (staff.pk, str(shelter.pk), ["name"])


def test_an_organisation_added_in_the_admin_is_audited(staff_client, staff):
    response = staff_client.post(
        "/staff/accounts/organisation/add/",
        {"code": "NEW-LB", "name": "New NGO", "type": "NGO", "country": "LB"},
    )
    assert response.status_code == 302, response.content
    organisation = Organisation.objects.get(code="NEW-LB")
    event = last_event("organisation.create")
    assert (event.actor_id, event.object_id) == (staff.pk, str(organisation.pk))


def test_a_token_revoked_in_the_admin_is_audited(staff_client, staff, personas):
    token, _clear = token_create(actor=None, user=personas.amal, name="laptop")
    response = staff_client.post(
        "/staff/accounts/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk], "index": 0},
    )
    assert response.status_code == 302, response.content
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = last_event("token.revoke")
    assert (event.actor_id, event.object_id) == (staff.pk, str(token.pk))


@pytest.mark.parametrize(
    "path",
    [
        "accounts/organisation/{ngo}/change/",
        "accounts/user/{amal}/change/",
        "accounts/apitoken/{token}/change/",
    ],
)
def test_models_without_an_audited_change_cannot_be_changed(staff_client, personas, path):
    token, _clear = token_create(actor=None, user=personas.amal)
    url = "/staff/" + path.format(ngo=personas.ngo.pk, amal=personas.amal.pk, token=token.pk)
    assert staff_client.get(url).status_code == 200  # still shown
    assert staff_client.post(url, {"name": "Changed"}).status_code == 403
    assert not ApiToken.objects.filter(name="Changed").exists()
    assert not Organisation.objects.filter(name="Changed").exists()
