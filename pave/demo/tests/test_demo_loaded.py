"""The loaded demo programme, checked from the records as a report would count them.

The demo is loaded once for this module, inside a transaction rolled back at the end; each
test runs in its own savepoint of it (pytest-django's `db`), so a test that writes leaves
nothing behind for the next.
"""

import datetime
import io
import stat
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F, Q
from django.test import override_settings

from pave.accounts.models import Organisation, User
from pave.accounts.roles import Role
from pave.assistance.models import (
    CasePlan,
    FollowUpVisit,
    ReintegrationAssessment,
    ServiceDelivery,
    ServiceType,
)
from pave.cases.models import Case, CaseTransition, Person, PersonNameToken
from pave.cases.rules import age_on, derive_is_minor
from pave.cases.selectors import CaseFilters, case_list
from pave.core.audit import audit_verify
from pave.core.models import AuditEvent
from pave.demo.organisations import PARTNER_USERS
from pave.notifications.models import Notification
from pave.referrals.models import (
    Consent,
    Referral,
    ReferralStatus,
    ServiceDirectoryEntry,
)
from pave.referrals.selectors import DirectoryFilters, directory_search
from pave.testing import catalogue_ensure

PERIOD = (datetime.date(2013, 7, 1), datetime.date(2014, 6, 30))
AS_OF = PERIOD[1]
ORIGINS = {"ET", "PH", "BD", "LK", "NP", "MG", "CM", "KE", "SD"}


def demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The output of one `pave demo load`, its records visible to every test here."""
    overrides = override_settings(
        DATA_DIR=tmp_path_factory.mktemp("demo"),
        # Argon2 is what real users get; the tests only need some hash, fast.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), overrides, transaction.atomic():
        catalogue_ensure()  # module-scoped: before the per-test fixture that does it
        yield demo("load")
        transaction.set_rollback(True)


@pytest.fixture
def db_loaded(loaded, db):
    return loaded


def delivered():
    return ServiceDelivery.objects.filter(status="delivered", delivered_on__range=PERIOD)


# --- cases and users -------------------------------------------------------------------------


def test_load_opens_the_factsheet_89_cases_at_iom_lebanon(db_loaded):
    cases = Case.objects.filter(organisation__code="IOM-LB")
    assert cases.count() == Case.objects.count() == 89
    assert cases.filter(is_minor=False, person__sex="female").count() == 85
    assert cases.filter(is_minor=False, person__sex="male").count() == 3
    minor = cases.get(is_minor=True)
    assert minor.person.sex == "female"
    assert minor.person.birth_date is not None
    assert age_on(minor.person.birth_date, minor.identification_date) == 16
    assert cases.filter(is_minor__isnull=True).count() == 0


def test_demo_cases_fall_in_the_project_period_and_are_mostly_domestic_work(db_loaded):
    dates = Case.objects.values_list("identification_date", flat=True)
    assert min(dates) >= PERIOD[0] and max(dates) <= AS_OF
    domestic = Case.objects.filter(industry="T_ActivitiesOfHouseholdsAsEmployers").count()
    assert domestic > 60
    citizenship = [p.citizenship[0] for p in Person.objects.all()]
    assert max(set(citizenship), key=citizenship.count) == "ET"
    assert set(Case.objects.values_list("assigned_to__username", flat=True)) == {"amal"}


def test_programme_users_hold_one_role_each_and_partners_have_their_own_staff(db_loaded):
    partner_staff = [spec.username for spec in PARTNER_USERS]
    programme = User.objects.exclude(username__in=partner_staff)
    assert sorted(programme.values_list("role", flat=True)) == sorted(Role.values)
    assert User.objects.get(username="amal").role == Role.CASE_WORKER
    assert User.objects.get(username="bilal").organisation.code == "IOM-LB"
    assert User.objects.get(username="dina").organisation.code == "GSD-LB"
    for code in ("BMS", "CLA", "PH-EMB-LB"):
        roles = set(User.objects.filter(organisation__code=code).values_list("role", flat=True))
        assert roles == {Role.ADMINISTRATOR, Role.PARTNER_FOCAL_POINT}


def test_load_writes_the_logins_readable_only_by_the_owner(db_loaded):
    path = settings.DATA_DIR / "demo-logins.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    for username in User.objects.values_list("username", flat=True):
        assert username in text
        assert username in db_loaded
    assert demo("logins").strip() == text.strip()


def test_printed_passwords_log_in(db_loaded):
    for name in ("amal", "rana", "nadim"):
        login = next(line.split() for line in db_loaded.splitlines() if line.startswith(name))
        assert User.objects.get(username=name).check_password(login[-1])


def test_second_load_fails_clearly_without_duplicating(db_loaded):
    with pytest.raises(CommandError, match="already loaded"):
        demo("load")
    assert Organisation.objects.filter(code="IOM-LB").count() == 1
    assert Case.objects.count() == 89


def test_if_empty_is_a_no_op_when_organisations_exist(db_loaded):
    events = AuditEvent.objects.count()
    assert "not loaded" in demo("load", "--if-empty")
    assert AuditEvent.objects.count() == events
    assert Case.objects.count() == 89


def test_audit_chain_verifies_after_load(db_loaded):
    assert list(audit_verify()) == []
    assert AuditEvent.objects.filter(action="case.create").count() == 89
    assert AuditEvent.objects.filter(action="demo.backdate").count() == 1


# --- who was directly assisted ---------------------------------------------------------------


def test_89_distinct_persons_directly_assisted_85_women_3_men_1_minor(db_loaded):
    rows = (
        delivered()
        .order_by()
        .values("case__person_id", "case__person__sex", "case__is_minor")
        .distinct()
    )
    persons = {r["case__person_id"]: (r["case__person__sex"], r["case__is_minor"]) for r in rows}
    assert len(persons) == 89
    assert Counter(persons.values()) == {
        ("female", False): 85,
        ("male", False): 3,
        ("female", True): 1,
    }
    assert delivered().order_by().values("case__person").distinct().count() == 89


def test_every_service_falls_between_identification_and_30_june_2014(db_loaded):
    outside = ServiceDelivery.objects.filter(
        Q(delivered_on__lt=F("case__identification_date")) | Q(delivered_on__gt=AS_OF)
    )
    assert not outside.exists()
    assert ServiceDelivery.objects.exclude(status="delivered").exists()  # planned, cancelled


def test_a_period_counts_only_who_was_assisted_in_it(db_loaded):
    def persons(start, end):
        return (
            ServiceDelivery.objects.filter(status="delivered", delivered_on__range=(start, end))
            .order_by()
            .values("case__person")
            .distinct()
            .count()
        )

    first = persons(PERIOD[0], datetime.date(2013, 12, 31))
    second = persons(datetime.date(2014, 1, 1), AS_OF)
    assert 0 < first < 89 and 0 < second < 89 and first + second > 89


def persons_with(**filters):
    return set(delivered().filter(**filters).values_list("case__person", flat=True))


def test_services_come_in_plausible_families_and_from_the_right_providers(db_loaded):
    returned_cases = Case.objects.filter(stage__in=["follow_up", "closed", "closed_referred"])
    returned = set(returned_cases.values_list("person", flat=True))
    assert len(persons_with(service_type__family="return")) > 89 / 2
    for code in ("travel-documents", "ticket", "reception-on-arrival"):
        assert returned <= persons_with(service_type__code=code)
    # Reintegration only for those who went home, and for every one of them.
    assert persons_with(service_type__family="reintegration") == returned
    assert persons_with(service_type__family="reintegration", provider__code="IOM-LB") == (returned)
    # Filipino travel documents from the embassy, everyone else's through IOM.
    filipinos = set(Person.objects.filter(citizenship=["PH"]).values_list("pk", flat=True))
    papers = delivered().filter(service_type__code="travel-documents")
    assert set(papers.filter(provider__code="PH-EMB-LB").values_list("case__person", flat=True))
    assert set(papers.values_list("provider__code", flat=True)) == {"IOM-LB", "PH-EMB-LB"}
    assert all(
        (d.provider.code == "PH-EMB-LB") == (d.case.person_id in filipinos)
        for d in papers.select_related("provider", "case")
    )
    assert len(persons_with(service_type__code="psychosocial-recovery", provider__code="BMS")) > 40
    assert len(persons_with(service_type__code="legal-aid", provider__code="CLA")) > 20
    assert persons_with(service_type__code="shelter")
    assert persons_with(service_type__code="medical")
    # BMS (shelter, counselling) takes women only; the minor was escorted home.
    assert not delivered().filter(provider__code="BMS", case__person__sex="male").exists()
    assert delivered().filter(service_type__code="escort", case__is_minor=True).exists()


def test_costs_are_in_dollars_pounds_and_euros(db_loaded):
    costs = ServiceDelivery.objects.filter(cost__isnull=False)
    assert set(costs.values_list("currency", flat=True)) == {"USD", "LBP", "EUR"}
    tickets = [
        cost
        for cost in costs.filter(service_type__code="ticket").values_list("cost", flat=True)
        if cost is not None  # none is: the query asks for costs, not null
    ]
    assert min(tickets) >= 300 and max(tickets) <= 1300
    grants = costs.filter(service_type__code="economic-reintegration")
    assert set(grants.values_list("currency", flat=True)) == {"EUR"}


def test_closed_cases_went_home_and_reintegrated_before_closing(db_loaded):
    closed = Case.objects.filter(stage__in=["closed", "closed_referred"])
    assert closed.exists()
    for case in closed:
        families = set(
            ServiceDelivery.objects.filter(case=case, status="delivered").values_list(
                "service_type__family", flat=True
            )
        )
        assert {"return", "reintegration"} <= families
        closed_on = case.transitions.get(to_stage=case.stage).at.date()
        last_service = max(
            ServiceDelivery.objects.filter(case=case).values_list("delivered_on", flat=True)
        )
        assert last_service <= closed_on <= AS_OF


def test_service_notes_are_encrypted_at_rest(db_loaded):
    service = ServiceDelivery.objects.exclude(notes="").first()
    assert service is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM assistance_servicedelivery WHERE id = %s", [service.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("pave1:") and service.notes not in stored


# --- plans, follow-up, reintegration ---------------------------------------------------------


def test_follow_up_visits_and_two_reintegration_assessments_after_return(db_loaded):
    after_return = Case.objects.filter(stage__in=["follow_up", "closed", "closed_referred"])
    for case in after_return:
        visits = FollowUpVisit.objects.filter(case=case, done_on__isnull=False)
        assert visits.exists()
        assessments = list(
            ReintegrationAssessment.objects.filter(case=case).order_by("assessed_on")
        )
        assert 1 <= len(assessments) <= 2
        if case.stage != "follow_up":
            assert len(assessments) == 2
            assert assessments[1].total > assessments[0].total
    assert not FollowUpVisit.objects.exclude(case__in=after_return).exists()
    assert not ReintegrationAssessment.objects.exclude(case__in=after_return).exists()
    # Open follow-up cases have their next visit due.
    due = FollowUpVisit.objects.filter(done_on__isnull=True)
    assert set(due.values_list("case__stage", flat=True)) == {"follow_up"}
    twice = Counter(ReintegrationAssessment.objects.values_list("case", flat=True))
    assert sum(1 for n in twice.values() if n == 2) > 40


def test_some_cases_have_support_plans(db_loaded):
    with_plans = CasePlan.objects.order_by().values("case").distinct().count()
    assert 15 <= with_plans <= 60
    statuses = set(CasePlan.objects.values_list("status", flat=True))
    assert statuses == {"active", "completed", "discontinued"}
    assert not CasePlan.objects.filter(case__stage__in=["closed"], status="active").exists()


# --- stages through the workflow -------------------------------------------------------------


def test_stages_were_reached_through_the_workflow_on_their_dates(db_loaded):
    stages = Counter(Case.objects.values_list("stage", flat=True))
    assert {"identified", "assessed", "assistance", "follow_up", "closed"} <= set(stages)
    assert not AuditEvent.objects.filter(action="demo.stage").exists()
    for case in Case.objects.prefetch_related("transitions"):
        steps = list(case.transitions.all())
        path = ["identified", *(step.to_stage for step in steps)]
        assert path[-1] == case.stage
        assert all(a.from_stage == b for a, b in zip(steps, path, strict=False))
        assert all(a.at < b.at for a, b in zip(steps, steps[1:], strict=False))
        assert all(case.identification_date <= s.at.date() <= AS_OF for s in steps)
        if case.stage == "closed":
            request, approval = steps[-2:]
            assert request.actor is not None and approval.actor is not None
            assert request.actor.username == "amal" and approval.actor.username == "bilal"
    moves = AuditEvent.objects.filter(action="case.stage.move").count()
    assert moves == CaseTransition.objects.filter(action="move").count()


# --- consent and referrals -------------------------------------------------------------------


def test_consent_to_processing_from_everyone_and_to_statistics_from_most(db_loaded):
    processing = Consent.objects.filter(purpose="processing")
    assert processing.order_by().values("case").distinct().count() == 89
    assert processing.filter(how_obtained="guardian").get().case.is_minor
    statistics = Consent.objects.filter(purpose="statistics").values("case").distinct()
    assert 89 * 0.7 < statistics.order_by().count() < 89
    referred = set(Referral.objects.values_list("case", flat=True))
    assert set(Consent.objects.filter(purpose="referral").values_list("case", flat=True)) <= (
        referred
    )


def test_every_referral_has_valid_consent_or_a_written_override(db_loaded):
    referrals = Referral.objects.select_related("consent", "override_by", "from_org", "to_org")
    assert 12 <= referrals.count() <= 20
    for referral in referrals:
        assert referral.from_org.code == "IOM-LB"
        assert referral.to_org.code in {"BMS", "CLA", "PH-EMB-LB"}
        assert PERIOD[0] <= referral.sent_at.date() <= AS_OF
        if referral.consent is None:
            assert referral.override_by is not None
            assert referral.override_reason and referral.override_by.role == Role.CASE_MANAGER
        else:
            assert referral.consent.covers(referral.to_org_id)
            assert referral.consent.is_active(on=referral.sent_at.date())
    assert referrals.filter(consent__isnull=True).count() == 1


def test_referrals_end_in_every_status(db_loaded):
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    assert set(statuses) == set(ReferralStatus.values)
    assert statuses["completed"] >= statuses["accepted"] >= 1
    for referral in Referral.objects.filter(status="declined"):
        assert referral.responded_at is not None
        assert referral.decline_reason and referral.responded_at > referral.sent_at
    waiting = Referral.objects.get(status="sent")
    assert waiting.overdue
    assert [r.pk for r in Referral.objects.all() if r.overdue] == [waiting.pk]
    for referral in Referral.objects.filter(status="completed"):
        assert referral.responded_at is not None and referral.completed_at is not None
        assert referral.sent_at <= referral.responded_at <= referral.completed_at
        # What was asked for was delivered by the organisation it was asked of.
        given = ServiceDelivery.objects.filter(
            case=referral.case_id, provider=referral.to_org_id, status="delivered"
        ).values_list("service_type", flat=True)
        assert set(referral.services.values_list("pk", flat=True)) <= set(given)


def test_partners_answered_and_notifications_are_read(db_loaded):
    answered_by = set(
        Referral.objects.exclude(responded_by=None).values_list("responded_by__username", flat=True)
    )
    assert answered_by == {"rana", "nadim", "liza"}
    assert Notification.objects.exists()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_directory_lists_each_partner_in_lebanon_and_iom_in_every_country_of_origin(db_loaded):
    in_lebanon = set(
        ServiceDirectoryEntry.objects.filter(country="LB").values_list(
            "organisation__code", flat=True
        )
    )
    assert in_lebanon == {"IOM-LB", "BMS", "CLA", "PH-EMB-LB"}
    abroad = ServiceDirectoryEntry.objects.exclude(country="LB")
    assert set(abroad.values_list("organisation__code", flat=True)) == {"IOM-LB"}
    assert {str(c) for c in abroad.values_list("country", flat=True)} == ORIGINS
    legal = directory_search(filters=DirectoryFilters(services=(legal_aid_pk(),), country="LB"))
    assert [e.organisation.code for e in legal] == ["CLA"]


def legal_aid_pk():
    return ServiceType.objects.get(code="legal-aid").pk


# --- generate, on top of the demo ------------------------------------------------------------


@pytest.fixture
def generated(db_loaded):
    before = set(Case.objects.values_list("pk", flat=True))
    demo("generate", "--persons", "50", "--batch", "20", "--seed", "7")
    return Case.objects.exclude(pk__in=before).select_related("person")


def search(user, text):
    return set(case_list(user=user, filters=CaseFilters(search=text)).values_list("pk", flat=True))


def test_generate_creates_cases_at_the_organisation(generated):
    assert generated.count() == 50
    assert {c.organisation.code for c in generated} == {"IOM-LB"}
    assert len({c.reference for c in generated}) == 50
    assert all(c.reference == c.person.reference for c in generated)
    assert all(c.is_minor == derive_is_minor(c.person, c.identification_date) for c in generated)
    assert AuditEvent.objects.filter(action="demo.generate").count() == 3  # 20 + 20 + 10


def test_generated_person_is_found_by_identity_number_and_name(generated):
    bilal = User.objects.get(username="bilal")
    case = next(c for c in generated if c.person.identity_number)
    assert search(bilal, case.person.identity_number) == {case.pk}
    name = f"{case.person.given_name} {case.person.family_name}".upper()
    assert case.pk in search(bilal, name)
    assert case.pk in search(bilal, case.reference)


def test_generated_personal_data_is_encrypted_at_rest(generated):
    case = generated.first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM cases_person WHERE id = %s", [case.person_id])
        stored = cursor.fetchone()[0]
    assert stored.startswith("pave1:")
    assert case.person.given_name not in stored
    assert PersonNameToken.objects.filter(person_id=case.person_id).exists()


def test_audit_chain_verifies_after_generate(generated):
    assert list(audit_verify()) == []
