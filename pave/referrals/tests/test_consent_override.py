"""Issue 12 item 5: the consent override cannot send identity to a donor or the media.

The attack: a case manager referred a case, with the person's name and phone and without
their consent, to the donor organisation with the reason "Donor asked to see this case".
Now a referral goes only to an organisation that offers the services requested (the service
directory) and whose type may receive person-level data; sending without consent needs an
emergency from a list plus an explanation, and the sender's administrators are told.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from pave.accounts.roles import Role
from pave.core.models import AuditEvent
from pave.notifications.models import Notification, NotificationKind
from pave.referrals import services
from pave.referrals.models import Referral
from pave.referrals.tests.conftest import offers, service_ids
from pave.testing import Api, make_org, make_user

pytestmark = pytest.mark.django_db

IDENTITY = ["given_name", "family_name", "phone"]
DONOR_ASKED = "Donor asked to see this case"


@pytest.fixture
def donor():
    """The EU delegation: funds the programme; its viewer sees results only."""
    org = make_org("EU-LB", name="EU Delegation", type="Donor")
    make_user("eva", org, Role.DONOR_VIEWER)
    return org


def body(case, to_org, **extra):
    values = {
        "case": case.pk,
        "to_org": to_org.code,
        "services": ["shelter"],
        "reason": "Other",
        "shared_fields": IDENTITY,
        "override_reason": DONOR_ASKED,
    }
    values.update(extra)
    return values


def nothing_left_for(organisation) -> None:
    assert not Referral.objects.filter(to_org=organisation).exists()
    assert not Notification.objects.filter(user__organisation=organisation).exists()
    assert not AuditEvent.objects.filter(action="referral.consent_override").exists()


@pytest.mark.parametrize("ground", ["", "danger_to_life"])
def test_the_attack_through_the_api_is_refused(client, personas, the_case, donor, ground):
    response = Api(client, personas.bilal).post(
        "/referrals", body(the_case, donor, override_ground=ground)
    )

    assert response.status_code == 422, response.content
    assert "may not receive person-level data" in response.json()["errors"]["to_org"][0]
    assert the_case.person.phone not in response.content.decode()
    nothing_left_for(donor)


def test_even_a_donor_listed_in_the_directory_is_refused(client, personas, the_case, donor):
    offers(donor, "shelter")  # written behind the services' back: they refuse to list it
    response = Api(client, personas.bilal).post(
        "/referrals", body(the_case, donor, override_ground="danger_to_life")
    )
    assert response.status_code == 422
    nothing_left_for(donor)


@pytest.mark.parametrize("kind", ["Media", "CorporateBusiness"])
def test_the_media_and_businesses_are_refused_too(client, personas, the_case, kind):
    newsroom = make_org("NEWS", name="Beirut Daily", type=kind)
    offers(newsroom, "shelter")
    response = Api(client, personas.bilal).post(
        "/referrals", body(the_case, newsroom, override_ground="danger_to_life")
    )
    assert response.status_code == 422
    nothing_left_for(newsroom)


def test_an_organisation_that_offers_nothing_is_refused(client, personas, the_case):
    embassy = make_org("XX-EMB", name="Embassy of Somewhere", type="Embassy")
    response = Api(client, personas.bilal).post(
        "/referrals", body(the_case, embassy, override_ground="danger_to_life")
    )
    assert response.status_code == 422
    assert (
        "does not offer this in the service directory: Shelter"
        in (response.json()["errors"]["to_org"][0])
    )
    nothing_left_for(embassy)


def test_the_attack_through_the_web_form_is_refused(client, personas, the_case, donor):
    client.force_login(personas.bilal)
    url = reverse("referrals:create", args=[the_case.pk])

    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "to_org": donor.pk,
            "services": service_ids("shelter"),
            "reason": "Other",
            "shared_fields": IDENTITY,
            "override_ground": "danger_to_life",
            "override_reason": DONOR_ASKED,
        },
    )

    assert "EU Delegation" not in form  # never offered as a choice
    assert response.status_code == 422
    nothing_left_for(donor)


def test_a_donor_cannot_be_named_in_a_consent_nor_list_itself(client, personas, the_case, donor):
    response = Api(client, personas.bilal).post(
        f"/referrals/cases/{the_case.pk}/consents",
        {"purpose": "referral", "organisation": donor.code, "given_on": "2014-03-01",
         "how_obtained": "verbal"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "may not receive person-level data" in response.json()["errors"]["organisation"][0]

    donor_admin = make_user("donor_admin", donor, Role.ADMINISTRATOR)
    listed = Api(client, donor_admin).post(
        "/referrals/directory", {"service": "shelter", "country": "LB"}
    )
    assert listed.status_code == 403


# --- the override that remains: an emergency, to a provider --------------------------------


def test_an_emergency_override_to_a_provider_is_sent_and_the_administrators_are_told(
    client, personas, partner, the_case
):
    offers(partner.org, "shelter")
    admin = personas.by_role[Role.ADMINISTRATOR]
    response = Api(client, personas.bilal).post(
        "/referrals",
        body(
            the_case,
            partner.org,
            override_ground="danger_to_life",
            override_reason="Locked in by the employer; the police are on their way",
        ),
    )

    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert (referral.consent, referral.override_ground) == (None, "danger_to_life")
    told = Notification.objects.get(kind=NotificationKind.CONSENT_OVERRIDE)
    assert told.user == admin
    assert f"#{referral.pk}" in told.message and "bilal" in told.message
    assert "danger" in told.message and "Locked in" not in told.message
    assert the_case.person.given_name not in told.message
    event = AuditEvent.objects.get(action="referral.consent_override")
    assert event.detail["ground"] == "danger_to_life"
    # The receiving side does not see why; the sending side does.
    received = Api(client, partner.fatima).get(f"/referrals/{referral.pk}").json()
    assert received["override_ground"] is None and received["override_reason"] is None


def test_a_free_text_reason_alone_is_refused(client, personas, partner, the_case):
    offers(partner.org, "shelter")
    response = Api(client, personas.bilal).post(
        "/referrals", body(the_case, partner.org, override_reason="Urgent")
    )
    assert response.status_code == 422
    assert "emergencies only" in response.json()["errors"]["override_ground"][0]

    client.force_login(personas.bilal)
    page = client.post(
        reverse("referrals:create", args=[the_case.pk]),
        {
            "to_org": partner.org.pk,
            "services": service_ids("shelter"),
            "reason": "Other",
            "override_reason": "Urgent",
        },
    )
    assert page.status_code == 422
    assert "emergencies only" in page.content.decode()
    assert not Referral.objects.exists()


def test_a_listed_emergency_without_an_explanation_is_refused(personas, partner, the_case):
    offers(partner.org, "shelter")
    with pytest.raises(Exception, match="Say what the emergency is"):
        services.referral_send(
            actor=personas.bilal,
            case_id=the_case.pk,
            to_org_id=partner.org.pk,
            service_ids=service_ids("shelter"),
            reason="Other",
            override_ground="medical_emergency",
        )
    assert not Referral.objects.exists()
