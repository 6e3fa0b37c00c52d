from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from pave.cases.models import Case, Person
from pave.cases.selectors import CaseFilters, case_list
from pave.core import crypto
from pave.testing import make_case, person_data


def raw_key_ids(column: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM cases_person WHERE {column} <> ''")  # noqa: S608
        return {crypto.Keyring.key_id_of(row[0]) for row in cursor.fetchall()}


def test_rotation_reencrypts_everything_without_loss(file_keys, personas):
    case = make_case(personas.amal, person=person_data(given_name="Hiwot", identity_number="X1"))
    old_id = crypto.keyring().current.key_id

    out = StringIO()
    call_command("keys", "rotate", stdout=out)

    crypto.reset_keyring()
    new_id = crypto.keyring().current.key_id
    assert new_id != old_id
    assert raw_key_ids("given_name") == {new_id}
    assert raw_key_ids("identity_number") == {new_id}
    person = Person.objects.get(pk=case.person_id)
    assert person.given_name == "Hiwot"
    # Blind indexes were rebuilt under the new key: search still finds her.
    found = case_list(user=personas.amal, filters=CaseFilters(search="hiwot"))
    assert list(found) == [Case.objects.get(pk=case.pk)]
    found = case_list(user=personas.amal, filters=CaseFilters(search="x1"))
    assert found.count() == 1
    assert "re-encrypted" in out.getvalue()


def test_retiring_old_keys_keeps_only_what_is_needed(file_keys, personas):
    make_case(personas.amal)
    call_command("keys", "rotate", "--retire-old", stdout=StringIO())
    crypto.reset_keyring()
    assert len(crypto.keyring().keys) == 1
    assert Person.objects.get().given_name.startswith("Meron")


def test_rotation_with_environment_keys_reencrypts_to_the_first_key(personas):
    old, new = crypto.new_key(), crypto.new_key()
    with override_settings(PAVE_DATA_KEYS=old.encode()):
        crypto.reset_keyring()
        make_case(personas.amal)
    with override_settings(PAVE_DATA_KEYS=f"{new.encode()},{old.encode()}"):
        crypto.reset_keyring()
        call_command("keys", "rotate", stdout=StringIO())
        assert raw_key_ids("given_name") == {new.key_id}
        with override_settings(PAVE_DATA_KEYS=new.encode()):
            crypto.reset_keyring()
            assert Person.objects.get().family_name == "Tesfaye"
