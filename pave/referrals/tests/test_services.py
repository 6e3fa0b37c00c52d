"""Consent rules, the referral state machine, transfer of ownership, and what each side sees."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import override_settings
from django.utils import timezone

from pave.accounts.roles import Role
from pave.cases.selectors import case_get_for_user
from pave.core.models import AuditEvent
from pave.notifications.models import Notification
from pave.referrals import selectors, services
from pave.referrals.models import Consent, Referral
from pave.referrals.tests.conftest import record_consent, send, service_ids
from pave.testing import make_case, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
S, A, D, C, R = "sent", "accepted", "declined", "completed", "revoked"


# --- consent ---------------------------------------------------------------------------------


def test_no_consent_refuses_the_referral_with_a_clear_message(personas, partner, the_case):
    with pytest.raises(ValidationError) as exc:
        send(personas.amal, the_case, partner.org)
    message = " ".join(exc.value.message_dict["consent"])
    assert "has not given valid consent to be referred to Addis Reintegration Centre" in message
    assert "Record the person's consent" in message
    assert not Referral.objects.exists()


def test_withdrawn_consent_refuses_the_referral(personas, partner, the_case, consent):
    services.consent_withdraw(actor=personas.amal, consent_id=consent.pk)
    with pytest.raises(ValidationError) as exc:
        send(personas.amal, the_case, partner.org)
    assert "withdrew their consent" in exc.value.message_dict["consent"][0]


def test_consent_for_another_organisation_refuses_the_referral(personas, partner, the_case):
    record_consent(personas.amal, the_case, personas.other)
    with pytest.raises(ValidationError) as exc:
        send(personas.amal, the_case, partner.org)
    assert "names other organisations" in exc.value.message_dict["consent"][0]


@pytest.mark.parametrize("purpose", ["processing", "statistics"])
def test_consent_for_another_purpose_does_not_allow_a_referral(
    personas, partner, the_case, purpose
):
    record_consent(personas.amal, the_case, None, purpose=purpose, any_organisation=False)
    with pytest.raises(ValidationError):
        send(personas.amal, the_case, partner.org)


def test_consent_for_any_organisation_allows_a_referral(personas, partner, the_case):
    consent = record_consent(personas.amal, the_case, None)
    referral = send(personas.amal, the_case, partner.org)
    assert referral.consent == consent and not referral.consent_overridden


def test_consent_given_today_is_valid_and_withdrawn_today_is_not(personas, partner, the_case):
    consent = record_consent(personas.amal, the_case, partner.org, given_on=TODAY())
    assert selectors.valid_referral_consent(case=the_case, to_org_id=partner.org.pk) == consent
    services.consent_withdraw(actor=personas.amal, consent_id=consent.pk, withdrawn_on=TODAY())
    assert selectors.valid_referral_consent(case=the_case, to_org_id=partner.org.pk) is None


def test_withdrawal_from_a_past_day_is_respected_from_that_day(personas, partner, the_case):
    consent = record_consent(
        personas.amal, the_case, partner.org, given_on=TODAY() - datetime.timedelta(days=10)
    )
    services.consent_withdraw(
        actor=personas.amal, consent_id=consent.pk, withdrawn_on=TODAY() - datetime.timedelta(3)
    )
    day_before = TODAY() - datetime.timedelta(days=4)
    assert selectors.valid_referral_consent(case=the_case, to_org_id=partner.org.pk, on=day_before)
    assert not selectors.valid_referral_consent(case=the_case, to_org_id=partner.org.pk)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (
            {"purpose": "referral", "organisation_id": None, "any_organisation": False},
            "organisation",
        ),
        ({"purpose": "processing", "any_organisation": True}, "organisation"),
        ({"purpose": "nonsense"}, "purpose"),
        ({"how_obtained": "telepathy"}, "how_obtained"),
        ({"given_on": datetime.date.today() + datetime.timedelta(days=2)}, "given_on"),
    ],
)
def test_consent_is_validated(personas, partner, the_case, values, field):
    base = {"purpose": "referral", "organisation_id": partner.org.pk, "any_organisation": False}
    with pytest.raises(ValidationError) as exc:
        record_consent(personas.amal, the_case, None, **{**base, **values})
    assert field in exc.value.message_dict


def test_consent_cannot_be_withdrawn_twice_or_in_the_future(personas, the_case, consent):
    with pytest.raises(ValidationError):
        services.consent_withdraw(
            actor=personas.amal,
            consent_id=consent.pk,
            withdrawn_on=TODAY() + datetime.timedelta(days=1),
        )
    services.consent_withdraw(actor=personas.amal, consent_id=consent.pk)
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=personas.amal, consent_id=consent.pk)


def test_outsiders_and_read_only_roles_cannot_record_consent(personas, the_case):
    with pytest.raises(Http404):
        record_consent(personas.ravi, the_case, None)
    with pytest.raises(PermissionDenied):
        record_consent(personas.by_role[Role.PROJECT_MANAGER], the_case, None)


def test_withdrawing_consent_revokes_open_referrals_relying_on_it(
    personas, partner, the_case, consent, django_capture_on_commit_callbacks
):
    pending = send(personas.amal, the_case, partner.org)
    other_case = make_case(personas.amal)  # another case, not affected
    record_consent(personas.amal, other_case, partner.org)
    untouched = send(personas.amal, other_case, partner.org)
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(actor=personas.amal, consent_id=consent.pk)
    pending.refresh_from_db()
    untouched.refresh_from_db()
    assert pending.status == R and pending.revoke_reason == "consent withdrawn"
    assert untouched.status == S
    assert Notification.objects.filter(user=partner.fatima, kind="referral_revoked").count() == 1
    assert AuditEvent.objects.filter(action="referral.revoke", object_id=str(pending.pk)).exists()


def test_withdrawing_consent_also_revokes_an_accepted_referral(
    personas, partner, the_case, consent, referral
):
    services.referral_accept(actor=partner.fatima, referral_id=referral.pk)
    services.consent_withdraw(actor=personas.amal, consent_id=consent.pk)
    referral.refresh_from_db()
    assert referral.status == R


# --- override --------------------------------------------------------------------------------


def test_case_manager_may_override_missing_consent_with_a_reason_and_it_is_audited(
    personas, partner, the_case
):
    referral = send(
        personas.bilal,
        the_case,
        partner.org,
        override_ground="medical_emergency",
        override_reason="Unconscious; urgent care",
    )
    assert referral.consent is None and referral.override_by == personas.bilal
    event = AuditEvent.objects.get(action="referral.consent_override")
    assert event.object_id == str(referral.pk) and event.actor == personas.bilal
    assert "Unconscious" not in str(event.detail) + str(event.fields)


def test_case_worker_override_is_forbidden(personas, partner, the_case):
    with pytest.raises(PermissionDenied):
        send(personas.amal, the_case, partner.org, override_reason="I think it is fine")
    assert not Referral.objects.exists()


def test_override_is_ignored_when_there_is_valid_consent(personas, partner, the_case, consent):
    referral = send(personas.bilal, the_case, partner.org, override_reason="not needed")
    assert referral.consent == consent and referral.override_reason == ""
    assert not AuditEvent.objects.filter(action="referral.consent_override").exists()


# --- sending ---------------------------------------------------------------------------------


def test_sending_sets_due_date_from_the_setting(personas, partner, the_case, consent):
    with override_settings(PAVE_REFERRAL_RESPONSE_DAYS=3):
        referral = send(personas.amal, the_case, partner.org)
    assert referral.due_by - referral.sent_at == datetime.timedelta(days=3)
    assert referral.status == S and referral.from_org == personas.ngo


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_ids": []}, "services"),
        ({"service_ids": [999999]}, "services"),
        ({"reason": "Because"}, "reason"),
        ({"shared_fields": ["identity_number"]}, "shared_fields"),
        ({"shared_fields": ["address"]}, "shared_fields"),
    ],
)
def test_referral_input_is_validated(personas, partner, the_case, consent, overrides, field):
    with pytest.raises(ValidationError) as exc:
        send(personas.amal, the_case, partner.org, **overrides)
    assert field in exc.value.message_dict


def test_cannot_refer_to_own_organisation_or_twice_to_the_same(
    personas, partner, the_case, consent
):
    with pytest.raises(ValidationError) as exc:
        send(personas.amal, the_case, personas.ngo)
    assert "to_org" in exc.value.message_dict
    send(personas.amal, the_case, partner.org)
    with pytest.raises(ValidationError) as exc:
        send(personas.amal, the_case, partner.org)
    assert "already has an open referral" in exc.value.message_dict["to_org"][0]


def test_only_managers_may_ask_for_a_transfer(personas, partner, the_case, consent):
    with pytest.raises(ValidationError) as exc:
        send(personas.amal, the_case, partner.org, transfer_ownership=True)
    assert "transfer_ownership" in exc.value.message_dict
    assert send(personas.bilal, the_case, partner.org, transfer_ownership=True).transfer_ownership


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.SCREENING_OFFICER])
def test_roles_that_do_not_refer_are_refused(personas, partner, the_case, consent, role):
    user = personas.by_role[role]
    with pytest.raises((PermissionDenied, Http404)):
        send(user, the_case, partner.org)


def test_outsider_cannot_refer_the_case(personas, partner, the_case, consent):
    with pytest.raises(Http404):
        send(personas.ravi, the_case, partner.org)


# --- the state machine -----------------------------------------------------------------------


def _to_state(state, referral, partner, personas):
    """Bring a fresh referral into `state` through allowed moves."""
    if state in (A, C):
        services.referral_accept(actor=partner.fatima, referral_id=referral.pk)
    if state == C:
        services.referral_complete(actor=partner.fatima, referral_id=referral.pk)
    if state == D:
        services.referral_decline(actor=partner.fatima, referral_id=referral.pk, reason="Full")
    if state == R:
        services.referral_revoke(actor=personas.amal, referral_id=referral.pk, reason="No need")


def _do(action, referral, partner, personas):
    if action == A:
        return services.referral_accept(actor=partner.fatima, referral_id=referral.pk)
    if action == D:
        return services.referral_decline(
            actor=partner.fatima, referral_id=referral.pk, reason="No beds"
        )
    if action == C:
        return services.referral_complete(actor=partner.fatima, referral_id=referral.pk)
    return services.referral_revoke(actor=personas.amal, referral_id=referral.pk, reason="Moved")


ALLOWED = [(S, A), (S, D), (S, R), (A, C), (A, R)]
FORBIDDEN = [
    (start, target)
    for start in (S, A, D, C, R)
    for target in (A, D, C, R)
    if (start, target) not in ALLOWED
]


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_allowed_transition(personas, partner, referral, start, target):
    _to_state(start, referral, partner, personas)
    result = _do(target, referral, partner, personas)
    referral.refresh_from_db()
    assert referral.status == result.status == target
    assert AuditEvent.objects.filter(
        action=f"referral.{ {A: 'accept', D: 'decline', C: 'complete', R: 'revoke'}[target] }",
        object_id=str(referral.pk),
    ).exists()


@pytest.mark.parametrize(("start", "target"), FORBIDDEN)
def test_forbidden_transition(personas, partner, referral, start, target):
    _to_state(start, referral, partner, personas)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        _do(target, referral, partner, personas)
    referral.refresh_from_db()
    assert referral.status == start
    assert "The referral is" in exc.value.message_dict["status"][0]
    assert AuditEvent.objects.count() == before


def test_declining_needs_a_reason(personas, partner, referral):
    with pytest.raises(ValidationError) as exc:
        services.referral_decline(actor=partner.fatima, referral_id=referral.pk, reason="  ")
    assert "reason" in exc.value.message_dict
    referral.refresh_from_db()
    assert referral.status == S


def test_revoking_needs_a_reason(personas, partner, referral):
    with pytest.raises(ValidationError):
        services.referral_revoke(actor=personas.amal, referral_id=referral.pk, reason="")


def test_only_the_receiving_side_answers_and_only_the_sending_side_revokes(
    personas, partner, referral
):
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=personas.bilal, referral_id=referral.pk)
    with pytest.raises(PermissionDenied):
        services.referral_revoke(actor=partner.fatima, referral_id=referral.pk, reason="x")
    with pytest.raises(PermissionDenied):  # sees it (sending side) but does not refer
        services.referral_revoke(
            actor=personas.by_role[Role.PROJECT_MANAGER], referral_id=referral.pk, reason="x"
        )
    for outsider in (personas.ravi, partner.by_role[Role.CASE_WORKER]):
        with pytest.raises(Http404):
            services.referral_accept(actor=outsider, referral_id=referral.pk)


# --- transfer of ownership -------------------------------------------------------------------


def test_accepting_a_transfer_moves_the_case_and_the_sender_loses_access(
    personas, partner, the_case, consent
):
    referral = send(personas.bilal, the_case, partner.org, transfer_ownership=True)
    services.referral_accept(actor=partner.fatima, referral_id=referral.pk)
    the_case.refresh_from_db()
    assert the_case.organisation == partner.org
    assert the_case.assigned_to == partner.fatima and the_case.office is None
    assert the_case.person.organisation_id == partner.org.pk
    for former in (personas.amal, personas.bilal):
        with pytest.raises(Http404):
            case_get_for_user(user=former, case_id=the_case.pk)
    assert case_get_for_user(user=partner.fatima, case_id=the_case.pk) == the_case
    assert case_get_for_user(user=partner.by_role[Role.CASE_MANAGER], case_id=the_case.pk)
    event = AuditEvent.objects.get(action="case.transfer")
    assert event.detail["from_org"] == personas.ngo.pk and event.detail["to_org"] == partner.org.pk
    # The sending organisation still sees its referral, but no longer the person.
    _, side, shows_person = services.referral_read(actor=personas.bilal, referral_id=referral.pk)
    assert side == "sent" and shows_person is False
    with pytest.raises(ValidationError):
        services.referral_revoke(actor=personas.bilal, referral_id=referral.pk, reason="undo")


def test_a_referral_without_transfer_keeps_the_case_where_it_is(personas, partner, referral):
    services.referral_accept(actor=partner.fatima, referral_id=referral.pk)
    referral.case.refresh_from_db()
    assert referral.case.organisation == personas.ngo
    with pytest.raises(Http404):
        case_get_for_user(user=partner.fatima, case_id=referral.case_id)


# --- what the receiving side sees ------------------------------------------------------------


def test_receiver_sees_only_the_shared_fields_while_open(personas, partner, referral):
    values = selectors.shared_values(referral)
    assert values == {"given_name": "Selamawit", "sex": "female", "age_group": "adult"}
    _, side, shows = services.referral_read(actor=partner.fatima, referral_id=referral.pk)
    assert side == "received" and shows
    services.referral_decline(actor=partner.fatima, referral_id=referral.pk, reason="Full")
    _, _, shows = services.referral_read(actor=partner.fatima, referral_id=referral.pk)
    assert shows is False


def test_reading_a_referral_is_audited_with_the_shared_field_names(personas, partner, referral):
    services.referral_read(actor=partner.fatima, referral_id=referral.pk)
    event = AuditEvent.objects.filter(action="referral.read").latest("id")
    assert event.actor == partner.fatima
    assert "shared.given_name" in event.fields and "shared.phone" not in event.fields
    assert "override_reason" not in event.fields


def test_receiving_roles(personas, partner, referral):
    for role in (Role.PARTNER_FOCAL_POINT, Role.CASE_MANAGER, Role.ADMINISTRATOR):
        assert selectors.referral_get_for_user(user=partner.by_role[role], referral_id=referral.pk)
    for role in (Role.CASE_WORKER, Role.PROJECT_MANAGER, Role.DONOR_VIEWER):
        with pytest.raises(Http404):
            selectors.referral_get_for_user(user=partner.by_role[role], referral_id=referral.pk)


# --- overdue ---------------------------------------------------------------------------------


def test_overdue_is_sent_and_past_the_due_date(personas, partner, referral):
    assert not referral.overdue
    Referral.objects.filter(pk=referral.pk).update(due_by=timezone.now() - datetime.timedelta(1))
    referral.refresh_from_db()
    assert referral.overdue
    late = selectors.ReferralFilters(box="received", overdue=True)
    assert list(selectors.referral_list(user=partner.fatima, filters=late)) == [referral]
    services.referral_accept(actor=partner.fatima, referral_id=referral.pk)
    referral.refresh_from_db()
    assert not referral.overdue
    assert not selectors.referral_list(user=partner.fatima, filters=late).exists()


# --- notifications ---------------------------------------------------------------------------


def test_sending_notifies_the_receivers_in_app_and_by_email_after_commit(
    personas, partner, the_case, consent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        referral = send(personas.amal, the_case, partner.org)
    assert callbacks
    receivers = {partner.by_role[r] for r in (Role.PARTNER_FOCAL_POINT, Role.CASE_MANAGER)}
    receivers.add(partner.by_role[Role.ADMINISTRATOR])
    rows = Notification.objects.filter(kind="referral_received")
    assert {row.user for row in rows} == receivers
    assert all(row.url == f"/referrals/{referral.pk}/" for row in rows)
    assert [m.to for m in mail.outbox] == [["fatima@arc.example"]]  # the one with an address
    assert f"#{referral.pk}" in mail.outbox[0].body


def test_notifications_hold_no_personal_data(
    personas, partner, the_case, consent, django_capture_on_commit_callbacks
):
    personas.amal.email = "amal@bms.example"
    personas.amal.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(personas.amal, the_case, partner.org, shared_fields=["given_name"])
        services.referral_decline(actor=partner.fatima, referral_id=referral.pk, reason="Full")
    person = the_case.person
    secrets = [person.given_name, person.family_name, person.phone, person.identity_number]
    texts = [n.message for n in Notification.objects.all()]
    texts += [f"{m.subject}{m.body}" for m in mail.outbox]
    assert len(mail.outbox) == 2  # fatima, then amal about the answer
    for text in texts:
        for secret in secrets:
            assert secret not in text
        assert "Arrives Tuesday" not in text and "Full" not in text


def test_answers_notify_the_sender_and_the_assigned_worker(personas, partner, the_case, consent):
    referral = send(personas.bilal, the_case, partner.org)
    services.referral_accept(actor=partner.fatima, referral_id=referral.pk)
    notified = {n.user for n in Notification.objects.filter(kind="referral_answered")}
    assert notified == {personas.bilal, personas.amal}


def test_nothing_is_emailed_when_the_write_fails(
    personas, partner, the_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        send(personas.amal, the_case, partner.org)
    assert mail.outbox == [] and not Notification.objects.exists()


# --- encryption at rest ----------------------------------------------------------------------


def test_free_text_is_encrypted_at_rest(personas, partner, the_case):
    consent = record_consent(personas.amal, the_case, partner.org, notes="Aunt Tigist signed")
    referral = send(
        personas.bilal,
        the_case,
        personas.other,
        details_for_receiver="Arrives Tuesday by bus",
        override_ground="medical_emergency",
        override_reason="Unconscious in hospital",
    )
    services.referral_decline(
        actor=personas.other_by_role[Role.CASE_MANAGER],
        referral_id=referral.pk,
        reason="Our shelter is full",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM referrals_consent WHERE id = %s", [consent.pk])
        (notes,) = cursor.fetchone()
        cursor.execute(
            "SELECT details_for_receiver, override_reason, decline_reason FROM "
            "referrals_referral WHERE id = %s",
            [referral.pk],
        )
        row = cursor.fetchone()
    assert "Tigist" not in notes
    assert "Tuesday" not in row[0] and "Unconscious" not in row[1] and "shelter" not in row[2]
    assert Consent.objects.get(pk=consent.pk).notes == "Aunt Tigist signed"


# --- directory -------------------------------------------------------------------------------


def test_directory_search_by_service_country_and_city(personas, partner):
    admin = partner.by_role[Role.ADMINISTRATOR]
    shelter, medical = service_ids("shelter"), service_ids("medical")
    services.directory_entry_create(
        actor=admin, service_type_id=shelter[0], country="et", city="Addis Ababa"
    )
    services.directory_entry_create(actor=admin, service_type_id=medical[0], country="ET")
    other_admin = personas.other_by_role[Role.ADMINISTRATOR]
    services.directory_entry_create(
        actor=other_admin, service_type_id=shelter[0], country="LB", city="Beirut"
    )

    def search(**kw):
        return list(selectors.directory_search(filters=selectors.DirectoryFilters(**kw)))

    assert len(search(services=tuple(shelter))) == 2
    assert [e.organisation for e in search(services=tuple(shelter), country="ET")] == [partner.org]
    assert [e.city for e in search(city="addis ababa")] == ["Addis Ababa"]
    assert search(services=tuple(medical), country="LB") == []
    providers = selectors.directory_providers(search(services=tuple(shelter + medical)))
    assert providers[0][0] == partner.org and len(providers[0][1]) == 2


def test_only_administrators_edit_their_own_directory_entries(personas, partner):
    shelter = service_ids("shelter")[0]
    with pytest.raises(PermissionDenied):
        services.directory_entry_create(actor=partner.fatima, service_type_id=shelter, country="ET")
    entry = services.directory_entry_create(
        actor=partner.by_role[Role.ADMINISTRATOR], service_type_id=shelter, country="ET"
    )
    with pytest.raises(Http404):
        services.directory_entry_update(
            actor=personas.by_role[Role.ADMINISTRATOR], entry_id=entry.pk, active=False
        )
    updated = services.directory_entry_update(
        actor=partner.by_role[Role.ADMINISTRATOR], entry_id=entry.pk, active=False
    )
    assert not updated.active
    assert not selectors.directory_search(filters=selectors.DirectoryFilters()).exists()


def test_duplicate_directory_entry_is_refused(personas, partner):
    admin = partner.by_role[Role.ADMINISTRATOR]
    shelter = service_ids("shelter")[0]
    services.directory_entry_create(actor=admin, service_type_id=shelter, country="ET")
    with pytest.raises(ValidationError):
        services.directory_entry_create(actor=admin, service_type_id=shelter, country="ET")


def test_a_case_worker_unassigned_from_the_case_no_longer_sees_the_person(
    personas, partner, referral
):
    colleague = make_user("selam", personas.ngo, Role.CASE_WORKER)
    with pytest.raises(Http404):
        services.referral_read(actor=colleague, referral_id=referral.pk)


def test_withdrawal_after_an_accepted_transfer_leaves_the_transfer_alone(
    personas, partner, the_case, consent
):
    referral = send(personas.bilal, the_case, partner.org, transfer_ownership=True)
    services.referral_accept(actor=partner.fatima, referral_id=referral.pk)
    services.consent_withdraw(actor=partner.fatima, consent_id=consent.pk)
    referral.refresh_from_db()
    assert referral.status == A
