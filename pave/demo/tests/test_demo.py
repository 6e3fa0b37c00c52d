import io
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pave.accounts.models import Organisation, User
from pave.accounts.roles import Role
from pave.cases.models import Case, Person, PersonNameToken
from pave.cases.selectors import CaseFilters, case_list
from pave.cases.services import age_on, derive_is_minor
from pave.core.audit import audit_verify
from pave.core.models import AuditEvent
from pave.demo import services


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    # Argon2 is what real users get; the tests only need some hash, fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def loaded(db, demo_settings):
    return demo("load")


def test_load_opens_the_factsheet_89_cases_at_iom_lebanon(loaded):
    cases = Case.objects.filter(organisation__code="IOM-LB")
    assert cases.count() == Case.objects.count() == 89
    assert cases.filter(is_minor=False, person__sex="female").count() == 85
    assert cases.filter(is_minor=False, person__sex="male").count() == 3
    minor = cases.get(is_minor=True)
    assert minor.person.sex == "female"
    assert age_on(minor.person.birth_date, minor.identification_date) == 16
    assert cases.filter(is_minor__isnull=True).count() == 0


def test_demo_cases_fall_in_the_project_period_and_are_mostly_domestic_work(loaded):
    dates = Case.objects.values_list("identification_date", flat=True)
    assert min(dates).isoformat() >= "2013-07-01"
    assert max(dates).isoformat() <= "2014-06-30"
    domestic = Case.objects.filter(industry="T_ActivitiesOfHouseholdsAsEmployers").count()
    assert domestic > 60
    citizenship = [p.citizenship[0] for p in Person.objects.all()]
    assert max(set(citizenship), key=citizenship.count) == "ET"
    assert set(Case.objects.values_list("assigned_to__username", flat=True)) == {"amal"}


def test_demo_stages_are_spread_and_audited(loaded):
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {"assistance", "follow_up", "closed"} <= stages
    assert AuditEvent.objects.filter(action="demo.stage").count() == 1
    assert AuditEvent.objects.filter(action="case.create").count() == 89


def test_load_creates_one_user_per_role(loaded):
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)
    assert User.objects.get(username="amal").role == Role.CASE_WORKER
    assert User.objects.get(username="bilal").organisation.code == "IOM-LB"
    assert User.objects.get(username="dina").organisation.code == "GSD-LB"
    assert User.objects.get(role=Role.PARTNER_FOCAL_POINT).organisation.code == "BMS"


def test_load_writes_the_logins_readable_only_by_the_owner(loaded, demo_settings):
    path = demo_settings.DATA_DIR / "demo-logins.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    for username in User.objects.values_list("username", flat=True):
        assert username in text
        assert username in loaded
    assert demo("logins").strip() == text.strip()


def test_printed_passwords_log_in(loaded):
    login = next(line.split() for line in loaded.splitlines() if line.startswith("amal "))
    assert User.objects.get(username="amal").check_password(login[-1])


def test_logins_without_a_loaded_demo_says_so_and_succeeds(db, demo_settings):
    assert "No demo logins" in demo("logins")


def test_second_load_fails_clearly_without_duplicating(loaded):
    with pytest.raises(CommandError, match="already loaded"):
        demo("load")
    assert Organisation.objects.filter(code="IOM-LB").count() == 1
    assert Case.objects.count() == 89


def test_load_refuses_a_database_with_other_organisations(db, demo_settings):
    Organisation.objects.create(code="REAL", name="Real NGO", type="NGO", country="LB")
    with pytest.raises(CommandError, match="only loaded into an empty database"):
        demo("load")


def test_if_empty_is_a_no_op_when_organisations_exist(loaded):
    events = AuditEvent.objects.count()
    assert "not loaded" in demo("load", "--if-empty")
    assert AuditEvent.objects.count() == events
    assert Case.objects.count() == 89


def test_demo_people_are_the_same_on_every_load():
    import random

    first = services.demo_profiles(random.Random(services.DEMO_SEED))
    again = services.demo_profiles(random.Random(services.DEMO_SEED))
    assert first == again
    assert len(first) == 89


def test_audit_chain_verifies_after_load(loaded):
    assert list(audit_verify()) == []


# --- generate --------------------------------------------------------------------------------


@pytest.fixture
def generated(loaded):
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


def test_generate_for_an_unknown_organisation_fails_clearly(db, demo_settings):
    with pytest.raises(CommandError, match="no organisation"):
        demo("generate", "--persons", "5", "--org", "NOPE")
