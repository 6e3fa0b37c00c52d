"""The referral, consent and directory pages through the HTTP client."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pave.accounts.roles import Role
from pave.referrals import services
from pave.referrals.models import Consent, Referral
from pave.referrals.tests.conftest import offers, record_consent, send, service_ids
from pave.testing import make_case, person_data

pytestmark = pytest.mark.django_db
LIST = reverse("referrals:list")


def detail(referral):
    return reverse("referrals:detail", args=[referral.pk])


def html_of(response):
    return response.content.decode()


# --- the case page ---------------------------------------------------------------------------


def test_case_page_shows_consent_and_referrals_section(client, personas, partner, referral):
    client.force_login(personas.amal)
    html = html_of(client.get(reverse("cases:detail", args=[referral.case_id])))
    assert "Consent and referrals" in html
    assert "Addis Reintegration Centre" in html
    assert reverse("referrals:create", args=[referral.case_id]) in html
    assert detail(referral) in html
    assert "Referrals" in html and 'href="/referrals/"' in html  # navigation


def test_case_page_offers_no_referral_to_read_only_roles(client, personas, the_case):
    client.force_login(personas.by_role[Role.PROJECT_MANAGER])
    html = html_of(client.get(reverse("cases:detail", args=[the_case.pk])))
    assert "Consent and referrals" in html
    assert reverse("referrals:create", args=[the_case.pk]) not in html


# --- consent ---------------------------------------------------------------------------------


def test_case_worker_records_and_withdraws_consent_on_the_consent_page(
    client, personas, partner, the_case
):
    client.force_login(personas.amal)
    url = reverse("referrals:consents", args=[the_case.pk])
    response = client.post(
        url,
        {
            "purpose": "referral",
            "organisation": partner.org.pk,
            "given_on": timezone.localdate().isoformat(),
            "how_obtained": "written",
            "notes": "Signed in Amharic",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    html = html_of(client.get(url))
    assert "Signed in Amharic" in html and "In force" in html
    response = client.post(
        reverse("referrals:withdraw", args=[consent.pk]),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert "Withdrawn on" in html_of(client.get(url))


def test_consent_form_errors_are_shown(client, personas, the_case):
    client.force_login(personas.amal)
    response = client.post(
        reverse("referrals:consents", args=[the_case.pk]),
        {
            "purpose": "referral",
            "given_on": timezone.localdate().isoformat(),
            "how_obtained": "verbal",
        },
    )
    assert response.status_code == 422
    assert "Name the organisation" in html_of(response)


def test_consent_notes_are_not_on_the_case_page(client, personas, partner, the_case):
    record_consent(personas.amal, the_case, partner.org, notes="Aunt Tigist signed")
    client.force_login(personas.amal)
    html = html_of(client.get(reverse("cases:detail", args=[the_case.pk])))
    assert "Addis Reintegration Centre" in html and "Aunt Tigist" not in html


# --- making a referral -----------------------------------------------------------------------


def test_directory_search_narrows_the_organisations_to_refer_to(
    client, personas, partner, the_case, consent
):
    services.directory_entry_create(
        actor=partner.by_role[Role.ADMINISTRATOR],
        service_type_id=service_ids("shelter")[0],
        country="ET",
        city="Addis Ababa",
        contact_notes="Duty phone at the centre",
    )
    client.force_login(personas.amal)
    url = reverse("referrals:create", args=[the_case.pk])
    page = html_of(client.get(url, {"service": service_ids("shelter"), "country": "ET"}))
    assert "Duty phone at the centre" in page
    assert f'name="to_org" value="{partner.org.pk}"' in page
    assert "Cedar Legal Aid" not in page  # not a provider of the service
    unfiltered = html_of(client.get(url))
    assert "Addis Reintegration Centre (Ethiopia)" in unfiltered
    assert "Cedar Legal Aid" not in unfiltered  # it offers nothing in the directory


def test_referral_form_sends_the_referral(client, personas, partner, the_case, consent):
    offers(partner.org, "shelter", "medical")
    client.force_login(personas.amal)
    response = client.post(
        reverse("referrals:create", args=[the_case.pk]),
        {
            "to_org": partner.org.pk,
            "services": service_ids("shelter", "medical"),
            "reason": "AdditionalServicesRequired",
            "shared_fields": ["given_name", "sex"],
            "details_for_receiver": "Needs a female doctor",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(referral)
    assert referral.shared_fields == ["given_name", "sex"]
    assert referral.services.count() == 2


def test_referral_form_without_consent_shows_the_refusal(client, personas, partner, the_case):
    offers(partner.org, "shelter")
    client.force_login(personas.amal)
    response = client.post(
        reverse("referrals:create", args=[the_case.pk]),
        {
            "to_org": partner.org.pk,
            "services": service_ids("shelter"),
            "reason": "AdditionalServicesRequired",
        },
    )
    assert response.status_code == 422
    assert "has not given valid consent to be referred to Addis Reintegration Centre" in html_of(
        response
    )
    assert not Referral.objects.exists()


def test_only_managers_see_override_and_transfer(client, personas, the_case):
    url = reverse("referrals:create", args=[the_case.pk])
    client.force_login(personas.amal)
    assert 'name="override_reason"' not in html_of(client.get(url))
    client.force_login(personas.bilal)
    html = html_of(client.get(url))
    assert 'name="override_reason"' in html and 'name="transfer_ownership"' in html


# --- the receiving side ----------------------------------------------------------------------


def test_receiver_page_shows_only_the_shared_fields(client, personas, partner, referral):
    client.force_login(partner.fatima)
    html = html_of(client.get(detail(referral)))
    person = referral.case.person
    assert "Selamawit" in html and "Arrives Tuesday by bus" in html
    for secret in (person.family_name, person.phone, person.identity_number):
        assert secret not in html
    assert referral.case.reference not in html
    assert reverse("cases:detail", args=[referral.case_id]) not in html
    assert "Personal data." in html


def test_receiver_accepts_and_completes_on_the_page(client, personas, partner, referral):
    client.force_login(partner.fatima)
    response = client.post(reverse("referrals:accept", args=[referral.pk]))
    assert response.status_code == 302
    html = html_of(client.get(detail(referral)))
    assert "Accepted" in html and "Mark as completed" in html
    client.post(reverse("referrals:complete", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == "completed"
    assert "Selamawit" not in html_of(client.get(detail(referral)))


def test_decline_without_reason_shows_an_error(client, personas, partner, referral):
    client.force_login(partner.fatima)
    response = client.post(reverse("referrals:decline", args=[referral.pk]), {"reason": ""})
    assert response.status_code == 422
    assert "Say why the referral is declined." in html_of(response)
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_forbidden_transition_on_the_page_is_422_with_the_reason(
    client, personas, partner, referral
):
    services.referral_decline(actor=partner.fatima, referral_id=referral.pk, reason="Full")
    client.force_login(partner.fatima)
    response = client.post(reverse("referrals:accept", args=[referral.pk]))
    assert response.status_code == 422
    assert "can no longer be accepted" in html_of(response)


def test_sender_revokes_on_the_page(client, personas, partner, referral):
    client.force_login(personas.amal)
    assert "Revoke the referral" in html_of(client.get(detail(referral)))
    response = client.post(
        reverse("referrals:revoke", args=[referral.pk]), {"reason": "Person moved"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "revoked"


def test_web_accepts_a_transfer_and_opens_the_case(client, personas, partner, the_case, consent):
    referral = send(personas.bilal, the_case, partner.org, transfer_ownership=True)
    client.force_login(partner.fatima)
    response = client.post(reverse("referrals:accept", args=[referral.pk]))
    assert response["Location"] == reverse("cases:detail", args=[the_case.pk])
    assert client.get(response["Location"]).status_code == 200
    client.force_login(personas.amal)
    assert client.get(reverse("cases:detail", args=[the_case.pk])).status_code == 404


# --- lists -----------------------------------------------------------------------------------


def test_list_flags_overdue_referrals(client, personas, partner, referral):
    Referral.objects.filter(pk=referral.pk).update(
        due_by=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(partner.fatima)
    html = html_of(client.get(LIST))
    assert "Referrals received" in html and "Overdue" in html
    client.force_login(personas.amal)
    html = html_of(client.get(LIST, {"box": "sent", "overdue": "on"}))
    assert referral.case.reference in html and "Overdue" in html


def test_list_page_queries_do_not_grow(client, personas, partner, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            case = make_case(personas.bilal, person=person_data())
            record_consent(personas.bilal, case, partner.org)
            send(personas.bilal, case, partner.org)

    make(3)
    sender = Client()  # the sent box, as bilal sees it
    client.force_login(partner.fatima)
    sender.force_login(personas.bilal)
    client.get(LIST)  # sessions and caches warmed
    sender.get(LIST, {"box": "sent"})
    received, sent = 9, 9
    with django_assert_num_queries(received):
        client.get(LIST)
    with django_assert_num_queries(sent):
        sender.get(LIST, {"box": "sent"})
    make(12)
    with django_assert_num_queries(received):
        assert "15 referrals" in html_of(client.get(LIST))
    with django_assert_num_queries(sent):
        assert "15 referrals" in html_of(sender.get(LIST, {"box": "sent"}))


def test_roles_without_case_access_get_403_on_the_list(client, personas):
    donor = personas.by_role[Role.DONOR_VIEWER]
    client.force_login(donor)
    assert client.get(LIST).status_code == 403
    assert 'href="/referrals/"' not in html_of(client.get(reverse("cases:home")))


# --- directory -------------------------------------------------------------------------------


def test_directory_page_search_and_admin_add(client, personas, partner):
    admin = partner.by_role[Role.ADMINISTRATOR]
    client.force_login(admin)
    response = client.post(
        reverse("referrals:directory"),
        {"service_type": service_ids("legal-aid")[0], "country": "ET", "city": "Gondar"},
    )
    assert response.status_code == 302
    client.force_login(personas.amal)
    html = html_of(client.get(reverse("referrals:directory"), {"city": "gondar"}))
    assert "Addis Reintegration Centre" in html and "Gondar" in html
    assert 'name="service_type"' not in html  # no add form for a case worker
    assert client.post(reverse("referrals:directory"), {"country": "ET"}).status_code == 403


def test_directory_page_queries_do_not_grow(client, personas, partner, django_assert_num_queries):
    admin = partner.by_role[Role.ADMINISTRATOR]

    def add(*cities):
        for city in cities:
            services.directory_entry_create(
                actor=admin, service_type_id=service_ids("shelter")[0], country="ET", city=city
            )

    directory = reverse("referrals:directory")
    add("Gondar")
    client.force_login(personas.amal)
    client.get(directory)
    queries = 8
    with django_assert_num_queries(queries):
        assert "Gondar" in html_of(client.get(directory, {"country": "ET"}))
    add("Adama", "Bahir Dar", "Hawassa")
    with django_assert_num_queries(queries):
        assert "Hawassa" in html_of(client.get(directory, {"country": "ET"}))


def test_staff_admin_pages_render_without_free_text(client, personas, partner, referral):
    staff = get_user_model().objects.create_superuser(
        "root", password="x", organisation=personas.ngo, role=Role.ADMINISTRATOR
    )
    client.force_login(staff)
    for name in ("servicedirectoryentry", "consent", "referral"):
        assert client.get(f"/staff/referrals/{name}/").status_code == 200
    html = html_of(client.get(f"/staff/referrals/referral/{referral.pk}/change/"))
    assert "Arrives Tuesday" not in html
    assert client.get("/staff/notifications/notification/").status_code == 200
