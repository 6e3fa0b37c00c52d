"""Issue 12 item 7: the service catalogue is reference data every organisation shares. The
administrator of any organisation, even one created a minute ago, could rename or deactivate
its entries for everybody. Only a platform administrator may; an organisation's administrator
keeps their own organisation's directory entries."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from pave.accounts.models import User
from pave.accounts.roles import Role
from pave.assistance.models import ServiceType
from pave.core.models import AuditEvent
from pave.referrals import services as referral_services
from pave.testing import Api, make_case, make_org, make_user, run_pave

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer() -> User:
    """The administrator of an organisation created just now."""
    return make_user("mallory", make_org("NEW-ORG", name="Fresh NGO"), Role.ADMINISTRATOR)


def test_an_organisation_administrator_cannot_rename_or_deactivate_through_the_api(
    client, newcomer
):
    shelter = ServiceType.objects.get(code="shelter")
    api = Api(client, newcomer)
    url = f"/assistance/service-types/{shelter.pk}"

    renamed = api.patch(url, {"name": "Closed"})
    deactivated = api.patch(url, {"active": False})
    added = api.post("/assistance/service-types", {"code": "x", "family": "return", "name": "X"})

    assert (renamed.status_code, deactivated.status_code, added.status_code) == (403, 403, 403)
    assert renamed.json()["detail"]
    shelter.refresh_from_db()
    assert (shelter.name, shelter.active) == ("Shelter", True)
    assert not AuditEvent.objects.filter(action__startswith="service_type.").exists()


def test_an_organisation_administrator_cannot_rename_or_deactivate_on_the_web(client, newcomer):
    shelter = ServiceType.objects.get(code="shelter")
    client.force_login(newcomer)
    prefix = f"type-{shelter.pk}"

    page = client.get(reverse("assistance:service-types"))
    edit = client.post(
        reverse("assistance:service-type-edit", args=[shelter.pk]),
        {f"{prefix}-name": "Closed", f"{prefix}-family": shelter.family, f"{prefix}-sort_order": 0},
    )

    assert (page.status_code, edit.status_code) == (403, 403)
    shelter.refresh_from_db()
    assert (shelter.name, shelter.active) == ("Shelter", True)


def test_an_organisation_administrator_with_staff_access_cannot_change_it_in_staff(
    client, newcomer
):
    newcomer.is_staff = newcomer.is_superuser = True
    newcomer.save()
    client.force_login(newcomer)
    shelter = ServiceType.objects.get(code="shelter")

    response = client.post(
        f"/staff/assistance/servicetype/{shelter.pk}/change/",
        {"family": shelter.family, "name": "Closed", "sort_order": 0},
    )

    assert response.status_code == 403
    shelter.refresh_from_db()
    assert (shelter.name, shelter.active) == ("Shelter", True)


def test_a_platform_administrator_created_on_the_command_line_renames_and_deactivates(
    client, newcomer
):
    make_org("IOM-LB", type="InternationalOrganisation")
    code, out, err = run_pave(
        "user", "create", "host", "--org", "IOM-LB", "--role", "platform_administrator",
        "--password-stdin", stdin="a-long-host-password-42\n",
    )  # fmt: skip
    assert code == 0, err
    assert "created user host (platform_administrator at IOM-LB)" in out
    host = get_user_model().objects.get(username="host")
    shelter = ServiceType.objects.get(code="shelter")

    response = Api(client, host).patch(
        f"/assistance/service-types/{shelter.pk}", {"name": "Safe shelter", "active": False}
    )

    assert response.status_code == 200, response.content
    shelter.refresh_from_db()
    assert (shelter.name, shelter.active) == ("Safe shelter", False)
    client.force_login(host)
    assert client.get(reverse("assistance:service-types")).status_code == 200
    home = client.get("/").content.decode()
    assert reverse("assistance:service-types") in home  # the menu leads there


def test_a_platform_administrator_sees_no_person_level_data(client, personas):
    case = make_case(personas.amal)
    host = make_user("host", personas.ngo, Role.PLATFORM_ADMINISTRATOR)
    api = Api(client, host)

    assert api.get(f"/cases/{case.pk}").status_code == 404
    assert api.get(f"/assistance/cases/{case.pk}/services").status_code == 404
    listed = api.get("/cases")
    assert listed.status_code == 403 or listed.json()["count"] == 0


def test_organisation_administrators_still_keep_their_own_directory_entries(newcomer):
    shelter = ServiceType.objects.get(code="shelter")
    entry = referral_services.directory_entry_create(
        actor=newcomer, service_type_id=shelter.pk, country="LB", city="Tripoli"
    )
    updated = referral_services.directory_entry_update(
        actor=newcomer, entry_id=entry.pk, active=False
    )
    assert updated.active is False
